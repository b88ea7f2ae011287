"""The admins' audit page: refused to everyone else, filtered (dates, who, door, what happened, kind of
record, record number or name, request id), newest first, a page at a time; its CSV has every matching
entry, streamed, with formula-looking cells escaped, UTC and UK times, and is itself audited as a download."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes.audit import Channel, audit_record
from programmes.audit_views import ENTRIES_PER_PAGE
from programmes.models import AuditEntry
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 8  # 7: session, user, roles, the users to filter by, the count, the page of entries, the names they use
CSV_BUDGET = 6  # session, user, roles, the users to filter by, its own audit entry, the entries (one chunk)
URL = reverse("audit")
CSV_URL = reverse("audit_csv")


@pytest.fixture
def ada(client, office_admin):
    client.force_login(office_admin)
    return client


def entry(*, by=None, **fields) -> AuditEntry:
    """An entry of a person's record, unless told otherwise (signing in writes entries of accounts)."""
    defaults = {"action": "updated", "channel": Channel.BROWSER, "model": "programmes.person", "object_id": "1",
                "object_repr": "Someone", "user": by}
    return AuditEntry.objects.create(**{**defaults, **fields})


def shown_ids(response) -> list[int]:
    body = response.content.decode()
    return [int(part.split('"')[0]) for part in body.split('data-entry="')[1:]]


@pytest.mark.parametrize("who", ["officer", "manager", "leadership", "clerk", "nobody"])
def test_only_admins_may_open_the_audit_page_or_its_csv(client, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403
    assert not AuditEntry.objects.filter(action="downloaded").exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_page_lists_entries_newest_first_in_words(ada, office_admin, manager):
    person = PersonFactory(name="Priya Shah")
    audit_record(instance=person, action="updated", by=manager, channel=Channel.ADMIN,
                 changes={"job_title": ["Officer", "Head of service"]})
    newer = entry(object_repr="Newest")

    response = ada.get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert shown_ids(response)[0] == newer.pk
    assert "Priya Shah" in body and "<strong>Job title</strong>: Officer" in body and "Head of service" in body
    assert "Admin" in body and "Person: Priya Shah" in body


def test_filters_narrow_the_entries(ada, manager, office_admin):
    wanted = entry(by=manager, channel=Channel.IMPORT, action="created", model="actionplans.action",
                   object_id="42", object_repr="ASC1.2 Train the team")
    entry(by=manager, channel=Channel.BROWSER, action="created", model="actionplans.action")
    entry(by=office_admin, channel=Channel.IMPORT, action="created", model="actionplans.action")
    entry(by=manager, channel=Channel.IMPORT, action="deleted", model="actionplans.action")
    entry(by=manager, channel=Channel.IMPORT, action="created", model="programmes.objective")
    filters = {"user": manager.pk, "channel": "import", "action": "created", "model": "actionplans.action"}

    assert shown_ids(ada.get(URL, filters)) == [wanted.pk]
    assert shown_ids(ada.get(URL, {"text": "42"})) == [wanted.pk]
    assert shown_ids(ada.get(URL, {"text": "train the"})) == [wanted.pk]


@pytest.mark.parametrize("action", ["pseudonymised", "redacted", "sign-in failed", "uploaded"])
def test_every_word_an_entry_is_written_with_can_be_filtered_by(ada, action):
    wanted = entry(action=action)
    entry(action="updated")

    assert shown_ids(ada.get(URL, {"action": action})) == [wanted.pk]


def test_the_request_id_finds_every_entry_of_one_request(ada):
    first = entry(request_id="abc-123")
    second = entry(request_id="abc-123", action="created")
    entry(request_id="other")

    assert sorted(shown_ids(ada.get(URL, {"request_id": "abc-123"}))) == [first.pk, second.pk]


def test_dates_are_the_councils_days_inclusive(ada):
    today = timezone.localdate()  # entries cannot be back-dated (PostgreSQL refuses): today's are enough
    first, second = entry(), entry()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)

    def dates(first, last):
        return {"date_from-day": first.day, "date_from-month": first.month, "date_from-year": first.year,
                "date_to-day": last.day, "date_to-month": last.month, "date_to-year": last.year,
                "model": "programmes.person"}

    assert set(shown_ids(ada.get(URL, dates(today, today)))) == {first.pk, second.pk}
    assert shown_ids(ada.get(URL, dates(yesterday, yesterday))) == []
    assert shown_ids(ada.get(URL, dates(tomorrow, tomorrow))) == []


