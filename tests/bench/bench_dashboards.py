"""Bench: the leadership dashboards under load, against the raw SQL that aggregates the same figures.

gunicorn with production settings on 127.0.0.1 (a free port), 10 concurrent clients signed in
as a leadership user, a fixed number of requests each. Targets: portfolio p95 within 150 ms,
programme page p95 within 300 ms; the first portfolio request after a save in one programme
(portfolio warm, one progress update through the service) within 150 ms. In the same run, the raw SQL that aggregates the portfolio's
figures (per programme: mean percent and RAG counts from the stored columns) and a programme's
(per objective) is timed under the same concurrency, and the ratios are reported.

`run(context) -> dict` is called by tests/bench/run.py, which builds the scale data set and
passes its database_url (and optionally the number of gunicorn workers);
`python -m tests.bench.bench_dashboards` runs it alone on $DATABASE_URL.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

from tests.bench import context_value, percentile, timings_summary
from tests.bench.server import (
    free_port,
    production_environment,
    production_workers,
    start_gunicorn,
    venv_python,
)

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 10
REQUESTS_PER_CLIENT = 30
WARMUP_ROUNDS = 3
SQL_REPEATS_PER_CLIENT = 30
TARGETS_MS = {"portfolio": 150, "programme": 300, "portfolio_after_save": 150}
SAVE_ROUNDS = 5
USERNAME = "bench.leadership"
REQUEST_TIMEOUT_S = 30

PORTFOLIO_SQL = """
SELECT p.id, p.short_name,
       AVG(a.percent) FILTER (WHERE a.status NOT IN ('cancelled', 'deferred')) AS mean_percent,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'blue') AS blue,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'green') AS green,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'amber') AS amber,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'red') AS red,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'grey') AS grey,
       COUNT(a.id) FILTER (WHERE COALESCE(a.revised_due_date, a.due_date) < CURRENT_DATE
                           AND a.status NOT IN ('completed', 'cancelled', 'deferred')) AS overdue,
       COUNT(a.id) FILTER (WHERE a.status <> 'completed' AND a.status NOT IN ('cancelled', 'deferred')
                           AND (a.last_updated_on IS NULL
                                OR a.last_updated_on < CURRENT_DATE - 45)) AS not_updated
FROM programmes_programme p
LEFT JOIN actionplans_action a ON a.programme_id = p.id
GROUP BY p.id, p.short_name, p.name
ORDER BY p.name
"""

PROGRAMME_SQL = """
SELECT o.id, o.reference, o.rollup_percent, o.rollup_rag,
       AVG(a.percent) FILTER (WHERE a.status NOT IN ('cancelled', 'deferred')) AS mean_percent,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'blue') AS blue,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'green') AS green,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'amber') AS amber,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'red') AS red,
       COUNT(a.id) FILTER (WHERE a.computed_rag = 'grey') AS grey
FROM programmes_objective o
LEFT JOIN actionplans_action a ON a.objective_id = o.id
WHERE o.programme_id = %s
GROUP BY o.id, o.reference, o.rollup_percent, o.rollup_rag
ORDER BY o.order, o.reference
"""



SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.db.models import Count
from programmes.models import Programme
from programmes.roles import LEADERSHIP, ensure_role_groups
user, _ = get_user_model().objects.get_or_create(username={username!r})
user.set_unusable_password(); user.save()
user.groups.add(ensure_role_groups()[LEADERSHIP])
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
sizes = list(Programme.objects.annotate(n=Count("actions")).order_by("-n", "pk").values_list("pk", "n"))
print(json.dumps({{"session": session.session_key, "programmes": sizes}}))
"""


def _setup(env: dict) -> dict:
    """A leadership user, a signed-in session for it, and the programmes by size."""
    python = venv_python()
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", SETUP.format(username=USERNAME)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


SAVE = """
from actionplans.models import Action
from actionplans.services import action_record_progress
from programmes.models import AuditEntry
from django.db.models import Q
from django.utils import timezone
started = Q(start_date__lte=timezone.localdate()) | Q(start_date__isnull=True)
action = (Action.objects.filter(started, programme_id={programme_id})
          .exclude(status__in=("completed", "cancelled", "deferred")).order_by("pk").first())
action_record_progress(action=action, percent=min(99, action.percent + 1), status="in_progress",
                       commentary="Bench: one save.", author_name="Bench", channel=AuditEntry.Channel.BROWSER)
"""


def _save_in(env: dict, programme_id: int) -> None:
    """One progress update through the service, in its own process (as another web process would)."""
    subprocess.run(
        [venv_python(), "manage.py", "shell", "-c", SAVE.format(programme_id=programme_id)],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )


def _after_saves(env: dict, programmes: list[int], fetch_portfolio, workers: int) -> dict:
    """Portfolio warm on every worker, then one save in one programme, then the next portfolio request:
    each round in another programme (none of them the largest, nor the smallest)."""
    timings = []
    for round_ in range(SAVE_ROUNDS):
        _concurrently(lambda i: fetch_portfolio(), workers, WARMUP_ROUNDS)
        _save_in(env, programmes[(round_ * 7 + 3) % len(programmes)])
        timings.append(fetch_portfolio())
    return {
        "rounds": len(timings),
        "median_ms": round(percentile(timings, 50), 1),
        "max_ms": round(max(timings), 1),
        "target_ms": TARGETS_MS["portfolio_after_save"],
    }


