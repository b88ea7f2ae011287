"""The rules of docs/rules.md, boundary by boundary. No database, no Django."""

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from programmes.rules import (
    ActionFacts,
    Direction,
    NodeResult,
    ObjectiveFacts,
    PercentMethod,
    Polarity,
    ProgrammeFacts,
    Rag,
    RagPolicy,
    RollupSettings,
    Status,
    ToleranceKind,
    action_result,
    direction_of_travel,
    display_percent,
    iter_results,
    measure_rag,
    parent_rag,
    performance_text,
    risk_band,
    risk_review_overdue,
    risk_score,
    rollup_programme,
)

AS_AT = date(2024, 6, 30)
DEFAULTS = RollupSettings()


def action(ref="ASC2401.A", **facts):
    facts.setdefault("status", Status.IN_PROGRESS)
    facts.setdefault("start", date(2024, 4, 1))
    facts.setdefault("due", date(2025, 3, 30))
    facts.setdefault("last_updated", date(2024, 6, 20))
    return ActionFacts(key=ref, ref=ref, **facts)


# One action of each computed colour as at AS_AT, for the parent tests.
def blue(ref="blue"):
    return action(ref, status=Status.COMPLETED)


def green(ref="green", **facts):
    return action(ref, percent=50, due=None, **facts)


def amber(ref="amber", **facts):
    return action(ref, percent=80, due=AS_AT, **facts)  # 80% of an expected 100


def red(ref="red", **facts):
    return action(ref, percent=50, due=AS_AT - timedelta(days=1), **facts)


def grey(ref="grey"):
    return action(ref, status=Status.NOT_STARTED, start=AS_AT + timedelta(days=1))


def cancelled(ref="cancelled", **facts):
    facts.setdefault("percent", 0)
    return action(ref, status=Status.CANCELLED, **facts)


def result_of(facts, as_at=AS_AT, settings=DEFAULTS, **kwargs):
    return action_result(facts, as_at=as_at, settings=settings, **kwargs)


def programme(*children, as_at=AS_AT, start=None, period_start=None, **settings):
    facts = ProgrammeFacts(
        key="ASC", ref="ASC", start=start, period_start=period_start,
        settings=RollupSettings(**settings), children=children,
    )
    return rollup_programme(facts, as_at=as_at)


def objective(*children, ref="ASC2401", **facts):
    return ObjectiveFacts(key=ref, ref=ref, children=children, **facts)


def objective_result(*children, as_at=AS_AT, **settings):
    """The roll-up of one objective holding `children`."""
    return programme(objective(*children), as_at=as_at, **settings).children[0]


def percents(*values):
    return [action(f"ASC2401.{chr(65 + i)}", percent=value) for i, value in enumerate(values)]


# ---------------------------------------------------------------- display


def test_display_rounds_half_up_not_to_even():
    assert display_percent(47.5) == 48
    assert display_percent(44.5) == 45  # round() would say 44
    assert display_percent(0.5) == 1


def test_display_rounds_the_seed_figures():
    assert display_percent(47.78) == 48
    assert display_percent(25.62) == 26
    assert display_percent(47.49) == 47


def test_display_leaves_no_percent_as_none():
    assert display_percent(None) is None


def test_display_takes_decimals_from_the_database():
    assert display_percent(Decimal("25.50")) == 26
    assert display_percent(Decimal("25.49")) == 25


# ---------------------------------------------------------------- action percent


def test_completed_forces_percent_to_100():
    assert result_of(action(status=Status.COMPLETED, percent=40)).percent == 100


def test_not_started_forces_percent_to_0():
    assert result_of(action(status=Status.NOT_STARTED, percent=30)).percent == 0


def test_a_milestone_at_100_is_done():
    assert result_of(action(milestone=True, percent=100)).percent == 100


def test_a_milestone_short_of_100_counts_as_0():
    assert result_of(action(milestone=True, percent=60)).percent == 0


def test_a_completed_milestone_is_100_whatever_was_entered():
    assert result_of(action(milestone=True, status=Status.COMPLETED, percent=None)).percent == 100


def test_an_action_in_progress_with_no_figure_counts_as_0():
    assert result_of(action(percent=None)).percent == 0


def test_a_cancelled_action_still_reports_its_percent():
    result = result_of(cancelled(percent=40))
    assert result.percent == 40
    assert result.excluded
    assert result.exclusion_reason == "Cancelled"
    assert result.rag == Rag.GREY


def test_a_cancelled_action_with_no_figure_has_no_percent():
    assert result_of(cancelled(percent=None)).percent is None


def test_a_deferred_action_is_excluded_and_grey():
    result = result_of(action(status=Status.DEFERRED, percent=10))
    assert result.excluded
    assert result.exclusion_reason == "Deferred"
    assert result.rag == Rag.GREY


