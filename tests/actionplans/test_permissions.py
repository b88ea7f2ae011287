"""Every endpoint of the officers' pages, for every role: who may read, who may write, and that
every refusal is a logged 403 that changes nothing."""

import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplans.models import MeasureValue, ProgressUpdate
from programmes.models import Person
from tests.factories import MeasureFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
OK, REDIRECT, REFUSED = 200, 302, 403


@pytest.fixture
def measure(plan, officer):
    period = ReportingPeriodFactory(quarter=1)
    made = MeasureFactory(programme=plan.programme, owner=Person.objects.get(user=officer))
    made.period = period
    return made


@pytest.fixture
def programme_manager(manager, plan):
    plan.programme.managers.add(Person.objects.get(user=manager))
    return manager


def save_data(action):
    return {"status": "in_progress", "percent": "70", "commentary": "Back on track after the review.",
            "version": str(action.version)}


def call(client, endpoint, plan, measure):
    action = plan.overdue
    if endpoint == "action page":
        return client.get(reverse("action_detail", args=[action.pk]))
    if endpoint == "update page":
        return client.get(reverse("action_update", args=[action.pk]))
    if endpoint == "update form partial":
        return client.get(reverse("action_update", args=[action.pk]), headers=HTMX)
    if endpoint == "explanation partial":
        return client.get(reverse("action_explanation", args=[action.pk]), headers=HTMX)
    if endpoint == "save":
        return client.post(reverse("action_update", args=[action.pk]), save_data(action))
    if endpoint == "htmx save":
        return client.post(reverse("action_update", args=[action.pk]), save_data(action), headers=HTMX)
    if endpoint == "measure page":
        return client.get(reverse("measure_detail", args=[measure.pk]))
    if endpoint == "measure save":
        return client.post(reverse("measure_record", args=[measure.pk]),
                           {"period": measure.period.pk, "value": "12"})
    if endpoint == "htmx measure save":
        return client.post(reverse("measure_record", args=[measure.pk]),
                           {"period": measure.period.pk, "value": "12"}, headers=HTMX)
    raise AssertionError(endpoint)


READS = ("action page", "explanation partial", "measure page")
WRITES = ("update page", "update form partial", "save", "htmx save")
MEASURE_WRITES = ("measure save", "htmx measure save")
ENDPOINTS = READS + WRITES + MEASURE_WRITES
ALLOWED = {"save": REDIRECT, "measure save": REDIRECT}

# Who may do what to Olly's overdue action and Olly's measure.
MAY = {
    "officer": set(ENDPOINTS),  # Olly: responsible for both
    "colleague": set(),  # another officer
    "leadership": set(READS),
    "clerk": set(READS),
    "manager": set(READS),  # a programme manager, but not of this programme
    "programme_manager": set(READS + WRITES),  # manages it: may update actions, not Olly's measure
    "admin_user": set(ENDPOINTS),
    "nobody": set(),  # signed in, no role
}
CASES = [(role, endpoint) for role in MAY for endpoint in ENDPOINTS]


def nothing_was_written():
    return not ProgressUpdate.objects.exists() and not MeasureValue.objects.exists()


@pytest.mark.parametrize(("role", "endpoint"), CASES, ids=[f"{r}-{e}" for r, e in CASES])
def test_each_role_may_do_only_what_it_is_allowed_to(request, client, plan, measure, caplog, role, endpoint):
    user = request.getfixturevalue(role)
    client.force_login(user)

    with caplog.at_level(logging.WARNING, logger="programmes.permissions"):
        response = call(client, endpoint, plan, measure)

    if endpoint in MAY[role]:
        assert response.status_code == ALLOWED.get(endpoint, OK)
        assert not [r for r in caplog.records if r.name == "programmes.permissions"]
    else:
        assert response.status_code == REFUSED
        refusals = [r for r in caplog.records if r.name == "programmes.permissions"]
        assert len(refusals) == 1
        assert "Refused" in refusals[0].getMessage()
        assert user.username in refusals[0].getMessage()
        assert nothing_was_written()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anyone_not_signed_in_is_sent_to_sign_in_and_nothing_changes(client, plan, measure, endpoint):
    response = call(client, endpoint, plan, measure)

    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert nothing_was_written()


def test_an_officer_a_colleague_delegated_an_action_to_may_update_it(client, officer, plan):
    client.force_login(officer)
    action = plan.delegated  # Cara's, delegated to Olly

    response = client.post(reverse("action_update", args=[action.pk]), save_data(action), headers=HTMX)

    assert response.status_code == 200
    assert ProgressUpdate.objects.get(action=action).percent == 70


def test_a_lead_may_update_the_action_they_lead(client, colleague, plan):
    plan.overdue.leads.add(Person.objects.get(user=colleague))
    client.force_login(colleague)

    response = client.post(reverse("action_update", args=[plan.overdue.pk]), save_data(plan.overdue))

    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(action=plan.overdue).count() == 1


def test_an_officer_cannot_open_a_colleague_s_action_even_by_guessing_its_address(client, officer, plan):
    client.force_login(officer)

    responses = [
        client.get(reverse("action_detail", args=[plan.colleagues.pk])),
        client.get(reverse("action_update", args=[plan.colleagues.pk]), headers=HTMX),
        client.post(reverse("action_update", args=[plan.colleagues.pk]), save_data(plan.colleagues),
                    headers=HTMX),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert nothing_was_written()


def test_leadership_sees_the_measure_but_not_the_form(client, leadership, measure):
    client.force_login(leadership)

    response = client.get(reverse("measure_detail", args=[measure.pk]))

    assert response.status_code == 200
    assert "Enter a value" not in response.content.decode()


def test_a_refused_measure_value_leaves_the_old_value_alone(client, colleague, measure):
    MeasureValue.objects.create(measure=measure, period=measure.period, value=Decimal("40"))
    client.force_login(colleague)

    response = client.post(reverse("measure_record", args=[measure.pk]), {"period": measure.period.pk, "value": "99"})

    assert response.status_code == 403
    assert MeasureValue.objects.get(measure=measure).value == Decimal("40")
