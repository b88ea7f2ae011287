"""The two layouts councils keep, turned into rows of one kind each.

- One sheet with objective and action rows mixed: the reference says which is which
  (ASC2401 is an objective, ASC2401.A an action under it), unless a Type column says so.
- A workbook with a sheet per kind: objectives (at more than one level, linked by a parent
  column), actions, measures and risks. A sheet's name says its kind ("Service objectives",
  "Risks"), else its headings do.

Title rows above the headings and heading rows repeated further down (as printed reports
have) are skipped.

- A flat plan (one sheet numbered 1, 2, 3 with no objective rows, as seed 004's action plan):
  when no reference on a mixed sheet belongs to another (no "1.2", "ASC2401.A") and the sheet
  has a column only actions carry (status, RAG, percent, start or revised date, milestone) or
  its name column is headed "Action", every row is an action. (Owners and due dates do not
  decide: lists of objectives have them too.)
- A row with no reference is read all the same (the planner gives it one from its parent and
  its place); on a mixed sheet its parent is the objective row above it.
- A column the import does not know is kept with its record (`extra`, by its heading), unless
  the admin chose to leave it out.
"""

import re
from dataclasses import dataclass, field

from .headings import (
    ACTIONS,
    MEASURES,
    MIXED,
    OBJECTIVES,
    RISKS,
    Column,
    is_heading_row,
    map_columns,
    normalise_heading,
    sheet_kind,
)
from .issues import Issues
from .readers import XLSX, Workbook
from .values import cell_text, clean_ref, parent_ref, plain_text

OBJECTIVE, ACTION, MEASURE, RISK = "objective", "action", "measure", "risk"
ROW_KIND = {OBJECTIVES: OBJECTIVE, ACTIONS: ACTION, MEASURES: MEASURE, RISKS: RISK}
HEADING_SEARCH_ROWS = 20
REFERENCE_LENGTH = 40

TYPE_WORDS = {
    "objective": (OBJECTIVE, None), "directorate objective": (OBJECTIVE, None),
    "service objective": (OBJECTIVE, None), "corporate objective": (OBJECTIVE, None),
    "priority": (OBJECTIVE, None), "theme": (OBJECTIVE, "theme"), "workstream": (OBJECTIVE, "workstream"),
    "project": (OBJECTIVE, "project"), "action": (ACTION, "action"), "task": (ACTION, "action"),
    "milestone": (ACTION, "milestone"), "measure": (MEASURE, None), "kpi": (MEASURE, None),
    "pi": (MEASURE, None), "indicator": (MEASURE, None), "risk": (RISK, None),
}


@dataclass
class SourceRow:
    kind: str
    sheet: str
    row: int
    values: dict  # field -> cell value, non-empty cells only
    headings: dict  # field -> the heading as written, for messages
    order: int
    subtype: str | None = None  # theme/workstream/project for objectives, "milestone" for actions
    extra: dict = field(default_factory=dict)  # heading -> value, the columns no field reads
    generated: bool = False  # no reference in the file: the planner gives it one
    above: str | None = None  # mixed sheets: the reference of the objective row above it
    flat: bool = False  # a row of a flat plan

    def column(self, name: str) -> str:
        return self.headings.get(name, "")

    @property
    def ref(self) -> str:
        return clean_ref(self.values.get("ref"))


@dataclass
class SheetLayout:
    name: str
    kind: str
    heading_row: int | None
    columns: list[Column] = field(default_factory=list)
    rows: int = 0

    def __post_init__(self):
        self.fields = [(c.index, c.field) for c in self.columns if c.field]
        self.headings = {c.field: c.heading for c in self.columns if c.field}  # shared by every row
        self.extras = [(c.index, c.heading) for c in self.columns if c.kept]
        self.flat = False

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "heading_row": self.heading_row, "rows": self.rows,
                "columns": [c.as_dict() for c in self.columns]}


@dataclass
class Layout:
    rows: list[SourceRow]
    sheets: list[SheetLayout]


def mapping_for(mappings: dict | None, sheet_name: str, kind: str) -> dict | None:
    """A sheet's explicit mapping: by its own name first, then by its kind."""
    if not mappings:
        return None
    return mappings.get(sheet_name) or mappings.get(kind)


def find_headings(name: str, rows: list[list], mappings: dict | None, *,
                  named: bool = True) -> tuple[int, str] | None:
    """The heading row and the sheet's kind. A CSV's name is the file's, chosen by whoever saved
    it ("objectives_and_actions.csv"), so only a workbook's sheet names say what a sheet holds."""
    for index, cells in enumerate(rows[:HEADING_SEARCH_ROWS]):
        present = [value for _, value in cells.items()] if hasattr(cells, "items") else cells
        kind = sheet_kind(name if named else "", present)
        if is_heading_row(present, kind, mapping_for(mappings, name, kind)):
            return index, kind
    return None


