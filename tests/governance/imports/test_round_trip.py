"""Exporting a programme and importing the export gives the same programme."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from actionplans.models import Measure
from actionplans.services import action_record_progress
from governance.imports.export import export_csv, export_xlsx
from governance.imports.service import import_commit, import_preview
from governance.models import Risk
from programmes.models import Objective, ReportingPeriod
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureTargetFactory,
    ObjectiveFactory,
    PersonFactory,
    ProgrammeFactory,
    ReportingPeriodFactory,
    RiskFactory,
)

from .builders import seed_001
from .conftest import AS_AT

pytestmark = pytest.mark.django_db


def snapshot(programme) -> dict:
    """Everything the one-sheet layout carries, by reference."""
    objectives = {
        o.reference: (o.title, o.parent.reference if o.parent else None, o.owner.name if o.owner else None,
                      sorted(p.name for p in o.leads.all()), o.due_date, o.weight, o.kind, o.description,
                      sorted(c.reference for c in o.contributes_to.all()))
        for o in Objective.objects.filter(programme=programme)
    }
    actions = {
        a.reference: (a.title, a.objective.reference, a.responsible.name if a.responsible else None,
                      sorted(p.name for p in a.leads.all()), a.start_date, a.due_date, a.due_note,
                      a.revised_due_date, a.status, a.percent, a.declared_rag, a.declared_rag_reason,
                      a.is_milestone, a.weight, sorted(c.reference for c in a.contributes_to.all()),
                      a.updates.first().commentary if a.updates.exists() else "")
        for a in programme.actions.all()
    }
    return {"objectives": objectives, "actions": actions}


@pytest.fixture
def rich_programme(priya):
    """A programme with every field the layout carries: nested objectives, milestones, RAG, notes."""
    programme = ProgrammeFactory(name="Improvement programme", short_name="IMP")
    lead, deputy = PersonFactory(name="Ann Lead"), PersonFactory(name="Dev Deputy")
    theme = ObjectiveFactory(programme=programme, reference="T1", title="Theme one", kind="theme",
                             owner=lead, due_date=date(2025, 3, 31))
    theme.leads.add(deputy)
    project = ObjectiveFactory(programme=programme, reference="P1", title="Project & plans", parent=theme,
                               kind="project", weight=Decimal("2"), owner=deputy, description="Why we do it")
    other = ObjectiveFactory(programme=programme, reference="P2", title="Other project", parent=theme,
                             owner=None, timeframe="Ongoing")
    first = ActionFactory(objective=project, reference="ACT1", title="Write the plan", responsible=lead,
                          start_date=date(2024, 4, 1), due_date=date(2024, 9, 30),
                          revised_due_date=date(2024, 10, 31))
    first.leads.add(deputy)
    first.contributes_to.add(other)
    ActionFactory(objective=project, reference="ACT2", title="Board agrees", is_milestone=True, percent=0,
                  status="not_started", due_date=None, due_note="Quarterly", start_date=None)
    action_record_progress(action=first, by=priya, percent=60, status="in_progress",
                           effective_date=date(2024, 6, 30), commentary="<p>Going <strong>well</strong></p>",
                           declared_rag="amber", declared_rag_reason="Waiting on the board")
    ActionFactory(objective=other, reference="ACT3", title="Hold", status="on_hold", percent=30, weight=0)
    return programme


@pytest.mark.parametrize("export", [export_csv, export_xlsx])
def test_an_exported_programme_imported_into_a_new_one_is_the_same_programme(rich_programme, priya, export):
    name = "export.csv" if export is export_csv else "export.xlsx"

    result = import_commit(data=export(rich_programme), file_name=name, new_programme_name="Copy", by=priya,
                           as_at=AS_AT)

    assert result.ok, result.errors
    assert snapshot(result.programme) == snapshot(rich_programme)


@pytest.mark.parametrize("export", [export_csv, export_xlsx])
def test_an_exported_programme_imported_into_itself_changes_nothing(rich_programme, export):
    name = "export.csv" if export is export_csv else "export.xlsx"

    summary = import_preview(data=export(rich_programme), file_name=name, programme=rich_programme,
                             as_at=AS_AT).summary()

    assert summary["ok"], summary["errors"]
    assert set(summary["created"].values()) == {0} and set(summary["updated"].values()) == {0}
    assert summary["unchanged"]["objectives"] == 3 and summary["unchanged"]["actions"] == 3
    assert summary["reconciliation"] == []


def test_the_seed_plan_goes_round_and_comes_back_the_same(programme, priya):
    data, name = seed_001("csv")
    import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)

    copy = import_commit(data=export_csv(programme), file_name="again.csv", new_programme_name="Seed copy",
                         by=priya, as_at=AS_AT)

    assert copy.ok, copy.errors
    assert snapshot(copy.programme) == snapshot(programme)


FORMULA_TITLES = ["=HYPERLINK(\"http://example.com\")", "+44 20 7946 0000", "-1 risk", "@SUM(A1)"]


@pytest.mark.parametrize("export", [export_csv, export_xlsx])
def test_text_a_spreadsheet_would_run_is_escaped_on_export_and_read_back_as_written(priya, export):
    programme = ProgrammeFactory(short_name="FORM")
    objective = ObjectiveFactory(programme=programme, reference="F1", title="=cmd|' /C calc'!A0")
    for number, title in enumerate(FORMULA_TITLES, start=1):
        ActionFactory(objective=objective, reference=f"F1.{number}", title=title)
    name = "export.csv" if export is export_csv else "export.xlsx"
    data = export(programme)

    if export is export_csv:
        cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8"))) for cell in row]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        cells = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    for title in FORMULA_TITLES:
        assert title not in cells and f"'{title}" in cells
    copy = import_commit(data=data, file_name=name, new_programme_name="Formula copy", by=priya, as_at=AS_AT)
    assert copy.ok, copy.errors
    assert snapshot(copy.programme) == snapshot(programme)


def measures_and_risks(programme) -> dict:
    """Everything the workbook's measure and risk sheets carry, by reference."""
    measures = {
        m.reference: (m.title, m.description, m.unit, m.polarity, m.frequency, m.owner.name if m.owner else None,
                      sorted(o.reference for o in m.objectives.all()),
                      sorted((t.period.name, t.value, t.text) for t in m.targets.all()))
        for m in Measure.objects.filter(programme=programme)
    }
    risks = {
        r.reference: (r.title, r.description, r.owner.name if r.owner else None,
                      r.objective.reference if r.objective else None, r.inherent_likelihood, r.inherent_impact,
                      r.current_likelihood, r.current_impact, r.target_likelihood, r.target_impact,
                      r.review_date, r.status, r.mitigation)
        for r in Risk.objects.filter(programme=programme)
    }
    return {"measures": measures, "risks": risks}


