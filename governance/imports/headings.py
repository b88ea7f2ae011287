"""Headings under the names councils give them, and which field each one fills.

Headings are compared normalised: lower case, punctuation gone, "%" read as "percent", so
"Ref.", "Ref./" and "REF" are one heading, as are "% Complete" and "Percent complete". An
explicit mapping (remembered per programme, or corrected in the browser) wins over detection.
"""

import re
from dataclasses import dataclass

from .values import period_heading

MIXED, OBJECTIVES, ACTIONS, MEASURES, RISKS = "mixed", "objectives", "actions", "measures", "risks"
IGNORE = "ignore"
KEEP = "keep"
TARGET_PREFIX = "target:"
VALUE_PREFIX = "value:"

# Field -> what it means, for the mapping screen and the unknown-column warning.
FIELD_LABELS = {
    "ref": "Reference",
    "type": "Type of row (objective, action, milestone, measure, risk)",
    "title": "Name or title",
    "description": "Description",
    "parent": "Parent (the objective it sits under)",
    "delivers": "Objectives it delivers against",
    "owner": "Owner or responsible officer (several: the first is responsible)",
    "start": "Start date",
    "due": "Due date",
    "revised_due": "Revised due date",
    "status": "Status",
    "percent": "Percentage complete",
    "rag": "Declared RAG",
    "rag_reason": "Reason for the declared RAG",
    "note": "Latest note or commentary",
    "weight": "Weight",
    "milestone": "Milestone (yes or no)",
    "unit": "Unit",
    "polarity": "Polarity (higher or lower is better)",
    "frequency": "Frequency",
    "likelihood": "Current likelihood (1-5)",
    "impact": "Current impact (1-5)",
    "inherent_likelihood": "Inherent likelihood (1-5)",
    "inherent_impact": "Inherent impact (1-5)",
    "target_likelihood": "Target likelihood (1-5)",
    "target_impact": "Target impact (1-5)",
    "review_date": "Review date",
    "mitigation": "Mitigation",
    KEEP: "Keep it with each record, under its heading",
    IGNORE: "Leave this column out",
}

_COMMON = {
    "ref": ("ref", "reference", "ref no", "ref number", "reference number", "id", "no", "code"),
    "type": ("type", "row type", "record type", "level", "kind"),
    "description": ("description", "details", "purpose"),
    "owner": ("owner", "owners", "responsible officer", "responsible officers", "responsible",
              "responsible person", "lead", "lead officer", "lead officers", "lead manager",
              "lead manager golden thread", "officer", "sro", "accountable officer", "who",
              "owner email", "who will do it"),
    "start": ("start", "start date", "date started", "planned start"),
    "due": ("due", "due date", "date due", "date due for completion", "deadline", "target date",
            "completion date", "target completion date", "end date", "when", "by when", "timescale",
            "when will it be done by"),
    "revised_due": ("revised due date", "revised date", "new due date", "revised deadline"),
    "status": ("status", "progress status", "action status", "current status"),
    "rag": ("rag", "rag status", "task status", "task status r a g", "task status r a g b",
            "rag rating", "declared rag", "confidence", "traffic light"),
    "rag_reason": ("rag reason", "reason for rag", "declared rag reason", "reason"),
    "percent": ("percent complete", "percent", "percentage complete", "complete percent",
                "percent done", "progress percent"),
    "note": ("latest note", "note", "notes", "comment", "comments", "commentary", "latest commentary",
             "update", "latest update", "progress update", "progress note", "progress comments",
             "narrative"),
    "weight": ("weight", "weighting"),
    "delivers": ("delivers against", "delivers against objective", "delivers against objectives",
                 "contributes to", "golden thread", "supports objectives",
                 "which service objective does this support"),
}
_PARENT = ("parent", "parent ref", "parent reference", "link to directorate objective",
           "link to corporate objective", "link to service objective", "link to objective",
           "link to parent", "belongs to", "under")

SYNONYMS = {
    OBJECTIVES: {
        **_COMMON,
        "ref": _COMMON["ref"] + ("objective ref", "objective reference", "objective no",
                                 "directorate objective reference", "service objective reference",
                                 "corporate objective reference", "project ref", "theme ref"),
        "title": ("name", "title", "objective", "objective title", "objective description",
                  "directorate objective description", "service objective description",
                  "corporate objective description", "project", "project name", "workstream"),
        "parent": _PARENT,
    },
    ACTIONS: {
        **_COMMON,
        "ref": _COMMON["ref"] + ("action ref", "action reference", "action no", "task ref"),
        "title": ("name", "title", "action", "actions", "action milestone", "actions milestones",
                  "supporting actions milestones", "action title", "action description", "task"),
        "parent": _PARENT + ("objective", "objective ref", "objective reference",
                             "service objective", "service objective reference"),
        "milestone": ("milestone y n", "is milestone", "milestone flag"),
    },
    MIXED: {
        **_COMMON,
        "ref": _COMMON["ref"] + ("action ref", "action reference"),
        "title": ("name", "title", "action", "action milestone", "actions milestones",
                  "action plan", "objective action"),
        "parent": _PARENT + ("objective ref", "objective reference", "objectives"),
        "milestone": ("milestone y n", "is milestone", "milestone flag"),
    },
    MEASURES: {
        "ref": _COMMON["ref"] + ("measure ref", "measure reference", "pi ref", "kpi ref",
                                 "indicator ref", "pi", "ni"),
        "title": ("name", "title", "measure", "measure description", "measure title", "measure name",
                  "indicator", "kpi", "performance indicator", "pi description"),
        "description": _COMMON["description"],
        "owner": _COMMON["owner"],
        "parent": _PARENT + ("objective", "objectives", "objective ref", "objective reference",
                             "service objective", "service objective reference"),
        "unit": ("unit", "units", "unit of measure"),
        "polarity": ("polarity", "good is", "higher or lower is better", "direction"),
        "frequency": ("frequency", "reporting frequency"),
    },
    RISKS: {
        "ref": _COMMON["ref"] + ("risk ref", "risk reference", "risk no"),
        "title": ("name", "title", "risk", "risk description", "risk title"),
        "description": _COMMON["description"] + ("risk detail", "risk details"),
        "owner": _COMMON["owner"] + ("risk owner",),
        "parent": _PARENT + ("objective", "objectives", "objective ref", "objective reference",
                             "service objective", "service objective reference"),
        "likelihood": ("likelihood", "current likelihood", "probability", "l"),
        "impact": ("impact", "current impact", "i"),
        "inherent_likelihood": ("inherent likelihood",),
        "inherent_impact": ("inherent impact",),
        "target_likelihood": ("target likelihood",),
        "target_impact": ("target impact",),
        "review_date": ("review date", "next review", "next review date", "date of next review"),
        "mitigation": ("mitigation", "mitigations", "mitigating actions", "controls",
                       "mitigation controls"),
        "status": ("status", "risk status"),
    },
}
LOOKUP = {
    kind: {heading: field for field, headings in fields.items() for heading in headings}
    for kind, fields in SYNONYMS.items()
}


