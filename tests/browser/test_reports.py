"""A clerk makes the committee report in Chromium: the form by keyboard, its errors, the download, axe."""

import io

import pytest
from openpyxl import load_workbook

from programmes.roles import CLERK
from tests.browser.conftest import assert_no_axe_violations, login
from tests.dashboards.builders import council_plan
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def chloe(transactional_db):
    """Chloe clerks the scrutiny committee."""
    return UserFactory(username="chloe.clerk", first_name="Chloe", last_name="Clerk", role=CLERK)


@pytest.fixture
def signed_in(page, live_server, chloe):
    council_plan()
    login(page, live_server, chloe)
    return page


def test_the_reports_page_is_reached_from_the_portfolio_and_has_no_axe_violations(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/dashboards/")
    page.get_by_role("link", name="Make a report").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Reports"
    assert_no_axe_violations(page)


def test_a_future_date_shows_the_error_summary_and_the_page_passes_axe(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/reports/")
    page.get_by_label("Programme").select_option(index=1)
    page.get_by_label("Another date").fill("2999-01-01")
    page.get_by_label("Excel (one row per objective or action)").check()
    page.get_by_role("button", name="Download the report").click()

    summary = page.locator(".govuk-error-summary")
    assert "The as-at date must be today or in the past." in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)


def test_the_clerk_downloads_the_spreadsheet_by_keyboard(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/reports/")
    page.get_by_label("Programme").select_option(index=1)
    page.get_by_label("Excel (one row per objective or action)").check()
    page.get_by_role("button", name="Download the report").focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")

    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).worksheets[0]
    assert sheet.max_row > 1


def test_an_objectives_report_is_reached_from_its_dashboard_and_passes_axe(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/dashboards/")
    page.get_by_role("link", name="Adult social care").first.click()
    page.locator("a[href*='/objectives/']").first.click()
    page.get_by_role("link", name="Make a report of this objective").click()

    assert "Only objective" in page.locator(".govuk-inset-text").inner_text()
    assert_no_axe_violations(page)
