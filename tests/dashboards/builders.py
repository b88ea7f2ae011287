"""Test data for the dashboards, written through the services like every other door."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from actionplans.models import Measure, MeasureTarget
from actionplans.services import (
    action_create,
    action_record_progress,
    measure_record_value,
    objective_create,
)
from governance.models import Board, Risk
from programmes.choices import ObjectiveKind
from programmes.models import OrgUnit
from programmes.services import person_create, programme_create, record_save
from tests.programmes.builders import financial_year_2024

JUNE_30 = date(2024, 6, 30)
SEPTEMBER_30 = date(2024, 9, 30)
JULY_15 = date(2024, 7, 15)


def record(action, percent, on, status="in_progress", **extra):
    return action_record_progress(action=action, percent=percent, status=status, effective_date=on,
                                  channel="command", **extra)


def simple_programme(short_name="PLAN", *, objectives=1, actions_per_objective=2, start=date(2024, 4, 1)):
    """A programme with `objectives` objectives of a few actions each, all due in 2030."""
    programme = programme_create(name=f"Programme {short_name}", short_name=short_name, start_date=start,
                                 channel="command")
    made = []
    for i in range(objectives):
        objective = objective_create(programme=programme, reference=f"{short_name}{i + 1:02}",
                                     title=f"Objective {i + 1}", channel="command")
        for j in range(actions_per_objective):
            action_create(objective=objective, reference=f"{short_name}{i + 1:02}.{j + 1}", title=f"Action {j + 1}",
                          start_date=start, due_date=date(2030, 3, 31), channel="command")
        made.append(objective)
    return programme, made


@dataclass
class CouncilPlan:
    programme: object
    theme: object
    safeguarding: object
    front_door: object
    carers: object
    actions: dict = field(default_factory=dict)
    board: object = None
    org_unit: object = None
    people: dict = field(default_factory=dict)
    periods: list = field(default_factory=list)
    measures: dict = field(default_factory=dict)
    risks: list = field(default_factory=list)


def council_plan(short_name="ASC") -> CouncilPlan:
    """An adult social care plan with figures that differ between 30 June, 15 July and today.

    Theme ASC1 holds ASC1.1 (safeguarding, reports to the board) and ASC1.2 (front door,
    owned by the Access team); ASC2 (carers) sits alone at the top.
    """
    periods = financial_year_2024()
    people = {name: person_create(name=name, channel="command") for name in ("Gill Kerr", "Mo Wahid", "Ann Lee")}
    programme = programme_create(name="Adult social care action plan 2024/25", short_name=short_name,
                                 start_date=date(2024, 4, 1), owner=people["Ann Lee"], channel="command")
    theme = objective_create(programme=programme, reference=f"{short_name}1", title="Keeping people safe",
                             kind=ObjectiveKind.THEME, channel="command")
    unit = record_save(OrgUnit(name="Access team", kind="team"), channel="command")
    safeguarding = objective_create(programme=programme, reference=f"{short_name}1.1",
                                    title="Safeguarding adults", parent=theme, owner=people["Gill Kerr"],
                                    channel="command")
    front_door = objective_create(programme=programme, reference=f"{short_name}1.2", title="Front door",
                                  parent=theme, channel="command", m2m={"org_units": [unit]})
    carers = objective_create(programme=programme, reference=f"{short_name}2", title="Support for carers",
                              channel="command")
    board = record_save(Board(name="Care Improvement Board", short_name=f"{short_name}CIB"), channel="command",
                        m2m={"objectives": [safeguarding]})

    def act(objective, suffix, title, due, **fields):
        return action_create(objective=objective, reference=f"{objective.reference}.{suffix}", title=title,
                             start_date=date(2024, 4, 1), due_date=due, channel="command", **fields)

    a = {
        "audit": act(safeguarding, "A", "Audit safeguarding referrals", date(2024, 9, 30),
                     responsible=people["Gill Kerr"]),
        "training": act(safeguarding, "B", "Train every social worker", date(2025, 3, 31),
                        responsible=people["Mo Wahid"]),
        "panel": act(safeguarding, "C", "Panel review milestone", date(2024, 8, 15), is_milestone=True,
                     responsible=people["Gill Kerr"]),
        "triage": act(front_door, "A", "Triage at first contact", date(2025, 3, 31),
                      responsible=people["Ann Lee"]),
        "cancelled": act(front_door, "B", "Old phone line", date(2024, 12, 31), responsible=people["Ann Lee"]),
        "assessments": act(carers, "A", "Carers' assessments on time", date(2024, 7, 31),
                           responsible=people["Mo Wahid"]),
        "strategy": act(carers, "B", "Publish the carers' strategy", date(2025, 1, 31), is_milestone=True,
                        responsible=people["Ann Lee"]),
    }
    record(a["audit"], 40, JUNE_30)
    record(a["audit"], 100, SEPTEMBER_30, status="completed")
    record(a["training"], 30, JUNE_30)
    record(a["training"], 35, SEPTEMBER_30, declared_rag="green",
           declared_rag_reason="The trainers are booked")
    record(a["triage"], 10, JUNE_30)
    record(a["cancelled"], 0, JUNE_30, status="cancelled")
    record(a["assessments"], 80, JUNE_30)
    record(a["assessments"], 90, SEPTEMBER_30)

    q1, q2 = periods[0], periods[1]
    contacts = record_save(Measure(programme=programme, reference="KPI1", title="Contacts resolved at first contact",
                                   unit="percentage", polarity="higher"), channel="command")
    record_save(MeasureTarget(measure=contacts, period=q1, value=Decimal("70")), channel="command")
    record_save(MeasureTarget(measure=contacts, period=q2, value=Decimal("75")), channel="command")
    measure_record_value(measure=contacts, period=q1, value=Decimal("62"), channel="command")
    measure_record_value(measure=contacts, period=q2, value=Decimal("71"), channel="command")
    waits = record_save(Measure(programme=programme, reference="KPI2", title="Days waiting for assessment",
                                unit="days", polarity="lower"), channel="command", m2m={"objectives": [carers]})
    record_save(MeasureTarget(measure=waits, period=q2, value=None, text="TBC"), channel="command")
    measure_record_value(measure=waits, period=q1, value=Decimal("28"), channel="command")
    measure_record_value(measure=waits, period=q2, value=Decimal("30"), channel="command")

    risks = [
        record_save(Risk(programme=programme, reference="R1", title="Not enough social workers",
                         current_likelihood=4, current_impact=5, owner=people["Gill Kerr"],
                         review_date=date(2024, 6, 1)), channel="command"),
        record_save(Risk(programme=programme, reference="R2", title="Data quality", current_likelihood=4,
                         current_impact=5), channel="command"),
        record_save(Risk(programme=programme, reference="R3", title="Budget", current_likelihood=2,
                         current_impact=2, objective=carers), channel="command"),
        record_save(Risk(programme=programme, reference="R4", title="Closed risk", current_likelihood=5,
                         current_impact=5, status="closed"), channel="command"),
    ]
    return CouncilPlan(programme, theme, safeguarding, front_door, carers, a, board, unit, people, periods,
                       {"contacts": contacts, "waits": waits}, risks)
