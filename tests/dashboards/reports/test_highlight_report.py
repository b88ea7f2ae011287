"""The highlight report: a programme on a page or two, every figure the programme page's."""

import csv as csv_module
import io
import subprocess
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from actionplans.services import action_record_progress
from dashboards.reports.report import highlight_report
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureTargetFactory,
    MeasureValueFactory,
    ObjectiveFactory,
    PersonFactory,
    ProgrammeFactory,
    ReportingPeriodFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db

JUNE_30, SEPTEMBER_30 = date(2024, 6, 30), date(2024, 9, 30)



@pytest.fixture
def plan(db):
    with time_machine.travel(date(2024, 4, 2), tick=False):
        programme = ProgrammeFactory(name="Council plan 2024/25", short_name="CP2425", start_date=date(2024, 4, 1))
        theme = ObjectiveFactory(programme=programme, reference="CP1")
        done = ActionFactory(objective=theme, reference="CP1.A", start_date=date(2024, 4, 1),
                             due_date=date(2024, 12, 31), responsible=PersonFactory(name="Sam Clarke"))
        ActionFactory(objective=theme, reference="CP1.M", is_milestone=True, start_date=date(2024, 4, 1),
                      due_date=date(2024, 11, 9), title="Cabinet approves the strategy")
        ActionFactory(objective=theme, reference="CP1.LATE", is_milestone=True, start_date=date(2024, 4, 1),
                      due_date=date(2025, 2, 1))
    action_record_progress(action=done, percent=50, status="in_progress", effective_date=JUNE_30, channel="command")
    done.refresh_from_db()
    action_record_progress(action=done, percent=100, status="completed", effective_date=date(2024, 9, 12),
                           commentary="<p>Library hub <strong>opened</strong>.</p>", channel="command")
    q1 = ReportingPeriodFactory(name="2024/25 Q1", kind="quarter", quarter=1, start=date(2024, 4, 1), end=JUNE_30)
    q2 = ReportingPeriodFactory(name="2024/25 Q2", kind="quarter", quarter=2, start=date(2024, 7, 1),
                                end=SEPTEMBER_30)
    measure = MeasureFactory(programme=programme, reference="KPI1", title="Contacts resolved at first contact",
                             unit="percentage", frequency="quarterly", polarity="higher")
    for period, value in ((q1, 70), (q2, 80)):
        MeasureTargetFactory(measure=measure, period=period, value=75)
        MeasureValueFactory(measure=measure, period=period, value=value)
    for i, (likelihood, impact) in enumerate(((1, 1), (5, 5), (2, 3), (4, 4), (3, 3), (1, 2))):
        RiskFactory(programme=programme, reference=f"R{i}", title=f"Risk {i}", current_likelihood=likelihood,
                    current_impact=impact)
    return programme


def section(report, title):
    return next(s for s in report.sections if s.title == title)


def test_key_achievements_are_the_actions_completed_in_the_period_with_their_note(plan, clerk):
    report = highlight_report(plan.pk, as_at=SEPTEMBER_30, user=clerk)

    achieved = section(report, "Key achievements")
    assert [(r.ref, r.owners, r.commentary_text) for r in achieved.rows] == [
        ("CP1.A", ("Sam Clarke",), "Library hub opened.")]
    assert report.compared_with == JUNE_30


def test_milestones_due_in_the_next_90_days_and_no_later(plan, clerk):
    report = highlight_report(plan.pk, as_at=SEPTEMBER_30, user=clerk)

    due = section(report, "Milestones due in the next 90 days")
    assert [(r.ref, r.due_shown) for r in due.rows] == [("CP1.M", "9 November 2024")]


def test_measures_show_the_programme_pages_value_target_colour_and_direction(plan, clerk, client):
    report = highlight_report(plan.pk, as_at=SEPTEMBER_30, user=clerk)

    [measure] = section(report, "Measures").rows
    assert (measure.value, measure.target, measure.rag_label, measure.direction) == (
        "80% (2024/25 Q2)", "75%", "Green", "Better than the previous period")
    client.force_login(clerk)
    page = client.get(reverse("programme_dashboard", args=[plan.pk]), {"as_at": "2024-09-30"}).content.decode()
    assert "80%" in page and "75%" in page


def test_the_top_five_risks_by_current_score_highest_first(plan, clerk):
    report = highlight_report(plan.pk, as_at=SEPTEMBER_30, user=clerk)

    risks = section(report, "Top risks").rows
    assert [(r.ref, r.score, r.rag_label) for r in risks] == [
        ("R1", "25 (likelihood 5, impact 5)", "High"), ("R3", "16 (likelihood 4, impact 4)", "High"),
        ("R4", "9 (likelihood 3, impact 3)", "Medium"), ("R2", "6 (likelihood 2, impact 3)", "Medium"),
        ("R5", "2 (likelihood 1, impact 2)", "Low")]  # the risks' own band key, not the actions' RAG


def file_text(file_format: str, content: bytes, tmp_path) -> str:
    """Every word a reader of the file would see, whatever its format."""
    if file_format == "csv":
        return "\n".join(",".join(row) for row in csv_module.reader(io.StringIO(content.decode("utf-8-sig"))))
    if file_format == "xlsx":
        book = load_workbook(io.BytesIO(content))
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    if file_format == "docx":
        document = Document(io.BytesIO(content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "docx", "pdf"])
def test_every_file_carries_the_measures_and_risks_columns(plan, clerk, client, file_format, tmp_path):
    client.force_login(clerk)

    response = client.post(reverse("reports"), {"programme": plan.pk, "kind": "highlight", "file_format": file_format,
                                               "as_at": "2024-09-30"})

    text = " ".join(file_text(file_format, response.content, tmp_path).split())
    for words in ("Direction of travel", "Better than the previous period", "Current score",
                  "25 (likelihood 5, impact 5)", "Key achievements", "Cabinet approves the strategy"):
        assert words in text, words
