"""The exception report: only what needs attention, actions before objectives, each with why in words."""

from datetime import date

import pytest

from actionplans.services import action_record_progress
from dashboards import selectors
from dashboards.reports.report import exception_report
from programmes.roles import OFFICER
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PersonFactory,
    ProgrammeFactory,
    RiskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AS_AT = date(2024, 10, 1)



@pytest.fixture
def plan(db):
    """Behind (red by its schedule), overdue, not updated, declared greener, and one on track."""
    programme = ProgrammeFactory(name="Council plan 2024/25", short_name="CP2425", start_date=date(2024, 4, 1))
    theme = ObjectiveFactory(programme=programme, reference="CP1", title="Thriving places")
    sam = PersonFactory(name="Sam Clarke")
    made = {}
    for ref, due, percent, on in (("CP1.A", date(2024, 12, 31), 20, date(2024, 9, 20)),
                                  ("CP1.B", date(2024, 9, 1), 80, date(2024, 9, 20)),
                                  ("CP1.C", date(2025, 3, 31), 50, date(2024, 5, 1)),
                                  ("CP1.D", date(2025, 3, 31), 60, date(2024, 9, 25))):
        action = ActionFactory(objective=theme, reference=ref, start_date=date(2024, 4, 1), due_date=due,
                               responsible=sam)
        action_record_progress(action=action, percent=percent, status="in_progress", effective_date=on,
                               commentary=f"<p>Update on {ref}.</p>", channel="command")
        made[ref] = action
    slow = ActionFactory(objective=theme, reference="CP1.E", start_date=date(2024, 4, 1),
                         due_date=date(2024, 12, 31))
    action_record_progress(action=slow, percent=20, status="in_progress", effective_date=date(2024, 9, 20),
                           declared_rag="green", declared_rag_reason="Contract signed", channel="command")
    risk = RiskFactory(programme=programme, objective=theme, reference="R03", title="Workforce shortage",
                       current_likelihood=4, current_impact=4)
    risk.mitigating_actions.add(made["CP1.A"])
    return programme


def test_actions_come_before_objectives_and_each_says_why_in_words(plan, clerk):
    report = exception_report(plan.pk, as_at=AS_AT, user=clerk)

    actions, objectives = report.sections
    assert (actions.title, objectives.title) == ("Actions", "Objectives")
    reasons = {row.ref: row.reasons for row in actions.rows}
    # 183 of 274 days gone: 67% expected; 20% done is Red.
    assert reasons["CP1.A"] == ("Red: due 31 December 2024, 20% done, 67% expected",)
    assert reasons["CP1.B"] == ("Red: due 1 September 2024 and not complete",)
    assert "Not updated since 1 May 2024" in reasons["CP1.C"]
    assert "Declared Green, greener than the computed Red" in reasons["CP1.E"]
    assert "CP1.D" not in reasons  # on track and updated this period
    assert [row.ref for row in objectives.rows] == ["CP1"]
    assert objectives.rows[0].reasons[0].startswith("Red: ")


def test_each_item_carries_its_owner_latest_commentary_and_linked_risks(plan, clerk):
    report = exception_report(plan.pk, as_at=AS_AT, user=clerk)

    action = next(row for row in report.sections[0].rows if row.ref == "CP1.A")
    assert action.owners == ("Sam Clarke",)
    assert action.commentary_text == "Update on CP1.A."
    assert action.risks == ("R03 Workforce shortage (current score 16, Red)",)
    assert report.sections[1].rows[0].risks == ("R03 Workforce shortage (current score 16, Red)",)


def test_it_lists_the_same_items_as_the_exceptions_dashboard(plan, clerk):
    report = exception_report(plan.pk, as_at=AS_AT, user=clerk)
    page = selectors.exceptions(as_at=AS_AT, version=selectors.data_version(), programme_id=plan.pk)

    on_page = {item.row.ref for group in page.groups for item in group.items}
    assert {row.ref for row in report.rows} == on_page
    for row in report.rows:
        item = next(i for g in page.groups for i in g.items if i.row.ref == row.ref)
        assert (row.rag, row.percent) == (item.row.rag.value, item.row.percent)


def test_an_officer_sees_the_exceptions_among_their_own_actions_only(plan):
    officer = UserFactory(username="olu", role=OFFICER)
    olu = PersonFactory(name="Olu", user=officer)
    mine = plan.actions.get(reference="CP1.B")
    mine.responsible = olu
    mine.save()

    report = exception_report(plan.pk, as_at=AS_AT, user=officer)

    assert [row.ref for row in report.rows] == ["CP1.B"]
    assert report.sections[1].rows == ()


def test_a_programme_with_nothing_to_report_says_so(clerk):
    programme = ProgrammeFactory(start_date=date(2024, 4, 1))

    report = exception_report(programme.pk, as_at=AS_AT, user=clerk)

    assert [section.rows for section in report.sections] == [(), ()]
    assert report.sections[0].empty == "No action needs attention on this date."
