"""The programme office imports a spreadsheet in Chromium: the empty list, the upload form and its
error, the preview, correcting a column, confirming and the result, with axe-core on each; and the
progress bar that htmx polls until the task is done."""

import re

import pytest
from django.core.cache import cache

from actionplans.models import Action
from governance.imports.service import progress_cache_key
from programmes.models import ImportMapping, ImportRun
from programmes.roles import ADMIN
from tests.browser.conftest import assert_no_axe_violations, fill_date, login, wait_until_settled
from tests.factories import ImportRunFactory, ProgrammeFactory, UserFactory
from tests.governance.imports.builders import csv_bytes

pytestmark = pytest.mark.browser

# "Finish by" is not a heading the import knows: Priya tells it the column holds the due date.
PLAN = csv_bytes([
    ["Ref.", "Name", "Finish by", "% Complete", "Responsible Officer"],
    ["CAR1", "Carers are supported", None, None, None],
    ["CAR1.1", "Publish the carers' offer", "30/09/2024", "40%", "Sam Example"],
    ["CAR1.2", "Train the carers' assessment team", "31/12/2024", "10%", "Sam Example"],
])


@pytest.fixture
def priya(transactional_db):
    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=ADMIN)


@pytest.fixture
def programme(transactional_db):
    return ProgrammeFactory(name="Carers strategy 2024/25", short_name="CAR2425", owner=None)


def test_priya_uploads_a_plan_corrects_a_column_and_imports_it(page, live_server, priya, programme, js_errors):
    login(page, live_server, priya)
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Import").click()
    page.wait_for_url(f"{live_server.url}/imports/")
    assert page.get_by_role("heading", name="No imports yet").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Start an import").click()
    page.wait_for_url(f"{live_server.url}/imports/new/")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Upload and check the file").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Choose a CSV file or an Excel workbook to import." in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)

    page.get_by_label("File to import").set_input_files(
        files=[{"name": "carers.csv", "mimeType": "text/csv", "buffer": PLAN}])
    page.get_by_label("Programme to import into").select_option(label=programme.name)
    page.locator('[name="as_at-day"]').fill("30")  # GOV.UK's date input: three boxes
    page.locator('[name="as_at-month"]').fill("6")
    page.locator('[name="as_at-year"]').fill("2024")
    page.get_by_role("button", name="Upload and check the file").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    assert page.get_by_role("heading", name="The file is ready to import").is_visible()
    assert "“Finish by” (column C) is not one the import knows" in page.locator("#warnings").inner_text()
    assert "Sam Example" in page.get_by_test_id("new-people").inner_text()
    assert_no_axe_violations(page)

    column = page.get_by_label("Field for column C, “Finish by”, of carers.csv")
    assert column.input_value() == "keep"
    column.select_option(label="Due date")
    page.get_by_role("button", name="Save the columns and check again").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert "Your choice of columns was saved" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_label("Field for column C, “Finish by”, of carers.csv").input_value() == "due"
    assert page.locator("#warnings").count() == 0

    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_role("heading", name="Import complete").wait_for()
    counts = page.get_by_test_id("counts")
    assert counts.locator('tr[data-kind="actions"] [data-count="created"]').inner_text() == "2"
    assert_no_axe_violations(page)
    assert Action.objects.get(reference="CAR1.1").due_date.isoformat() == "2024-09-30"
    assert ImportMapping.objects.get(programme=programme).mapping == {"Finish by": "due"}

    page.get_by_role("link", name=f"See the dashboard for {programme.name}").click()
    page.wait_for_url(f"{live_server.url}/dashboards/programmes/{programme.pk}/")
    page.goto(f"{live_server.url}/imports/")
    assert "Imported" in page.get_by_test_id("import-runs").inner_text()
    # The form sent back with its error is a 422, which Chromium reports; nothing else went wrong.
    assert [e for e in js_errors if "status of 422" not in e] == []
    assert len(js_errors) <= 1


