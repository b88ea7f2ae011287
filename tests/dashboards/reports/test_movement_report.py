"""Movement since the last report: exactly the changes made between two dates, each in words."""

from datetime import date

import pytest
import time_machine

from actionplans.models import Action
from actionplans.services import action_record_progress, action_save
from dashboards.reports.report import (
    action_plan_report,
    default_comparison,
    highlight_report,
    movement_report,
)
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db

JUNE_30, SEPTEMBER_30 = date(2024, 6, 30), date(2024, 9, 30)



def progress(action, percent, on, status="in_progress"):
    action_record_progress(action=action, percent=percent, status=status, effective_date=on, channel="command")
    action.refresh_from_db()


@pytest.fixture
def plan(db):
    """Five actions on 30 June; by 30 September one is done, one fell behind, one's due date moved,
    one was never touched, and one was added."""
    with time_machine.travel(date(2024, 4, 2), tick=False):
        programme = ProgrammeFactory(name="Council plan 2024/25", short_name="CP2425", start_date=date(2024, 4, 1))
        theme = ObjectiveFactory(programme=programme, reference="CP1")
        made = {ref: ActionFactory(objective=theme, reference=ref, start_date=date(2024, 4, 1),
                                   due_date=date(2025, 3, 31))
                for ref in ("CP1.A", "CP1.B", "CP1.C", "CP1.D")}
    for action in made.values():
        progress(action, 25, JUNE_30)
    progress(made["CP1.A"], 100, date(2024, 9, 1), status="completed")
    progress(made["CP1.B"], 26, date(2024, 9, 20))  # far behind its straight line by 30 September
    progress(made["CP1.C"], 50, date(2024, 9, 20))
    with time_machine.travel(date(2024, 8, 15), tick=False):
        moved = Action.objects.get(pk=made["CP1.C"].pk)
        moved.revised_due_date = date(2025, 6, 30)
        action_save(moved, channel="command")
        ActionFactory(objective=theme, reference="CP1.E", start_date=date(2024, 8, 1), due_date=date(2025, 3, 31))
    return programme


def sections(report) -> dict:
    return {section.title: {row.ref: row.reasons for row in section.rows} for section in report.sections}


def test_it_finds_exactly_what_changed_between_the_two_dates(plan, clerk):
    report = movement_report(plan.pk, as_at=SEPTEMBER_30, user=clerk, compare=JUNE_30)

    found = sections(report)
    assert found["Completed"] == {"CP1.A": ("Completed since 30 June 2024",)}
    assert found["Due dates moved"] == {"CP1.C": ("Due 30 June 2025, was 31 March 2025",)}
    assert found["Not updated"] == {"CP1.D": ("No update between 30 June 2024 and 30 September 2024",)}
    assert found["Added"] == {"CP1.E": ("Added on 15 August 2024",)}
    assert found["Changed colour"]["CP1.A"] == ("Green on 30 June 2024, Blue on 30 September 2024",)
    assert found["Changed colour"]["CP1.B"][0].startswith("Green on 30 June 2024, Red on 30 September 2024")
    # Untouched at 25%, CP1.D fell behind its straight line as the quarter passed.
    assert found["Changed colour"]["CP1.D"] == ("Green on 30 June 2024, Red on 30 September 2024",)
    assert "CP1.E" not in found["Changed colour"]  # it did not exist on 30 June
    assert report.title == "Movement since 30 June 2024"
    assert report.compared_with == JUNE_30


def test_nothing_moved_between_two_dates_with_no_changes(plan, clerk):
    report = movement_report(plan.pk, as_at=date(2024, 7, 10), user=clerk, compare=date(2024, 7, 9))

    found = sections(report)
    assert found["Completed"] == found["Due dates moved"] == found["Added"] == {}
    assert report.sections[1].empty == "Nothing was completed between 9 July 2024 and 10 July 2024."


def test_the_default_comparison_is_the_end_of_the_previous_quarter(plan, clerk):
    ReportingPeriodFactory(name="2024/25 Q1", kind="quarter", quarter=1, start=date(2024, 4, 1), end=JUNE_30)
    ReportingPeriodFactory(name="2024/25 Q2", kind="quarter", quarter=2, start=date(2024, 7, 1), end=SEPTEMBER_30)

    assert default_comparison(SEPTEMBER_30) == JUNE_30
    assert movement_report(plan.pk, as_at=SEPTEMBER_30, user=clerk).compared_with == JUNE_30


def test_a_comparison_on_or_after_the_as_at_date_is_refused(plan, clerk):
    with pytest.raises(ValueError, match="before the as-at date"):
        movement_report(plan.pk, as_at=JUNE_30, user=clerk, compare=JUNE_30)


def test_the_action_plan_report_ends_with_what_moved(plan, clerk):
    report = action_plan_report(plan.pk, as_at=SEPTEMBER_30, user=clerk, compare=JUNE_30)

    found = sections(report)
    assert list(found) == ["Objectives and actions", "Changed colour", "Completed", "Due dates moved",
                           "Not updated", "Added"]
    assert found == {**found, **sections(movement_report(plan.pk, as_at=SEPTEMBER_30, user=clerk,
                                                         compare=JUNE_30))}
    assert report.compared_with == JUNE_30


def test_the_highlight_report_carries_what_moved_without_listing_completions_twice(plan, clerk):
    report = highlight_report(plan.pk, as_at=SEPTEMBER_30, user=clerk, compare=JUNE_30)

    found = sections(report)
    assert found["Key achievements"] == {"CP1.A": ("Completed since 30 June 2024",)}
    assert "Completed" not in found
    assert found["Due dates moved"] == {"CP1.C": ("Due 30 June 2025, was 31 March 2025",)}
    assert found["Added"] == {"CP1.E": ("Added on 15 August 2024",)}


def test_the_whole_estate_moves_programme_by_programme(plan, clerk):
    with time_machine.travel(date(2024, 4, 2), tick=False):
        other = ProgrammeFactory(name="Another plan", short_name="AP")
        quiet = ActionFactory(objective=ObjectiveFactory(programme=other, reference="AP1"), reference="AP1.A",
                              start_date=date(2024, 4, 1), due_date=date(2025, 3, 31))
    progress(quiet, 30, JUNE_30)

    estate = movement_report(None, as_at=SEPTEMBER_30, user=clerk, compare=JUNE_30)

    found = sections(estate)
    one = sections(movement_report(plan.pk, as_at=SEPTEMBER_30, user=clerk, compare=JUNE_30))
    assert found["Not updated"] == {**one["Not updated"],
                                    "AP1.A": ("No update between 30 June 2024 and 30 September 2024",)}
    assert found["Completed"] == one["Completed"]
    assert found["Due dates moved"] == one["Due dates moved"]
    by_ref = {row.ref: row for section in estate.sections for row in section.rows}
    assert by_ref["AP1.A"].parent_ref == "AP1"
    assert estate.programme == "All programmes (2)"


def test_an_action_recorded_late_but_started_before_the_earlier_date_was_not_added(plan, clerk):
    with time_machine.travel(date(2024, 8, 20), tick=False):  # imported in August, running since April
        ActionFactory(objective=plan.objectives.get(reference="CP1"), reference="CP1.F",
                      start_date=date(2024, 4, 1), due_date=date(2025, 3, 31))

    found = sections(movement_report(plan.pk, as_at=SEPTEMBER_30, user=clerk, compare=JUNE_30))

    assert "CP1.F" not in found["Added"] and "CP1.E" in found["Added"]