def test_the_excluded_statuses_are_a_setting():
    on_hold = action(status=Status.ON_HOLD, percent=10)
    assert not result_of(on_hold).excluded
    settings = RollupSettings(excluded_statuses=frozenset({Status.ON_HOLD}))
    result = result_of(on_hold, settings=settings)
    assert result.excluded
    assert result.exclusion_reason == "On hold"
    assert not result_of(cancelled(), settings=settings).excluded


# ---------------------------------------------------------------- action RAG


def test_a_completed_action_is_blue_even_when_its_due_date_has_passed():
    result = result_of(action(status=Status.COMPLETED, due=date(2024, 5, 1)))
    assert result.rag == Rag.BLUE


def test_an_action_starting_after_the_as_at_date_at_0_is_grey():
    result = result_of(action(percent=0, start=date(2024, 7, 1)))
    assert result.rag == Rag.GREY
    assert result.reason == "Not due to start until 1 July 2024"
    assert not result.excluded


def test_an_action_starting_later_but_already_under_way_is_not_grey():
    result = result_of(action(percent=10, start=date(2024, 7, 1)))
    assert result.rag == Rag.GREEN
    assert result.expected == 0
    assert result.performance == 100


def test_an_action_starting_on_the_as_at_date_is_not_grey():
    assert result_of(action(percent=0, start=AS_AT)).rag == Rag.GREEN


def test_it_turns_red_when_the_due_date_has_passed():
    result = result_of(action(percent=95, due=date(2024, 6, 29)))
    assert result.rag == Rag.RED
    assert result.reason == "Due 29 June 2024 has passed and it is not completed"


def test_a_due_date_of_today_has_not_passed():
    result = result_of(action(percent=95, due=AS_AT))
    assert result.rag == Rag.GREEN
    assert result.expected == 100


def test_an_action_with_no_due_date_is_green():
    result = result_of(action(percent=0, due=None))
    assert result.rag == Rag.GREEN
    assert "No due date" in result.reason


@pytest.mark.parametrize("declared", [Rag.RED, Rag.AMBER, Rag.GREEN])
def test_with_no_due_date_the_declared_rag_is_the_computed_colour(declared):
    result = result_of(action(percent=10, due=None, declared_rag=declared))
    assert result.rag == declared
    assert not result.declared_greener
    assert f"declared RAG ({declared.label})" in result.reason


def test_a_declared_rag_with_no_due_date_rolls_up():
    declared_red = action("ASC2401.B", percent=10, due=None, declared_rag=Rag.RED)
    node = objective_result(green("ASC2401.A"), declared_red)
    assert node.rag == Rag.RED  # one of two counted children red: at least a third
    assert node.distribution[Rag.RED] == 1


def test_a_declared_rag_does_not_change_an_action_with_a_due_date():
    result = result_of(action(percent=50, due=AS_AT - timedelta(days=1), declared_rag=Rag.GREEN))
    assert result.rag == Rag.RED
    assert result.declared_greener


def test_expected_progress_rises_in_a_straight_line():
    result = result_of(action(percent=40, start=date(2024, 6, 1), due=date(2024, 6, 11)),
                       as_at=date(2024, 6, 6))
    assert result.expected == 50
    assert result.performance == 80


def at_the_due_date(percent):
    """Expected is 100 at the due date, so performance is the percent itself."""
    return result_of(action(percent=percent, start=date(2024, 6, 1), due=AS_AT))


def test_it_is_green_at_exactly_90_percent_performance():
    assert at_the_due_date(90).performance == 90
    assert at_the_due_date(90).rag == Rag.GREEN


def test_it_is_amber_just_under_90_percent_performance():
    assert at_the_due_date(89.99).rag == Rag.AMBER


def test_it_is_amber_at_exactly_70_percent_performance():
    assert at_the_due_date(70).rag == Rag.AMBER


def test_it_is_red_just_under_70_percent_performance():
    assert at_the_due_date(69.99).rag == Rag.RED


def test_performance_of_exactly_90_is_not_lost_to_rounding():
    # 30% done against a third expected is 90% exactly; 30 / 33.33... * 100 in floats is 89.999...
    result = result_of(action(percent=30, start=date(2024, 6, 27), due=AS_AT), as_at=date(2024, 6, 28))
    assert result.expected == pytest.approx(100 / 3)
    assert result.performance == 90
    assert result.rag == Rag.GREEN


def test_the_performance_thresholds_are_settings():
    settings = RollupSettings(green_threshold=80, red_threshold=50)
    assert result_of(action(percent=80, start=date(2024, 6, 1), due=AS_AT),
                     settings=settings).rag == Rag.GREEN
    assert result_of(action(percent=49, start=date(2024, 6, 1), due=AS_AT),
                     settings=settings).rag == Rag.RED


def test_the_thresholds_cannot_cross():
    with pytest.raises(ValueError):
        RollupSettings(green_threshold=60, red_threshold=70)