def test_the_progress_bar_follows_the_task_and_the_page_shows_the_preview_when_it_is_done(
        page, live_server, priya, programme, js_errors):
    run = ImportRunFactory(programme=programme, created_by=priya, status=ImportRun.Status.RUNNING, progress=40,
                           rows_total=10_000)
    cache.set(progress_cache_key(run.pk), (40, 4000, 10_000))
    login(page, live_server, priya)
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "40"
    assert page.get_by_test_id("progress-label").inner_text() == "Reading rows: 4,000 of 10,000"
    assert_no_axe_violations(page)

    cache.set(progress_cache_key(run.pk), (70, 7000, 10_000))
    wait_until_settled(page, "document.querySelector('[role=progressbar]').getAttribute('aria-valuenow') === '70'")
    assert page.get_by_test_id("progress-label").inner_text() == "Importing rows: 7,000 of 10,000"

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, progress=100, summary={
        "ok": False, "dry_run": True, "committed": False, "programme": {"name": programme.name},
        "as_at": "2024-06-30", **{key: dict.fromkeys(("objectives", "actions", "measures", "risks", "people"), 0)
                                  for key in ("created", "updated", "unchanged", "error_counts")},
        "errors": [{"sheet": "", "row": None, "column": "", "message": "The file is empty."}],
        "warnings": [], "reconciliation": [], "new_people": [], "changes": {}, "sheets": []})
    page.get_by_text("Nothing was imported.").wait_for()
    assert page.get_by_role("progressbar").count() == 0
    assert "The file is empty." in page.locator("#errors").inner_text()
    assert js_errors == []


# A flat plan with no references whose owners are probably one person, into a programme with no start.
FLAT_PLAN = csv_bytes([
    ["No.", "Action", "Owner", "Due Date", "Status", "Directorate"],
    [None, "Publish the carers' offer", "Pete Kelleher", "30/09/2024", "In progress", "Adults"],
    [None, "Train the assessment team", "Peter Kelleher\n• Team Plans\n• PDR", "31/12/2024", "Not started", None],
])


def test_priya_names_the_flat_plans_objective_merges_a_duplicate_and_sees_the_kept_columns(
        page, live_server, priya, js_errors):
    programme = ProgrammeFactory(name="Carers plan", short_name="CARP", owner=None, start_date=None, end_date=None)
    login(page, live_server, priya)
    page.goto(f"{live_server.url}/imports/new/")
    page.get_by_label("File to import").set_input_files(
        files=[{"name": "carers_plan.csv", "mimeType": "text/csv", "buffer": FLAT_PLAN}])
    page.get_by_label("Programme to import into").select_option(label=programme.name)
    fill_date(page, "As-at date (optional)", "2024-06-30")
    page.get_by_role("button", name="Upload and check the file").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    assert "1 April 2024" in page.get_by_test_id("start-date").inner_text()
    assert "PLAN-A2" in page.get_by_test_id("generated").inner_text()
    assert_no_axe_violations(page)

    page.get_by_label("Name of the objective the plan's actions sit under (PLAN)").fill("Carers plan 2024/25")
    page.get_by_role("group", name=re.compile("the same person")).get_by_label(re.compile("^Yes")).check()
    page.get_by_role("button", name="Save the choices and check again").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert page.get_by_label("Name of the objective the plan's actions sit under (PLAN)").input_value() == \
        "Carers plan 2024/25"
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_role("heading", name="Import complete").wait_for()
    action = Action.objects.select_related("objective", "responsible").get(reference="PLAN-A2")
    assert action.objective.title == "Carers plan 2024/25"
    assert Action.objects.get(reference="PLAN-A1").responsible == action.responsible

    page.goto(f"{live_server.url}/actions/{action.pk}/")
    details = page.locator("#details-heading").locator("..")
    assert "Team Plans" in details.get_by_role("list").last.inner_text()
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_axe_violations(page)
    assert js_errors == []
