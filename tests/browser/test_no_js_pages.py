"""The officers' full pages as a browser without JavaScript gets them, checked by axe-core.

Without JavaScript the update link opens a page of its own, and a refused save or a conflict
comes back as a whole page (no HX-Request header). Those pages are reached here in a context
with JavaScript disabled. axe-core itself is JavaScript and cannot run there (the page's timers
never fire), so what that browser shows is then opened at the same address in a second context
whose page scripts are all blocked by a Content-Security-Policy, and axe checks it there.
"""

import pytest

from actionplans.models import Action, MeasureValue
from actionplans.services import action_record_progress
from programmes.models import Person
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import MeasureFactory, MeasureTargetFactory, ReportingPeriodFactory

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def measure(olly):
    q1 = ReportingPeriodFactory(quarter=1, name="2024/25 Q1")
    q2 = ReportingPeriodFactory(quarter=2, name="2024/25 Q2")
    made = MeasureFactory(owner=Person.objects.get(user=olly), unit="percentage", reference="KPI7",
                          title="Contacts resolved at first contact")
    for period in (q1, q2):
        MeasureTargetFactory(measure=made, period=period, value=75)
    MeasureValue.objects.create(measure=made, period=q1, value=80)
    return made


@pytest.fixture
def no_js(browser):
    """A page in a browser with JavaScript turned off."""
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def assert_nothing_ran(page) -> None:
    # htmx (vendored, loaded by every page) defines window.htmx as soon as it runs.
    assert page.evaluate("typeof window.htmx") == "undefined"


def assert_no_axe_violations_without_javascript(browser, page) -> None:
    """axe on exactly the document `page` (JavaScript off) shows, with its styles, but no page script run."""
    assert_nothing_ran(page)
    url, html = page.url, page.content()
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    try:
        copy = context.new_page()
        copy.route(lambda address: address == url, lambda route: route.fulfill(
            status=200, body=html,
            headers={"content-type": "text/html; charset=utf-8", "content-security-policy": "script-src 'none'"},
        ))
        copy.goto(url)
        assert_nothing_ran(copy)
        assert copy.title() == page.title()
        styles = "Array.from(document.styleSheets, sheet => sheet.cssRules.length)"
        assert copy.evaluate(styles) == page.evaluate(styles) != []  # styled as it was, for contrast
        assert_no_axe_violations(copy)
    finally:
        context.close()


def navigate(page, click) -> int:
    """Do `click()`, wait for the page it loads, and return that page's status code."""
    with page.expect_navigation() as navigation:
        click()
    return navigation.value.status


def open_update_page(page, live_server, action) -> None:
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    status = navigate(page, page.get_by_role("button", name="Update progress").click)
    assert status == 200
    assert page.url == f"{live_server.url}/actions/{action.pk}/update/"
    assert page.locator("#update-heading").inner_text() == "Update progress"


def test_the_update_page_without_javascript_passes_axe(browser, no_js, live_server, plan, olly):
    login(no_js, live_server, olly)
    open_update_page(no_js, live_server, plan.overdue)

    assert_no_axe_violations_without_javascript(browser, no_js)


def test_a_refused_save_without_javascript_is_a_whole_page_that_passes_axe(browser, no_js, live_server, plan,
                                                                          olly):
    login(no_js, live_server, olly)
    open_update_page(no_js, live_server, plan.overdue)
    no_js.get_by_label("Amber (at risk)").check()

    status = navigate(no_js, no_js.get_by_role("button", name="Save update").click)

    assert status == 422
    assert no_js.title().startswith("Error: ASC2401.A")
    assert "Give a reason for the RAG status you declared." in no_js.locator(".govuk-error-summary").inner_text()
    assert no_js.locator("h1").inner_text() == "ASC2401.A: Review the contact centre scripts"
    assert Action.objects.get(pk=plan.overdue.pk).version == plan.overdue.version
    assert_no_axe_violations_without_javascript(browser, no_js)


def test_a_conflict_without_javascript_is_a_whole_page_that_passes_axe(browser, no_js, live_server, plan, olly,
                                                                      cara):
    action = plan.delegated  # Cara's, delegated to Olly: both may update it
    login(no_js, live_server, olly)
    open_update_page(no_js, live_server, action)
    action_record_progress(action=Action.objects.get(pk=action.pk), by=cara, percent=70, status="on_hold")
    no_js.get_by_label("Percent complete").fill("65")

    status = navigate(no_js, no_js.get_by_role("button", name="Save update").click)

    assert status == 409
    banner = no_js.locator(".app-conflict").inner_text()
    assert "Someone else updated ASC2401.E after you opened it" in banner
    assert "Cara saved an update" in banner
    assert no_js.get_by_role("button", name="Save my update").is_visible()
    assert Action.objects.get(pk=action.pk).percent == 70
    assert_no_axe_violations_without_javascript(browser, no_js)


def test_a_refused_measure_value_without_javascript_is_a_whole_page_that_passes_axe(browser, no_js, live_server,
                                                                                   olly, measure):
    login(no_js, live_server, olly)
    no_js.goto(f"{live_server.url}/measures/{measure.pk}/")
    no_js.get_by_label("Period").select_option(label="2024/25 Q2")
    no_js.get_by_label("Value", exact=True).fill("lots")

    status = navigate(no_js, no_js.get_by_role("button", name="Save value").click)

    assert status == 422
    assert "Enter the value as a number, like 42 or 97.5." in no_js.locator(".govuk-error-summary").inner_text()
    assert no_js.locator("h1").count() == 1
    assert not MeasureValue.objects.filter(measure=measure, period__name="2024/25 Q2").exists()
    assert_no_axe_violations_without_javascript(browser, no_js)
