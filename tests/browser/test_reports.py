"""A clerk makes the committee report in Chromium: the form by keyboard, its errors, the download, axe."""

import io

import pytest
from openpyxl import load_workbook

from dashboards.models import ReportRun
from dashboards.reports.runs import report_run_execute
from programmes.models import Programme
from programmes.roles import CLERK
from tests.browser.conftest import assert_no_axe_violations, fill_date, login
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
    page.locator('[name="as_at-day"]').fill("1")  # GOV.UK's date input: three boxes
    page.locator('[name="as_at-month"]').fill("1")
    page.locator('[name="as_at-year"]').fill("2999")
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


def test_a_big_report_is_made_in_the_background_and_downloaded_from_its_run_page(signed_in, live_server,
                                                                                  settings):
    settings.REPORTS_BACKGROUND_ROWS = 1  # every programme is "big"
    page = signed_in
    page.goto(f"{live_server.url}/reports/")
    page.get_by_label("Programme").select_option(index=1)
    page.get_by_label("CSV (for other spreadsheets)").check()
    page.get_by_role("button", name="Download the report").click()

    page.wait_for_url("**/reports/runs/*/")
    link = page.get_by_role("link", name="Download the report")
    link.wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Action plan report"
    assert_no_axe_violations(page)
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".csv")
    assert open(info.value.path(), "rb").read().count(b"\n") > 1


def test_the_run_page_polls_until_the_report_is_ready_and_passes_axe_while_waiting(signed_in, live_server,
                                                                                  chloe):
    programme = Programme.objects.order_by("pk").first()
    run = ReportRun.objects.create(requested_by=chloe, kind="action-plan", programme=programme,
                                   as_at=programme.start_date, file_format="xlsx")
    page = signed_in
    page.goto(f"{live_server.url}/reports/runs/{run.pk}/")
    assert "Waiting to start" in page.get_by_test_id("progress-label").inner_text()
    assert_no_axe_violations(page)

    report_run_execute(run.pk)  # what the worker does; the page finds out by polling

    page.get_by_role("link", name="Download the report").wait_for()
    assert "Your report is ready" in page.locator(".govuk-panel").inner_text()
    assert "ready" in page.locator("#announcements").inner_text()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [1280, 320])
def test_the_movement_page_is_reached_from_the_programme_and_has_no_axe_violations(signed_in, live_server, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    programme = Programme.objects.get()
    page.goto(f"{live_server.url}/dashboards/programmes/{programme.pk}/?as_at=2024-07-15")
    page.get_by_role("link", name="See what moved since the last period").click()

    assert page.get_by_role("heading", level=1).inner_text().startswith("What moved between")
    assert_no_axe_violations(page)
    fill_date(page, "Compare with", "2024-08-01")
    page.get_by_role("button", name="Compare").click()
    assert "The date to compare with must be before the as-at date." in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [1280, 320])
def test_the_clerk_takes_and_restates_a_snapshot_and_the_pages_pass_axe(signed_in, live_server, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    programme = Programme.objects.get()
    page.goto(f"{live_server.url}/dashboards/programmes/{programme.pk}/")
    page.get_by_role("link", name="Snapshots").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Snapshots"
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Take the snapshot").click()  # no label: the error summary
    assert "Enter a label." in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Label").fill("Q2 to Cabinet")
    page.get_by_role("button", name="Take the snapshot").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Q2 to Cabinet"
    assert_no_axe_violations(page)

    page.get_by_label("Why restate it?").fill("A late update")
    page.get_by_role("button", name="Restate the snapshot").click()
    assert page.locator("[data-version]").inner_text().startswith("2")
    assert_no_axe_violations(page)


def test_the_board_pack_page_passes_axe_before_and_after_freezing(signed_in, live_server):
    from datetime import date

    from governance.models import Board, Meeting

    page = signed_in
    board = Board.objects.get()
    meeting = Meeting.objects.create(board=board, date=date(2024, 7, 20), updates_due_by=date(2024, 7, 10))
    page.goto(f"{live_server.url}/boards/{board.pk}/")
    page.get_by_role("link", name="Board pack for the meeting on 20 July 2024").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Board pack for 20 July 2024"
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Freeze the figures for this meeting").click()
    assert page.get_by_role("link", name="PDF board pack").is_visible()
    assert_no_axe_violations(page)
    assert meeting.pk
