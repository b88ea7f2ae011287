"""The report as a workbook (render_xlsx) and as a CSV file (render_csv): one row per objective
or action, in reading order, section by section.

The workbook has one sheet per section of the report, named for the section, then the "About this
report" sheet. Every section's sheet starts with the identifying columns (Level, Kind, Reference,
Parent), then the section's own columns in the section's order, then Excluded. Its header is row 1,
frozen, with a filter over every row, so a clerk can sort and filter at once; its dates are Excel
dates and its percents numbers (the unrounded percent, shown as "48%"); reasons and risks are text,
one to a line. A section with no rows has its header and one line under it saying so (section.empty, or
"Nothing to report."), outside the filter. The About sheet holds the cover facts (council,
programme, as-at date, percent, RAG, distribution and key) and each section with its number of rows.

The CSV is one table for the whole report: a "Section" column, the identifying columns, every
column any section shows (in the order of model.COLUMNS), Excluded. It carries the words and
figures as the pages show them ("31 March 2025", 48), with a byte order mark so that Excel reads
it as UTF-8.

The spreadsheets always carry the owners, whether or not a section shows them on the page: it is
the column a clerk filters by most ("whose actions are these?").

Any text that a spreadsheet would run as a formula is written with a leading apostrophe
(programmes.spreadsheets.safe_cell); numbers stay numbers. The workbook is written in openpyxl's
write-only mode, so memory stays small however many rows there are.
"""

from __future__ import annotations

import csv
import io
import re
from copy import copy
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from programmes.rules import display_percent
from programmes.spreadsheets import safe_cell

from .model import COLUMNS, Report, ReportRow, Section, cell_text

# The columns every sheet starts with, and the one it ends with: keys of HEADINGS, not of COLUMNS.
IDENTIFYING = ("level", "kind", "ref", "parent")
LAST = ("excluded",)
ALWAYS = ("owners",)  # carried even where the section's page table leaves them out
HEADINGS = {
    "level": "Level",
    "kind": "Kind",
    "parent": "Parent",
    **COLUMNS,
    "ref": "Reference",
    "owners": "Owner(s)",
    "percent": "Percent complete",
    "excluded": "Excluded",
}
SECTION_HEADING = "Section"  # the CSV's first column
OWNER_SEPARATOR = ", "
ABOUT_SHEET = "About this report"
NOTHING_TO_REPORT = "Nothing to report."
DATE_FORMAT = "d mmmm yyyy"  # 31 March 2025, as the pages write it
PERCENT_FORMAT = "0%"

# Column widths, in Excel's characters: long text wide and wrapped, the rest fitted to their
# longest line within these limits.
WRAPPED_WIDTHS = {"title": 60, "commentary": 80, "reasons": 50, "risks": 50}
MIN_WIDTH, MAX_WIDTH = 8, 40
DATE_WIDTH = 18  # "30 September 2025"
EXCEL_TEXT_MAX = 32_767

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31


def kind_label(row: ReportRow) -> str:
    if row.kind in ("programme", "objective", "measure", "risk"):
        return row.kind.capitalize()
    return "Milestone" if row.milestone else "Action"


def _with_owners(keys) -> list[str]:
    """The columns with the owners put in after the title (or first) where they are missing."""
    keys = [key for key in keys if key in COLUMNS]
    for key in ALWAYS:
        if key not in keys:
            keys.insert(keys.index("title") + 1 if "title" in keys else 0, key)
    return keys


def sheet_columns(columns) -> tuple[str, ...]:
    """A section's sheet columns, as keys of HEADINGS: the identifying ones, the section's own in
    its order (its "ref" is the identifying Reference), then Excluded."""
    return (*IDENTIFYING, *(key for key in _with_owners(columns) if key not in IDENTIFYING), *LAST)


def csv_columns(report: Report) -> tuple[str, ...]:
    """The CSV's columns after Section: the identifying ones, every column any section shows in
    the order of COLUMNS, then Excluded."""
    shown = _with_owners(key for key in COLUMNS if any(key in section.columns for section in report.sections))
    return (*IDENTIFYING, *(key for key in shown if key not in IDENTIFYING), *LAST)


def _text(row: ReportRow, key: str):
    """A column's words (the level a number) as the CSV writes them, before escaping; the
    workbook swaps in its date and number for the due date and percent."""
    if key == "level":
        return row.level
    if key == "kind":
        return kind_label(row)
    if key == "parent":
        return row.parent_ref
    if key == "excluded":
        return "Yes" if row.excluded else ""
    if key == "percent":
        return display_percent(row.percent)  # 48, or None
    if key == "owners":
        return OWNER_SEPARATOR.join(row.owners)
    return cell_text(row, key)


def _sections(report: Report) -> tuple[Section, ...]:
    """The report's sections; a report with none is one empty section named for the report."""
    return report.sections or (Section(report.title, (), ()),)


# ---------------------------------------------------------------- CSV


def render_csv(report: Report) -> bytes:
    """UTF-8 with a byte order mark, \\r\\n line ends; a heading row, then one row per report row,
    section by section."""
    keys = csv_columns(report)
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # the excel dialect: \r\n, quoting only where needed
    writer.writerow([SECTION_HEADING, *(HEADINGS[key] for key in keys)])
    for section in report.sections:
        title = safe_cell(section.title)
        for row in section.rows:
            cells = [title]
            for key in keys:
                value = _text(row, key)
                cells.append("" if value is None else safe_cell(value))
            writer.writerow(cells)
    return out.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- workbook


