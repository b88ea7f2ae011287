"""Bench: the month-end rush. Officers save at a person's pace while leadership reads the dashboards.

gunicorn as production runs it (gunicorn.conf.py, production settings, WITH Redis as the cache and
broker, its database flushed first) on 127.0.0.1, and locust headless in a subprocess
(tests/bench/rush_locustfile.py), bounded in time (RUSH_SECONDS, 60 by default; RUSH_OFFICERS and RUSH_LEADERS change the crowd):

- 20 officers (the scale data set's `scale.<name>` accounts, given a password for the run) sign in
  through the sign-in page, then every 5 to 10 s open the update form of one of their own open
  actions, read its CSRF token and version, and post an update with htmx as the browser does.
  Each officer has actions no other rush officer owns. Every accepted save (the "Update saved."
  answer) is recorded with a marker written into its commentary; a 409 that shows the conflict
  panel is counted as a conflict, not an error.
- 10 leadership users sign in the same way and read the portfolio and the programme pages, about a
  second apart.

Afterwards, in this process: every accepted update must be in the database (lost = accepted but
missing) and the stored figures must equal a fresh computation (`stored_matches_fresh`).

`run(context) -> dict` is called by tests/bench/run.py; `python -m tests.bench.bench_rush` runs it
alone on $DATABASE_URL (the scale data set must be there).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
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
LOCUSTFILE = Path(__file__).with_name("rush_locustfile.py")
OFFICERS = 20
LEADERS = 10
ACTIONS_PER_OFFICER = 5
RUSH_SECONDS = 60
# A save or page under way when the time is up is let finish, so that its answer is recorded.
STOP_TIMEOUT_S = 30
# The rush starts once all have signed in; locust's own time limit is only a backstop.
SIGN_IN_ALLOWANCE_S = 300
REDIS_URL = "redis://127.0.0.1:6379/4"
LEADER_PREFIX = "bench.rush.leader"
# The names locust reports each request under (rush_locustfile.py uses the same).
SAVE, FORM, PORTFOLIO, PROGRAMME = "save", "update form", "portfolio", "programme page"
SIGN_IN_PAGE, SIGN_IN = "sign-in page", "sign in"
MARKER = re.compile(r"rush-[0-9a-f]+-o\d+-s\d+")

SETUP = """
import json, os
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from actionplans.permissions import owned_actions_q
from programmes.models import Programme
from programmes.roles import LEADERSHIP, ensure_role_groups
from tests.bench import updatable_actions
User = get_user_model()
password = os.environ["RUSH_PASSWORD"]
updatable = updatable_actions()
officers, taken = [], set()
for user in User.objects.filter(username__startswith="scale.", is_active=True).order_by("username"):
    if len(officers) >= {officers}:
        break
    mine = [pk for pk in updatable.filter(owned_actions_q(user=user)).order_by("pk").distinct()
            .values_list("pk", flat=True) if pk not in taken][:{per_officer}]
    if not mine:
        continue
    taken.update(mine)
    user.set_password(password); user.save(update_fields=["password"])
    officers.append({{"username": user.username, "actions": mine}})
leaders = []
for number in range(1, {leaders} + 1):
    user, _ = User.objects.get_or_create(username=f"{leader_prefix}{{number:02d}}", defaults={{"first_name": "Bench"}})
    user.set_password(password); user.save()
    user.groups.add(ensure_role_groups()[LEADERSHIP])
    leaders.append(user.username)
session = SessionStore()
if leaders:  # the last leader's, to warm the pages before the rush
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
programmes = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
print(json.dumps({{"officers": officers, "leaders": leaders, "programmes": programmes,
                  "warm_session": session.session_key}}))
