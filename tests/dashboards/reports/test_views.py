"""The Reports page: who may make which report, the file that comes back, and its query budget."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.selectors import clear_tree_cache
from programmes.roles import CLERK, LEADERSHIP, OFFICER
from tests.dashboards.reports.builders import URL, download, signed_in
from tests.factories import (
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 8  # the page (6 today: session, user, roles, programmes, periods, data version), a little room
# The tree (4 + 3 with people), the commentary, the periods, the action count and the page's own; then
# what moved: the tree at the earlier date (4 + 1 for a past date + 3), the updates in between and the
# due-date history (2). None of it grows with the number of rows.
DOWNLOAD_BUDGET = 26





def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_clerk_sees_the_form_with_every_programme(client, plan):
    signed_in(client, CLERK)

    response = client.get(URL, {"programme": plan[0].pk})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Council plan 2024/25" in body and "Another programme" in body
    assert f'value="{plan[0].pk}" selected' in body
    assert "Download the report" in body
    # Radios a label can choose, as GOV.UK's pattern has them.
    assert 'id="id_file_format_2"' in body and 'for="id_file_format_2"' in body


def test_the_page_makes_the_same_few_queries_however_many_programmes(client, plan):
    signed_in(client, LEADERSHIP)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(20):
        ProgrammeFactory(short_name=f"P{i}")
    clear_tree_cache()  # new programmes leave the shared version, and the periods kept with it, as they were
    with CaptureQueriesContext(connection) as many:
        client.get(URL)

    assert len(few) == len(many) <= PAGE_BUDGET


@pytest.mark.parametrize("file_format,media_type,extension", [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("csv", "text/csv; charset=utf-8", "csv"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("pdf", "application/pdf", "pdf"),
])
def test_a_clerk_downloads_the_report_as_a_file_nobody_else_keeps(client, plan, file_format, media_type,
                                                                  extension):
    signed_in(client, CLERK)

    response = download(client, plan[0], file_format, as_at="2024-06-30")

    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["Content-Disposition"] == f'attachment; filename="CP2425-action-plan-2024-06-30.{extension}"'
    assert "no-store" in response["Cache-Control"]
    assert len(response.content) > 100


def test_the_download_stays_within_its_query_budget(client, plan):
    signed_in(client, CLERK)

    with CaptureQueriesContext(connection) as queries:
        response = download(client, plan[0], "csv")

    assert response.status_code == 200
    assert len(queries) <= DOWNLOAD_BUDGET


def test_the_spreadsheet_escapes_a_formula_and_keeps_percent_a_number(client, plan):
    signed_in(client, CLERK)

    sheet = load_workbook(io.BytesIO(download(client, plan[0], "xlsx").content)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row]

    assert "'=HYPERLINK(\"http://x\",\"y\")" in values
    assert 0.4 in values and 1 in values


def test_an_officer_reports_on_their_own_actions_only(client, plan):
    officer = signed_in(client, OFFICER, "olu")
    olu = PersonFactory(name="Olu", user=officer)
    mine = plan[0].actions.get(reference="CP1.A")
    mine.responsible = olu
    mine.save()

    response = download(client, plan[0], "csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Reference"] for row in rows if row["Section"] == "Objectives and actions"] == ["CP1", "CP1.A"]
    assert {row["Reference"] for row in rows} <= {"CP1", "CP1.A"}  # what moved is of their own too


def test_an_officer_cannot_choose_a_programme_where_they_own_nothing(client, plan):
    officer = signed_in(client, OFFICER, "olu")
    olu = PersonFactory(name="Olu", user=officer)
    mine = plan[0].actions.get(reference="CP1.A")
    mine.responsible = olu
    mine.save()

    response = download(client, plan[1], "csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Choose a programme from the list." in response.content.decode()
    assert "Another programme" not in response.content.decode()


def test_someone_who_owns_nothing_and_reads_nothing_is_refused(client, plan):
    signed_in(client, OFFICER, "nobody")

    assert client.get(URL).status_code == 403


def test_a_future_date_is_refused_next_to_the_field(client, plan):
    signed_in(client, CLERK)

    response = download(client, plan[0], "pdf", as_at="2999-01-01")

    assert response.status_code == 200
    assert "The as-at date must be today or in the past." in response.content.decode()


def test_a_missing_file_kind_is_asked_for_in_plain_english(client, plan):
    signed_in(client, CLERK)

    response = client.post(URL, {"programme": plan[0].pk, "kind": "action-plan", "file_format": ""})

    assert "Choose the kind of file: Word, PDF, Excel or CSV." in response.content.decode()


def test_a_clerk_downloads_the_exception_report_with_why_each_item_is_there(client, plan):
    signed_in(client, CLERK)

    response = client.post(URL, {"programme": plan[0].pk, "kind": "exceptions", "file_format": "csv",
                                "as_at": "2024-10-01"})

    assert response["Content-Disposition"] == 'attachment; filename="CP2425-exceptions-2024-10-01.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["Section"] for row in rows} <= {"Actions", "Objectives"}
    assert rows and all(row["Why it is here"] for row in rows)


def test_a_comparison_date_after_the_as_at_date_is_refused_next_to_its_field(client, plan):
    signed_in(client, CLERK)

    response = client.post(URL, {"programme": plan[0].pk, "kind": "movement", "file_format": "csv",
                                "as_at": "2024-06-30", "compare": "2024-07-31"})

    assert response["Content-Type"].startswith("text/html")
    assert "The date to compare with must be before the as-at date." in response.content.decode()


def test_a_clerk_downloads_the_movement_since_an_earlier_date(client, plan):
    signed_in(client, CLERK)

    response = client.post(URL, {"programme": plan[0].pk, "kind": "movement", "file_format": "csv",
                                "as_at": "2024-09-30", "compare": "2024-06-30"})

    assert response["Content-Disposition"] == 'attachment; filename="CP2425-movement-2024-09-30.csv"'
    sections = {row["Section"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert sections <= {"Changed colour", "Completed", "Due dates moved", "Not updated", "Added"}


def test_only_the_form_makes_a_report_a_link_cannot(plan):
    """A report (and a background run) is made by POST with the form's CSRF token, never by a GET."""
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(UserFactory(username="chloe", role=CLERK))
    asked = {"programme": plan[0].pk, "kind": "action-plan", "file_format": "csv", "as_at": ""}

    by_link = guarded.get(URL, asked)
    forged = guarded.post(URL, asked)

    assert by_link.status_code == 200 and by_link["Content-Type"].startswith("text/html")
    assert forged.status_code == 403


def test_the_dates_are_typed_in_gov_uk_s_three_boxes(client, plan):
    signed_in(client, CLERK)
    html = client.get(URL).content.decode()
    for name in ("as_at", "compare"):
        assert all(f'name="{name}-{part}"' in html for part in ("day", "month", "year"))
    assert 'type="date"' not in html

    response = client.post(URL, {"programme": plan[0].pk, "kind": "movement", "file_format": "csv",
                                 "as_at-day": "30", "as_at-month": "9", "as_at-year": "2024",
                                 "compare-day": "30", "compare-month": "6", "compare-year": "2024"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_a_date_to_compare_with_in_year_1_is_refused_beside_the_field(client, plan):
    signed_in(client, CLERK)
    response = client.post(URL, {"programme": plan[0].pk, "kind": "movement", "file_format": "csv",
                                 "compare-day": "1", "compare-month": "1", "compare-year": "0001"})
    html = response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")
    assert ("The date to compare with must be the same as or after 1 January 2000."
            in html.split('id="id_compare-error"')[1].split("</p>")[0])
