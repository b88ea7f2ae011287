"""The movement page: what moved in a programme between two dates, as the movement report says it."""

import re
from datetime import date

import pytest
from django.urls import reverse

from dashboards.reports.report import movement_report
from programmes.roles import CLERK, LEADERSHIP, OFFICER
from tests.dashboards.builders import JULY_15, council_plan
from tests.dashboards.reports.builders import signed_in

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 26  # the trees at both dates (8 each), commentary, updates, due dates, periods, session, user, roles
ROW = re.compile(r'data-ref="([^"]+)" data-kind="(\w+)" data-rag="(\w+)"')
JUNE_30 = date(2024, 6, 30)


def url(programme, **query):
    base = reverse("programme_movement", args=[programme.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def plan(db):
    return council_plan().programme


@pytest.mark.parametrize("role", [CLERK, LEADERSHIP])
def test_a_reader_sees_the_movement_report_as_a_page(client, plan, role):
    user = signed_in(client, role)

    response = client.get(url(plan, as_at=JULY_15.isoformat(), compare=JUNE_30.isoformat()))

    assert response.status_code == 200
    body = response.content.decode()
    report = movement_report(plan.pk, as_at=JULY_15, user=user, compare=JUNE_30)
    expected = [(row.ref, row.kind, row.rag) for section in report.sections for row in section.rows]
    assert expected and ROW.findall(body) == expected
    assert "What moved between 30 June 2024 and 15 July 2024" in body
    for section in report.sections:
        assert f'data-count="{section.title.lower().replace(" ", "-")}">{len(section.rows)}<' in body


def test_it_links_each_row_to_its_page_and_to_the_report_as_a_file(client, plan):
    user = signed_in(client, CLERK)
    report = movement_report(plan.pk, as_at=JULY_15, user=user, compare=JUNE_30)
    rows = [row for section in report.sections for row in section.rows]

    body = client.get(url(plan, as_at=JULY_15.isoformat(), compare=JUNE_30.isoformat())).content.decode()

    assert f'href="{reverse("reports")}?programme={plan.pk}&amp;kind=movement&amp;as_at=2024-07-15&amp;compare=2024-06-30"' in body
    assert any(row.kind == "action" for row in rows)
    for row in rows:
        link = (reverse("action_detail", args=[row.id]) if row.kind == "action"
                else reverse("objective_dashboard", args=[plan.pk, row.id]))
        assert f'href="{link}">{row.ref} ' in body


def test_a_compare_date_after_the_as_at_date_is_an_error_next_to_the_field(client, plan):
    signed_in(client, CLERK)

    response = client.get(url(plan, as_at=JUNE_30.isoformat(), compare=JULY_15.isoformat()))

    body = response.content.decode()
    assert response.status_code == 200
    assert "The date to compare with must be before the as-at date." in body
    assert "govuk-error-summary" in body and "<title>Error: " in body


def test_officers_and_strangers_are_refused(client, plan):
    assert client.get(url(plan)).status_code == 302  # to sign in
    signed_in(client, OFFICER)
    assert client.get(url(plan)).status_code == 403


def test_an_unknown_programme_is_not_found(client, plan):
    signed_in(client, CLERK)
    assert client.get(reverse("programme_movement", args=[plan.pk + 999])).status_code == 404


def test_the_page_stays_within_its_query_budget(client, plan, django_assert_max_num_queries):
    signed_in(client, CLERK)
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(url(plan, as_at=JULY_15.isoformat(), compare=JUNE_30.isoformat()))
    assert response.status_code == 200


def test_the_programme_dashboard_links_to_it(client, plan):
    signed_in(client, CLERK)
    body = client.get(reverse("programme_dashboard", args=[plan.pk])).content.decode()
    assert reverse("programme_movement", args=[plan.pk]) in body
