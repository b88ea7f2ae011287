"""The browser's door to the import through the test client: status, partial-only htmx bodies, the
database after, every role but the programme office refused (and logged), and query budgets that do
not grow with the file or the number of runs."""

import logging
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Action
from governance.imports.service import import_run_create, progress_cache_key
from programmes.models import ImportMapping, ImportRun, Programme
from programmes.roles import ADMIN, CLERK, LEADERSHIP, OFFICER, PROGRAMME_MANAGER
from tests.factories import ImportRunFactory, ProgrammeFactory, UserFactory
from tests.governance.imports.builders import big_plan_rows, csv_bytes

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
AS_AT = date(2024, 6, 30)
# "Finish by" is not a heading the import knows: the preview warns, and the admin maps it to "due".
UNKNOWN_HEADING_ROWS = [["Ref.", "Name", "Finish by", "% Complete"],
                        ["P1", "Support carers", None, None],
                        ["P1.1", "Publish the carers' offer", "30/09/2024", "40%"]]
QUERY_CEILING = 8


@pytest.fixture
def priya(db):
    """Priya runs the programme office and does the imports."""
    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=ADMIN)


@pytest.fixture
def office(client, priya):
    client.force_login(priya)
    return client


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Adult social care action plan 2024/25", short_name="ASC2425", owner=None)


def body(response) -> str:
    return response.content.decode()


def run_url(run, name="import_run"):
    return reverse(name, args=[run.pk])


def plan_csv(actions: int = 3) -> bytes:
    return csv_bytes(big_plan_rows(actions))


def upload(client, data: bytes = b"", name: str = "plan.csv", **fields):
    form = {"programme": "", "new_programme_name": "", "as_at": AS_AT.isoformat(), **fields}
    if name:
        form["upload"] = SimpleUploadedFile(name, data or plan_csv(), content_type="text/csv")
    return client.post(reverse("import_new"), form)


def previewed(programme, priya, capture, data: bytes | None = None, name: str = "plan.csv", **extra) -> ImportRun:
    """A run whose preview the (eager) task has finished."""
    with capture(execute=True):
        run = import_run_create(data=data or plan_csv(), file_name=name, by=priya, programme=programme,
                                as_at=AS_AT, **extra)
    run.refresh_from_db()
    return run


def committed(office, run, capture) -> ImportRun:
    with capture(execute=True):
        office.post(run_url(run, "import_run_commit"))
    run.refresh_from_db()
    return run


# ---------------------------------------------------------------- the list


def test_with_no_imports_the_list_says_what_to_do(office):
    response = office.get(reverse("import"))

    html = body(response)
    assert response.status_code == 200
    assert "No imports yet" in html and "Upload an action plan saved as a CSV file" in html
    assert html.count(f'href="{reverse("import_new")}"') == 2  # the button and the empty state


def test_the_list_shows_each_run_newest_first_with_its_status_programme_file_uploader_and_date(
        office, priya, programme):
    older = ImportRunFactory(programme=programme, created_by=priya, file_name="april.csv", status="committed",
                             summary={"ok": True})
    newer = ImportRunFactory(programme=None, new_programme_name="Carers strategy", created_by=priya,
                             file_name="carers.xlsx", status="preview", summary={"ok": False})
    ImportRun.objects.filter(pk=older.pk).update(created_at=timezone.make_aware(timezone.datetime(2025, 3, 30, 9)))

    html = body(office.get(reverse("import")))

    assert html.index("carers.xlsx") < html.index("april.csv")
    assert "Carers strategy" in html and "(new)" in html and programme.name in html
    assert "Priya Shah" in html and "30 March 2025 at 09:00" in html
    assert "Imported" in html and "Has errors" in html
    assert f'href="{run_url(newer)}"' in html


# ---------------------------------------------------------------- the upload form


def test_the_upload_form_asks_for_the_file_the_programme_a_new_name_and_the_as_at_date(office, programme):
    html = body(office.get(reverse("import_new")))

    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert programme.name in html and "A new programme (give its name below)" in html
    assert 'name="new_programme_name"' in html and 'name="as_at-day"' in html and "up to 5.0 MB" in html