def due_soon(**facts):
    facts.setdefault("percent", 50)
    return action(due=date(2024, 1, 11), **facts)


def test_an_action_uses_its_own_start_date_first():
    result = result_of(due_soon(start=date(2024, 1, 1), created=date(2024, 1, 8)),
                       as_at=date(2024, 1, 9), programme_start=date(2024, 1, 6))
    assert result.expected == 80


def test_without_its_own_start_an_action_uses_the_programme_start():
    result = result_of(due_soon(start=None, created=date(2024, 1, 8)),
                       as_at=date(2024, 1, 9), programme_start=date(2024, 1, 6))
    assert result.expected == 60


def test_without_any_start_an_action_uses_the_date_it_was_created():
    result = result_of(due_soon(start=None, created=date(2024, 1, 8)), as_at=date(2024, 1, 9))
    assert result.expected == pytest.approx(100 / 3)


def test_with_no_start_date_at_all_nothing_is_expected_yet():
    result = result_of(due_soon(start=None, percent=0), as_at=date(2024, 1, 9))
    assert result.expected == 0
    assert result.performance == 100
    assert result.rag == Rag.GREEN


def test_the_programme_start_reaches_actions_through_the_roll_up():
    tree = programme(objective(due_soon(start=None)), as_at=date(2024, 1, 9), start=date(2024, 1, 6))
    assert tree.children[0].children[0].expected == 60


def test_a_zero_length_window_expects_everything_from_its_start():
    result = result_of(action(percent=50, start=AS_AT, due=AS_AT))
    assert result.expected == 100
    assert result.rag == Rag.RED


def test_a_zero_length_window_expects_nothing_before_it_starts():
    day = AS_AT + timedelta(days=5)
    result = result_of(action(percent=10, start=day, due=day))
    assert result.expected == 0
    assert result.rag == Rag.GREEN


# ---------------------------------------------------------------- declared RAG


def test_it_flags_a_declared_rag_greener_than_the_computed_one():
    result = result_of(action(percent=50, due=date(2024, 6, 1), declared_rag=Rag.GREEN))
    assert result.rag == Rag.RED
    assert result.declared_greener


def test_a_declared_blue_is_greener_than_a_computed_green():
    assert result_of(action(percent=95, due=AS_AT, declared_rag=Rag.BLUE)).declared_greener


def test_a_declared_rag_equal_to_the_computed_one_is_not_flagged():
    assert not result_of(amber(declared_rag=Rag.AMBER)).declared_greener


def test_a_declared_rag_redder_than_the_computed_one_is_not_flagged():
    assert not result_of(action(percent=95, due=AS_AT, declared_rag=Rag.RED)).declared_greener


def test_grey_is_never_compared_with_a_declared_rag():
    assert not result_of(red(declared_rag=Rag.GREY)).declared_greener
    not_started = action(percent=0, start=date(2024, 7, 1), declared_rag=Rag.GREEN)
    assert not result_of(not_started).declared_greener


def test_roll_ups_use_the_computed_rag_not_the_declared_one():
    node = objective_result(red(declared_rag=Rag.GREEN))
    assert node.rag == Rag.RED
    assert node.children[0].declared_rag == Rag.GREEN


# ---------------------------------------------------------------- stale


def test_an_action_updated_45_days_ago_is_not_stale():
    assert not result_of(action(last_updated=AS_AT - timedelta(days=45))).stale


def test_an_action_updated_46_days_ago_is_stale():
    assert result_of(action(last_updated=AS_AT - timedelta(days=46))).stale


def test_an_action_never_updated_counts_from_its_creation():
    assert not result_of(action(last_updated=None, created=AS_AT - timedelta(days=10))).stale
    assert result_of(action(last_updated=None, created=AS_AT - timedelta(days=50))).stale


def test_an_action_with_no_dates_at_all_is_stale():
    assert result_of(action(last_updated=None)).stale


def test_with_a_period_an_action_not_updated_since_it_started_is_stale():
    period = date(2024, 6, 25)
    assert result_of(action(last_updated=date(2024, 6, 24)), period_start=period).stale
    assert not result_of(action(last_updated=period), period_start=period).stale


def test_a_period_replaces_the_45_day_rule():
    long_ago = AS_AT - timedelta(days=80)
    facts = action(last_updated=long_ago)
    assert not result_of(facts, period_start=long_ago).stale


def test_with_a_period_an_action_never_updated_is_stale():
    assert result_of(action(last_updated=None), period_start=date(2024, 4, 1)).stale


def test_completed_and_excluded_actions_are_never_stale():
    assert not result_of(action(status=Status.COMPLETED, last_updated=None)).stale
    assert not result_of(cancelled(last_updated=None)).stale


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED, Status.DEFERRED])
def test_closed_actions_are_not_stale_even_when_a_programme_counts_them(status):
    counts_everything = RollupSettings(excluded_statuses=frozenset())
    facts = action(status=status, percent=0, last_updated=None)
    assert not result_of(facts, settings=counts_everything, period_start=date(2024, 4, 1)).stale


