"""The as-at selector and the programme filters, without a database."""

from datetime import date

from dashboards.filters import (
    ActionCriteria,
    AsAtForm,
    FilterChoices,
    ProgrammeFilterForm,
    action_matches,
)
from dashboards.selectors import NodeRow
from programmes.rules import Rag

TODAY = date(2026, 11, 23)
PERIODS = [
    {"id": 1, "name": "2024/25 Q1", "kind": "quarter", "quarter": 1, "start": date(2024, 4, 1),
     "end": date(2024, 6, 30)},
    {"id": 2, "name": "2024/25", "kind": "year", "quarter": None, "start": date(2024, 4, 1),
     "end": date(2025, 3, 31)},
    {"id": 3, "name": "2026/27 Q4", "kind": "quarter", "quarter": 4, "start": date(2027, 1, 1),
     "end": date(2027, 3, 31)},
]


def as_at(data):
    return AsAtForm(data, periods=PERIODS, today=TODAY)


def test_with_nothing_chosen_the_figures_are_for_today():
    assert as_at(None).resolved() == (TODAY, False)


def test_a_date_can_be_typed_the_uk_way():
    assert as_at({"as_at": "30/06/2024"}).resolved() == (date(2024, 6, 30), True)


def test_a_period_end_wins_over_the_date():
    form = as_at({"as_at": "2024-07-15", "period_end": "2025-03-31"})
    assert form.resolved() == (date(2025, 3, 31), True)


def test_only_periods_that_have_ended_are_offered():
    offered = [value for value, _ in as_at(None).fields["period_end"].choices]
    assert offered == ["", "2024-06-30", "2025-03-31"]


def test_a_future_date_is_refused_in_plain_english():
    form = as_at({"as_at": "2030-01-01"})
    assert form.resolved() == (TODAY, False)
    assert form.errors["as_at"] == ["The as-at date must be today or in the past."]


def test_a_nonsense_date_is_refused_with_an_example():
    form = as_at({"as_at": "31/02/2024"})
    assert form.resolved() == (TODAY, False)
    assert form.errors["as_at"] == ["The as-at date must be a real date."]


def test_a_date_can_be_typed_in_gov_uk_s_three_boxes():
    form = as_at({"as_at-day": "30", "as_at-month": "6", "as_at-year": "2024"})
    assert form.resolved() == (date(2024, 6, 30), True)


def test_year_1_and_year_9999_are_refused_with_a_message_not_an_error_page():
    for typed, message in (("0001-01-01", "The as-at date must be the same as or after 1 January 2000."),
                           ("9999-12-31", "The as-at date must be today or in the past.")):
        form = as_at({"as_at": typed})
        assert form.resolved() == (TODAY, False)
        assert form.errors["as_at"] == [message]


def test_a_date_missing_a_part_says_which():
    form = as_at({"as_at-day": "30", "as_at-month": "", "as_at-year": "2024"})
    assert form.errors["as_at"] == ["The as-at date must include a month."]


def filters(data, **choices):
    return ProgrammeFilterForm(data, choices=FilterChoices(**choices))


def test_no_filters_means_no_criteria():
    assert not filters(None).criteria().active
    assert not filters({"rag": []}).criteria().active


def test_filters_read_from_the_query_string():
    form = filters({"owner": "7", "rag": ["red", "amber"], "due_within": "30", "not_updated": "on"},
                   owners=((7, "Gill Kerr"),))
    criteria = form.criteria()
    assert criteria == ActionCriteria(owner_id=7, rags=frozenset({Rag.RED, Rag.AMBER}), due_within=30,
                                      not_updated=True)


def test_an_invalid_filter_is_reported_and_the_others_still_apply():
    form = filters({"owner": "99", "due_within": "soon", "rag": ["red"]}, owners=((7, "Gill Kerr"),))
    criteria = form.criteria()
    assert form.errors == {
        "owner": ["Choose an owner from the list."],
        "due_within": ["Enter a whole number of days from 1 to 3650."],
    }
    assert criteria.rags == {Rag.RED} and criteria.owner_id is None


def action(**fields):
    base = {"key": ("action", 1), "kind": "action", "id": 1, "ref": "A1", "title": "Action", "rag": Rag.GREEN,
            "percent": 50.0, "percent_shown": 50, "parent_id": 10, "status": "in_progress",
            "due": date(2024, 8, 1), "owner_ids": [7]}
    return NodeRow(**(base | fields))


def matches(row, when=date(2024, 7, 15), objective_ids=None, **criteria):
    return action_matches(row, ActionCriteria(**criteria), as_at=when, objective_ids=objective_ids)


def test_an_action_matches_its_owner_and_not_someone_else():
    assert matches(action(), owner_id=7)
    assert not matches(action(), owner_id=8)


def test_due_within_counts_from_the_as_at_date_and_leaves_out_overdue_actions():
    assert matches(action(due=date(2024, 8, 14)), due_within=30)
    assert not matches(action(due=date(2024, 8, 15)), due_within=30)
    assert not matches(action(due=date(2024, 7, 14)), due_within=30)
    assert not matches(action(due=None), due_within=30)


def test_rag_status_greener_and_not_updated_filters():
    assert matches(action(rag=Rag.RED), rags=frozenset({Rag.RED, Rag.AMBER}))
    assert not matches(action(), rags=frozenset({Rag.RED}))
    assert matches(action(status="on_hold"), statuses=frozenset({"on_hold"}))
    assert not matches(action(), declared_greener=True)
    assert matches(action(declared_greener=True), declared_greener=True)
    assert not matches(action(), not_updated=True)
    assert matches(action(stale=True), not_updated=True)


def test_objective_filters_keep_only_actions_under_the_chosen_objectives():
    assert matches(action(parent_id=10), objective_ids=frozenset({10, 11}))
    assert not matches(action(parent_id=12), objective_ids=frozenset({10, 11}))
