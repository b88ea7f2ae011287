# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test test-fast bench install migrate demo lint static clean check-deploy

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[dev]"
	$(BIN)/python -m dashboards.reports.compiled
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo --shift-dates
	$(BIN)/python manage.py create_demo_users

run: demo
	@echo "Serving on http://$(HOST)/ (stop with Ctrl+C)"
	$(BIN)/python manage.py runserver $(HOST)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" -x $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m tests.bench.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Rebuild GOV.UK Frontend with Arial and vendor htmx (needs node and npm; the result is committed).
static:
	bash static/build.sh

check-deploy: install
	env -u DJANGO_ALLOW_ASYNC_UNSAFE DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	DJANGO_ALLOWED_HOSTS=plans.example.gov.uk $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