def test_an_upload_keeps_the_file_runs_its_preview_and_goes_to_the_run(
        office, priya, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(office, plan_csv(), programme=programme.pk)

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_url(run)
    assert len(callbacks) == 1
    assert (run.status, run.created_by, run.programme, run.as_at) == ("preview", priya, programme, AS_AT)
    assert run.summary["created"]["actions"] == 3 and Action.objects.count() == 0


def test_an_htmx_upload_is_sent_to_the_run_with_a_client_redirect(office, programme):
    response = office.post(reverse("import_new"), {"programme": programme.pk, "upload": SimpleUploadedFile(
        "plan.csv", plan_csv())}, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == run_url(ImportRun.objects.get())


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"name": "plan.pdf"}, "upload", "“plan.pdf” is neither"),
    ({"name": "plan.xls"}, "upload", "old-style Excel file (.xls)"),
    ({"name": ""}, "upload", "Choose a CSV file or an Excel workbook to import."),
    ({"programme": ""}, "programme", "Choose the programme to import into, or give a name for a new one."),
    ({"new_programme_name": "Carers strategy"}, "new_programme_name", "not both"),
    ({"programme": "", "new_programme_name": "Adult social care action plan 2024/25"}, "new_programme_name",
     "already exists: import into it instead"),
    ({"as_at": "2099-01-01"}, "as_at", "The as-at date cannot be in the future."),
    ({"as_at": "31/02/2024"}, "as_at", "The as-at date must be a real date."),
], ids=["wrong kind", "old excel", "no file", "no programme", "both", "name taken", "future", "not a date"])
def test_a_bad_upload_says_what_to_do_beside_the_field_and_keeps_nothing(office, programme, fields, field,
                                                                          message):
    fields = {"programme": programme.pk, **fields}
    response = upload(office, plan_csv(), **fields)

    html = body(response)
    assert response.status_code == 422
    first_box = "-day" if field == "as_at" else ""  # a date's summary link goes to its day box
    assert "There is a problem" in html and f'href="#id_{field}{first_box}"' in html
    assert f'<p class="govuk-error-message" id="id_{field}-error"><span class="govuk-visually-hidden">Error:</span> ' \
           in html
    assert message in html.split(f'id="id_{field}-error"')[1].split("</p>")[0]
    assert ImportRun.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(office, programme, settings, monkeypatch):
    from governance.imports import service

    settings.IMPORT_MAX_BYTES = 100
    monkeypatch.setattr(service, "read_file", lambda *a: pytest.fail("the file was read"))

    response = upload(office, plan_csv(20), programme=programme.pk)

    assert response.status_code == 422
    assert "the most the import takes is 0.0 MB" in body(response).split('id="id_upload-error"')[1]
    assert ImportRun.objects.count() == 0


# ---------------------------------------------------------------- the run page


def test_a_queued_run_shows_a_progress_bar_that_polls_and_a_refresh_link(office, programme):
    run = ImportRunFactory(programme=programme, status="queued")

    html = body(office.get(run_url(run)))

    assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html
    assert f'hx-get="{run_url(run)}" hx-trigger="every 1s"' in html
    assert "Waiting to start" in html and f'<a class="govuk-link" href="{run_url(run)}">refresh the page</a>' in html
    assert "Confirm and import" not in html


def test_a_running_import_shows_the_rows_read_so_far_from_the_task(office, programme):
    run = ImportRunFactory(programme=programme, status="running", progress=5)
    cache.set(progress_cache_key(run.pk), (40, 4000, 10000))

    html = body(office.get(run_url(run)))

    assert "Reading rows: 4,000 of 10,000" in html and 'aria-valuenow="40"' in html


def test_htmx_polling_gets_only_the_progress_partial_while_the_task_works(office, programme):
    run = ImportRunFactory(programme=programme, status="running", progress=60, rows_done=600, rows_total=1000)

    response = office.get(run_url(run), headers=HTMX)

    html = body(response)
    assert response.status_code == 200
    assert "<html" not in html and "govuk-summary-list" not in html
    assert html.strip().startswith('<div id="import-progress"') and 'hx-trigger="every 1s"' in html
    assert "Importing rows: 600 of 1,000" in html


def test_htmx_polling_stops_with_a_reload_when_the_run_is_done(office, programme, priya,
                                                               django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks)

    response = office.get(run_url(run), headers=HTMX)

    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert "hx-trigger" not in body(response)


