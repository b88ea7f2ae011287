"""What a report holds, whatever its format: plain data, no queries, no formatting left to do.

Every writer (Word, PDF, Excel, CSV) reads these and nothing else, so the four files of one report
carry the same rows, words and figures. The read that fills them is report.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Report kinds, as the page, the command line and the file names say them.
ACTION_PLAN = "action-plan"
EXCEPTIONS = "exceptions"
HIGHLIGHT = "highlight"
MOVEMENT = "movement"
KIND_TITLES = {ACTION_PLAN: "Action plan report", EXCEPTIONS: "Exception report", HIGHLIGHT: "Highlight report",
               MOVEMENT: "Movement since the last report"}

# The columns a section may show, by key, with their headings. Writers show a section's columns in
# the section's order and read each from its row with `cell_text` (or the typed fields for Excel).
COLUMNS = {
    "ref": "Ref",
    "title": "Title",
    "owners": "Owner",
    "due": "Due date",
    "status": "Status",
    "percent": "% complete",
    "rag": "RAG",
    "reasons": "Why it is here",
    "change": "What changed",
    "commentary": "Latest commentary",
    "risks": "Linked risks",
    "value": "Latest",
    "target": "Target",
    "direction": "Direction of travel",
    "score": "Current score",
}
ACTION_PLAN_COLUMNS = ("ref", "title", "due", "status", "percent", "rag", "commentary")
EXCEPTION_COLUMNS = ("ref", "title", "owners", "reasons", "rag", "commentary", "risks")
MOVEMENT_COLUMNS = ("ref", "title", "owners", "change", "rag", "commentary")
ACHIEVEMENT_COLUMNS = ("ref", "title", "owners", "commentary")
MILESTONE_COLUMNS = ("ref", "title", "owners", "due", "status", "rag")
MEASURE_COLUMNS = ("ref", "title", "value", "target", "rag", "direction")
RISK_COLUMNS = ("ref", "title", "owners", "score", "rag")


@dataclass(frozen=True)
class RagCount:
    """One colour of the distribution: its value ("blue"), its one label ("Blue") and how many."""

    rag: str
    label: str
    count: int


@dataclass(frozen=True)
class RagKeyEntry:
    """One line of the RAG key: the colour's value, its label and what it means."""

    rag: str
    label: str
    meaning: str
    colour: str  # hex, e.g. "#00703c", for Word cell shading and PDF


@dataclass(frozen=True)
class ReportRow:
    """One objective or action of the report, in reading order (an objective, then its actions,
    then its child objectives)."""

    kind: str  # "objective", "action", "measure" or "risk"
    level: int  # 1 for a top-level objective; its actions and child objectives are level 2, ...
    ref: str
    title: str
    parent_ref: str  # the objective above ("" for a top-level objective)
    due: date | None
    due_shown: str  # "30 June 2024", or "" for none
    status: str  # value, e.g. "in_progress" ("" for none)
    status_label: str  # "In progress"
    percent: float | None  # unrounded, as the engine computed it
    percent_shown: str  # "48%", or "–" for none
    rag: str  # value, e.g. "amber"
    rag_label: str  # "Amber"
    owners: tuple[str, ...] = ()
    commentary_html: str = ""  # the latest commentary on or before the as-at date, sanitised HTML
    commentary_text: str = ""  # the same as plain text (paragraphs and list items on their own lines)
    milestone: bool = False
    excluded: bool = False  # Cancelled or Deferred: shown, greyed, counted in nothing
    reasons: tuple[str, ...] = ()  # why it is in an exception report, each in words
    risks: tuple[str, ...] = ()  # linked risks, e.g. "R03 Workforce shortage (current score 16, Red)"
    value: str = ""  # a measure's latest value and its period, e.g. "80% (2024/25 Q1)"
    target: str = ""  # a measure's target for that period
    direction: str = ""  # a measure's direction of travel, in words
    score: str = ""  # a risk's current score, e.g. "16 (likelihood 4, impact 4)"
    id: int | None = None  # the record's primary key, for a page's links (files do not show it)


def cell_text(row: ReportRow, column: str) -> str:
    """A column's words for a row, as every writer shows them (Excel keeps percent and dates typed)."""
    if column == "owners":
        return ", ".join(row.owners)
    if column == "due":
        return row.due_shown
    if column == "percent":
        return row.percent_shown
    if column == "rag":
        return row.rag_label
    if column == "status":
        return row.status_label
    if column == "commentary":
        return row.commentary_text
    if column in ("reasons", "risks"):
        return "\n".join(getattr(row, column))
    if column == "change":  # a movement report's reasons: what changed between its two dates
        return "\n".join(row.reasons)
    return getattr(row, column)


@dataclass(frozen=True)
class Section:
    """A heading and its table: the rows in reading order and the columns they show."""

    title: str  # "Objectives and actions", "Actions", ...
    columns: tuple[str, ...]  # keys of COLUMNS
    rows: tuple[ReportRow, ...]
    intro: str = ""  # a sentence under the heading
    empty: str = ""  # what to say when there are no rows


@dataclass(frozen=True)
class Report:
    kind: str  # ACTION_PLAN, ...
    title: str  # "Action plan report"
    council: str  # the council's name, on the cover and every page
    programme: str  # the programme's name
    programme_ref: str
    as_at: date
    as_at_shown: str  # "30 June 2024"
    percent_shown: str  # the programme's percent complete, e.g. "47%"
    rag: str
    rag_label: str
    distribution: tuple[RagCount, ...]  # Blue, Green, Amber, Red, Grey, in that order
    rag_key: tuple[RagKeyEntry, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)
    compared_with: date | None = None  # the earlier date of a movement report

    @property
    def rows(self) -> tuple[ReportRow, ...]:
        """Every row of every section, in order."""
        return tuple(row for section in self.sections for row in section.rows)

    @property
    def file_stem(self) -> str:
        """e.g. "ASC2425-action-plan-2024-06-30"."""
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.programme_ref) or "programme"
        return f"{safe}-{self.kind}-{self.as_at.isoformat()}"


# ---------------------------------------------------------------- kept as JSON (snapshots)


def report_as_json(report: Report) -> dict:
    """The report as plain JSON (dates as ISO strings), to keep it frozen in a snapshot; report_from_json
    gives back an equal Report."""
    return _jsonable(report)


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {name: _jsonable(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _row_from_json(data: dict) -> ReportRow:
    return ReportRow(**{**data, "due": _day(data["due"]), "owners": tuple(data["owners"]),
                        "reasons": tuple(data["reasons"]), "risks": tuple(data["risks"])})


def report_from_json(data: dict) -> Report:
    return Report(**{
        **data,
        "as_at": _day(data["as_at"]),
        "compared_with": _day(data.get("compared_with")),
        "distribution": tuple(RagCount(**entry) for entry in data["distribution"]),
        "rag_key": tuple(RagKeyEntry(**entry) for entry in data["rag_key"]),
        "sections": tuple(Section(**{**section, "columns": tuple(section["columns"]),
                                     "rows": tuple(_row_from_json(row) for row in section["rows"])})
                          for section in data["sections"]),
    })
