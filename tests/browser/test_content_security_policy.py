"""Under the Content-Security-Policy the main pages work as before: Chromium reports no violation
(no inline script or style, no eval), GOV.UK Frontend and htmx start, htmx swaps still work."""

import pytest

from config.signin import LOCKED_OUT
from programmes.roles import ADMIN, LEADERSHIP
from tests.browser.conftest import assert_no_axe_violations, login
from tests.dashboards.builders import council_plan
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.browser

# Playwright's init scripts run outside the page's policy, so the listener itself is allowed.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + (event.sourceFile || ""));
});
"""


@pytest.fixture
def watched(page):
    """The page, recording every policy violation it sees: as events and on the console."""
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    page.console_messages_seen = console
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + page.console_messages_seen


def started(page) -> None:
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("document.querySelectorAll('style').length") == 0, "htmx injected a style"


def test_the_sign_in_page_runs_with_no_policy_violation(watched, live_server, transactional_db):
    watched.goto(f"{live_server.url}/accounts/login/")

    started(watched)
    assert violations(watched) == []


def test_the_dashboards_and_their_htmx_swaps_run_with_no_policy_violation(watched, live_server, transactional_db):
    plan = council_plan()
    dana = UserFactory(username="dana.director", role=LEADERSHIP)
    PersonFactory(name="Dana Director", user=dana)
    login(watched, live_server, dana)

    watched.goto(f"{live_server.url}/dashboards/")
    started(watched)
    watched.goto(f"{live_server.url}/dashboards/programmes/{plan.programme.pk}/")
    started(watched)
    # An htmx swap, and the tree's script reacting to it.
    toggle = watched.locator(f'[aria-controls="children-objective-{plan.theme.pk}"]')
    toggle.click()
    watched.locator('[data-ref="ASC1.1"][data-kind="objective"]').wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"

    assert violations(watched) == []


def test_the_officers_pages_and_the_admins_pages_run_with_no_policy_violation(
    watched, live_server, plan, olly
):
    login(watched, live_server, olly)
    watched.goto(f"{live_server.url}/my-actions/")
    started(watched)
    # The percent bars are drawn by class, not a style attribute, and still drawn to scale.
    bar = watched.locator(f'[data-action="{plan.overdue.reference}"] .app-percent-bar__fill').first
    track = bar.evaluate("e => e.parentElement.clientWidth")
    assert abs(bar.evaluate("e => e.getBoundingClientRect().width") - track * 0.4) < 2
    watched.goto(f"{live_server.url}/actions/{plan.overdue.pk}/")
    started(watched)
    assert violations(watched) == []

    ada = UserFactory(username="ada.admin", role=ADMIN)
    PersonFactory(name="Ada Admin", user=ada)
    watched.context.clear_cookies()
    login(watched, live_server, ada)
    for url in ("/reports/", "/imports/", "/imports/new/"):
        assert watched.goto(f"{live_server.url}{url}").status == 200
        started(watched)

    assert violations(watched) == []


def test_the_locked_out_page_says_so_plainly_and_has_no_accessibility_problems(
    watched, live_server, transactional_db
):
    UserFactory(username="dana.director", role=LEADERSHIP)
    watched.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        watched.get_by_label("Username").fill("dana.director")
        watched.get_by_label("Password").fill("not her password")
        with watched.expect_navigation():
            watched.get_by_role("button", name="Sign in").click()

    assert watched.get_by_test_id("locked-out").inner_text() == LOCKED_OUT
    assert watched.title().startswith("Error: Sign in")
    assert_no_axe_violations(watched)
    assert violations(watched) == []