@pytest.mark.parametrize("status", [Status.NOT_STARTED, Status.IN_PROGRESS])
def test_open_actions_not_updated_are_stale(status):
    assert result_of(action(status=status, percent=0, last_updated=None), period_start=date(2024, 4, 1)).stale


def test_the_roll_up_passes_the_reporting_period_to_actions():
    facts = action(last_updated=date(2024, 6, 20))
    assert programme(facts, period_start=date(2024, 6, 25)).children[0].stale
    assert not programme(facts).children[0].stale


# ---------------------------------------------------------------- parent percent


def test_seed_objective_asc2401_is_the_mean_of_its_actions():
    node = objective_result(*percents(75, 100, 75, 75, 20, 25, 0, 0, 60))
    assert node.percent == pytest.approx(47.7777777777)
    assert display_percent(node.percent) == 48
    assert node.explanation.percent_formula.endswith("÷ 9 = 47.78")


def test_seed_objective_asc2410_rounds_up_to_26():
    node = objective_result(*percents(60, 25, 50, 40, 0, 30, 0, 0))
    assert node.percent == pytest.approx(25.625)
    assert display_percent(node.percent) == 26


def test_a_mean_of_equal_figures_is_that_figure():
    assert objective_result(*percents(47.3, 47.3, 47.3)).percent == 47.3


def test_a_mean_of_exactly_a_half_displays_rounded_up_whatever_the_weights():
    # In floats (0 × 0.1 + 2 × 0.3) ÷ 0.4 is 1.4999999999999998.
    node = objective_result(action("A", percent=0, weight=0.1), action("B", percent=2, weight=0.3))
    assert node.percent == 1.5
    assert display_percent(node.percent) == 2


def test_a_weighted_mean_is_the_exact_mean_of_the_figures_as_written():
    figures = [("94", "6.8"), ("47", "5.21"), ("11", "1.11"), ("56", "7.98")]
    children = [action(f"A{i}", percent=float(p), weight=float(w)) for i, (p, w) in enumerate(figures)]
    node = objective_result(*children)
    exact = sum(Fraction(p) * Fraction(w) for p, w in figures) / sum(Fraction(w) for _, w in figures)
    assert node.percent == float(exact)


def test_decimals_from_the_database_can_go_straight_in():
    tree = programme(
        objective(action("A", percent=Decimal("40"), weight=Decimal("1.50")), action("B", percent=80),
                  manual_percent=Decimal("70.00")),
        percent_method=PercentMethod.MANUAL, green_threshold=Decimal("90.00"),
        red_threshold=Decimal("70.00"), manual_difference_points=Decimal("5.00"),
    )
    node = tree.children[0]
    assert node.calculated_percent == 56
    assert node.percent == 70
    assert node.manual_difference_flag
    assert node.explanation.as_dict()["children"][0]["weight"] == 1.5


def test_children_count_with_their_weights():
    node = objective_result(action("A", percent=100, weight=3), action("B", percent=0))
    assert node.percent == 75


def test_an_objective_child_contributes_its_rolled_up_percent():
    tree = programme(objective(*percents(100, 0)), action("P.1", percent=80))
    assert tree.percent == 65


def test_mean_of_descendant_actions_counts_every_included_action():
    tree = programme(
        objective(*percents(100, 0)), action("P.1", percent=80),
        percent_method=PercentMethod.MEAN_OF_DESCENDANT_ACTIONS,
    )
    assert tree.percent == 60
    assert tree.calculated_percent == 60


def test_mean_of_descendant_actions_uses_action_weights_and_skips_excluded():
    tree = programme(
        objective(action("A", percent=100, weight=2), cancelled("X")),
        action("B", percent=40),
        percent_method=PercentMethod.MEAN_OF_DESCENDANT_ACTIONS,
    )
    assert tree.percent == 80


def test_a_weight_0_objective_takes_its_actions_out_of_the_descendant_mean():
    tree = programme(
        objective(action("A", percent=100), ref="ZERO", weight=0),
        action("B", percent=40),
        percent_method=PercentMethod.MEAN_OF_DESCENDANT_ACTIONS,
    )
    assert tree.percent == 40


def test_share_completed_counts_completed_children():
    node = objective_result(
        blue("A"), action("B", percent=90), blue("C"), action("D", status=Status.NOT_STARTED),
        percent_method=PercentMethod.SHARE_COMPLETED,
    )
    assert node.percent == 50


def test_share_completed_does_not_count_an_action_at_100_not_marked_completed():
    node = objective_result(blue("A"), action("B", percent=100),
                            percent_method=PercentMethod.SHARE_COMPLETED)
    assert node.percent == 50


