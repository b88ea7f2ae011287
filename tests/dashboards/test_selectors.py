"""The dashboards' reads: every figure is the engine's, arranged for people."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplans.measures import format_measure_value
from actionplans.rollup import compute_tree
from actionplans.services import action_create, objective_create
from dashboards import selectors
from dashboards.filters import ActionCriteria
from programmes import rules
from programmes.services import programme_create
from programmes.versions import FiguresVersions
from tests.dashboards.builders import (
    JULY_15,
    JUNE_30,
    council_plan,
    record,
    simple_programme,
)
from tests.factories import UserFactory
from tests.programmes.builders import financial_year_2024

pytestmark = pytest.mark.django_db
Rag = rules.Rag


def today():
    return timezone.localdate()


def version():
    return selectors.data_version()


# ---------------------------------------------------------------- periods


def test_the_reporting_periods_are_read_once_per_shared_version():
    financial_year_2024()
    with CaptureQueriesContext(connection) as first:
        periods = selectors.reporting_periods(FiguresVersions(shared=1, programmes=((1, 5),)))
    with CaptureQueriesContext(connection) as again:
        kept = selectors.reporting_periods(FiguresVersions(shared=1, programmes=((1, 6),)))
    assert (len(first), len(again)) == (1, 0) and kept is periods
    assert [p["name"] for p in periods] == ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]
    assert selectors.reporting_periods(FiguresVersions(shared=2, programmes=((1, 6),))) is not periods


# ---------------------------------------------------------------- portfolio


def test_an_action_that_turned_red_since_last_quarter_is_counted_as_moved_to_red():
    financial_year_2024()
    programme = programme_create(name="Carers", short_name="CAR", start_date=date(2024, 4, 1), channel="command")
    objective = objective_create(programme=programme, reference="CAR1", title="Respite", channel="command")
    late = action_create(objective=objective, reference="CAR1.A", title="Respite beds",
                         start_date=date(2024, 4, 1), due_date=date(2024, 7, 10), channel="command")
    record(late, 90, JUNE_30)  # 90% of the way through its window on 30 June: green then

    portfolio = selectors.portfolio(as_at=JULY_15, periods=selectors.reporting_periods(), version=version())

    [summary] = portfolio.programmes
    assert summary.moves == [(Rag.RED, 1)]
    assert summary.since == selectors.Comparison(JUNE_30, "2024/25 Q1")
    assert summary.overdue == 1


def test_portfolio_counts_are_the_engines():
    plan = council_plan()
    portfolio = selectors.portfolio(as_at=today(), periods=selectors.reporting_periods(), version=version())
    [summary] = portfolio.programmes
    tree = compute_tree(plan.programme.pk)
    actions = [r for r in rules.iter_results(tree.result) if isinstance(r, rules.ActionResult)]

    assert summary.row.percent == tree.result.percent
    assert summary.row.rag == tree.result.rag
    assert summary.row.distribution == tree.result.distribution
    assert summary.not_updated == sum(r.stale for r in actions)
    assert summary.declared_greener == sum(r.declared_greener for r in actions) == 1
    # Everything but the completed audit and the cancelled phone line is past its due date.
    assert summary.overdue == 5
    assert portfolio.distribution == tree.result.distribution


def test_a_cancelled_action_is_never_overdue():
    plan = council_plan()
    page = selectors.programme_page(plan.programme.pk, as_at=today(), periods=[], version=version())
    rows = {r.ref: r for r in selectors.matching_actions(page, ActionCriteria(rags=frozenset(Rag)), as_at=today())}
    assert rows["ASC1.2.B"].excluded and not rows["ASC1.2.B"].overdue


# ---------------------------------------------------------------- exceptions


def test_exceptions_list_only_red_amber_overdue_stale_and_greener_items():
    plan = council_plan()
    result = selectors.exceptions(as_at=today(), version=version())
    [group] = result.groups
    reasons = {item.row.ref: item.reasons for item in group.items}
    assert reasons["ASC1.1.B"] == ["Red", "Overdue", "Not updated", "Declared greener"]
    assert "ASC1.1.A" not in reasons  # completed: blue
    assert "ASC1.2.B" not in reasons  # cancelled: left out
    assert reasons["ASC1.1"] == ["Red"]
    assert group.programme.ref == plan.programme.short_name
    assert result.counts["Declared greener"] == 1


def test_a_programme_with_nothing_wrong_has_no_exceptions():
    programme, _ = simple_programme("GOOD", objectives=1, actions_per_objective=1, start=today())
    result = selectors.exceptions(as_at=today(), version=version())
    assert result.groups == []
    assert result.programmes_without == [programme.name]


# ---------------------------------------------------------------- programme page


def test_milestones_fall_into_windows_of_30_60_and_90_days():
    plan = council_plan()
    page = selectors.programme_page(plan.programme.pk, as_at=JULY_15, periods=[], version=version())
    windows = {label: [r.ref for r in rows] for label, rows in page.milestones}
    assert windows == {"Next 30 days": [], "31 to 60 days": ["ASC1.1.C"], "61 to 90 days": []}
    page = selectors.programme_page(plan.programme.pk, as_at=date(2024, 11, 15), periods=[], version=version())
    assert [[r.ref for r in rows] for _, rows in page.milestones] == [[], [], ["ASC2.B"]]


def test_filters_by_board_theme_and_org_unit_follow_the_tree_down():
    plan = council_plan()
    page = selectors.programme_page(plan.programme.pk, as_at=today(), periods=[], version=version())

    def refs(**criteria):
        return sorted(r.ref for r in selectors.matching_actions(page, ActionCriteria(**criteria), as_at=today()))

    assert refs(board_id=plan.board.pk) == ["ASC1.1.A", "ASC1.1.B", "ASC1.1.C"]
    assert refs(org_unit_id=plan.org_unit.pk) == ["ASC1.2.A", "ASC1.2.B"]
    assert refs(theme_id=plan.theme.pk) == ["ASC1.1.A", "ASC1.1.B", "ASC1.1.C", "ASC1.2.A", "ASC1.2.B"]
    assert refs(theme_id=plan.theme.pk, owner_id=plan.people["Gill Kerr"].pk) == ["ASC1.1.A", "ASC1.1.C"]


def test_a_board_that_oversees_the_whole_programme_keeps_every_action():
    plan = council_plan()
    plan.board.programmes.add(plan.programme)
    plan.board.objectives.clear()
    page = selectors.programme_page(plan.programme.pk, as_at=today(), periods=[], version=version())
    found = selectors.matching_actions(page, ActionCriteria(board_id=plan.board.pk), as_at=today())
    assert len(found) == 7


def test_filter_choices_come_from_the_programme():
    plan = council_plan()
    page = selectors.programme_page(plan.programme.pk, as_at=today(), periods=[], version=version())
    assert [name for _, name in page.filter_choices.owners] == ["Ann Lee", "Gill Kerr", "Mo Wahid"]
    assert page.filter_choices.boards == ((plan.board.pk, f"Care Improvement Board ({plan.board.short_name})"),)
    assert page.filter_choices.themes == ((plan.theme.pk, "ASC1 Keeping people safe"),)
    assert page.filter_choices.org_units == ((plan.org_unit.pk, "Access team"),)


def test_measures_show_the_latest_value_its_target_rag_and_direction():
    plan = council_plan()
    periods = selectors.reporting_periods()
    page = selectors.programme_page(plan.programme.pk, as_at=today(), periods=periods, version=version())
    contacts, waits = page.measures
    assert (contacts.latest_shown, contacts.latest_period, contacts.target_shown) == ("71%", "2024/25 Q2", "75%")
    assert contacts.rag == Rag.AMBER  # 4 points short, within 10% of 75
    assert contacts.direction == rules.Direction.BETTER
    assert contacts.chart.rows == (("2024/25 Q1", "62%"), ("2024/25 Q2", "71%"))
    assert (waits.latest_shown, waits.target_shown, waits.rag) == ("30 days", "TBC", Rag.GREY)
    assert waits.direction == rules.Direction.WORSE  # lower is better, and it went up


def test_measures_as_at_a_date_ignore_later_periods():
    plan = council_plan()
    periods = selectors.reporting_periods()
    page = selectors.programme_page(plan.programme.pk, as_at=JULY_15, periods=periods, version=version())
    contacts = page.measures[0]
    assert (contacts.latest_shown, contacts.target_shown, contacts.rag) == ("62%", "70%", Rag.RED)
    assert contacts.direction is None


def test_the_heat_map_counts_open_risks_only():
    plan = council_plan()
    page = selectors.programme_page(plan.programme.pk, as_at=today(), periods=[], version=version(),
                                    risk_href=lambda likelihood, impact: f"?l={likelihood}&i={impact}")
    assert page.heat_map.total == 3
    assert page.heat_map.grid[1][4].count == 2 and page.heat_map.grid[1][4].href == "?l=4&i=5"
    assert page.heat_map.grid[0][4].count == 0  # the closed 5 x 5 risk
    assert page.risks_review_overdue == 1


def test_an_explanation_lists_every_child_with_its_figures():
    plan = council_plan()
    tree = selectors.programme_tree(plan.programme.pk, as_at=JULY_15, version=version())
    explained = selectors.explain(tree, "objective", plan.safeguarding.pk, JULY_15)
    assert [(c.child.ref, c.percent_shown, c.weight_shown) for c in explained.children] == [
        ("ASC1.1.A", 40, "1"), ("ASC1.1.B", 30, "1"), ("ASC1.1.C", 0, "1"),
    ]
    assert [step.ref for step in explained.path] == ["ASC1"]
    action = selectors.explain(tree, "action", plan.actions["audit"].pk, JULY_15)
    assert action.action.reason.startswith("40% done against")
    assert selectors.explain(tree, "action", 999_999, JULY_15) is None


# ---------------------------------------------------------------- cache


def test_trees_are_remembered_until_the_data_changes():
    plan = council_plan()
    first = selectors.trees(as_at=today(), version=version())
    with CaptureQueriesContext(connection) as again:
        assert _same(selectors.trees(as_at=today(), version=version()), first)
    assert len(again) == 1  # only the versions

    record(plan.actions["triage"], 60, today())
    fresh = selectors.trees(as_at=today(), version=version())
    assert fresh is not first
    triage = fresh[0].results_by_key()[("action", plan.actions["triage"].pk)]
    assert triage.percent == 60


def test_the_data_version_changes_with_every_kind_of_write():
    plan = council_plan()
    before = version()
    action_create(objective=plan.carers, reference="ASC2.C", title="New", channel="command")
    assert version() != before


def test_a_sign_in_does_not_change_the_data_version_so_no_dashboard_recomputes(client):
    council_plan()
    dana = UserFactory(username="dana.director")
    before = version()

    client.force_login(dana)  # audited as "signed in"

    assert version() == before


def _same(trees, others) -> bool:
    return len(trees) == len(others) and all(a is b for a, b in zip(trees, others, strict=True))


def test_a_save_recomputes_only_its_own_programme():
    plan = council_plan()
    other, _ = simple_programme("OTHER")
    first = {t.programme_id: t for t in selectors.trees(as_at=today(), version=version())}

    record(plan.actions["triage"], 60, today())
    after = {t.programme_id: t for t in selectors.trees(as_at=today(), version=version())}

    assert after[other.pk] is first[other.pk]
    assert after[plan.programme.pk] is not first[plan.programme.pk]
    triage = after[plan.programme.pk].results_by_key()[("action", plan.actions["triage"].pk)]
    assert triage.percent == 60


def test_the_estate_keeps_the_programmes_in_name_order_whichever_were_computed_first():
    made = {name: simple_programme(name)[0] for name in ("B", "A", "C")}
    selectors.trees([made["B"].pk], as_at=today(), version=version())  # B is kept before the others

    estate = selectors.trees(as_at=today(), version=version())

    assert [t.result.title for t in estate] == ["Programme A", "Programme B", "Programme C"]


def test_the_cache_holds_a_bounded_number_of_tree_nodes(settings):
    settings.DASHBOARD_TREE_CACHE_NODES = 8  # two trees of a programme, an objective and two actions
    simple_programme("ONE")
    for days in range(5):
        selectors.trees(as_at=today() - timedelta(days=days), version=version())
    assert [key[3] for key in selectors._cache] == [today() - timedelta(days=3), today() - timedelta(days=4)]


def test_a_tree_too_big_for_the_cache_is_computed_but_not_kept(settings):
    settings.DASHBOARD_TREE_CACHE_NODES = 3
    simple_programme("ONE")
    assert selectors.trees(as_at=today(), version=version())
    assert not selectors._cache


# ---------------------------------------------------------------- display helpers


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (Decimal("71.0000"), "percentage", "71%"),
    (Decimal("1234.5000"), "currency", "£1,234.5"),
    (Decimal("1"), "days", "1 day"),
    (Decimal("30"), "days", "30 days"),
    (Decimal("0"), "yes_no", "No"),
    (Decimal("0.2500"), "ratio", "0.25"),
    (Decimal("12000"), "number", "12,000"),
])
def test_measure_values_are_shown_in_their_unit(value, unit, shown):
    assert format_measure_value(value, unit) == shown
