"""Every kind of response carries the security headers: pages, fragments, errors, downloads, static
files and the 400 for a host we do not serve."""

import importlib
import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from programmes.roles import CLERK, LEADERSHIP
from tests.factories import ActionFactory, ObjectiveFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def plan():
    programme = ProgrammeFactory(name="Council plan 2024/25", short_name="CP2425", start_date=date(2024, 4, 1))
    theme = ObjectiveFactory(programme=programme, reference="CP1", title="Thriving places")
    ActionFactory(objective=theme, reference="CP1.A", title="Open the library hub", percent=40)
    return programme


@pytest.fixture
def dana(client):
    """Dana, a director, signed in."""
    client.force_login(UserFactory(username="dana.director", role=LEADERSHIP))
    return client


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        parts[0]: parts[1:]
        for parts in (directive.split() for directive in policy.split(";"))
        if parts
    }


def assert_common_headers(response):
    """What every response carries, whoever asked and whatever it is."""
    csp = csp_directives(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'none'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def assert_not_stored(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def test_a_signed_in_page_has_every_header_a_nonce_and_is_never_stored(dana, plan):
    response = dana.get(reverse("programme_dashboard", args=[plan.pk]))

    assert response.status_code == 200
    assert_common_headers(response)
    assert_not_stored(response)
    assert "hx-request" in vary(response)
    # The one inline script carries this response's nonce, and the policy names it.
    nonce = re.search(r'<script nonce="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in csp_directives(response)["script-src"]


def test_each_response_has_a_new_nonce(dana, plan):
    url = reverse("programme_dashboard", args=[plan.pk])

    first, second = (csp_directives(dana.get(url))["script-src"] for _ in range(2))

    assert first != second


def test_a_fragment_for_htmx_has_every_header_and_varies_on_hx_request(dana, plan):
    theme = plan.objectives.get(reference="CP1")
    url = reverse("objective_dashboard", args=[plan.pk, theme.pk])

    response = dana.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert_common_headers(response)
    assert_not_stored(response)
    assert "hx-request" in vary(response)


def test_the_sign_in_page_has_every_header(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert_common_headers(response)
    assert "hx-request" in vary(response)


@pytest.mark.parametrize("status", [403, 404])
def test_error_pages_have_every_header(dana, plan, status):
    officer = UserFactory(username="olly.officer", role="officer")
    client = Client()
    client.force_login(officer)
    url = reverse("programme_dashboard", args=[plan.pk]) if status == 403 else "/no-such-page/"

    response = client.get(url)

    assert response.status_code == status
    assert_common_headers(response)
    assert_not_stored(response)
    assert "Traceback" not in response.content.decode()


def test_a_download_has_every_header_and_is_never_stored(client, plan):
    client.force_login(UserFactory(username="chloe", role=CLERK))

    response = client.post(reverse("reports"), {
        "programme": plan.pk, "kind": "action-plan", "file_format": "csv", "as_at": "2024-06-30",
    })

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_common_headers(response)
    assert_not_stored(response)


def test_a_static_file_has_every_header_and_keeps_its_own_caching(client):
    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert_common_headers(response)
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_400_for_a_host_we_do_not_serve_has_every_header(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert_common_headers(response)
    assert "Sorry, we could not understand that request" in response.content.decode()


def test_hsts_is_sent_over_https_when_configured_as_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_settings_send_hsts_and_keep_cookies_secure(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "plans.example.gov.uk")
    production = importlib.import_module("config.settings.production")

    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE


def test_a_request_id_from_the_proxy_is_kept_and_a_hostile_one_replaced(client):
    kept = client.get(reverse("login"), headers={"X-Request-ID": "abc-123"})
    replaced = client.get(reverse("login"), headers={"X-Request-ID": "<script> and spaces"})

    assert kept["X-Request-ID"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


def test_htmx_is_configured_for_the_policy_no_eval_no_inline_styles(client):
    body = client.get(reverse("login")).content.decode()

    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body).group(1)
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config
    assert '"allowScriptTags": false' in config


def test_no_page_template_has_an_inline_style_or_a_script_without_a_nonce():
    """The policy would block them. The PDF's template is read by WeasyPrint, and an e-mail's by a mail
    reader (which keeps only inline styles), never a browser under our policy."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.name == "report_pdf.html" or path.name.startswith("email_"):
            continue
        text = path.read_text()
        if re.search(r"\sstyle=|<style", text):
            offenders.append(f"{path.name}: inline style")
        for script in re.findall(r"<script[^>]*>", text):
            if "src=" not in script and "nonce=" not in script:
                offenders.append(f"{path.name}: {script}")
        if re.search(r"\son[a-z]+=|hx-on|javascript:", text):
            offenders.append(f"{path.name}: inline handler")
    assert offenders == []
