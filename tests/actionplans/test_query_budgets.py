"""Query budgets for the officers' pages and posts: one action or fifty, one update or fifty, one
measure value or fifty, every response makes the same number of queries, and no more than its budget.

Each test runs its request once on a warm-up set of data first, uncounted, so a cache filled once
per process (content types, say) cannot make the first counted request look dearer.
"""

import calendar
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action, MeasureValue, ProgressUpdate
from actionplans.rollup import programme_refresh
from actionplans.services import action_record_progress
from programmes.models import Person, ReportingPeriod
from programmes.roles import OFFICER
from tests.actionplans.conftest import make_user
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureTargetFactory,
    ObjectiveFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
SIZES = {"warm": 1, "small": 1, "large": 50}

# The most queries each response may make: what it makes today (in brackets), with a little room.
PAGE_BUDGET = 20  # the action page with its form (17), with errors (18)
FORM_BUDGET = 10  # the form alone (9)
SAVE_BUDGET = 24  # a save that redirects (21)
ERROR_BUDGET = 8  # the form alone with errors (6)
CONFLICT_BUDGET = 27  # the page with the conflict (24), the htmx conflict response (16)
EXPLANATION_BUDGET = 15  # the objective's explanation (13), the redirect without htmx (9)
MEASURE_PAGE_BUDGET = 10  # the measure page (8), with errors (9), the form with errors (6)
MEASURE_SAVE_BUDGET = 18  # a value saved and redirected (12), saved by htmx (15)


def officer_with_actions(n: int, username: str) -> tuple[Client, Action]:
    """An officer with n actions in one objective, each with a lead, a delegate and two updates;
    the last one, whose pages are counted, has n updates more by n different authors."""
    user = make_user(OFFICER, username)
    me = Person.objects.get(user=user)
    programme = ProgrammeFactory()
    theme = ObjectiveFactory(programme=programme)
    objective = ObjectiveFactory(programme=programme, parent=theme)
    for i in range(n):
        action = ActionFactory(objective=objective, responsible=me, percent=i % 100)
        action.leads.add(me)
        action.delegates.add(PersonFactory())
        ProgressUpdateFactory(action=action, percent=i % 100, author=user)
        ProgressUpdateFactory(action=action, percent=(i + 5) % 100)
    for i in range(n):
        ProgressUpdateFactory(action=action, percent=i % 100, author=make_user(OFFICER, f"{username}.{i}"),
                              effective_date=date(2024, 5, 1))
    programme_refresh(programme_id=programme.pk)
    client = Client()
    client.force_login(user)
    return client, Action.objects.get(pk=action.pk)


def form_data(action, **changes) -> dict:
    data = {"status": "in_progress", "percent": "75", "declared_rag": "", "declared_rag_reason": "",
            "commentary": "Going well", "effective_date": "", "version": str(action.version)}
    return data | {k: str(v) for k, v in changes.items()}


def counted(client, method: str, url: str, data=None, *, headers=None, status: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data, headers=headers or {})
    assert response.status_code == status, response.content.decode()[:500]
    return len(queries)


def action_counts(request) -> dict[str, int]:
    """`request(client, action)` -> queries, for each size of data."""
    counts = {}
    for size, n in SIZES.items():
        client, action = officer_with_actions(n, f"olly.{size}")
        counts[size] = request(client, action)
    return counts


def update_url(action) -> str:
    return reverse("action_update", args=[action.pk])


# ---------------------------------------------------------------- the update form


def test_the_update_page_without_javascript_costs_the_same_for_one_action_and_for_fifty():
    counts = action_counts(lambda client, action: counted(client, "get", update_url(action), status=200))
    assert counts["small"] == counts["large"] <= PAGE_BUDGET


def test_the_update_form_fetched_by_htmx_costs_the_same_for_one_action_and_for_fifty():
    counts = action_counts(
        lambda client, action: counted(client, "get", update_url(action), headers=HTMX, status=200))
    assert counts["small"] == counts["large"] <= FORM_BUDGET


def test_a_save_without_javascript_that_redirects_costs_the_same_for_one_action_and_for_fifty():
    def save(client, action):
        queries = counted(client, "post", update_url(action), form_data(action, percent=90), status=302)
        assert ProgressUpdate.objects.filter(action=action, percent=90).exists()
        return queries

    counts = action_counts(save)
    assert counts["small"] == counts["large"] <= SAVE_BUDGET