def test_share_completed_counts_an_objective_only_at_100():
    tree = programme(
        objective(blue("A"), ref="DONE"), objective(blue("B"), action("C", percent=99), ref="NEARLY"),
        percent_method=PercentMethod.SHARE_COMPLETED,
    )
    assert tree.percent == 50


def test_share_completed_weighs_children():
    node = objective_result(action("A", status=Status.COMPLETED, weight=3), green("B"),
                            percent_method=PercentMethod.SHARE_COMPLETED)
    assert node.percent == 75


def test_excluded_children_do_not_pull_the_percent_down():
    node = objective_result(*percents(80, 60), cancelled("X"), action("Y", status=Status.DEFERRED))
    assert node.percent == 70


def test_a_weight_0_child_is_left_out():
    node = objective_result(action("A", percent=80), action("B", percent=0, weight=0))
    assert node.percent == 80
    left_out = node.explanation.children[1]
    assert not left_out.included_in_percent
    assert left_out.reason_excluded == "weight 0"


def test_a_parent_with_no_included_children_has_no_percent():
    node = objective_result(cancelled("X"), cancelled("Y"))
    assert node.percent is None
    assert node.calculated_percent is None
    assert node.rag == Rag.GREY


def test_an_objective_with_no_children_has_no_percent():
    assert programme(objective()).children[0].percent is None


def test_an_objective_with_no_percent_is_left_out_of_its_parent():
    tree = programme(objective(cancelled("X"), ref="EMPTY"), action("A", percent=30))
    assert tree.percent == 30
    child = tree.explanation.children[0]
    assert not child.included_in_percent
    assert child.reason_excluded == "no included children"


# ---------------------------------------------------------------- manual percent


def manual(manual_percent, *values):
    tree = programme(objective(*percents(*values), manual_percent=manual_percent),
                     percent_method=PercentMethod.MANUAL)
    return tree.children[0]


def test_manual_shows_the_owners_figure_and_keeps_the_calculated_one():
    node = manual(60, 40, 60)
    assert node.percent == 60
    assert node.calculated_percent == 50
    assert node.manual_difference_flag


def test_a_manual_difference_of_exactly_5_points_is_not_flagged():
    assert not manual(55, 40, 60).manual_difference_flag


def test_a_manual_difference_of_5_01_points_is_flagged():
    assert manual(55.01, 40, 60).manual_difference_flag


def test_a_manual_figure_below_the_calculated_one_is_flagged_too():
    assert manual(44.99, 40, 60).manual_difference_flag
    assert not manual(45, 40, 60).manual_difference_flag


def test_a_manual_difference_is_judged_on_the_figures_as_written():
    # 52.3 - 47.3 is 5.000000000000004 in floats; it is 5 points.
    assert not manual(52.3, 47.3).manual_difference_flag


def test_the_manual_difference_is_a_setting():
    tree = programme(objective(*percents(40, 60), manual_percent=53),
                     percent_method=PercentMethod.MANUAL, manual_difference_points=2)
    assert tree.children[0].manual_difference_flag


def test_manual_without_a_figure_falls_back_to_the_calculated_one():
    node = manual(None, 40, 60)
    assert node.percent == 50
    assert not node.manual_difference_flag
    assert node.explanation.percent_formula.startswith("no figure entered")


def test_a_programme_under_manual_shows_its_calculated_percent():
    tree = programme(objective(*percents(40, 60), manual_percent=90), percent_method=PercentMethod.MANUAL)
    assert tree.percent == 90  # from its one objective's manual figure
    assert not tree.manual_difference_flag


def test_a_manual_figure_is_ignored_under_other_methods():
    tree = programme(objective(*percents(40, 60), manual_percent=90))
    assert tree.children[0].percent == 50
    assert not tree.children[0].manual_difference_flag


def test_the_manual_explanation_shows_both_figures():
    formula = manual(60, 40, 60).explanation.percent_formula
    assert "60 entered by the owner" in formula
    assert "= 50" in formula
    assert "flagged" in formula


# ---------------------------------------------------------------- parent RAG: proportion


def test_it_turns_blue_when_every_counted_child_is_blue():
    assert objective_result(blue("A"), blue("B"), grey("C")).rag == Rag.BLUE


def test_blue_and_green_children_make_green():
    assert objective_result(blue("A"), green("B")).rag == Rag.GREEN


def test_it_turns_red_when_a_third_is_red():
    assert objective_result(red("A"), green("B"), green("C")).rag == Rag.RED


def test_it_turns_amber_when_red_is_just_under_a_third():
    node = objective_result(red("A"), green("B"), green("C"), green("D"))
    assert node.rag == Rag.AMBER


def test_it_turns_amber_when_a_third_is_amber():
    assert objective_result(amber("A"), green("B"), green("C")).rag == Rag.AMBER


