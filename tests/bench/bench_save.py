"""Bench: an officer's htmx save under load. Target: server time p95 within 50 ms, 10 concurrent clients.

gunicorn as production runs it (gunicorn.conf.py, production settings) on 127.0.0.1 against the
bench database. Ten clients, each signed in as an officer delegated a few actions of the scale
data set, open the update forms with htmx (which gives them the versions and the CSRF token, as a
browser gets them), then save over and over with the token in the X-CSRFToken header, as htmx does.

Three clocks, because on a saturated machine they differ:
- server time: gunicorn's own time for each save (its access log's %(D)s), from the request read
  to the response sent. This is the figure the target is for.
- client time: what the client waited over loopback, including the wait for a free worker and a
  core. With 10 clients saving back to back without a pause, that wait is set by how many saves a
  second the machine can finish (reported as saves_per_second), not by the time of one save.
- paced: the same 10 clients each saving every half second, as busy officers might.
The view also reports its own wall-clock and CPU time in a Server-Timing header.
Every client works on its own actions, so every save should succeed: a conflict is a failure.

`run(context) -> dict` is called by tests/bench/run.py with the scale data set's DATABASE_URL;
`python -m tests.bench.bench_save` runs it on $DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

from tests.bench import context_value, timings_summary
from tests.bench.server import (
    free_port,
    production_environment,
    production_workers,
    start_gunicorn,
    venv_python,
)

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 10
ACTIONS_PER_CLIENT = 5
SAVES_PER_CLIENT = 30
WARMUP_SAVES_PER_CLIENT = 3
PACED_INTERVAL_S = 0.5
TARGET_P95_MS = 50
USERNAME = "bench.officer"
REQUEST_TIMEOUT_S = 30

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from actionplans.models import Action
from programmes.models import Person, Programme
from programmes.roles import OFFICER, ensure_role_groups
from tests.bench import updatable_actions
user, _ = get_user_model().objects.get_or_create(username={username!r}, defaults={{"first_name": "Bench"}})
user.set_unusable_password(); user.save()
user.groups.add(ensure_role_groups()[OFFICER])
person = Person.objects.filter(user=user).first() or Person.objects.create(name="Bench Officer", user=user)
# Same actions every run (lowest ids in a spread of programmes, then the next ones), delegated to the
# bench officer: only those an update dated today is valid on.
updatable = updatable_actions()
chosen = list(updatable.order_by("programme_id", "pk").distinct("programme_id").values_list("pk", flat=True)[:{wanted}])
if len(chosen) < {wanted}:
    chosen += list(updatable.exclude(pk__in=chosen).order_by("pk").values_list("pk", flat=True)[:{wanted} - len(chosen)])
for action in Action.objects.filter(pk__in=chosen):
    action.delegates.add(person)
counts = dict(Programme.objects.annotate(n=Count("actions")).values_list("pk", "n"))
sizes = {{pk: counts[programme] for pk, programme in
         Action.objects.filter(pk__in=chosen).values_list("pk", "programme_id")}}
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({{"session": session.session_key, "actions": chosen, "programme_sizes": sizes}}))
"""



