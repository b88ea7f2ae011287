"""Query budgets for the dashboards not covered in test_views: exceptions, explanations, the risk list
and an objective as a page of its own. One objective or fifty (each with its actions, updates and a
risk), today or a past as-at date, each page makes the same number of queries, within its budget."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards import selectors
from tests.factories import (
    ActionFactory,
    BoardFactory,
    MeasureFactory,
    MeasureValueFactory,
    ObjectiveFactory,
    OrgUnitFactory,
    ProgrammeFactory,
    ProgressUpdateFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PAST = {"as_at": "2024-07-15"}
AS_AT = [{}, PAST]
AS_AT_IDS = ["today", "past"]

# The most queries each page may make: what it makes today (in brackets), with a little room.
EXCEPTIONS_BUDGET = 12  # (9 today, 10 at a past date)
EXPLANATION_BUDGET = 15  # the page or the partial (12 today, 13 at a past date)
RISKS_BUDGET = 9  # (7)
OBJECTIVE_PAGE_BUDGET = 15  # (12 today, 13 at a past date)
PORTFOLIO_AFTER_SAVE_BUDGET = 16  # the programme saved in, at two dates, and nothing of the others (13)


class Programme:
    """A programme whose one top objective holds n objectives, each with an action that has two
    updates (one before 15 July 2024), a milestone due today, a board, a team and a risk."""

    def __init__(self, n: int):
        self.programme = ProgrammeFactory()
        board, unit = BoardFactory(), OrgUnitFactory()
        board.programmes.add(self.programme)
        self.top = ObjectiveFactory(programme=self.programme)
        for i in range(n):
            objective = ObjectiveFactory(programme=self.programme, parent=self.top)
            objective.org_units.add(unit)
            board.objectives.add(objective)
            ActionFactory(objective=objective, is_milestone=True, due_date=timezone.localdate())
            self.action = ActionFactory(objective=objective, percent=i % 100, declared_rag="green",
                                        declared_rag_reason="Confident")
            ProgressUpdateFactory(action=self.action, percent=10, effective_date=date(2024, 6, 30))
            ProgressUpdateFactory(action=self.action, percent=i % 100, effective_date=date(2024, 10, 1))
            RiskFactory(programme=self.programme, objective=objective, current_likelihood=i % 5 + 1,
                        current_impact=(i + 2) % 5 + 1, review_date=date(2024, 7, 1 + i % 28))
        MeasureValueFactory(measure=MeasureFactory(programme=self.programme))

    @property
    def pk(self) -> int:
        return self.programme.pk


def get_counted(client, url, params=None, headers=None) -> tuple[int, str]:
    """(queries, html) of one request made cold: no computed tree or kept page from an earlier one."""
    selectors.clear_tree_cache()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {}, headers=headers or {})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def count_queries(client, url, params=None, headers=None) -> int:
    return get_counted(client, url, params, headers)[0]


# ---------------------------------------------------------------- exceptions


@pytest.mark.parametrize("params", AS_AT, ids=AS_AT_IDS)
def test_the_exceptions_page_makes_the_same_few_queries_for_one_objective_and_for_fifty(director, params):
    small = Programme(1)
    one = count_queries(director, reverse("exceptions"), params)
    small.programme.delete()
    Programme(50)
    fifty = count_queries(director, reverse("exceptions"), params)
    assert one == fifty <= EXCEPTIONS_BUDGET


@pytest.mark.parametrize("params", AS_AT, ids=AS_AT_IDS)
def test_one_programmes_exceptions_cost_the_same_for_one_objective_and_for_fifty(director, params):
    small, large = Programme(1), Programme(50)
    one, few = get_counted(director, reverse("exceptions"), params | {"programme": small.pk})
    fifty, many = get_counted(director, reverse("exceptions"), params | {"programme": large.pk})
    assert many.count("data-reasons=") > 50 > few.count("data-reasons=") > 0
    assert one == fifty <= EXCEPTIONS_BUDGET


# ---------------------------------------------------------------- explanations


def explained(plan: Programme, kind: str) -> str:
    node = {"programme": plan.pk, "objective": plan.top.pk, "action": plan.action.pk}[kind]
    return reverse("explanation", args=[plan.pk, kind, node])


@pytest.mark.parametrize("params", AS_AT, ids=AS_AT_IDS)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("kind", ["programme", "objective", "action"])
def test_an_explanation_costs_the_same_for_one_objective_and_for_fifty(director, kind, headers, params):
    small, large = Programme(1), Programme(50)
    one = count_queries(director, explained(small, kind), params, headers)
    fifty = count_queries(director, explained(large, kind), params, headers)
    assert one == fifty <= EXPLANATION_BUDGET


# ---------------------------------------------------------------- risks


@pytest.mark.parametrize("params", [{}, PAST, {"likelihood": "3"}, PAST | {"impact": "4"}],
                         ids=["today", "past", "filtered", "past-filtered"])
def test_the_risk_list_makes_the_same_few_queries_for_one_risk_and_for_fifty(director, params):
    small, large = Programme(1), Programme(50)
    one = count_queries(director, reverse("risk_list", args=[small.pk]), params)
    fifty, many = get_counted(director, reverse("risk_list", args=[large.pk]), params)
    assert many.count("data-score=") == large.programme.risks.filter(**filtered(params)).count() >= 10
    assert one == fifty <= RISKS_BUDGET


def filtered(params: dict) -> dict:
    names = {"likelihood": "current_likelihood", "impact": "current_impact"}
    return {names[name]: int(value) for name, value in params.items() if name in names}


# ---------------------------------------------------------------- an objective without JavaScript


@pytest.mark.parametrize("params", AS_AT, ids=AS_AT_IDS)
def test_an_objective_as_a_page_of_its_own_costs_the_same_for_one_child_and_for_fifty(director, params):
    small, large = Programme(1), Programme(50)
    one = count_queries(director, reverse("objective_dashboard", args=[small.pk, small.top.pk]), params)
    fifty, html = get_counted(director, reverse("objective_dashboard", args=[large.pk, large.top.pk]), params)
    assert html.count('data-kind="objective"') > 50  # the objective itself and its fifty children
    assert one == fifty <= OBJECTIVE_PAGE_BUDGET


# ---------------------------------------------------------------- the portfolio after a save


def test_after_a_save_the_portfolio_makes_again_only_the_row_of_the_programme_saved_in(director, monkeypatch):
    saved_in, others = Programme(2), [Programme(2) for _ in range(3)]
    assert director.get(reverse("portfolio")).status_code == 200
    made, summary = [], selectors.programme_summary

    def counted(tree, *args, **kwargs):
        made.append(tree.programme_id)
        return summary(tree, *args, **kwargs)

    monkeypatch.setattr(selectors, "programme_summary", counted)
    ProgressUpdateFactory(action=saved_in.action, percent=55, effective_date=timezone.localdate())

    with CaptureQueriesContext(connection) as queries:
        body = director.get(reverse("portfolio")).content.decode()

    assert made == [saved_in.pk]
    assert all(f'data-ref="{other.programme.short_name}"' in body for other in others)
    assert len(queries) <= PORTFOLIO_AFTER_SAVE_BUDGET


def test_a_process_without_trees_computes_only_the_programme_saved_in(director, monkeypatch):
    """Several web processes share Django's cache (Redis): the rows one made are not made again by
    another that has none of the trees in its own memory; after a save only that programme's are."""
    programmes = [Programme(2) for _ in range(3)]
    assert director.get(reverse("portfolio")).status_code == 200  # "process A" makes every row
    selectors.clear_tree_cache()  # "process B": the same shared cache, no trees of its own
    computed, compute = [], selectors.compute_trees

    def counted(programme_ids, **kwargs):
        computed.append(sorted(programme_ids))
        return compute(programme_ids, **kwargs)

    monkeypatch.setattr(selectors, "compute_trees", counted)
    saved_in = programmes[1]
    ProgressUpdateFactory(action=saved_in.action, percent=55, effective_date=timezone.localdate())

    body = director.get(reverse("portfolio")).content.decode()

    assert computed == [[saved_in.pk], [saved_in.pk]]  # its trees today and at the comparison date
    assert all(f'data-ref="{p.programme.short_name}"' in body for p in programmes)
