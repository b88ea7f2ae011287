"""What the officers' pages read: groups, filters, the golden thread, history, conflicts, measures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from actionplans import selectors
from actionplans.models import Action
from actionplans.rollup import compute_tree
from actionplans.services import ActionConflict, action_record_progress, measure_record_value
from programmes.models import Person, ReportingPeriod
from tests.factories import (
    MeasureFactory,
    MeasureTargetFactory,
    ObjectiveFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db


def references(group):
    return [row.reference for row in group.rows]


def groups_of(mine):
    return {group.key: references(group) for group in mine.groups}


def test_my_actions_puts_each_of_olly_s_actions_in_one_group(plan, officer):
    mine = selectors.my_actions(user=officer)

    assert groups_of(mine) == {
        "overdue": ["ASC2401.A"],
        "due-soon": ["ASC2401.B"],
        "not-updated": ["ASC2401.C"],
        "rest": ["ASC2401.F", "ASC2401.E", "ASC2401.D"],
    }
    assert mine.counts == {"overdue": 1, "due-soon": 1, "not-updated": 1, "rest": 3}
    assert mine.total == mine.shown == 6


def test_a_completed_action_past_its_due_date_is_not_overdue(plan, officer):
    mine = selectors.my_actions(user=officer)

    assert "ASC2401.F" not in groups_of(mine)["overdue"]


def test_an_action_delegated_to_olly_is_his_to_see(plan, officer):
    rows = {row.reference: row for row in selectors.my_actions(user=officer).groups[3].rows}

    assert "ASC2401.E" in rows


def test_an_action_that_is_only_cara_s_is_not_in_olly_s_list(plan, officer):
    everything = [row.reference for group in selectors.my_actions(user=officer).groups for row in group.rows]

    assert "ASC2401.G" not in everything


def test_an_action_olly_leads_appears_once_even_when_he_is_also_a_delegate(plan, officer, today):
    me = Person.objects.get(user=officer)
    plan.later.leads.add(me)
    plan.later.delegates.add(me)

    everything = [row.reference for group in selectors.my_actions(user=officer).groups for row in group.rows]

    assert everything.count("ASC2401.D") == 1


def test_the_calculated_rag_and_the_declared_one_both_come_through(plan, officer):
    Action.objects.filter(pk=plan.overdue.pk).update(declared_rag="green", declared_rag_reason="Nearly there")

    row = selectors.my_actions(user=officer).groups[0].rows[0]

    assert row.computed_rag == "red"
    assert row.declared_rag == "green"
    assert row.declared_greener is True


def test_filters_narrow_the_list_and_say_how_many_of_the_total_are_shown(plan, officer):
    mine = selectors.my_actions(user=officer, q="reablement")

    assert groups_of(mine)["rest"] == ["ASC2401.D"]
    assert (mine.shown, mine.total) == (1, 6)


def test_filtering_by_rag_matches_the_calculated_or_the_declared_colour(plan, officer):
    mine = selectors.my_actions(user=officer, rag="red")

    assert [row.reference for group in mine.groups for row in group.rows] == ["ASC2401.A"]


def test_filtering_by_status_and_programme(plan, officer):
    assert selectors.my_actions(user=officer, status="completed").shown == 1
    assert selectors.my_actions(user=officer, programme=plan.programme.pk).shown == 6
    assert selectors.my_actions(user=officer, programme=plan.programme.pk + 1000).shown == 0


def test_sorting_by_percent_puts_the_least_done_first_within_a_group(plan, officer):
    rest = selectors.my_actions(user=officer, sort="percent").groups[3]

    assert references(rest) == ["ASC2401.E", "ASC2401.D", "ASC2401.F"]


def test_someone_with_no_person_record_has_no_actions(plan, nobody):
    Person.objects.filter(user=nobody).delete()
    nobody.__dict__.pop("_person_id", None)

    mine = selectors.my_actions(user=nobody)

    assert mine.total == 0
    assert mine.measures == []


def test_the_golden_thread_runs_from_the_programme_down_to_the_action_s_objective(plan):
    figures = selectors.stored_figures(plan.overdue)

    assert [(f.kind, f.reference) for f in figures] == [
        ("programme", "ASC"), ("objective", "ASC24"), ("objective", "ASC2401"),
    ]
    assert figures[2].dom_id == f"rollup-objective-{plan.objective.pk}"
    assert figures[0].dom_id == f"rollup-programme-{plan.programme.pk}"


def test_the_action_page_figures_equal_the_stored_ones_and_the_engine_explains_them(plan):
    page = selectors.action_page(selectors.action_for_page(plan.overdue.pk))
    stored = selectors.stored_figures(plan.overdue)

    assert [(f.reference, f.shown_percent, f.rag) for f in page.figures] == [
        (f.reference, f.shown_percent, f.rag) for f in stored
    ]
    tree = compute_tree(plan.programme.pk)
    engine = tree.results_by_key()[("objective", plan.objective.pk)]
    assert page.objective_explanation.text == engine.explanation.as_text()
    assert page.objective_figure.shown_percent == 64  # (40+90+60+55+50+100+50) / 7 = 63.57


def test_history_says_who_changed_what_newest_first(plan, officer, colleague):
    action = plan.later
    action_record_progress(action=action, by=officer, percent=60, status="in_progress")
    action_record_progress(action=action, by=colleague, percent=70, status="on_hold",
                           declared_rag="amber", declared_rag_reason="Waiting for the budget",
                           commentary="Paused until the budget is agreed.")

    newest, oldest = selectors.action_history(action.pk)

    assert newest.who == "Cara"
    assert ("Percent complete", "60%", "70%") in newest.changes
    assert ("Status", "In progress", "On hold") in newest.changes
    assert ("Declared RAG", "None declared", "Amber") in newest.changes
    assert oldest.who == "Olly"
    assert oldest.changes == [("Percent complete", "", "60%"), ("Status", "", "In progress")]


def test_conflict_details_put_their_values_beside_mine(plan, officer, colleague, today):
    action = plan.later
    loaded_at = action.version
    action_record_progress(action=action, by=colleague, percent=70, status="in_progress",
                           commentary="<p>Pilot started</p>")
    with pytest.raises(ActionConflict) as caught:
        action_record_progress(action=Action.objects.get(pk=action.pk), by=officer, percent=65,
                               status="in_progress", expected_version=loaded_at)

    details = selectors.conflict_details(caught.value, {
        "percent": 65, "status": "in_progress", "declared_rag": "", "declared_rag_reason": "",
        "effective_date": today, "commentary": "<p>Mine</p><script>alert(1)</script>",
    })

    by_field = {name: (theirs, mine, differs) for name, _, theirs, mine, differs in details.comparison}
    assert by_field["percent"] == ("70%", "65%", True)
    assert by_field["status"] == ("In progress", "In progress", False)
    assert by_field["commentary"] == ("<p>Pilot started</p>", "<p>Mine</p>", True)
    assert details.version == loaded_at + 1
    assert [entry.who for entry in details.updates_since] == ["Cara"]


def test_a_measure_shows_its_rag_and_direction_of_travel_for_each_period(db):
    q1, q2 = ReportingPeriodFactory(quarter=1), ReportingPeriodFactory(quarter=2)
    measure = MeasureFactory(unit="percentage", polarity="higher")
    MeasureTargetFactory(measure=measure, period=q1, value=Decimal("75"))
    MeasureTargetFactory(measure=measure, period=q2, value=Decimal("75"))
    measure_record_value(measure=measure, period=q1, value=Decimal("80"))
    measure_record_value(measure=measure, period=q2, value=Decimal("70"))

    page = selectors.measure_page(measure)

    newest, oldest = page.rows[:2]
    assert (oldest.period, oldest.rag, oldest.direction) == (q1, "green", None)
    assert (newest.period, newest.rag, newest.direction) == (q2, "amber", "worse")
    assert newest.value_text == "70%"
    assert newest.target_text == "75%"
    assert page.latest == newest


def test_a_data_only_measure_has_no_colour(db):
    q1 = ReportingPeriodFactory(quarter=1)
    measure = MeasureFactory(data_only=True)
    measure_record_value(measure=measure, period=q1, value=Decimal("12"))

    assert selectors.measure_page(measure).rows[0].rag == "grey"


def test_only_open_periods_of_the_measure_s_frequency_can_take_a_value(db):
    open_q1 = ReportingPeriodFactory(quarter=1)
    ReportingPeriodFactory(quarter=2, is_closed=True)
    ReportingPeriodFactory(kind=ReportingPeriod.Kind.MONTH, name="April 2024", quarter=None,
                           start=date(2024, 4, 1), end=date(2024, 4, 30))
    measure = MeasureFactory(frequency="quarterly")

    assert selectors.measure_page(measure).periods == [open_q1]
    assert selectors.measure_entry_periods(measure) == [open_q1]


def test_an_objective_the_action_also_delivers_against_is_on_its_page(plan):
    corporate = ObjectiveFactory(reference="CP-01", title="A council that listens")
    plan.later.contributes_to.add(corporate)

    page = selectors.action_page(selectors.action_for_page(plan.later.pk))

    assert [o.reference for o in page.contributes_to] == ["CP-01"]


def test_a_stale_action_is_flagged_even_when_it_is_due_soon(plan, officer, today):
    Action.objects.filter(pk=plan.due_soon.pk).update(last_updated_on=today - timedelta(days=90))

    row = selectors.action_row(plan.due_soon.pk)

    assert row.group == "due-soon"
    assert row.stale is True