def test_it_stays_green_when_amber_is_just_under_a_third():
    assert objective_result(amber("A"), green("B"), green("C"), green("D")).rag == Rag.GREEN


def test_a_third_is_judged_exactly_with_decimal_weights():
    # In floats 3 × 0.3 is 0.8999999999999999 and 0.2 + 0.4 + 0.3 is 0.9000000000000001.
    counted = [(Rag.RED, 0.3), (Rag.GREEN, 0.2), (Rag.GREEN, 0.4)]
    assert parent_rag(counted, RagPolicy.PROPORTION)[0] == Rag.RED


def test_a_third_is_judged_on_weights_not_counts():
    node = objective_result(red("A", weight=0.9), green("B"), green("C"))
    assert node.rag == Rag.AMBER
    assert objective_result(amber("A", weight=2), green("B"), green("C"), green("D")).rag == Rag.AMBER


def test_grey_children_are_not_counted_in_the_rag():
    node = objective_result(amber("A"), green("B"), green("C"), grey("D"), grey("E"))
    assert node.rag == Rag.AMBER  # 1 of 3, not 1 of 5
    assert not node.explanation.children[3].included_in_rag
    assert node.explanation.children[3].included_in_percent


def test_excluded_children_are_not_counted_in_the_rag():
    node = objective_result(
        amber("A"), green("B"), green("C"), cancelled("X"), cancelled("Y"), cancelled("Z")
    )
    assert node.rag == Rag.AMBER


def test_a_parent_with_only_grey_children_is_grey():
    assert objective_result(grey("A"), grey("B")).rag == Rag.GREY


def test_a_grey_child_objective_is_not_counted_in_its_parent():
    tree = programme(objective(grey("A"), ref="LATER"), amber("B"), green("C"))
    assert tree.rag == Rag.AMBER  # amber is 1 of 2 counted, not 1 of 3


# ---------------------------------------------------------------- parent RAG: worst and majority


def worst(*children):
    return objective_result(*children, rag_policy=RagPolicy.WORST).rag


def majority(*children):
    return objective_result(*children, rag_policy=RagPolicy.MAJORITY).rag


def test_under_worst_one_red_makes_red():
    assert worst(red("A"), *(green(f"G{i}") for i in range(9))) == Rag.RED


def test_under_worst_one_amber_makes_amber():
    assert worst(amber("A"), *(green(f"G{i}") for i in range(9))) == Rag.AMBER


def test_under_worst_blue_and_green_make_green():
    assert worst(blue("A"), green("B")) == Rag.GREEN


def test_under_worst_all_blue_makes_blue():
    assert worst(blue("A"), blue("B")) == Rag.BLUE


def test_under_majority_the_largest_colour_wins():
    assert majority(green("A"), green("B"), red("C")) == Rag.GREEN


def test_under_majority_weight_beats_count():
    assert majority(green("A"), green("B"), red("C", weight=3)) == Rag.RED


def test_under_majority_a_tie_goes_to_the_worse_colour():
    assert majority(green("A"), amber("B")) == Rag.AMBER
    assert majority(amber("A"), red("B")) == Rag.RED
    assert majority(blue("A"), green("B")) == Rag.GREEN


def test_under_majority_the_tie_is_explained():
    node = objective_result(green("A"), amber("B"), rag_policy=RagPolicy.MAJORITY)
    assert "tied with green" in node.explanation.rag_reason


def test_under_majority_all_blue_makes_blue():
    assert majority(blue("A"), blue("B"), grey("C")) == Rag.BLUE


# ---------------------------------------------------------------- distribution and explanation


def test_the_distribution_counts_every_descendant_action_with_excluded_as_grey():
    tree = programme(
        objective(blue("A"), red("B"), cancelled("X")), objective(green("C"), grey("D"), ref="O2")
    )
    assert tree.distribution == {Rag.BLUE: 1, Rag.GREEN: 1, Rag.AMBER: 0, Rag.RED: 1, Rag.GREY: 2}


def test_the_explanation_lists_every_child_and_why_it_was_left_out():
    node = objective_result(action("A", percent=80), cancelled("X"), grey("G"))
    children = {child.ref: child for child in node.explanation.children}
    assert children["A"].included_in_percent and children["A"].included_in_rag
    assert children["X"].reason_excluded == "Cancelled"
    assert not children["X"].included_in_percent
    assert children["G"].included_in_percent and not children["G"].included_in_rag


def test_the_explanation_names_its_method_policy_and_thresholds():
    explanation = objective_result(green("A"), rag_policy=RagPolicy.WORST).explanation
    assert explanation.method == PercentMethod.MEAN_OF_CHILDREN
    assert explanation.policy == RagPolicy.WORST
    assert explanation.thresholds["green_threshold"] == 90
    assert explanation.thresholds["red_threshold"] == 70


