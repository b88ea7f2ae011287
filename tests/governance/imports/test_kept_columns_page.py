"""The columns the import kept without reading are shown on the action's page: a cell of several
lines as a list, one line as text; within the page's query budget."""

import pytest
from django.urls import reverse

from actionplans.models import Action
from governance.imports.service import import_commit
from programmes.kept_columns import kept_columns

from .builders import csv_bytes
from .conftest import AS_AT

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 20  # the action page's (tests/actionplans/test_query_budgets.py)


def test_lines_become_a_list_without_their_bullets_and_one_line_stays_text():
    columns = kept_columns({"Links to": "• Team Plans\n• PDR", "Directorate": "Adults", "Empty": "\n"})

    assert [(c.heading, c.lines, c.is_list) for c in columns] == [
        ("Links to", ("Team Plans", "PDR"), True), ("Directorate", ("Adults",), False)]


def test_the_action_page_shows_the_kept_columns(client, programme, priya, django_assert_max_num_queries):
    rows = [["Ref.", "Name", "Owner", "Directorate", "Milestone"], ["P1", "Objective", None, None, None],
            ["P1.1", "Action", "Kath Amies\n• Team Plans\n• PDR", "Adults", "• Plan agreed\n• Plan published"]]
    assert import_commit(data=csv_bytes(rows), file_name="plan.csv", programme=programme, by=priya,
                         as_at=AS_AT).ok
    client.force_login(priya)
    action = Action.objects.get(reference="P1.1")

    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(reverse("action_detail", args=[action.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<dt class="govuk-summary-list__key">Directorate</dt>' in html
    assert "<li>Plan agreed</li><li>Plan published</li>" in html
    assert "<li>Team Plans</li><li>PDR</li>" in html