def test_a_clean_preview_shows_the_counts_new_people_columns_and_the_button_to_import(
        office, programme, priya, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks)

    response = office.get(run_url(run))

    html = body(response)
    assert response.status_code == 200
    assert "The file is ready to import" in html and "Ready to import" in html
    actions = html.split('data-kind="actions"')[1].split("</tr>")[0]
    assert 'data-count="created">3<' in actions and 'data-count="errors">0<' in actions
    assert "Officer 0" in html.split('data-testid="new-people"')[1]
    assert "Which column is which" in html and 'name="sheet-0-column-E"' in html
    assert '<option value="percent" selected>Percentage complete</option>' in html
    assert "Confirm and import" in html and "hx-trigger" not in html
    assert "30 June 2024" in html  # the as-at date, the UK way


def test_a_preview_shows_each_changed_field_with_its_old_and_new_value(
        office, programme, priya, django_capture_on_commit_callbacks):
    committed(office, previewed(programme, priya, django_capture_on_commit_callbacks),
              django_capture_on_commit_callbacks)
    rows = big_plan_rows(3)
    rows[2][1] = "Action 0, renamed"

    run = previewed(programme, priya, django_capture_on_commit_callbacks, csv_bytes(rows))

    html = body(office.get(run_url(run)))
    changes = html.split('data-testid="changes-actions"')[1].split("</table>")[0]
    assert "Actions that would change (1)" in changes and "BIG0000.1" in changes
    assert "<td class=\"govuk-table__cell\">Action 0</td>" in changes
    assert "Action 0, renamed" in changes
    unchanged = html.split('data-kind="actions"')[1].split("</tr>")[0]
    assert 'data-count="updated">1<' in unchanged and 'data-count="unchanged">2<' in unchanged


def test_a_preview_with_errors_lists_each_with_its_sheet_row_and_column_and_cannot_be_imported(
        office, programme, priya, django_capture_on_commit_callbacks):
    data = csv_bytes([["Ref.", "Name", "% Complete"], ["A1", "Objective", None], ["A1.1", "Action", "250%"]])
    run = previewed(programme, priya, django_capture_on_commit_callbacks, data, name="broken.csv")

    html = body(office.get(run_url(run)))

    assert "The file has 1 error, so it cannot be imported yet" in html and "Has errors" in html
    errors = html.split('id="errors"')[1].split("</section>")[0]
    assert "<td class=\"govuk-table__cell\">broken.csv</td>" in errors
    assert ">3</td>" in errors and "% Complete" in errors
    assert "Confirm and import" not in html and "Upload a corrected file" in html


def test_a_preview_shows_where_the_stated_percent_differs_from_the_calculated_one(
        office, programme, priya, django_capture_on_commit_callbacks):
    data = csv_bytes([["Ref.", "Name", "% Complete"], ["A1", "Objective", "90%"], ["A1.1", "Action", "20%"]])
    run = previewed(programme, priya, django_capture_on_commit_callbacks, data)

    table = body(office.get(run_url(run))).split('data-testid="reconciliation"')[1].split("</table>")[0]

    assert "A1" in table and "90%" in table and "20%" in table


def test_a_file_refused_before_it_was_read_says_nothing_was_imported(
        office, priya, programme, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks, b"\x00\x01", name="plan.csv")

    html = body(office.get(run_url(run)))

    assert run.status == "failed" and "Not imported" in html and "Nothing was imported" in html
    assert "is not text" in html and "Which column is which" not in html


def test_an_unknown_run_is_not_found(office):
    assert office.get(reverse("import_run", args=[999])).status_code == 404


# ---------------------------------------------------------------- correcting the columns


def test_correcting_a_column_saves_it_on_the_run_and_checks_the_file_again(
        office, programme, priya, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks, csv_bytes(UNKNOWN_HEADING_ROWS))
    assert any("Finish by" in w["message"] for w in run.summary["warnings"])

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(run_url(run, "import_run_mapping"), {
            "sheet-0-column-A": "ref", "sheet-0-column-B": "title", "sheet-0-column-C": "due",
            "sheet-0-column-D": "percent"})

    run.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == run_url(run)
    assert run.mapping == {"mixed": {"Finish by": "due"}}
    assert run.status == "preview" and not any("Finish by" in w["message"] for w in run.summary["warnings"])
    html = body(office.get(run_url(run)))
    assert "Your choice of columns was saved" in html
    assert '<option value="due" selected>Due date</option>' in html