REFUSED = {
    "a declared RAG without a reason": {"declared_rag": "red"},
    "a percent that is not a number": {"percent": "lots"},
}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("mistake", REFUSED)
def test_a_refused_save_costs_the_same_for_one_action_and_for_fifty(mistake, headers):
    def refused(client, action):
        queries = counted(client, "post", update_url(action), form_data(action, **REFUSED[mistake]),
                          headers=headers, status=422)
        assert Action.objects.get(pk=action.pk).version == action.version
        return queries

    counts = action_counts(refused)
    budget = ERROR_BUDGET if headers else PAGE_BUDGET
    assert counts["small"] == counts["large"] <= budget


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_conflict_costs_the_same_for_one_action_and_for_fifty(headers):
    def conflict(client, action):
        loaded = form_data(action, percent=65)
        action_record_progress(action=Action.objects.get(pk=action.pk), percent=70, status="on_hold",
                               commentary="Paused while the team is recruited.")
        queries = counted(client, "post", update_url(action), loaded, headers=headers, status=409)
        assert Action.objects.get(pk=action.pk).percent == 70
        return queries

    counts = action_counts(conflict)
    assert counts["small"] == counts["large"] <= CONFLICT_BUDGET


def test_the_explanation_fetched_after_a_save_costs_the_same_for_one_action_and_for_fifty():
    def explanation(client, action):
        url = reverse("action_explanation", args=[action.pk])
        return counted(client, "get", url, headers=HTMX, status=200)

    counts = action_counts(explanation)
    assert counts["small"] == counts["large"] <= EXPLANATION_BUDGET


def test_the_explanation_without_javascript_sends_you_to_the_action_page_cheaply():
    counts = action_counts(lambda client, action: counted(
        client, "get", reverse("action_explanation", args=[action.pk]), status=302))
    assert counts["small"] == counts["large"] <= EXPLANATION_BUDGET


# ---------------------------------------------------------------- measures


QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}  # of the UK financial year


def quarters(n: int) -> list[ReportingPeriod]:
    """n quarters of the financial years from 2012/13 on, oldest first, all started by now."""
    made = []
    for i in range(n):
        year, quarter = 2012 + i // 4, i % 4 + 1
        first, last = QUARTER_MONTHS[quarter]
        calendar_year = year + (quarter == 4)
        name = f"{year}/{(year + 1) % 100:02} Q{quarter}"
        made.append(ReportingPeriod.objects.create(
            name=name, kind=ReportingPeriod.Kind.QUARTER, financial_year=name[:7], quarter=quarter,
            start=date(calendar_year, first, 1),
            end=date(calendar_year, last, calendar.monthrange(calendar_year, last)[1]),
        ))
    return made


def officer_with_measure(n: int, username: str, periods: list[ReportingPeriod]):
    """An officer owning a measure with a target and a value, entered by someone, in each of n periods."""
    user = make_user(OFFICER, username)
    measure = MeasureFactory(owner=Person.objects.get(user=user), unit="percentage", reference=f"KPI-{username}")
    for i, period in enumerate(periods[:n]):
        MeasureTargetFactory(measure=measure, period=period, value=Decimal("75"))
        MeasureValue.objects.create(measure=measure, period=period, value=Decimal(60 + i % 30),
                                    entered_by=make_user(OFFICER, f"{username}.{i}"))
    client = Client()
    client.force_login(user)
    return client, measure


def measure_counts(request) -> dict[str, int]:
    """`request(client, measure, open_period)` -> queries, for each size of data."""
    periods = quarters(max(SIZES.values()) + 1)
    counts = {}
    for size, n in SIZES.items():
        client, measure = officer_with_measure(n, f"mo.{size}", periods)
        counts[size] = request(client, measure, periods[-1])
    return counts


def test_the_measure_page_costs_the_same_for_one_value_and_for_fifty():
    counts = measure_counts(lambda client, measure, _: counted(
        client, "get", reverse("measure_detail", args=[measure.pk]), status=200))
    assert counts["small"] == counts["large"] <= MEASURE_PAGE_BUDGET


@pytest.mark.parametrize("headers,status", [({}, 302), (HTMX, 200)], ids=["page", "htmx"])
def test_entering_a_value_costs_the_same_for_one_value_and_for_fifty(headers, status):
    def enter(client, measure, period):
        url = reverse("measure_record", args=[measure.pk])
        queries = counted(client, "post", url, {"period": period.pk, "value": "71"}, headers=headers,
                          status=status)
        assert MeasureValue.objects.get(measure=measure, period=period).value == Decimal("71")
        return queries

    counts = measure_counts(enter)
    assert counts["small"] == counts["large"] <= MEASURE_SAVE_BUDGET


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_refused_value_costs_the_same_for_one_value_and_for_fifty(headers):
    def refused(client, measure, period):
        url = reverse("measure_record", args=[measure.pk])
        queries = counted(client, "post", url, {"period": period.pk, "value": "lots"}, headers=headers,
                          status=422)
        assert not MeasureValue.objects.filter(measure=measure, period=period).exists()
        return queries

    counts = measure_counts(refused)
    assert counts["small"] == counts["large"] <= MEASURE_PAGE_BUDGET
