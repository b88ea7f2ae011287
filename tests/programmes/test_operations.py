"""What an operator relies on: /healthz, logs carrying the request id, error pages with no
traceback, and page titles escaped once."""

import json
import logging
import os
import re

import pytest
from django.test import Client
from django.urls import path, reverse

from config.celery_app import app as celery_app
from programmes.logs import RequestIdFilter
from programmes.middleware import request_id_var
from programmes.roles import LEADERSHIP
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
# Nothing listens here: a refused connection, answered at once.
NOWHERE = "redis://127.0.0.1:1/0"


def boom(request):
    raise RuntimeError("secret detail of the failure")


urlpatterns = [path("boom/", boom)]


def test_healthz_is_200_when_the_database_is_up_and_nothing_else_is_configured(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "up", "redis": "not configured", "worker": "not configured"},
    }
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_and_says_which_part_is_down_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = NOWHERE

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "down"
    assert "127.0.0.1" not in response.content.decode()  # no addresses, no secrets


def _redis_is_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_is_up() and not os.environ.get("CI"), reason="needs a Redis (CI has one)")
def test_healthz_reports_a_missing_celery_worker(client, settings):
    settings.REDIS_URL = REDIS_URL
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, REDIS_URL
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved

    assert response.json()["checks"] == {"database": "up", "redis": "up", "worker": "down"}
    assert response.status_code == 503


def test_healthz_needs_no_sign_in_and_refuses_posts(client):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_log_lines_carry_the_request_id_as_json():
    from pythonjsonlogger.json import JsonFormatter

    record = logging.LogRecord("programmes", logging.WARNING, __file__, 1, "saved %s", ("CP1.A",), None)
    token = request_id_var.set("req-77")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s").format(record)

    assert json.loads(line) == {"levelname": "WARNING", "name": "programmes", "request_id": "req-77",
                                "message": "saved CP1.A"}


@pytest.mark.urls(__name__)
def test_a_server_error_shows_the_500_page_with_no_traceback(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "Traceback" not in body and "secret detail" not in body
    assert response["X-Frame-Options"] == "DENY"


def test_a_page_title_with_a_less_than_sign_is_escaped_once(client):
    programme = ProgrammeFactory(name="Care <and> support & more", short_name="CARE")
    client.force_login(UserFactory(role=LEADERSHIP))

    body = client.get(reverse("programme_dashboard", args=[programme.pk])).content.decode()

    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert "Care &lt;and&gt; support &amp; more" in title
    assert "&amp;lt;" not in title


def test_a_post_without_its_csrf_token_is_refused_with_a_plain_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "dana", "password": "x"})

    assert response.status_code == 403
    body = response.content.decode()
    assert "Your page had expired" in body and "Nothing was saved" in body
    assert response["X-Frame-Options"] == "DENY"