def test_an_impossible_column_choice_is_shown_beside_the_column_and_changes_nothing(
        office, programme, priya, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks, csv_bytes(UNKNOWN_HEADING_ROWS))

    response = office.post(run_url(run, "import_run_mapping"), {"sheet-0-column-C": "likelihood"})

    html = body(response)
    assert response.status_code == 422
    assert "There is a problem" in html and "Choose a field from the list." in html
    assert 'href="#id_sheet-0-column-C"' in html
    run.refresh_from_db()
    assert run.mapping == {} and run.status == "preview"


# A flat plan whose rows name no objective and whose owners are probably one person.
FLAT_ROWS = [["No.", "Action", "Owner", "Due Date", "Status"],
             [None, "Agree the plan", "Pete Kelleher", "30/09/2024", "In progress"],
             [None, "Publish it", "Peter Kelleher", "31/10/2024", "Not started"]]


def test_the_preview_shows_the_start_date_the_generated_references_and_the_choices(
        office, programme, priya, django_capture_on_commit_callbacks):
    programme.start_date = None
    programme.save()
    run = previewed(programme, priya, django_capture_on_commit_callbacks, csv_bytes(FLAT_ROWS), "workforce.csv")

    assert queries(office, run_url(run)) <= QUERY_CEILING
    html = body(office.get(run_url(run)))

    assert "The programme starts on 1 April 2024 (1 April of the financial year of the as-at date)" in html
    assert 'data-testid="generated"' in html and "PLAN-A1" in html and "PLAN-A2" in html
    for part, value in (("day", "1"), ("month", "4"), ("year", "2024")):  # GOV.UK's three boxes
        assert f'name="start_date-{part}" type="text" inputmode="numeric" value="{value}"' in html
    assert 'name="objective_title"' in html and 'value="workforce"' in html
    assert "Are “Pete Kelleher” and “Peter Kelleher” the same person?" in html or \
        "Are “Peter Kelleher” and “Pete Kelleher” the same person?" in html


def test_saving_the_choices_keeps_them_on_the_run_and_checks_the_file_again(
        office, programme, priya, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks, csv_bytes(FLAT_ROWS), "workforce.csv")
    pair = run.summary["duplicates"][0]

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(run_url(run, "import_run_choices"), {
            "start_date": "2024-05-01", "objective_title": "Workforce plan", "person_0": "merge"})

    run.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == run_url(run)
    assert run.options == {"start_date": "2024-05-01", "objective_title": "Workforce plan",
                           "people": {pair["name"]: pair["like"]}}
    assert run.status == "preview" and run.summary["flat_objective"]["title"] == "Workforce plan"
    assert run.summary["start_date"]["date"] == "2024-05-01" and run.summary["new_people"] == [pair["like"]]
    committed(office, run, django_capture_on_commit_callbacks)
    programme.refresh_from_db()
    assert programme.start_date == date(2024, 5, 1)
    assert {a.responsible.name for a in Action.objects.select_related("responsible")} == {pair["like"]}


def test_a_start_date_that_is_not_a_date_is_shown_beside_the_field_and_changes_nothing(
        office, programme, priya, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks, csv_bytes(FLAT_ROWS), "workforce.csv")

    response = office.post(run_url(run, "import_run_choices"), {"start_date": "31/02/2024",
                                                                "objective_title": "Plan", "person_0": "apart"})

    html = body(response)
    assert response.status_code == 422
    assert "There is a problem" in html and "The start date of the programme must be a real date." in html
    assert 'href="#id_start_date-day"' in html
    run.refresh_from_db()
    assert run.options == {} and run.status == "preview"


def test_the_columns_of_an_imported_run_cannot_be_changed(office, programme, priya):
    run = ImportRunFactory(programme=programme, status="committed", summary={})

    response = office.post(run_url(run, "import_run_mapping"), {"sheet-0-column-A": "ignore"}, follow=True)

    assert "The columns cannot be changed now" in body(response)
    run.refresh_from_db()
    assert run.mapping == {} and run.status == "committed"


# ---------------------------------------------------------------- confirming


def test_confirming_imports_the_file_shows_the_result_and_remembers_the_columns_for_the_programme(
        office, programme, priya, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks, csv_bytes(UNKNOWN_HEADING_ROWS),
                    mapping={"mixed": {"Finish by": "due"}})

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(run_url(run, "import_run_commit"))

    run.refresh_from_db()
    assert response.status_code == 302 and run.status == "committed"
    assert Action.objects.get(reference="P1.1").due_date == date(2024, 9, 30)
    assert ImportMapping.objects.get(programme=programme, sheet_key="mixed").mapping == {"Finish by": "due"}
    html = body(office.get(run_url(run)))
    assert "Import complete" in html and "What was imported" in html
    assert 'data-count="created">1<' in html.split('data-kind="actions"')[1].split("</tr>")[0]
    assert f'href="{reverse("programme_dashboard", args=[programme.pk])}"' in html
    assert "Confirm and import" not in html and "Which column is which" not in html