def test_the_explanation_reads_as_plain_english():
    text = objective_result(*percents(75, 100), cancelled("ASC2401.X")).explanation.as_text()
    assert "ASC2401: 88%" in text
    assert "(75×1 + 100×1) ÷ 2 = 87.5" in text
    assert "ASC2401.X (action): 0%, Grey, weight 1; left out: Cancelled" in text
    assert "Distribution: Blue 0, Green 2, Amber 0, Red 0, Grey 1" in text


def test_the_explanation_turns_into_json():
    node = programme(objective(*percents(75, 100), cancelled("X")))
    data = json.loads(json.dumps(node.explanation.as_dict()))
    assert data["method"] == "mean_of_children"
    assert data["distribution"]["grey"] == 1
    assert data["children"][0]["ref"] == "ASC2401"


def test_a_long_formula_is_cut_short():
    node = objective_result(*(action(f"A{i}", percent=50) for i in range(30)))
    assert "(5 more)" in node.explanation.percent_formula
    assert node.explanation.percent_formula.endswith("÷ 30 = 50")


def test_iter_results_walks_parents_before_children_in_order():
    tree = programme(objective(action("A"), action("B")), action("C"))
    assert [item.ref for item in iter_results(tree)] == ["ASC", "ASC2401", "A", "B", "C"]
    assert isinstance(next(iter_results(tree)), NodeResult)


# ---------------------------------------------------------------- measures


def higher(value, target=100, **options):
    return measure_rag(value=value, target=target, polarity=Polarity.HIGHER_IS_BETTER, **options)


def lower(value, target=100, **options):
    return measure_rag(value=value, target=target, polarity=Polarity.LOWER_IS_BETTER, **options)


def band(value, **options):
    return measure_rag(
        value=value, target=None, polarity=Polarity.WITHIN_BAND, band_low=10, band_high=20, **options
    )


def test_a_measure_meeting_or_beating_its_target_is_green():
    assert higher(100) == Rag.GREEN
    assert higher(120) == Rag.GREEN
    assert lower(100) == Rag.GREEN
    assert lower(80) == Rag.GREEN


def test_a_measure_missing_by_no_more_than_10_percent_is_amber():
    assert higher(90) == Rag.AMBER
    assert lower(110) == Rag.AMBER


def test_a_measure_missing_by_more_than_10_percent_is_red():
    assert higher(89.99) == Rag.RED
    assert lower(110.01) == Rag.RED


def test_a_percent_tolerance_is_judged_exactly():
    # 10% of 0.3 is 0.03; 0.3 - 0.27 in floats is 0.030000000000000027.
    assert higher(0.27, target=0.3) == Rag.AMBER


def test_the_tolerance_can_be_an_absolute_amount():
    assert higher(95, tolerance=5, tolerance_kind=ToleranceKind.ABSOLUTE) == Rag.AMBER
    assert higher(94.9, tolerance=5, tolerance_kind=ToleranceKind.ABSOLUTE) == Rag.RED
    assert lower(105, tolerance=5, tolerance_kind=ToleranceKind.ABSOLUTE) == Rag.AMBER


def test_a_percent_tolerance_is_of_the_size_of_a_negative_target():
    assert higher(-55, target=-50) == Rag.AMBER
    assert higher(-55.01, target=-50) == Rag.RED


def test_a_measure_inside_its_band_is_green():
    assert band(10) == Rag.GREEN
    assert band(15) == Rag.GREEN
    assert band(20) == Rag.GREEN


def test_a_measure_just_outside_its_band_is_amber():
    assert band(9) == Rag.AMBER  # 10% of the low edge is 1
    assert band(22) == Rag.AMBER  # 10% of the high edge is 2


def test_a_measure_well_outside_its_band_is_red():
    assert band(8.99) == Rag.RED
    assert band(22.01) == Rag.RED


def test_a_band_tolerance_can_be_absolute():
    assert band(7, tolerance=3, tolerance_kind=ToleranceKind.ABSOLUTE) == Rag.AMBER
    assert band(23.5, tolerance=3, tolerance_kind=ToleranceKind.ABSOLUTE) == Rag.RED


def test_a_measure_with_no_target_or_no_value_is_grey():
    assert higher(50, target=None) == Rag.GREY
    assert higher(None) == Rag.GREY
    assert band(None) == Rag.GREY
    assert measure_rag(value=5, target=None, polarity=Polarity.WITHIN_BAND) == Rag.GREY


def test_amber_if_improving_softens_a_red_that_beats_last_year():
    assert higher(80, amber_if_improving=True, same_period_last_year=70) == Rag.AMBER
    assert lower(130, amber_if_improving=True, same_period_last_year=140) == Rag.AMBER
    assert band(5, amber_if_improving=True, same_period_last_year=4) == Rag.AMBER


def test_amber_if_improving_needs_the_option():
    assert higher(80, same_period_last_year=70) == Rag.RED