def test_a_wrong_date_is_said_next_to_its_field_and_the_rest_still_filters(ada):
    entry()

    response = ada.get(URL, {"date_from-day": "31", "date_from-month": "2", "date_from-year": "2025",
                             "model": "programmes.person"})

    body = response.content.decode()
    assert response.status_code == 422
    assert "The first date must be a real date." in body and 'href="#id_date_from-day"' in body
    assert len(shown_ids(response)) == 1


def test_a_last_date_before_the_first_is_refused_beside_it(ada):
    response = ada.get(URL, {"date_from-day": "2", "date_from-month": "1", "date_from-year": "2025",
                             "date_to-day": "1", "date_to-month": "1", "date_to-year": "2025"})

    assert response.status_code == 422
    assert "The last date must be the same as or after the first date." in response.content.decode()


def test_nothing_matching_says_what_to_do(ada):
    body = ada.get(URL, {"request_id": "nothing-like-it"}).content.decode()

    assert "No entries match" in body and "Change or clear the filters" in body


def test_entries_come_a_page_at_a_time(ada):
    made = [entry(object_repr=f"Record {n}").pk for n in range(ENTRIES_PER_PAGE + 5)]

    first, second = ada.get(URL, {"model": "programmes.person"}), ada.get(URL, {"model": "programmes.person", "page": 2})

    assert shown_ids(first) == made[::-1][:ENTRIES_PER_PAGE]
    assert shown_ids(second) == made[::-1][ENTRIES_PER_PAGE:]


def test_the_page_costs_the_same_for_a_few_entries_or_a_full_page(ada, django_assert_max_num_queries):
    def counted():
        with CaptureQueriesContext(connection) as queries:
            assert ada.get(URL).status_code == 200
        return len(queries)

    for _ in range(3):
        entry(model="actionplans.action", changes={"responsible_id": [PersonFactory().pk, PersonFactory().pk]})
    few = counted()
    for _ in range(ENTRIES_PER_PAGE):
        entry(model="actionplans.action", changes={"responsible_id": [PersonFactory().pk, PersonFactory().pk]})

    with django_assert_max_num_queries(PAGE_BUDGET):
        assert counted() == few


# ---------------------------------------------------------------- the CSV


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_every_matching_entry_beyond_one_page(ada):
    for n in range(ENTRIES_PER_PAGE + 10):
        entry(channel=Channel.IMPORT, object_repr=f"Imported {n}")
    entry(channel=Channel.BROWSER)

    response = ada.get(CSV_URL, {"channel": "import"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    assert response["Cache-Control"] == "private, no-store"
    heading, *rows = rows_of(response)
    assert heading[:3] == ["When (UTC)", "Date (UK)", "Time (UK)"]
    assert len(rows) == ENTRIES_PER_PAGE + 10 and {row[5] for row in rows} == {"Import"}


def test_the_csv_escapes_formulas_and_gives_utc_and_uk_times(ada):
    made = entry(object_repr='=HYPERLINK("http://evil","x")', changes={"title": ["+1", "-2"]})

    _, row = rows_of(ada.get(CSV_URL, {"action": "updated"}))

    assert row[9] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert row[10] == "Title: +1 -> -2"
    assert datetime.fromisoformat(row[0]) == made.at and datetime.fromisoformat(row[0]).utcoffset() == UTC.utcoffset(None)
    local = timezone.localtime(made.at)
    assert row[1] == f"{local.day} {local:%B %Y}" and row[2] == f"{local:%H:%M:%S}"


def test_downloading_the_csv_is_itself_audited_with_its_filters(ada, office_admin):
    response = ada.get(CSV_URL, {"channel": "import"}, headers={"X-Request-ID": "csv-req"})
    rows_of(response)

    download = AuditEntry.objects.get(action="downloaded")
    assert (download.user, download.channel, download.model, download.request_id) == (
        office_admin, "browser", "programmes.auditentry", "csv-req")
    assert download.changes["what"] == "Audit trail" and download.changes["format"] == "csv"
    assert download.changes["filters"] == "channel=import"


def test_the_csv_costs_the_same_however_many_entries(ada, django_assert_max_num_queries):
    def counted():
        with CaptureQueriesContext(connection) as queries:
            rows_of(ada.get(CSV_URL))
        return len(queries)

    entry()
    few = counted()
    for _ in range(ENTRIES_PER_PAGE * 2):
        entry(model="actionplans.action", changes={"responsible_id": [1, 2]})

    with django_assert_max_num_queries(CSV_BUDGET + 1):
        assert counted() == few + 1  # the people the changes name


def test_the_audit_trail_is_in_the_admins_navigation_only(client, office_admin, manager):
    client.force_login(office_admin)
    assert f'href="{URL}"' in client.get(reverse("people")).content.decode()
    client.force_login(manager)
    assert f'href="{URL}"' not in client.get(reverse("people")).content.decode()
