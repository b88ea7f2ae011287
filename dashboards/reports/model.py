"""What a report holds, whatever its format: plain data, no queries, no formatting left to do.

Every writer (Word, PDF, Excel, CSV) reads these and nothing else, so the four files of one report
carry the same rows, words and figures. The read that fills them is report.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Report kinds, as the page, the command line and the file names say them.
ACTION_PLAN = "action-plan"
KIND_TITLES = {ACTION_PLAN: "Action plan report"}


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

    kind: str  # "objective" or "action"
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
    rows: tuple[ReportRow, ...] = field(default_factory=tuple)

    @property
    def file_stem(self) -> str:
        """e.g. "ASC2425-action-plan-2024-06-30"."""
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.programme_ref) or "programme"
        return f"{safe}-{self.kind}-{self.as_at.isoformat()}"