def _setup(env: dict, wanted: int) -> dict:
    subprocess.run(
        [venv_python(), "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    script = SETUP.format(username=USERNAME, wanted=wanted)
    out = subprocess.run(
        [venv_python(), "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _server_timing(header: str) -> dict:
    """{"view": ms, "cpu": ms} from the view's Server-Timing header."""
    return {name: float(ms) for name, ms in re.findall(r"(\w+);dur=([\d.]+)", header)}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class Officer:
    """One browser: its own cookies (set by hand: production marks them Secure, this is plain http)."""

    def __init__(self, base: str, session: str):
        self.base = base
        self.cookies = {"sessionid": session}

    def _request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method=method,
            headers={
                "Cookie": cookie,
                "HX-Request": "true",
                "Host": "127.0.0.1",
                **(headers or {}),
            },
        )
        try:
            response = _opener.open(request, timeout=REQUEST_TIMEOUT_S)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            self.server = _server_timing(response.headers.get("Server-Timing", ""))
            return response.status, text

    def open_form(self, action_id: int) -> dict:
        status, html = self._request("GET", f"/actions/{action_id}/update/")
        if status != 200:
            raise RuntimeError(
                f"opening the form for action {action_id} answered {status}: is the session signed in?"
            )
        version = re.search(r'name="version" value="(\d+)"', html)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not version or not token:
            raise RuntimeError("the update form has no version or no CSRF token")
        return {"version": version.group(1), "token": token.group(1)}

    def save(self, action_id: int, form: dict, percent: int) -> float:
        data = {
            "status": "in_progress",
            "percent": str(percent),
            "declared_rag": "",
            "declared_rag_reason": "",
            "commentary": "Bench update.",
            "effective_date": "",
            "version": form["version"],
        }
        started = time.perf_counter()
        status, html = self._request(
            "POST",
            f"/actions/{action_id}/update/",
            data,
            headers={
                "X-CSRFToken": form["token"],
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200 or "Update saved." not in html:
            raise RuntimeError(f"saving action {action_id} answered {status}: {html[:300]}")
        return elapsed, self.server


def _clients(
    base: str, session: str, actions: list[int], saves: int, clients: int = CLIENTS,
    interval: float | None = None,
) -> tuple[list[float], list[dict], float]:
    """Each client opens the forms of its own actions, then saves them in turn, `saves` times.

    Back to back, or one save every `interval` seconds (starts spread over the first interval).
    Only this client writes its actions, so each save moves the version on by exactly one: the
    client keeps count instead of reloading the form. Returns the client ms, the view's timings
    and the seconds the saves took in all.
    """
    timings, views, errors, lock = [], [], [], threading.Lock()
    ready = threading.Barrier(clients)
    began = []

    def client(number: int):
        officer = Officer(base, session)
        mine = (actions[number::clients] or actions[:1])[:ACTIONS_PER_CLIENT]
        try:
            forms = {action_id: officer.open_form(action_id) for action_id in mine}
            ready.wait(timeout=120)
            start = time.perf_counter()
            with lock:
                began.append(start)
            for i in range(saves):
                if interval:
                    time.sleep(max(0.0, start + (i + number / clients) * interval - time.perf_counter()))
                action_id = mine[i % len(mine)]
                form = forms[action_id]
                elapsed, view = officer.save(action_id, form, percent=(number * 7 + i) % 99 + 1)
                form["version"] = str(int(form["version"]) + 1)
                with lock:
                    timings.append(elapsed)
                    views.append(view)
        except Exception as error:  # noqa: BLE001 - reported, not swallowed
            with lock:
                errors.append(repr(error))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    finished = time.perf_counter()
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed, first: {errors[0]}")
    return timings, views, finished - min(began)


_SAVE_LINE = re.compile(r"^POST /actions/\d+/update/ 200 (\d+)$")


def _log_lines(log: Path) -> int:
    time.sleep(0.3)  # gunicorn writes the line just after the response has gone
    return len(log.read_text().splitlines()) if log.exists() else 0


def _server_ms(log: Path, after: int, until: int) -> list[float]:
    """gunicorn's time of each successful save logged between two marks, in milliseconds."""
    lines = log.read_text().splitlines()[after:until]
    return [int(m.group(1)) / 1000 for m in map(_SAVE_LINE.match, lines) if m]


def run(context=None) -> dict:
    database_url = context_value(context, "database_url") or os.environ["DATABASE_URL"]
    workers = int(context_value(context, "workers") or os.environ.get("BENCH_WORKERS") or production_workers())
    env = production_environment(database_url)
    setup = _setup(env, CLIENTS * ACTIONS_PER_CLIENT)
    if not setup["actions"]:
        raise RuntimeError("The bench database has no actions: build the scale data set first.")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "access.log"
        server = start_gunicorn(env, port, workers, access_log=log)
        try:
            _clients(base, setup["session"], setup["actions"], WARMUP_SAVES_PER_CLIENT)
            before = _log_lines(log)
            client_ms, view_ms, seconds = _clients(base, setup["session"], setup["actions"], SAVES_PER_CLIENT)
            between = _log_lines(log)
            paced_ms, _, _ = _clients(base, setup["session"], setup["actions"], SAVES_PER_CLIENT,
                                      interval=PACED_INTERVAL_S)
            server_ms = _server_ms(log, before, between)
            paced_server_ms = _server_ms(log, between, _log_lines(log))
            # The same saves by one officer alone: what a save costs when nobody else is waiting.
            alone_ms, _, _ = _clients(base, setup["session"], setup["actions"], SAVES_PER_CLIENT * 2, clients=1)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    if len(server_ms) != len(client_ms):
        raise RuntimeError(f"gunicorn logged {len(server_ms)} saves, the clients made {len(client_ms)}")
    timings = {"server": server_ms, "client": client_ms, "paced": paced_ms, "paced_server": paced_server_ms,
               "alone": alone_ms, "view": [v["view"] for v in view_ms if "view" in v],
               "view_cpu": [v["cpu"] for v in view_ms if "cpu" in v]}
    figures = {name: timings_summary(values, count="saves") for name, values in timings.items()}
    sizes = sorted(setup["programme_sizes"].values())
    result = {
        "name": "htmx save",
        "clients": CLIENTS,
        "gunicorn_workers": workers,
        "actions_saved": len(setup["actions"]),
        "programme_actions_median": sizes[len(sizes) // 2] if sizes else 0,
        "programme_actions_max": sizes[-1] if sizes else 0,
        "saves": figures["server"]["saves"],
        "met": figures["server"]["p95_ms"] <= TARGET_P95_MS,
        "saves_per_second": round(len(client_ms) / seconds, 1),
    }
    for name, summary in figures.items():
        result |= {f"{name}_{key}": value for key, value in summary.items() if key != "saves"}
    result["paced_offered_saves_per_second"] = round(CLIENTS / PACED_INTERVAL_S, 1)
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    result["notes"] = (
        f"server_*: gunicorn's own time for each save (target p95 <= {TARGET_P95_MS} ms), 10 clients saving "
        "back to back. client_*: what those clients waited over loopback, including the wait for a free "
        "worker and a core; with no pause between saves it is about clients / saves_per_second. paced_*: the "
        f"same clients each saving every {PACED_INTERVAL_S} s. view_*: the view's own time from its "
        "Server-Timing header; view_cpu_*: the worker's CPU in the view (not PostgreSQL's). alone_*: "
        "one officer saving alone. Each save records the update, refreshes the programme's stored "
        "roll-ups and returns the summary with out-of-band figures."
    )
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