def _fetch(url: str, session: str) -> float:
    """One GET on a fresh connection (gunicorn's sync workers close it anyway); milliseconds."""
    parts = urllib.parse.urlsplit(url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request(
            "GET",
            parts.path + (f"?{parts.query}" if parts.query else ""),
            headers={"Cookie": f"sessionid={session}"},
        )
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(
            f"{url} answered {response.status} {response.getheader('Location') or ''}: "
            "is the bench session signed in?"
        )
    return elapsed


def _concurrently(work, clients: int, per_client: int) -> list[float]:
    """Run work(i) per_client times in each of `clients` threads; durations in ms."""
    timings, errors, lock = [], [], threading.Lock()

    def client(number: int):
        for i in range(per_client):
            try:
                elapsed = work(number * per_client + i)
            except Exception as error:  # noqa: BLE001 - reported, not swallowed
                with lock:
                    errors.append(repr(error))
                return
            with lock:
                timings.append(elapsed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} request(s) failed, first: {errors[0]}")
    return timings


def _time_sql(database_url: str, sql: str, params_for) -> dict:
    import psycopg

    def work(i: int) -> float:
        connection = connections[threading.get_ident()]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params_for(i))
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    connections = {}

    def opened(work_for):
        def run(i):
            key = threading.get_ident()
            if key not in connections:
                connections[key] = psycopg.connect(database_url, autocommit=True)
            return work_for(i)

        return run

    try:
        timings = _concurrently(opened(work), CLIENTS, SQL_REPEATS_PER_CLIENT)
    finally:
        for connection in connections.values():
            connection.close()
    return timings_summary(timings)


def run(context=None) -> dict:
    database_url = context_value(context, "database_url") or os.environ["DATABASE_URL"]
    workers = int(context_value(context, "workers") or os.environ.get("BENCH_WORKERS") or production_workers())
    env = production_environment(database_url)
    setup = _setup(env)
    programmes = [pk for pk, _ in setup["programmes"]]
    if not programmes:
        raise RuntimeError("The bench database has no programmes: build the scale data set first.")
    port = free_port()
    server = start_gunicorn(env, port, workers)
    base = f"http://127.0.0.1:{port}"
    portfolio_url = f"{base}/dashboards/"

    def programme_url(i: int) -> str:
        return f"{base}/dashboards/programmes/{programmes[i % len(programmes)]}/"

    try:
        cold_portfolio = _fetch(portfolio_url, setup["session"])
        cold_programme = _fetch(programme_url(0), setup["session"])
        # Without Redis each worker keeps its own pages: warm every worker on every page first
        # (the cold first request is reported above).
        _concurrently(lambda i: _fetch(portfolio_url, setup["session"]), workers, WARMUP_ROUNDS)
        _concurrently(
            lambda i: _fetch(programme_url(i), setup["session"]),
            workers,
            WARMUP_ROUNDS * len(programmes),
        )
        portfolio = timings_summary(
            _concurrently(
                lambda i: _fetch(portfolio_url, setup["session"]), CLIENTS, REQUESTS_PER_CLIENT
            )
        )
        programme = timings_summary(
            _concurrently(
                lambda i: _fetch(programme_url(i), setup["session"]), CLIENTS, REQUESTS_PER_CLIENT
            )
        )
        after_save = _after_saves(env, programmes, lambda: _fetch(portfolio_url, setup["session"]), workers)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    sql_portfolio = _time_sql(database_url, PORTFOLIO_SQL, lambda i: ())
    sql_programme = _time_sql(
        database_url, PROGRAMME_SQL, lambda i: (programmes[i % len(programmes)],)
    )
    portfolio["cold_first_request_ms"] = round(cold_portfolio, 1)
    programme["cold_first_request_ms"] = round(cold_programme, 1)
    return {
        "name": "dashboards",
        "clients": CLIENTS,
        "gunicorn_workers": workers,
        "programmes": len(programmes),
        "actions": sum(n for _, n in setup["programmes"]),
        "portfolio": portfolio
        | {
            "target_p95_ms": TARGETS_MS["portfolio"],
            "met": portfolio["p95_ms"] <= TARGETS_MS["portfolio"],
        },
        "programme_page": programme
        | {
            "target_p95_ms": TARGETS_MS["programme"],
            "met": programme["p95_ms"] <= TARGETS_MS["programme"],
        },
        "portfolio_after_save": after_save,
        # The median of the rounds: the first portfolio request after one save, on a warm portfolio.
        "portfolio_after_save_ms": after_save["median_ms"],
        "raw_sql_portfolio": sql_portfolio,
        "raw_sql_programme": sql_programme,
        "portfolio_vs_raw_sql_p95": round(
            portfolio["p95_ms"] / max(sql_portfolio["p95_ms"], 0.01), 1
        ),
        "programme_vs_raw_sql_p95": round(
            programme["p95_ms"] / max(sql_programme["p95_ms"], 0.01), 1
        ),
        "notes": "Pages keep computed trees and rendered rows per programme and its figures version (ADR 12); "
        "p95 is measured after each worker has warmed, the cold first request is reported too.",
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