def normalise_heading(text) -> str:
    """"% Complete" -> "percent complete"; "Task Status (R, A, G,)" -> "task status r a g"."""
    text = "" if text is None else str(text)
    text = re.sub(r"<[^>]*>", " ", text).replace("%", " percent ").replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class Column:
    index: int
    heading: str
    field: str | None  # None: not used (unknown, ignored or a repeat)
    source: str = "detected"  # detected | mapping | kept (the admin chose to keep it)

    @property
    def kept(self) -> bool:
        """Not read into a field, yet not left out by the admin: kept with its record by heading."""
        return self.field is None and bool(self.heading) and self.source in ("detected", KEEP)

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    def as_dict(self) -> dict:
        return {"column": self.letter, "heading": self.heading, "field": self.field, "source": self.source,
                "kept": self.kept}


def detect_field(heading, kind: str) -> str | None:
    normal = normalise_heading(heading)
    if not normal:
        return None
    if normal in LOOKUP[kind]:
        return LOOKUP[kind][normal]
    if kind == MEASURES and (period := period_heading(heading)):
        role, label = period
        return (TARGET_PREFIX if role == "target" else VALUE_PREFIX) + label
    return None


def _is_target(heading) -> bool:
    period = period_heading(heading)
    return period is not None and period[0] == "target"


def mapped_field(heading, mapping: dict | None) -> str | None:
    """The field an explicit mapping gives a heading (matched normalised), or None if it has none."""
    if not mapping:
        return None
    wanted = normalise_heading(heading)
    for written, field in mapping.items():
        if normalise_heading(written) == wanted:
            return field or IGNORE
    return None


def map_columns(headings, kind: str, mapping: dict | None = None) -> list[Column]:
    """Each heading's field. A field read from two columns is taken from the first only (the
    second is kept by its heading). Columns with no heading are not columns: they are skipped."""
    columns, taken = [], set()
    pairs = headings.items() if hasattr(headings, "items") else enumerate(headings)
    for index, heading in pairs:
        if heading is None or not str(heading).strip():
            continue
        text = " ".join(str(heading).split())
        field = mapped_field(heading, mapping)
        source = "mapping" if field else "detected"
        field = field or detect_field(heading, kind)
        if field == IGNORE:
            field, source = None, "mapping"
        elif field == KEEP:
            field, source = None, KEEP
        if field in taken:
            field = None
        if field:
            taken.add(field)
        columns.append(Column(index=index, heading=text, field=field, source=source))
    return columns


def is_heading_row(cells: list, kind: str, mapping: dict | None = None) -> bool:
    """A row of headings has a reference column and at least one other known heading."""
    fields = {mapped_field(cell, mapping) or detect_field(cell, kind) for cell in cells if cell is not None}
    fields.discard(None)
    fields.discard(IGNORE)
    fields.discard(KEEP)
    # A sheet with no reference column (a risk register) is read by its names; the planner gives
    # each row a reference.
    return ("ref" in fields and len(fields) >= 2) or ("title" in fields and len(fields) >= 3)


_SHEET_NAMES = (
    (OBJECTIVES, re.compile(r"objective|priorit|theme|workstream|project")),
    (RISKS, re.compile(r"risk")),
    (MEASURES, re.compile(r"measure|kpi|indicator|\bpis?\b|performance")),
    (ACTIONS, re.compile(r"^(?!.*\bplan\b).*\b(actions?|milestones?|tasks?)\b")),
)


def sheet_kind(title: str, headings: list) -> str:
    """What a sheet holds: from its name ("Service objectives", "Risks"), else its headings."""
    name = normalise_heading(title)
    for kind, pattern in _SHEET_NAMES:
        if pattern.search(name):
            return kind
    normal = {normalise_heading(h) for h in headings if h is not None}
    if normal & {"risk reference", "risk description", "risk owner"}:
        return RISKS
    if "measure description" in normal or any(_is_target(h) for h in headings if h is not None):
        return MEASURES
    return MIXED
