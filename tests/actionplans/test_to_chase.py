"""A programme manager's My actions shows what needs chasing in the programmes they manage (overdue, Red,
not updated), not an empty page; and the action page leads back and up, to the dashboards it belongs to."""

import pytest
from django.urls import reverse

from actionplans import selectors
from programmes.models import Person
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def managed(plan, manager):
    plan.programme.managers.add(Person.objects.get(user=manager))
    return plan


def test_a_manager_who_owns_nothing_sees_what_to_chase_in_their_programmes(client, manager, managed,
                                                                           django_assert_max_num_queries):
    ActionFactory()  # another programme's overdue action is not theirs to chase
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("my_actions")).content.decode()

    assert "You have no actions of your own" in html
    assert "To chase in the programmes you manage" in html
    rows = {ref: html.split(f'data-action="{ref}"')[1].split("</tr>")[0]
            for ref in ("ASC2401.A", "ASC2401.C") if f'data-action="{ref}"' in html}
    assert set(rows) == {"ASC2401.A", "ASC2401.C"}
    assert 'data-reasons="Overdue,Red"' in html  # ASC2401.A: past its due date
    assert "Not updated this period" in rows["ASC2401.C"] and "Olly Officer" in rows["ASC2401.C"]
    for calm in ("ASC2401.B", "ASC2401.D", "ASC2401.F"):  # on track, or completed
        assert f'data-action="{calm}"' not in html


def test_overdue_comes_first_then_red_then_not_updated(manager, managed):
    chase = selectors.to_chase(user=manager)
    reasons = [item.reasons[0] for item in chase.rows]
    assert reasons == sorted(reasons, key=selectors.CHASE_REASONS.index)
    assert chase.counts["Overdue"] == 1


def test_an_officer_sees_no_chase_list(client, officer, managed):
    client.force_login(officer)
    html = client.get(reverse("my_actions")).content.decode()
    assert "To chase in the programmes you manage" not in html


def test_a_manager_of_no_programme_is_told_where_actions_come_from(client, manager):
    client.force_login(manager)
    html = client.get(reverse("my_actions")).content.decode()
    assert "You have no actions yet" in html and "To chase" not in html


def test_the_action_page_leads_back_and_up_to_its_dashboards(client, officer, plan):
    client.force_login(officer)
    html = client.get(reverse("action_detail", args=[plan.later.pk])).content.decode()
    crumbs = html.split('class="govuk-breadcrumbs"')[1].split("</nav>")[0]
    assert f'href="{reverse("my_actions")}">My actions</a>' in crumbs
    assert f'href="{reverse("programme_dashboard", args=[plan.programme.pk])}"' in crumbs
    assert f'href="{reverse("objective_dashboard", args=[plan.programme.pk, plan.objective.pk])}"' in crumbs
    assert 'aria-current="page">ASC2401.D</li>' in crumbs
    assert 'class="govuk-back-link">Back to my actions</a>' in html
    # and the officer may follow them: they own an action in the programme
    assert client.get(reverse("programme_dashboard", args=[plan.programme.pk])).status_code == 200
    assert client.get(reverse("objective_dashboard", args=[plan.programme.pk, plan.objective.pk])).status_code == 200


def test_readers_are_led_back_to_the_portfolio(client, leadership, plan):
    client.force_login(leadership)
    html = client.get(reverse("action_detail", args=[plan.later.pk])).content.decode()
    assert f'<a href="{reverse("portfolio")}" class="govuk-back-link">Back to portfolio</a>' in html