def read_layout(workbook: Workbook, issues: Issues, mappings: dict | None = None) -> Layout:
    rows, sheets, order = [], [], 0
    for sheet in workbook.sheets:
        found = find_headings(sheet.name, sheet.rows, mappings, named=workbook.format == XLSX)
        if found is None:
            if any(sheet.rows):
                issues.warning(sheet.name, None, "", f"The sheet “{sheet.name}” has no heading row with a "
                               "reference column (such as Ref. or Reference) in its first "
                               f"{HEADING_SEARCH_ROWS} rows, so it was left out.")
            continue
        index, kind = found
        columns = map_columns(sheet.rows[index], kind, mapping_for(mappings, sheet.name, kind))
        layout = SheetLayout(sheet.name, kind, index + 1, columns)
        sheets.append(layout)
        _warn_unknown_columns(layout, issues)
        body = sheet.rows[index + 1:]
        layout.flat = _is_flat(layout, body)
        above = None
        for number, cells in enumerate(body, start=index + 2):
            source = _source_row(layout, cells, number, order, issues, above)
            if source is not None:
                if source.kind == OBJECTIVE and source.ref:
                    above = source.ref
                rows.append(source)
                layout.rows += 1
                order += 1
    if not sheets:
        issues.error("", None, "", "No sheet has a heading row with a reference column (such as Ref. or "
                     "Reference), so nothing could be read. Check the file, or map its columns.")
    return Layout(rows, sheets)


def _warn_unknown_columns(layout: SheetLayout, issues: Issues) -> None:
    for column in layout.columns:
        if column.kept and column.source == "detected":
            issues.warning(layout.name, layout.heading_row, column.heading,
                           f"The column “{column.heading}” (column {column.letter}) is not one the import "
                           "knows, so it is kept with each record as written, under its heading. Choose a "
                           "field for it if it is one.")


# Columns that actions carry and lists of objectives do not (objectives have owners and due dates
# too): with one of these, or a name column headed "Action", a flat plan's rows are actions.
ACTION_FIELDS = {"status", "rag", "start", "revised_due", "percent", "milestone"}
ACTION_TITLES = re.compile(r"^(actions?|tasks?)\b")


def _is_flat(layout: SheetLayout, body: list) -> bool:
    if layout.kind != MIXED or "type" in layout.headings:
        return False
    titled = bool(ACTION_TITLES.match(normalise_heading(layout.headings.get("title"))))
    if not (ACTION_FIELDS & set(layout.headings) or titled):
        return False
    ref_index = next((index for index, field in layout.fields if field == "ref"), None)
    if ref_index is None:
        return True
    return not any(parent_ref(clean_ref(_cell(cells, ref_index))) for cells in body)


def _cell(cells, index: int):
    return cells.get(index) if hasattr(cells, "get") else (cells[index] if index < len(cells) else None)


def _source_row(layout: SheetLayout, cells, number: int, order: int, issues: Issues,
                above: str | None = None) -> SourceRow | None:
    # The readers turn blank text into None, so any other cell has something in it.
    values = {field: value for index, field in layout.fields if (value := _cell(cells, index)) is not None}
    headings = layout.headings
    if not values or _repeats_headings(layout, values):
        return None
    extra = {heading: value for index, heading in layout.extras if (value := _cell(cells, index)) is not None}
    ref = clean_ref(values.get("ref"))
    if not ref:
        if not plain_text(values.get("title")):
            issues.error(layout.name, number, headings.get("ref", "") or headings.get("title", ""),
                         "This row has neither a reference nor a name, so the import cannot tell what it "
                         "is. Give it a name (and a reference if it has one), or delete the row.")
            return None
        kind, subtype = _row_kind(layout, values, "", number, issues, above)
        if kind is None:
            return None
        return SourceRow(kind, layout.name, number, values, headings, order, subtype, extra, generated=True,
                         above=above, flat=layout.flat)
    if len(ref) > REFERENCE_LENGTH:
        issues.error(layout.name, number, headings.get("ref", ""),
                     f"The reference “{ref[:50]}…” is longer than {REFERENCE_LENGTH} characters. Use a short "
                     "reference such as ASC2401.A.")
        return None
    kind, subtype = _row_kind(layout, values, ref, number, issues, above)
    if kind is None:
        return None
    return SourceRow(kind, layout.name, number, values, headings, order, subtype, extra, above=above,
                     flat=layout.flat)


def _repeats_headings(layout: SheetLayout, values: dict) -> bool:
    """A printed report repeats its heading row on each page."""
    ref_column = next((c for c in layout.columns if c.field == "ref"), None)
    written = normalise_heading(values.get("ref"))
    return ref_column is not None and written == normalise_heading(ref_column.heading)


def _row_kind(layout: SheetLayout, values: dict, ref: str, number: int, issues: Issues,
              above: str | None = None):
    written = normalise_heading(values.get("type"))
    if written:
        if written not in TYPE_WORDS:
            issues.error(layout.name, number, "Type", f"“{cell_text(values['type'])}” is not a type the "
                         "import knows: use Objective, Action, Milestone, Measure or Risk.")
            return None, None
        kind, subtype = TYPE_WORDS[written]
        if layout.kind != MIXED and kind != ROW_KIND[layout.kind]:
            issues.error(layout.name, number, "Type", f"A {kind} row on a sheet of {layout.kind}: move it to "
                         f"the {kind}s sheet or change its type.")
            return None, None
        return kind, subtype
    if layout.kind != MIXED:
        return ROW_KIND[layout.kind], None
    if layout.flat:
        return ACTION, None
    if not ref:  # a row with no reference under an objective row is one of its actions
        return (ACTION if above else OBJECTIVE), None
    return (ACTION if parent_ref(ref) else OBJECTIVE), None