def test_amber_if_improving_keeps_red_when_not_better_than_last_year():
    assert higher(80, amber_if_improving=True, same_period_last_year=80) == Rag.RED
    assert higher(80, amber_if_improving=True, same_period_last_year=85) == Rag.RED
    assert higher(80, amber_if_improving=True, same_period_last_year=None) == Rag.RED
    assert band(5, amber_if_improving=True, same_period_last_year=25) == Rag.RED  # both 5 outside


# ---------------------------------------------------------------- direction of travel


def test_direction_of_travel_follows_higher_is_better():
    assert direction_of_travel(current=5, previous=4, polarity=Polarity.HIGHER_IS_BETTER) == Direction.BETTER
    assert direction_of_travel(current=4, previous=4, polarity=Polarity.HIGHER_IS_BETTER) == Direction.SAME
    assert direction_of_travel(current=3, previous=4, polarity=Polarity.HIGHER_IS_BETTER) == Direction.WORSE


def test_direction_of_travel_follows_lower_is_better():
    assert direction_of_travel(current=3, previous=4, polarity=Polarity.LOWER_IS_BETTER) == Direction.BETTER
    assert direction_of_travel(current=5, previous=4, polarity=Polarity.LOWER_IS_BETTER) == Direction.WORSE


def travel_in_band(current, previous):
    return direction_of_travel(current=current, previous=previous, polarity=Polarity.WITHIN_BAND,
                               band_low=10, band_high=20)


def test_moving_closer_to_the_band_is_better():
    assert travel_in_band(8, 5) == Direction.BETTER
    assert travel_in_band(15, 25) == Direction.BETTER
    assert travel_in_band(25, 22) == Direction.WORSE


def test_anywhere_inside_the_band_is_the_same():
    assert travel_in_band(11, 19) == Direction.SAME
    assert travel_in_band(8, 22) == Direction.SAME  # both 2 outside


def test_direction_of_travel_needs_both_values():
    assert direction_of_travel(current=None, previous=4, polarity=Polarity.HIGHER_IS_BETTER) is None
    assert direction_of_travel(current=4, previous=None, polarity=Polarity.LOWER_IS_BETTER) is None


# ---------------------------------------------------------------- risks


def test_a_risk_score_is_likelihood_times_impact():
    assert risk_score(3, 4) == 12


@pytest.mark.parametrize("likelihood, impact", [(0, 3), (6, 3), (3, 0), (3, 6), (2.5, 2), (True, 3)])
def test_likelihood_and_impact_must_be_1_to_5(likelihood, impact):
    with pytest.raises(ValueError):
        risk_score(likelihood, impact)


@pytest.mark.parametrize(
    "score, band_colour",
    [(1, Rag.GREEN), (4, Rag.GREEN), (5, Rag.AMBER), (12, Rag.AMBER), (15, Rag.RED), (25, Rag.RED)],
)
def test_risk_scores_fall_into_bands(score, band_colour):
    assert risk_band(score, DEFAULTS) == band_colour


def test_risk_bands_are_settings():
    settings = RollupSettings(risk_amber_from=4, risk_red_from=10)
    assert risk_band(4, settings) == Rag.AMBER
    assert risk_band(10, settings) == Rag.RED


def test_a_risk_score_outside_1_to_25_is_refused():
    with pytest.raises(ValueError):
        risk_band(26, DEFAULTS)


def test_a_risk_past_its_review_date_is_overdue():
    assert risk_review_overdue(AS_AT - timedelta(days=1), AS_AT)
    assert not risk_review_overdue(AS_AT, AS_AT)
    assert not risk_review_overdue(None, AS_AT)


# ---------------------------------------------------------------- figures as people read them


def test_an_actions_reason_gives_whole_percents():
    # 30 done on 15 July of a year from 1 April: 105 of 364 days gone is 28.85% expected, performance 104.
    result = action_result(action(percent=30, due=date(2025, 3, 31)), as_at=date(2024, 7, 15), settings=DEFAULTS)
    assert result.expected == pytest.approx(28.846, abs=0.001)
    assert "30% done against 29% expected by 15 July 2024" in result.reason
    assert "performance 104%, green from 90%" in result.reason
    assert "28.85" not in result.reason


def test_performance_is_rounded_to_a_whole_percent():
    assert performance_text(161.29) == "161%"
    assert performance_text(69.33) == "69%"
    assert performance_text(None) == ""


def test_performance_just_below_a_threshold_is_never_rounded_onto_it():
    assert performance_text(89.6) == "just under 90%"
    assert performance_text(69.5) == "just under 70%"
    assert performance_text(90) == "90%"
    custom = RollupSettings(green_threshold=95, red_threshold=60)
    assert performance_text(94.7, custom) == "just under 95%"
    assert performance_text(89.6, custom) == "90%"
