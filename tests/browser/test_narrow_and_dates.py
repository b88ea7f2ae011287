"""At 320 px (a small phone, or 1280 px zoomed to 400%) the pages fit without the page scrolling
sideways, and pass axe at both widths; dates are typed in GOV.UK's three boxes."""

import pytest

from programmes.roles import LEADERSHIP
from tests.browser.conftest import assert_no_axe_violations, login
from tests.dashboards.builders import council_plan
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def dana(transactional_db):
    user = UserFactory(username="dana.director", first_name="Dana", last_name="Director", role=LEADERSHIP)
    PersonFactory(name="Dana Director", user=user)
    return user


@pytest.fixture
def plan(transactional_db):
    return council_plan()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_portfolio_fits_the_screen_and_passes_axe(page, live_server, dana, plan, width):
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, dana)
    page.goto(f"{live_server.url}/dashboards/")
    page.locator('[data-ref="ASC"][data-kind="programme"]').wait_for()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(FITS), f"the page is {widths[0]} px wide in a {widths[1]} px window"
    assert "{#" not in page.locator("main").inner_text()  # no template comment shows as text
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [1280, 320])
def test_the_exceptions_page_passes_axe(page, live_server, dana, plan, width):
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, dana)
    page.goto(f"{live_server.url}/dashboards/exceptions/")
    page.locator('[data-kind="action"]').first.wait_for()
    assert_no_axe_violations(page)


def test_a_past_date_typed_in_three_boxes_shows_that_days_figures_and_year_1_is_refused(page, live_server, dana,
                                                                                     plan):
    login(page, live_server, dana)
    page.goto(f"{live_server.url}/dashboards/")
    page.get_by_role("textbox", name="Day").fill("15")
    page.get_by_role("textbox", name="Month").fill("7")
    page.get_by_role("textbox", name="Year").fill("2024")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**as_at-day=15**")
    assert "Figures as at 15 July 2024" in page.locator("main").inner_text()

    page.get_by_role("textbox", name="Year").fill("0001")
    page.get_by_role("button", name="Show figures").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "must be the same as or after 1 January 2000" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
