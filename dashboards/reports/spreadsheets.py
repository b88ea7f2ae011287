"""The report as a workbook (render_xlsx) and as a CSV file (render_csv): one row per objective
or action, in reading order, under the same headings in each.

The workbook's header is row 1, frozen, with a filter over every row, so a clerk can sort and
filter at once; its dates are Excel dates and its percents numbers (the unrounded percent, shown
as "48%"). The cover facts (council, programme, as-at date, percent, RAG, distribution and key)
are on a second sheet, "About this report". The CSV carries the words and figures as the pages
show them ("31 March 2025", 48), with a byte order mark so that Excel reads it as UTF-8.

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

from .model import Report, ReportRow

HEADINGS = ("Level", "Kind", "Reference", "Parent", "Title", "Owner(s)", "Due date", "Status",
            "Percent complete", "RAG", "Latest commentary", "Excluded")
(LEVEL, KIND, REF, PARENT, TITLE, OWNERS, DUE, STATUS, PERCENT, RAG, COMMENTARY,
 EXCLUDED) = range(len(HEADINGS))
OWNER_SEPARATOR = ", "
ABOUT_SHEET = "About this report"
DATE_FORMAT = "d mmmm yyyy"  # 31 March 2025, as the pages write it
PERCENT_FORMAT = "0%"

# Column widths, in Excel's characters: title and commentary wide and wrapped, the rest fitted
# to their longest line within these limits.
WRAPPED_WIDTHS = {TITLE: 60, COMMENTARY: 80}
MIN_WIDTH, MAX_WIDTH = 8, 40
DATE_WIDTH = 18  # "30 September 2025"
EXCEL_TEXT_MAX = 32_767

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31


def kind_label(row: ReportRow) -> str:
    if row.kind == "objective":
        return "Objective"
    return "Milestone" if row.milestone else "Action"


def _texts(row: ReportRow) -> list:
    """The row's cells as the CSV writes them (before escaping); the workbook swaps in its date
    and number for the due date and percent."""
    return [
        row.level, kind_label(row), row.ref, row.parent_ref, row.title, OWNER_SEPARATOR.join(row.owners),
        row.due_shown, row.status_label, display_percent(row.percent), row.rag_label, row.commentary_text,
        "Yes" if row.excluded else "",
    ]


# ---------------------------------------------------------------- CSV


def render_csv(report: Report) -> bytes:
    """UTF-8 with a byte order mark, \\r\\n line ends; a heading row, then one row per report row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # the excel dialect: \r\n, quoting only where needed
    writer.writerow(HEADINGS)
    for row in report.rows:
        cells = _texts(row)
        if cells[PERCENT] is None:
            cells[PERCENT] = ""
        writer.writerow([safe_cell(cell) for cell in cells])
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
    """The rows sheet, named for the report, then the "About this report" sheet."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{report.title}: {report.programme}"[:255]
    _rows_sheet(workbook, report)
    _about_sheet(workbook, report)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rows_sheet(workbook: Workbook, report: Report) -> None:
    sheet = workbook.create_sheet(sheet_name(report.title))
    rows = [[_clean(cell) for cell in _texts(row)] for row in report.rows]

    # In write-only mode the widths and frozen pane are written before the first row.
    for column, heading in enumerate(HEADINGS):
        letter = get_column_letter(column + 1)
        if column in WRAPPED_WIDTHS:
            width = WRAPPED_WIDTHS[column]
        elif column == DUE:
            width = DATE_WIDTH
        else:
            width = _width((cells[column] for cells in rows), heading)
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADINGS))}{len(rows) + 1}"

    bold = Font(bold=True)
    sheet.append([_styled(sheet, heading, font=bold) for heading in HEADINGS])

    # Only these four columns' cells get a style (a styled cell costs about twice a plain one),
    # empty ones too so that what a clerk types there wraps or shows as a date or percent. Each
    # copies a template cell's style, far cheaper than setting font and alignment objects.
    wrap = _styled(sheet, None, alignment=Alignment(wrap_text=True))
    templates = {TITLE: wrap, COMMENTARY: wrap, DUE: _styled(sheet, None, number_format=DATE_FORMAT),
                 PERCENT: _styled(sheet, None, number_format=PERCENT_FORMAT)}
    for row, cells in zip(report.rows, rows, strict=True):
        cells[DUE] = row.due
        cells[PERCENT] = None if row.percent is None else row.percent / 100
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


def _about_sheet(workbook: Workbook, report: Report) -> None:
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
    line("RAG distribution", "Actions")
    for count in report.distribution:
        line(count.label, count.count)
    if report.rag_key:
        sheet.append([])
        line("RAG key", "Meaning")
        for entry in report.rag_key:
            line(entry.label, entry.meaning)
