# One image for the web server, the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# Pango and fonts for WeasyPrint's PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY dashboards/reports/compiled.py /tmp/compile_pdf_renderer.py
# WeasyPrint compiled by Cython (ADR 16): a C compiler for the build only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install --no-cache-dir . \
    && COMPILE_PDF_RENDERER=required python /tmp/compile_pdf_renderer.py \
    && apt-get purge -y gcc libc6-dev && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/* /tmp/compile_pdf_renderer.py
COPY . .
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input

RUN useradd --system --home /app app && chown -R app /app
USER app
EXPOSE 8000
# Workers, bind address and logging: gunicorn.conf.py (WEB_CONCURRENCY sets the workers).
CMD ["gunicorn", "config.wsgi:application"]