def sheet_name(text: str, fallback: str = "Report") -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, not starting or ending with
    an apostrophe, not blank, and not the cover sheet's name."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", text))
    name = " ".join(name.split())[:_SHEET_NAME_MAX].strip().strip("'").strip()
    if not name or name.casefold() in (ABOUT_SHEET.casefold(), "history"):  # Excel reserves "History"
        return fallback
    return name


def sheet_names(titles) -> list[str]:
    """One Excel-safe name for each title, no two the same to Excel (which ignores case): a
    repeated name gets " (2)", " (3)", ... cut to fit."""
    used = {ABOUT_SHEET.casefold()}
    names = []
    for number, title in enumerate(titles, start=1):
        base = sheet_name(title, fallback=f"Section {number}")
        name, copy_number = base, 1
        while name.casefold() in used:
            copy_number += 1
            suffix = f" ({copy_number})"
            name = base[:_SHEET_NAME_MAX - len(suffix)].rstrip().rstrip("'") + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def _clean(value):
    """Text a workbook can hold: no control characters XML cannot carry, escaped if it could
    run, no longer than Excel's 32,767 characters; empty text is an empty cell."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return safe_cell(value)[:EXCEL_TEXT_MAX] if value else None
    return value


def _width(values, heading: str) -> float:
    longest = len(heading)
    for value in values:
        if isinstance(value, str):
            longest = max(longest, max(map(len, value.split("\n"))) if "\n" in value else len(value))
        elif value is not None:
            longest = max(longest, len(str(value)))
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def render_xlsx(report: Report) -> bytes:
    """A sheet for each section, named for it, then the "About this report" sheet."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{report.title}: {report.programme}"[:255]
    sections = _sections(report)
    for section, name in zip(sections, sheet_names(s.title for s in sections), strict=True):
        _section_sheet(workbook, section, name)
    _about_sheet(workbook, report, sections)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _section_sheet(workbook: Workbook, section: Section, name: str) -> None:
    sheet = workbook.create_sheet(name)
    keys = sheet_columns(section.columns)
    headings = [HEADINGS[key] for key in keys]
    rows = [[_clean(_text(row, key)) for key in keys] for row in section.rows]

    # In write-only mode the widths and frozen pane are written before the first row.
    for column, (key, heading) in enumerate(zip(keys, headings, strict=True)):
        if key in WRAPPED_WIDTHS:
            width = WRAPPED_WIDTHS[key]
        elif key == "due":
            width = DATE_WIDTH
        else:
            width = _width((cells[column] for cells in rows), heading)
        sheet.column_dimensions[get_column_letter(column + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{len(rows) + 1}"

    bold = Font(bold=True)
    sheet.append([_styled(sheet, heading, font=bold) for heading in headings])
    if not rows:  # below the filter, so that sorting cannot move it
        sheet.append([_styled(sheet, _clean(section.empty or NOTHING_TO_REPORT), font=Font(italic=True))])
        return

    # Only the wrapped, date and percent columns' cells get a style (a styled cell costs about
    # twice a plain one), empty ones too so that what a clerk types there wraps or shows as a date
    # or percent. Each copies a template cell's style, far cheaper than setting font and alignment.
    wrap = _styled(sheet, None, alignment=Alignment(wrap_text=True))
    templates = {}
    for column, key in enumerate(keys):
        if key in WRAPPED_WIDTHS:
            templates[column] = wrap
        elif key == "due":
            templates[column] = _styled(sheet, None, number_format=DATE_FORMAT)
        elif key == "percent":
            templates[column] = _styled(sheet, None, number_format=PERCENT_FORMAT)
    due = keys.index("due") if "due" in keys else None
    percent = keys.index("percent") if "percent" in keys else None
    for row, cells in zip(section.rows, rows, strict=True):
        if due is not None:
            cells[due] = row.due
        if percent is not None:
            cells[percent] = None if row.percent is None else row.percent / 100
        for column, template in templates.items():
            cells[column] = _like(sheet, template, cells[column])
        sheet.append(cells)


def _styled(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _like(sheet, template: WriteOnlyCell, value) -> WriteOnlyCell:
    """A cell styled as the template, holding a value already made ready (text through _clean, a
    number or a date). Its type is set here, not guessed by openpyxl's value setter, which would
    check the text a second time: a fifth of the time of a 10,000-row workbook."""
    cell = WriteOnlyCell(sheet)
    cell._style = copy(template._style)  # a StyleArray: indexes into the workbook's shared styles
    if value is not None:
        cell._value = value
        cell.data_type = "s" if isinstance(value, str) else "d" if isinstance(value, date) else "n"
    return cell


def _about_sheet(workbook: Workbook, report: Report, sections: tuple[Section, ...]) -> None:
    sheet = workbook.create_sheet(ABOUT_SHEET)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 70
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(label, *values):
        cells = [_styled(sheet, _clean(label), font=bold)]
        for value in values:
            cell = _styled(sheet, _clean(value), alignment=wrap)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)

    line(report.title)
    line("Council", report.council)
    line("Programme", report.programme)
    line("Programme reference", report.programme_ref)
    line("As at", report.as_at)
    line("Percent complete", report.percent_shown)
    line("RAG", report.rag_label)
    line("Rows", len(report.rows))
    sheet.append([])
    line("Sections", "Rows")
    for section in sections:
        line(section.title, len(section.rows))
    sheet.append([])
    line("RAG distribution", "Actions")
    for count in report.distribution:
        line(count.label, count.count)
    if report.rag_key:
        sheet.append([])
        line("RAG key", "Meaning")
        for entry in report.rag_key:
            line(entry.label, entry.meaning)