"""


# ---------------------------------------------------------------- pure parts (tests/bench/test_rush.py)


def csrf_token(html: str) -> str | None:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else None


def form_fields(html: str) -> dict | None:
    """The CSRF token, version and percent the update form was opened with; None if it is not the form."""
    token = csrf_token(html)
    version = re.search(r'name="version" value="(\d+)"', html)
    percent = re.search(r'name="percent"[^>]*value="(\d+)"', html)
    if not token or not version:
        return None
    return {"token": token, "version": version.group(1), "percent": int(percent.group(1)) if percent else 0}


def save_outcome(status: int, body: str, location: str = "") -> str:
    """"accepted", "conflict" (the app showed someone else's edit and saved nothing) or "error"."""
    if status == 200 and "Update saved." in body:
        return "accepted"
    if status == 302 and re.fullmatch(r"/actions/\d+/", location):  # the form without JavaScript
        return "accepted"
    if status == 409 and "your update has not been saved" in body:
        return "conflict"
    return "error"


def save_marker(run_id: str, officer: int, save: int) -> str:
    return f"rush-{run_id}-o{officer:02d}-s{save:04d}"


def lost_updates(accepted: list[dict], stored: list[tuple[int, str]]) -> list[str]:
    """Markers of accepted saves with no update of the same action carrying them in its commentary."""
    found = {(action_id, marker) for action_id, commentary in stored for marker in MARKER.findall(commentary)}
    return [a["marker"] for a in accepted if (a["action"], a["marker"]) not in found]


def request_figures(requests: list[list]) -> dict:
    """From locust's [name, ms, failed, during the rush] per request: counts, the error rate, and the
    timings of each kind of request made during the rush (signing in comes before it, timed apart).
    Every failure counts, signing in too: the error rate is over every request."""
    errors = sum(1 for _, _, failed, _ in requests if failed)
    figures = {"requests": len(requests), "errors": errors,
               "error_rate": round(errors / len(requests), 6) if requests else 0.0}
    for key, name in (("save", SAVE), ("form", FORM), ("portfolio", PORTFOLIO), ("programme", PROGRAMME),
                      ("sign_in", SIGN_IN)):
        ok = [ms for n, ms, failed, rush in requests if n == name and not failed and (rush or name == SIGN_IN)]
        figures |= {f"{key}_{k}": v for k, v in timings_summary(ok).items()}
    return figures


ACCESS_LINE = re.compile(r"^(GET|POST) (\S+) (\d{3}) (\d+)$")
SERVER_PATHS = (("save", "POST", re.compile(r"/actions/\d+/update/")), ("form", "GET", re.compile(r"/actions/\d+/update/")),
                ("portfolio", "GET", re.compile(r"/dashboards/")), ("programme", "GET", re.compile(r"/dashboards/programmes/\d+/")))


def server_figures(lines: list[str]) -> dict:
    """gunicorn's own time (access log %(D)s, microseconds) for the saves, forms and pages: without the wait for a
    free worker."""
    times = {key: [] for key, _, _ in SERVER_PATHS}
    for match in map(ACCESS_LINE.match, lines):
        if not match:
            continue
        method, path, _, micros = match.groups()
        for key, wanted, pattern in SERVER_PATHS:
            if method == wanted and pattern.fullmatch(path):
                times[key].append(int(micros) / 1000)
    figures = {}
    for key, values in times.items():
        if values:
            figures[f"server_{key}_p95_ms"] = round(percentile(values, 95), 1)
    return figures


# ---------------------------------------------------------------- the run



def _setup(env: dict, officers: int, leaders: int) -> dict:
    python = venv_python()
    subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True,
                   timeout=300)
    script = SETUP.format(per_officer=ACTIONS_PER_OFFICER, officers=officers, leaders=leaders,
                          leader_prefix=LEADER_PREFIX)
    out = subprocess.run([python, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=600).stdout
    return json.loads(out.strip().splitlines()[-1])


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _warm(base: str, session: str, programmes: list[int], workers: int) -> None:
    """Every page on every worker, as the dashboards bench does, so the rush starts from a warm cache as a
    working day would (each gunicorn worker keeps its own computed figures; the first rush save makes
    its programme's stale again)."""
    from tests.bench.bench_dashboards import WARMUP_ROUNDS, _concurrently, _fetch

    _concurrently(lambda i: _fetch(f"{base}/dashboards/", session), workers, WARMUP_ROUNDS)
    _concurrently(lambda i: _fetch(f"{base}/dashboards/programmes/{programmes[i % len(programmes)]}/", session),
                  workers, WARMUP_ROUNDS * len(programmes))


def _locust(base: str, plan_path: Path, users: int, seconds: int, env: dict) -> subprocess.CompletedProcess:
    locust = ROOT / ".venv" / "bin" / "locust"
    command = [str(locust) if locust.exists() else "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
               "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds + SIGN_IN_ALLOWANCE_S}s",
               "--stop-timeout", str(STOP_TIMEOUT_S), "--host", base, "--loglevel", "WARNING"]
    locust_env = dict(env, RUSH_PLAN=str(plan_path), PYTHONPATH=str(ROOT))
    return subprocess.run(command, cwd=ROOT, env=locust_env, capture_output=True, text=True,
                          timeout=seconds + SIGN_IN_ALLOWANCE_S + STOP_TIMEOUT_S + 120)


def _check_database(accepted: list[dict], run_id: str) -> dict:
    """Lost updates and drift, read in this process (Django set up on the bench database)."""
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        django.setup()
    from actionplans.models import ProgressUpdate
    from actionplans.rollup import stored_matches_fresh

    stored = list(ProgressUpdate.objects.filter(commentary__contains=f"rush-{run_id}-")
                  .values_list("action_id", "commentary"))
    lost = lost_updates(accepted, stored)
    drifted = stored_matches_fresh()
    return {"lost": lost, "drifted": drifted, "stored": len(stored)}


def run(context=None) -> dict:
    database_url = context_value(context, "database_url") or os.environ["DATABASE_URL"]
    workers = int(context_value(context, "workers") or os.environ.get("BENCH_WORKERS") or production_workers())
    seconds = int(os.environ.get("RUSH_SECONDS") or RUSH_SECONDS)
    redis_url = os.environ.get("RUSH_REDIS_URL", REDIS_URL)
    env = production_environment(database_url) | {"REDIS_URL": redis_url}
    password = secrets.token_urlsafe(24)
    officers = int(os.environ.get("RUSH_OFFICERS") or OFFICERS)
    leaders = int(os.environ.get("RUSH_LEADERS") or LEADERS)
    setup = _setup(env | {"RUSH_PASSWORD": password}, officers, leaders)
    if (officers and not setup["officers"]) or not setup["programmes"]:
        raise RuntimeError("No officer has open actions of their own: build the scale data set first.")
    run_id = secrets.token_hex(4)
    _flush_redis(redis_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        plan_path, results_path = Path(scratch) / "plan.json", Path(scratch) / "results.json"
        log = Path(scratch) / "access.log"
        plan = {"run": run_id, "seconds": seconds, "password": password, "officers": setup["officers"], "leaders": setup["leaders"],
                "programmes": setup["programmes"], "results": str(results_path)}
        plan_path.write_text(json.dumps(plan))
        server = start_gunicorn(env, port, workers, access_log=log)
        try:
            if setup["warm_session"]:
                _warm(base, setup["warm_session"], setup["programmes"], workers)
            warm_lines = len(log.read_text().splitlines()) if log.exists() else 0
            finished = _locust(base, plan_path, len(setup["officers"]) + len(setup["leaders"]), seconds, env)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if not results_path.exists() or not json.loads(results_path.read_text())["requests"]:
            raise RuntimeError(f"locust made no requests (exit {finished.returncode}): {finished.stderr[-2000:]}")
        results = json.loads(results_path.read_text())
        access = log.read_text().splitlines()[warm_lines:] if log.exists() else []
    checked = _check_database(results["accepted"], run_id)
    figures = request_figures(results["requests"])
    result = {
        "name": "month-end rush",
        "seconds": seconds,
        "officers": len(setup["officers"]),
        "leaders": len(setup["leaders"]),
        "gunicorn_workers": workers,
        **figures,
        "saves_accepted": len(results["accepted"]),
        "conflicts": results["conflicts"],
        **server_figures(access),
        "lost_updates": len(checked["lost"]),
        "drift": len(checked["drifted"]),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    if results.get("failures"):
        result["first_failures"] = "; ".join(results["failures"][:3])
    if checked["lost"]:
        result["lost_markers"] = ", ".join(checked["lost"][:10])
    if checked["drifted"]:
        result["drifted_references"] = ", ".join(checked["drifted"][:10])
    result["notes"] = (
        f"{len(setup['officers'])} officers each saving every 5-10 s and {len(setup['leaders'])} leaders reading "
        f"about once a second for {seconds} s, with Redis. *_p95_ms: what the clients waited over loopback, "
        "including the wait for a free worker; server_*: gunicorn's own time. Lost: accepted saves missing from "
        "the database afterwards; drift: stored figures differing from a fresh computation."
    )
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
    sys.exit(0)