def test_importing_into_a_new_programme_creates_it_and_links_to_its_dashboard(
        office, priya, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(office, plan_csv(), new_programme_name="Carers strategy 2024/25")
    run = committed(office, ImportRun.objects.get(), django_capture_on_commit_callbacks)

    created = Programme.objects.get(name="Carers strategy 2024/25")
    assert run.status == "committed" and run.programme == created
    assert f'href="{reverse("programme_dashboard", args=[created.pk])}"' in body(office.get(run_url(run)))


def test_pressing_confirm_twice_imports_once(office, programme, priya, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks() as first:
        office.post(run_url(run, "import_run_commit"))
    with django_capture_on_commit_callbacks() as second:
        response = office.post(run_url(run, "import_run_commit"), follow=True)

    assert (len(first), len(second)) == (1, 0)
    assert "This file is still being checked or imported" in body(response)


def test_a_preview_with_errors_cannot_be_confirmed(office, programme, priya, django_capture_on_commit_callbacks):
    data = csv_bytes([["Ref.", "Name", "% Complete"], ["A1", "Objective", None], ["A1.1", "Action", "250%"]])
    run = previewed(programme, priya, django_capture_on_commit_callbacks, data)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = office.post(run_url(run, "import_run_commit"), follow=True)

    assert callbacks == [] and Action.objects.count() == 0
    assert "This file has errors, so nothing was imported" in body(response)
    run.refresh_from_db()
    assert run.status == "preview"


def test_an_htmx_confirm_is_sent_back_to_the_run_with_a_client_redirect(
        office, programme, priya, django_capture_on_commit_callbacks):
    run = previewed(programme, priya, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(run_url(run, "import_run_commit"), headers=HTMX)

    assert response["HX-Redirect"] == run_url(run)
    assert Action.objects.count() == 3


# ---------------------------------------------------------------- who may


@pytest.fixture
def runs(programme, priya):
    """A clean preview to be refused on."""
    return ImportRunFactory(programme=programme, created_by=priya, status="preview",
                            summary={"ok": True, "sheets": []})


def call(client, endpoint, run):
    if endpoint == "list":
        return client.get(reverse("import"))
    if endpoint == "upload form":
        return client.get(reverse("import_new"))
    if endpoint == "upload":
        return upload(client, plan_csv(), new_programme_name="Sneaky programme")
    if endpoint == "run page":
        return client.get(run_url(run))
    if endpoint == "progress partial":
        return client.get(run_url(run), headers=HTMX)
    if endpoint == "columns":
        return client.post(run_url(run, "import_run_mapping"), {})
    if endpoint == "htmx columns":
        return client.post(run_url(run, "import_run_mapping"), {}, headers=HTMX)
    if endpoint == "choices":
        return client.post(run_url(run, "import_run_choices"), {"start_date": "2024-04-01"})
    if endpoint == "htmx choices":
        return client.post(run_url(run, "import_run_choices"), {"start_date": "2024-04-01"}, headers=HTMX)
    if endpoint == "confirm":
        return client.post(run_url(run, "import_run_commit"))
    if endpoint == "htmx confirm":
        return client.post(run_url(run, "import_run_commit"), headers=HTMX)
    raise AssertionError(endpoint)


ENDPOINTS = ("list", "upload form", "upload", "run page", "progress partial", "columns", "htmx columns",
             "choices", "htmx choices", "confirm", "htmx confirm")
REFUSED_ROLES = (OFFICER, PROGRAMME_MANAGER, LEADERSHIP, CLERK, None)
CASES = [(role, endpoint) for role in REFUSED_ROLES for endpoint in ENDPOINTS]


@pytest.mark.parametrize(("role", "endpoint"), CASES, ids=[f"{r or 'no role'}-{e}" for r, e in CASES])
def test_everyone_but_the_programme_office_is_refused_and_it_is_logged(client, runs, caplog, role, endpoint,
                                                                        django_capture_on_commit_callbacks):
    user = UserFactory(username=f"{(role or 'nobody').replace(' ', '.')}.user", role=role)
    client.force_login(user)

    with caplog.at_level(logging.WARNING, logger="programmes.permissions"), \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = call(client, endpoint, runs)

    assert response.status_code == 403
    refusals = [r for r in caplog.records if r.name == "programmes.permissions"]
    assert len(refusals) == 1 and user.username in refusals[0].getMessage()
    assert callbacks == [] and ImportRun.objects.count() == 1
    runs.refresh_from_db()
    assert (runs.status, runs.mapping, runs.options) == ("preview", {}, {})
    assert not Programme.objects.filter(name="Sneaky programme").exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anyone_not_signed_in_is_sent_to_sign_in(client, runs, endpoint):
    response = call(client, endpoint, runs)

    if endpoint.startswith("htmx") or endpoint == "progress partial":
        assert response.status_code == 200 and "/accounts/login/?next=" in response["HX-Redirect"]
    else:
        assert response.status_code == 302 and "next=" in response["Location"]
    assert ImportRun.objects.count() == 1


# ---------------------------------------------------------------- query budgets


def queries(client, url, **kwargs) -> int:
    client.get(url, **kwargs)  # warm: sessions, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(captured)


def test_the_list_makes_the_same_few_queries_for_1_and_20_runs(office, programme, priya):
    ImportRunFactory(programme=programme, created_by=priya)
    one = queries(office, reverse("import"))
    for _ in range(19):
        ImportRunFactory(programme=ProgrammeFactory(), created_by=UserFactory())

    twenty = queries(office, reverse("import"))

    assert twenty == one <= QUERY_CEILING


def test_the_upload_form_makes_the_same_few_queries_for_1_and_20_programmes(office, programme):
    one = queries(office, reverse("import_new"))
    ProgrammeFactory.create_batch(19)

    assert queries(office, reverse("import_new")) == one <= QUERY_CEILING


def test_the_upload_makes_the_same_queries_for_a_small_and_a_bigger_file(
        office, programme, django_capture_on_commit_callbacks):
    def counted(actions: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = upload(office, plan_csv(actions), programme=programme.pk)
        assert response.status_code == 302
        return len(captured)

    counted(3)
    assert counted(3) == counted(300) <= QUERY_CEILING


@pytest.mark.parametrize("state", ["queued", "running", "preview", "preview with errors", "failed", "committed"])
def test_the_run_page_makes_the_same_few_queries_for_a_small_and_a_bigger_file(
        office, programme, priya, django_capture_on_commit_callbacks, state):
    def page_queries(actions: int) -> int:
        rows = big_plan_rows(actions)
        if state == "preview with errors":
            rows[-1][4] = "250%"
        data = b"\x00" if state == "failed" else csv_bytes(rows)
        if state in ("queued", "running"):
            run = ImportRunFactory(programme=programme, status=state, data=data, rows_total=actions)
        else:
            run = previewed(programme, priya, django_capture_on_commit_callbacks, data)
        if state == "committed":
            run = committed(office, run, django_capture_on_commit_callbacks)
        assert run.status == state.split()[0]
        return queries(office, run_url(run))

    small, bigger = page_queries(3), page_queries(300)

    assert small == bigger <= QUERY_CEILING


def test_the_progress_partial_makes_the_same_few_queries_queued_and_running(office, programme):
    queued = ImportRunFactory(programme=programme, status="queued")
    running = ImportRunFactory(programme=programme, status="running", rows_total=10_000, rows_done=4_000)

    assert queries(office, run_url(queued), headers=HTMX) == queries(office, run_url(running), headers=HTMX) \
        <= QUERY_CEILING


def test_an_as_at_date_is_shown_the_uk_way_and_defaults_to_the_day_it_is_checked(office, programme):
    dated = ImportRunFactory(programme=programme, status="queued", as_at=date(2025, 3, 30))
    undated = ImportRunFactory(programme=programme, status="queued", as_at=None)

    assert "30 March 2025" in body(office.get(run_url(dated)))
    assert "The day it is checked or imported" in body(office.get(run_url(undated)))


def test_the_as_at_date_may_be_today(office, programme, django_capture_on_commit_callbacks):
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(office, plan_csv(), programme=programme.pk, as_at=today.isoformat())

    assert response.status_code == 302
    assert ImportRun.objects.get().as_at == today
