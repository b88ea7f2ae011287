"""Two real web processes on one database (and one Redis, when the tests have one), as production runs
them: a save through one is on the dashboards of the other at once, whatever the other had kept (ADR 12)."""

import http.client
import os
import re
import subprocess
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from actionplans.models import Action
from programmes.roles import ADMIN
from tests.bench.server import free_port, start_gunicorn
from tests.dashboards.builders import simple_programme
from tests.factories import UserFactory
from tests.programmes.builders import financial_year_2024

pytestmark = pytest.mark.django_db(transaction=True)  # the servers see only what is committed


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def servers():
    """Two gunicorn processes, one worker each, on the test database and the tests' Redis (if any)."""
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=_database_url(),
               DJANGO_SECRET_KEY=settings.SECRET_KEY, DJANGO_ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING")
    started = []
    try:
        for _ in range(2):
            port = free_port()
            started.append((start_gunicorn(env, port, workers=1), port))
        yield [port for _, port in started]
    finally:
        for process, _ in started:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _signed_in(user) -> dict:
    """Cookies of a session of the user, kept in the database both servers read."""
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _request(port: int, method: str, path: str, cookies: dict, body: dict | None = None):
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["X-CSRFToken"] = cookies.get(settings.CSRF_COOKIE_NAME, "")
    try:
        connection_.request(method, path, body=urlencode(body) if body is not None else None, headers=headers)
        response = connection_.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        return response.status, content
    finally:
        connection_.close()


def _percent(page: str, ref: str) -> str:
    found = re.search(rf'data-ref="{ref}" data-kind="programme" data-percent="(\d*)"', page)
    assert found, f"no figure for {ref} on the page"
    return found.group(1)


def test_a_save_through_one_process_is_on_the_others_dashboards_at_once(servers):
    financial_year_2024()
    one, _ = simple_programme("ONE")
    two, _ = simple_programme("TWO")
    action = Action.objects.filter(programme=one).order_by("reference").first()
    a, b = servers
    cookies_a, cookies_b = _signed_in(UserFactory(role=ADMIN)), _signed_in(UserFactory(role=ADMIN))
    portfolio, page_one, page_two = (reverse("portfolio"), reverse("programme_dashboard", args=[one.pk]),
                                     reverse("programme_dashboard", args=[two.pk]))

    # B keeps the portfolio and both programmes' pages (trees and content).
    for path in (portfolio, page_one, page_two, portfolio):
        assert _request(b, "GET", path, cookies_b)[0] == 200
    assert _percent(_request(b, "GET", portfolio, cookies_b)[1], "ONE") == "0"
    assert _percent(_request(b, "GET", page_one, cookies_b)[1], "ONE") == "0"

    # A saves an update: ONE's two actions are now at 80% and 0%.
    assert _request(a, "GET", reverse("action_detail", args=[action.pk]), cookies_a)[0] == 200
    status, _ = _request(a, "POST", reverse("action_update", args=[action.pk]), cookies_a, {
        "status": "in_progress", "percent": "80", "declared_rag": "", "declared_rag_reason": "",
        "commentary": "Saved through A.", "effective_date": "", "version": str(action.version)})
    assert status == 302
    action.refresh_from_db()
    assert action.percent == 80

    # B shows it at once: the portfolio and the programme's page, while the other programme is unchanged.
    shown = _request(b, "GET", portfolio, cookies_b)[1]
    assert (_percent(shown, "ONE"), _percent(shown, "TWO")) == ("40", "0")
    assert _percent(_request(b, "GET", page_one, cookies_b)[1], "ONE") == "40"
    assert _percent(_request(b, "GET", page_two, cookies_b)[1], "TWO") == "0"
