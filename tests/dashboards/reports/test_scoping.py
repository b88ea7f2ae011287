"""For each role, a report's rows and figures are what that role sees on the pages for the same date."""

import csv
import io
import re

import pytest
from django.urls import reverse

from programmes.models import Person
from programmes.roles import CLERK, LEADERSHIP, OFFICER, PROGRAMME_MANAGER
from tests.dashboards.builders import JULY_15, council_plan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTION_ROW = re.compile(r'data-ref="([^"]+)" data-kind="action" data-percent="([^"]*)" data-rag="([^"]+)"')
MY_ACTION = re.compile(r'data-action="([^"]+)"')


def report_rows(client, programme, **extra) -> list[dict]:
    response = client.post(reverse("reports"), {"programme": programme.pk, "kind": "action-plan", "file_format": "csv",
                                               "as_at": JULY_15.isoformat(), **extra})
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("role", [LEADERSHIP, CLERK, PROGRAMME_MANAGER])
def test_a_reader_exports_every_action_with_the_figures_of_the_programme_page(client, role):
    plan = council_plan()
    client.force_login(UserFactory(username=f"reader-{role}", role=role))

    page = client.get(reverse("programme_dashboard", args=[plan.programme.pk]),
                      {"as_at": JULY_15.isoformat(), "rag": ["blue", "green", "amber", "red", "grey"]})
    shown = {ref: (percent, rag) for ref, percent, rag in ACTION_ROW.findall(page.content.decode())}
    exported = {row["Reference"]: (row["Percent complete"], row["RAG"].lower())
                for row in report_rows(client, plan.programme) if row["Kind"] != "Objective"}

    assert shown and set(exported) >= set(shown)
    for ref, figures in shown.items():
        assert exported[ref] == figures, ref


def test_an_officer_exports_exactly_the_actions_on_their_my_actions_page(client):
    plan = council_plan()
    person = Person.objects.get(name="Gill Kerr")
    officer = UserFactory(username="gill", role=OFFICER)
    person.user = officer
    person.save()
    client.force_login(officer)

    mine = set(MY_ACTION.findall(client.get(reverse("my_actions")).content.decode()))
    exported = {row["Reference"] for row in report_rows(client, plan.programme) if row["Kind"] != "Objective"}

    assert mine and exported == mine
