"""The month-end rush for locust: run by tests/bench/bench_rush.py, which writes the plan it reads.

RUSH_PLAN names a JSON file: the run's id, the password, the officers (username and actions), the
leaders, the programmes, and where to write the results (every request's name, milliseconds and
whether it failed; the accepted saves with their markers; the conflicts).

Production marks the session and CSRF cookies Secure; the bench speaks plain http on loopback, so
each browser clears the flag on the cookies it holds, as if the connection were https.
"""

import json
import os
import random
import time
from itertools import count
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from locust.exception import StopUser

from tests.bench.bench_rush import (
    FORM,
    PORTFOLIO,
    PROGRAMME,
    SAVE,
    SIGN_IN,
    SIGN_IN_PAGE,
    csrf_token,
    form_fields,
    save_marker,
    save_outcome,
)

PLAN = json.loads(Path(os.environ["RUSH_PLAN"]).read_text())
RESULTS = {"requests": [], "accepted": [], "conflicts": 0, "failures": []}
SIGN_IN_WAIT_S = 300
# The rush starts when everyone has signed in (30 password checks at once take the two workers
# seconds), and stops PLAN["seconds"] later: the figures are for the rush, not the sign-in queue.
RUSH = Event()
_officer_numbers = count()
_leader_numbers = count()
_arrivals = count(1)
_environment = None


@events.init.add_listener
def _keep(environment, **kwargs):
    global _environment
    _environment = environment


def _arrived() -> None:
    if next(_arrivals) == len(PLAN["officers"]) + len(PLAN["leaders"]):
        RESULTS["rush_started"] = time.time()
        RUSH.set()
        gevent.spawn_later(PLAN["seconds"], _environment.runner.quit)


@events.request.add_listener
def _record(name, response_time, exception, **kwargs):
    RESULTS["requests"].append([name, response_time, exception is not None, RUSH.is_set()])
    if exception is not None and len(RESULTS["failures"]) < 20:
        RESULTS["failures"].append(f"{name}: {exception}")


@events.quitting.add_listener
def _write(**kwargs):
    Path(PLAN["results"]).write_text(json.dumps(RESULTS))


class Browser(HttpUser):
    abstract = True

    def _clear_secure_flags(self):
        for cookie in self.client.cookies:
            cookie.secure = False

    def begin(self, username: str, stagger_s: float) -> None:
        """Sign in, wait for everyone else to, then a moment more so that not all start at once."""
        try:
            signed_in = self.sign_in(username)
        finally:
            _arrived()
        RUSH.wait(timeout=SIGN_IN_WAIT_S)
        if not signed_in:
            raise StopUser()
        gevent.sleep(self.random.uniform(0, stagger_s))

    def sign_in(self, username: str) -> bool:
        with self.client.get("/accounts/login/", name=SIGN_IN_PAGE, catch_response=True) as response:
            token = csrf_token(response.text) if response.status_code == 200 else None
            if not token:
                response.failure(f"the sign-in page answered {response.status_code} without a CSRF token")
                return False
            response.success()
        self._clear_secure_flags()
        data = {"csrfmiddlewaretoken": token, "username": username, "password": PLAN["password"]}
        with self.client.post("/accounts/login/", data=data, name=SIGN_IN, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"signing in as {username} answered {response.status_code}")
                return False
            response.success()
        self._clear_secure_flags()
        return True

    def page(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code} {response.headers.get('Location', '')}")
                return None
            response.success()
        self._clear_secure_flags()
        return response.text


class Officer(Browser):
    """Saves an update to one of their own actions every 5 to 10 s, through the form as a browser does."""

    fixed_count = len(PLAN["officers"])
    wait_time = between(5, 10)

    def on_start(self):
        self.number = next(_officer_numbers)
        account = PLAN["officers"][self.number]
        self.actions = account["actions"]
        self.random = random.Random(f"{PLAN['run']}:{self.number}")
        self.saves = 0
        self.begin(account["username"], stagger_s=5)

    @task
    def save(self):
        action = self.random.choice(self.actions)
        html = self.page(f"/actions/{action}/update/", FORM)
        fields = form_fields(html) if html else None
        if fields is None:
            return
        self.saves += 1
        marker = save_marker(PLAN["run"], self.number, self.saves)
        percent = min(99, max(1, fields["percent"] + 1))
        data = {"csrfmiddlewaretoken": fields["token"], "status": "in_progress", "percent": str(percent),
                "declared_rag": "", "declared_rag_reason": "", "effective_date": "",
                "commentary": f"Month-end update {marker}: on track.", "version": fields["version"]}
        headers = {"HX-Request": "true", "X-CSRFToken": fields["token"]}
        with self.client.post(f"/actions/{action}/update/", data=data, headers=headers, name=SAVE,
                              allow_redirects=False, catch_response=True) as response:
            outcome = save_outcome(response.status_code, response.text, response.headers.get("Location", ""))
            if outcome == "accepted":
                RESULTS["accepted"].append({"action": action, "marker": marker, "percent": percent})
                response.success()
            elif outcome == "conflict":
                RESULTS["conflicts"] += 1
                response.success()
            else:
                response.failure(f"saving action {action} answered {response.status_code}: {response.text[:200]}")
        self._clear_secure_flags()


class Leader(Browser):
    """Reads the portfolio and the programme pages, about a second apart."""

    fixed_count = len(PLAN["leaders"])
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.number = next(_leader_numbers)
        self.random = random.Random(f"{PLAN['run']}:leader:{self.number}")
        self.begin(PLAN["leaders"][self.number], stagger_s=1)

    @task(1)
    def portfolio(self):
        self.page("/dashboards/", PORTFOLIO)

    @task(2)
    def programme(self):
        self.page(f"/dashboards/programmes/{self.random.choice(PLAN['programmes'])}/", PROGRAMME)