YEARS = ("2024/25", "2025/26")


@pytest.fixture
def programme_with_measures_and_risks(rich_programme):
    project, other = (Objective.objects.get(programme=rich_programme, reference=ref) for ref in ("P1", "P2"))
    years = [ReportingPeriodFactory(kind=ReportingPeriod.Kind.YEAR, name=name, financial_year=name, quarter=None,
                                    start=date(int(name[:4]), 4, 1), end=date(int(name[:4]) + 1, 3, 31))
             for name in YEARS]
    quarter = ReportingPeriodFactory()
    sickness = MeasureFactory(programme=rich_programme, reference="MCAR010", title="Staff sickness",
                              unit="percentage", polarity="lower", frequency="monthly", description="Days lost")
    sickness.objectives.add(project, other)
    MeasureTargetFactory(measure=sickness, period=years[0], value=Decimal("4"))
    MeasureTargetFactory(measure=sickness, period=years[1], value=None, text="TBC")
    savings = MeasureFactory(programme=rich_programme, reference="MLIL002", title="Savings", unit="currency",
                             owner=None, frequency="annual")
    savings.objectives.add(project)
    MeasureTargetFactory(measure=savings, period=years[0], value=Decimal("850000"), text="£850K")
    MeasureFactory(programme=rich_programme, reference="NI145", title="Settled accommodation", unit="yes_no",
                   polarity="band")
    RiskFactory(programme=rich_programme, reference="RCAR001", title="Demand", objective=project,
                inherent_likelihood=5, inherent_impact=4, current_likelihood=4, current_impact=3,
                target_likelihood=2, target_impact=1, review_date=date(2024, 9, 30), mitigation="Weekly panel",
                description="More people ask for help")
    RiskFactory(programme=rich_programme, reference="RCAR002", title="Commissioning", objective=None, owner=None,
                review_date=None, status="closed")
    # A quarter's target goes out as "Target 2024/25 Q1" and comes back to the same period.
    MeasureTargetFactory(measure=savings, period=quarter, value=Decimal("200000"))
    return rich_programme


def test_a_workbook_export_carries_measures_and_risks_into_a_new_programme(programme_with_measures_and_risks,
                                                                          priya):
    original = programme_with_measures_and_risks

    result = import_commit(data=export_xlsx(original), file_name="export.xlsx", new_programme_name="Copy",
                           by=priya, as_at=AS_AT)

    assert result.ok, result.errors
    assert measures_and_risks(result.programme) == measures_and_risks(original)
    assert snapshot(result.programme) == snapshot(original)


def test_a_workbook_export_imported_into_itself_changes_no_measure_or_risk(programme_with_measures_and_risks):
    programme = programme_with_measures_and_risks

    summary = import_preview(data=export_xlsx(programme), file_name="export.xlsx", programme=programme,
                             as_at=AS_AT).summary()

    assert summary["ok"], summary["errors"]
    assert set(summary["created"].values()) == {0} and set(summary["updated"].values()) == {0}
    assert summary["unchanged"]["measures"] == 3 and summary["unchanged"]["risks"] == 2
