"""A report built by hand, for the writers' tests: no database, every kind of row and hostile text."""

from datetime import date

from django.urls import reverse

from dashboards.reports.model import (
    ACTION_PLAN,
    ACTION_PLAN_COLUMNS,
    EXCEPTION_COLUMNS,
    EXCEPTIONS,
    RagCount,
    Report,
    ReportRow,
    Section,
)
from dashboards.reports.report import rag_key
from programmes.rules import RAG_ORDER, Rag
from tests.factories import UserFactory

# Cells a spreadsheet would run as a formula, and text a browser or Word would run as script.
FORMULA_PROBES = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1", "\r=1",
                  '=HYPERLINK("http://x","y")', "\uff1d1+1")
SCRIPT_PROBE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def row(ref, *, kind="action", level=2, parent="OBJ1", percent=48.0, rag=Rag.AMBER, status="in_progress",
        status_label="In progress", title=None, commentary_html="", commentary_text="", due=date(2025, 3, 31),
        **extra) -> ReportRow:
    return ReportRow(
        kind=kind, level=level, ref=ref, title=title or f"Title of {ref}", parent_ref=parent, due=due,
        due_shown="31 March 2025" if due == date(2025, 3, 31) else (due.strftime("%-d %B %Y") if due else ""),
        status=status, status_label=status_label, percent=percent,
        percent_shown="–" if percent is None else f"{int(percent + 0.5)}%", rag=rag.value, rag_label=rag.label,
        commentary_html=commentary_html, commentary_text=commentary_text, **extra,
    )


def sample_report(extra_rows=()) -> Report:
    rows = (
        row("OBJ1", kind="objective", level=1, parent="", percent=47.78, rag=Rag.AMBER, status="in_progress"),
        row("OBJ1.A", percent=100.0, rag=Rag.BLUE, status="completed", status_label="Completed",
            commentary_html="<p>Done and <strong>signed off</strong>.</p><ul><li>First</li><li>Second</li></ul>",
            commentary_text="Done and signed off.\nFirst\nSecond", owners=("Kath Amies",)),
        row("OBJ1.B", percent=20.0, rag=Rag.RED, title=FORMULA_PROBES[0],
            commentary_html=f"<p>{SCRIPT_PROBE}</p>", commentary_text=SCRIPT_PROBE),
        row("OBJ1.C", percent=0.0, rag=Rag.GREY, status="not_started", status_label="Not started", due=None,
            milestone=True),
        row("OBJ1.1", kind="objective", level=2, parent="OBJ1", percent=None, rag=Rag.GREY, status="",
            status_label=""),
        row("OBJ1.1.A", level=3, parent="OBJ1.1", percent=35.5, rag=Rag.GREEN, status="cancelled",
            status_label="Cancelled", excluded=True),
        *[row(f"OBJ1.P{i}", title=probe, commentary_text=probe, commentary_html=f"<p>{probe}</p>")
          for i, probe in enumerate(FORMULA_PROBES)],
        *extra_rows,
    )
    return Report(
        kind=ACTION_PLAN, title="Action plan report", council="Demo Borough Council",
        programme="Adult social care action plan 2024/25", programme_ref="ASC2425", as_at=date(2024, 6, 30),
        as_at_shown="30 June 2024", percent_shown="47%", rag=Rag.AMBER.value, rag_label=Rag.AMBER.label,
        distribution=tuple(RagCount(r.value, r.label, n) for r, n in zip(RAG_ORDER, (1, 1, 1, 1, 1), strict=True)),
        rag_key=rag_key(), sections=(Section("Objectives and actions", ACTION_PLAN_COLUMNS, rows),),
    )


def sample_exception_report() -> Report:
    """Two sections, as the exception report has them: actions first, then objectives; one empty."""
    actions = (
        row("OBJ1.B", percent=20.0, rag=Rag.RED, owners=("Sam Clarke", "Nadia Rahman"),
            reasons=("Red: due 30 June 2024, 20% done, 73% expected", "Overdue"),
            risks=("R03 Workforce shortage (current score 16, Red)",),
            commentary_html="<p>Recruitment paused.</p>", commentary_text="Recruitment paused."),
        row("OBJ1.D", percent=55.0, rag=Rag.AMBER, title=FORMULA_PROBES[3], reasons=("Not updated",)),
    )
    objectives = (row("OBJ1", kind="objective", level=1, parent="", percent=47.78, rag=Rag.AMBER,
                      reasons=("Amber: a third of its weight is Amber or Red",)),)
    base = sample_report()
    return Report(
        kind=EXCEPTIONS, title="Exception report", council=base.council, programme=base.programme,
        programme_ref=base.programme_ref, as_at=base.as_at, as_at_shown=base.as_at_shown,
        percent_shown=base.percent_shown, rag=base.rag, rag_label=base.rag_label,
        distribution=base.distribution, rag_key=base.rag_key,
        sections=(
            Section("Actions", EXCEPTION_COLUMNS, actions, intro="Red, amber, overdue and not updated actions."),
            Section("Objectives", EXCEPTION_COLUMNS, objectives),
            Section("Milestones", EXCEPTION_COLUMNS, (), empty="No milestone needs attention."),
        ),
    )


URL = reverse("reports")


def signed_in(client, role, username="someone"):
    user = UserFactory(username=username, role=role)
    client.force_login(user)
    return user


def download(client, programme, file_format, **extra):
    """The Reports form sent for the programme's action plan."""
    return client.post(URL, {"programme": programme.pk, "kind": "action-plan", "file_format": file_format,
                             "as_at": "", **extra})
