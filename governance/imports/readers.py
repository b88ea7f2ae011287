"""Read an uploaded CSV or Excel file safely: every limit is checked before the file is parsed.

Limits (settings): IMPORT_MAX_BYTES (5 MB) and IMPORT_MAX_ROWS (20,000 rows, not counting each
sheet's first row, its headings). A workbook must be a real zip with [Content_Types].xml; its
declared uncompressed size and ratio are checked before anything is decompressed (zip bombs);
its XML parts are scanned for DOCTYPE/ENTITY declarations before openpyxl sees them, and
openpyxl itself parses with defusedxml (it uses it whenever it is installed: checked below).
A CSV must be text with no NUL bytes: UTF-8 (with or without a byte order mark), or
Windows-1252 as older Excel saves it (read with a warning). A file that is neither, or UTF-8 with
a stray byte in it, is refused with the row and the byte: read as Windows-1252 it would be
stored as mojibake ("Â£100").

Rows are sparse (Cells): only the cells a file holds are kept, so a small sheet that uses
column XFD costs a few cells, not 16,384 per row.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

from programmes.spreadsheets import unescape_cell

CSV, XLSX = "csv", "xlsx"
# A real 10,000-row workbook unzips to about 10 times its size; these leave room and stop bombs.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_APPLIES_FROM = 10 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
_SCAN_CHUNK = 1024 * 1024
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


class ImportRejected(Exception):
    """The file was refused before it was parsed; the message says why, for the person uploading."""


class Cells:
    """A row of cell values, kept sparse: column A is index 0; a missing cell is None.

    It reads like a list (indexing, len, iteration, comparison with a list), but stores only
    the cells present; `items()` gives them without walking the empty columns between.
    """

    __slots__ = ("values", "width")

    def __init__(self, values: dict | None = None):
        self.values = {i: v for i, v in (values or {}).items() if v is not None}
        self.width = max(self.values, default=-1) + 1

    @classmethod
    def of(cls, values) -> "Cells":
        return cls(dict(enumerate(values)))

    def items(self):
        return sorted(self.values.items())

    def get(self, index: int, default=None):
        return self.values.get(index, default)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.values.get(i) for i in range(*index.indices(self.width))]
        if index < 0:
            index += self.width
        if not 0 <= index < self.width:
            raise IndexError(index)
        return self.values.get(index)

    def __len__(self) -> int:
        return self.width

    def __iter__(self):
        return (self.values.get(i) for i in range(self.width))

    def __bool__(self) -> bool:
        return bool(self.values)

    def __eq__(self, other) -> bool:
        if isinstance(other, Cells):
            return self.values == other.values
        if isinstance(other, list):
            return len(other) == self.width and all(self.values.get(i) == v for i, v in enumerate(other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"Cells({self.values!r})"


@dataclass
class Sheet:
    name: str
    rows: list[Cells] = field(default_factory=list)  # row n of the sheet is rows[n - 1]


@dataclass
class CellProblem:
    """A cell the reader could not read, reported against its place (the file is still read)."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class Workbook:
    file_name: str
    format: str
    sheets: list[Sheet]
    warnings: list[CellProblem] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(max(len(s.rows) - 1, 0) for s in self.sheets)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def file_format(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix == ".csv":
        return CSV
    if suffix in (".xlsx", ".xlsm"):
        return XLSX
    if suffix == ".xls":
        raise ImportRejected(
            "The file is an old-style Excel file (.xls). Open it in Excel and save it as an Excel "
            "workbook (.xlsx), then upload that."
        )
    raise ImportRejected(
        f"The import takes Excel workbooks (.xlsx) and CSV files (.csv); “{file_name}” is neither."
    )


def check_size(data: bytes, *, max_bytes: int | None = None) -> None:
    limit = max_bytes or settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportRejected(
            f"The file is {megabytes(len(data))}; the most the import takes is {megabytes(limit)}. "
            "Split it into smaller files, or remove columns the import does not need."
        )
    if not data:
        raise ImportRejected("The file is empty.")


def read_file(data: bytes, file_name: str, *, max_bytes: int | None = None,
              max_rows: int | None = None) -> Workbook:
    """Check the limits, then parse. Raises ImportRejected with a plain-English reason."""
    kind = file_format(file_name)
    check_size(data, max_bytes=max_bytes)
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    if kind == CSV:
        text, warning = decode_text(data, PurePath(file_name).name)
        sheet = read_csv_text(text, file_name, max_rows=max_rows)
        return Workbook(file_name, CSV, [sheet], warnings=[warning] if warning else [])
    check_workbook_zip(data, max_rows=max_rows)
    problems = []
    sheets = read_xlsx(data, max_rows=max_rows, problems=problems)
    return Workbook(file_name, XLSX, sheets, problems=problems)


# ---------------------------------------------------------------- CSV


# A UTF-8 sequence of two to four bytes: a file holding these is UTF-8, even if a byte is bad.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode_text(data: bytes, name: str = "") -> tuple[str, CellProblem | None]:
    """The text, and a warning when it was read as Windows-1252."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportRejected(
            "The file is called .csv but is an Excel workbook. Rename it to .xlsx, or save it from "
            "Excel as CSV."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with its mark
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as error:
            raise _bad_byte(data, error.start, "It is UTF-16 text with a byte that is not UTF-16") from None
    if b"\x00" in data:
        raise ImportRejected("The file is called .csv but is not text (it holds binary data).")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        bad_utf8 = error
    if _UTF8_SEQUENCE.search(data):
        raise _bad_byte(data, bad_utf8.start, "It is UTF-8 text with a byte that is not UTF-8")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise _bad_byte(data, error.start, "It is neither UTF-8 nor Windows-1252 text: it has a byte that "
                        "is not a character in either") from None
    return text, CellProblem(name, None, "", "The file is not UTF-8, so it was read as Windows-1252 (what "
                             "older Excel saves). Check that “£”, dashes and accents look right below; "
                             "save it from Excel as “CSV UTF-8” to be sure.")


def _bad_byte(data: bytes, position: int, why: str) -> ImportRejected:
    """Refuse a CSV, naming the row (counted as the CSV reader counts them) and the byte."""
    before = data[:position].decode("utf-8", errors="replace").replace("\x00", "")  # UTF-16: its NULs
    row = sum(1 for _ in csv.reader(io.StringIO(before, newline=""))) or 1
    if before.endswith(("\n", "\r")):
        row += 1
    return ImportRejected(
        f"The CSV file cannot be read: {why} (the byte 0x{data[position]:02X} in row {row}, byte "
        f"{position + 1:,} of the file). Nothing was imported, so no text was garbled. Open it in Excel and "
        "save it as “CSV UTF-8”, then upload that."
    )


def delimiter_of(text: str) -> str:
    """Comma, tab or semicolon: whichever the first line has most of. (csv.Sniffer guesses the
    quoting too, and gets doubled quotes wrong in long notes.)"""
    first = text.split("\n", 1)[0]
    return max((",", "\t", ";"), key=first.count)


def read_csv(data: bytes, file_name: str, *, max_rows: int) -> Sheet:
    return read_csv_text(decode_text(data)[0], file_name, max_rows=max_rows)


def read_csv_text(text: str, file_name: str, *, max_rows: int) -> Sheet:
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter_of(text))
    rows = []
    try:
        for row in reader:
            rows.append(Cells({i: unescape_cell(cell) for i, cell in enumerate(row) if cell.strip()}))
            if len(rows) > max_rows + 1:
                raise _too_many_rows(max_rows)
    except csv.Error as error:
        raise ImportRejected(f"The CSV file could not be read near row {reader.line_num}: {error}.") from None
    return Sheet(PurePath(file_name).name, rows)


def _too_many_rows(max_rows: int, rows: int | None = None) -> ImportRejected:
    counted = f" ({rows:,} rows)" if rows else ""
    return ImportRejected(
        f"The file has more than {max_rows:,} rows{counted}; the import takes at most {max_rows:,}. "
        "Split it into smaller files."
    )


# ---------------------------------------------------------------- Excel


def check_workbook_zip(data: bytes, *, max_rows: int) -> None:
    """Everything that can be checked without parsing XML: the zip, its sizes, entities, rows."""
    if not data.startswith(b"PK\x03\x04"):
        looks_like = "text, perhaps CSV" if b"\x00" not in data[:4096] else "some other kind of file"
        raise ImportRejected(
            f"The file is called .xlsx but is not an Excel workbook (it looks like {looks_like}). "
            "Save it from Excel as an Excel workbook, or give it the right extension."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise ImportRejected("The workbook is damaged and cannot be opened. Save it again from "
                             "Excel.") from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise ImportRejected("The file is a zip archive but not an Excel workbook.")
        _check_sizes(infos, len(data))
        rows = sum(max(_scan_member(archive, info) - 1, 0) for info in infos if _is_xml(info.filename))
    if rows > max_rows:
        raise _too_many_rows(max_rows, rows)


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def _check_sizes(infos, compressed: int) -> None:
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportRejected(f"The workbook holds {len(infos):,} parts; a spreadsheet has far fewer.")
    total = sum(info.file_size for info in infos)
    bomb = total > MAX_UNCOMPRESSED_BYTES or (total > RATIO_APPLIES_FROM and total > compressed * MAX_RATIO)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_APPLIES_FROM and ratio > MAX_RATIO:
            bomb = True
    if bomb:
        raise ImportRejected(
            f"The workbook would unpack to {megabytes(total)} from {megabytes(compressed)}, far more "
            "than a spreadsheet does (it looks like a zip bomb), so it was refused."
        )


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Refuse DOCTYPE/ENTITY declarations; count the rows of a worksheet (0 for other parts)."""
    rows, tail = 0, b""
    is_sheet = info.filename.startswith("xl/worksheets/")
    # ZipExtFile never returns more than the declared size, so the size check above bounds this.
    with archive.open(info) as member:
        while chunk := member.read(_SCAN_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _FORBIDDEN_XML):
                raise ImportRejected(
                    "The workbook contains an XML entity or DOCTYPE declaration, which Excel never "
                    "writes and which can be used to attack the server, so it was refused. Save it "
                    "again from Excel."
                )
            if is_sheet:
                rows += chunk.count(b"<row ") + chunk.count(b"<row>")
            tail = window[-32:]
    return rows


def read_xlsx(data: bytes, *, max_rows: int, problems: list | None = None) -> list[Sheet]:
    from openpyxl import DEFUSEDXML, load_workbook

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency; never parse without it
        raise ImportRejected("The server cannot read workbooks safely (defusedxml is missing).")
    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        problems = [] if problems is None else problems
        sheets = [Sheet(ws.title, _sheet_rows(ws, max_rows, problems)) for ws in workbook.worksheets]
    except ImportRejected:
        raise
    except Exception as error:  # openpyxl raises many kinds; all mean the same to the person uploading
        if _defused(error):
            raise ImportRejected("The workbook contains XML the import refuses for safety (an entity "
                                 "declaration). Save it again from Excel.") from None
        raise ImportRejected("The workbook could not be read. Save it again from Excel and retry.") from None
    finally:
        if workbook is not None:
            workbook.close()
    if sum(max(len(s.rows) - 1, 0) for s in sheets) > max_rows:
        raise _too_many_rows(max_rows)
    return sheets


def _defused(error: BaseException | None) -> bool:
    """defusedxml refused something, perhaps wrapped by openpyxl in a ValueError."""
    seen = 0
    while error is not None and seen < 10:
        if type(error).__module__.startswith("defusedxml"):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _sheet_rows(ws, max_rows: int, problems: list) -> list[Cells]:
    """Cell values row by row; row n of the sheet is rows[n - 1], column A is index 0.

    openpyxl's own worksheet parser, read directly: its cell objects cost twice the time, and all
    the import needs from a cell's style is whether it shows a percent.
    """
    workbook = ws.parent
    percent_styles = _percent_styles(workbook)
    rows = []
    with ws._get_source() as source:
        parser = _CellSafeParser(source, ws._shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        parser.sheet, parser.problems = ws.title, problems
        for number, cells in parser.parse():
            if number > max_rows + 1:
                raise _too_many_rows(max_rows)
            while len(rows) < number - 1:  # rows the file leaves out are empty
                rows.append(Cells())
            rows.append(_row_values(cells, percent_styles))
            if len(rows) > max_rows + 1:
                raise _too_many_rows(max_rows)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _row_values(cells: list[dict], percent_styles: set) -> Cells:
    return Cells({cell["column"] - 1: _cell_value(cell["value"], cell["style_id"] in percent_styles)
                  for cell in cells})


class _CellSafeParser(WorkSheetParser):
    """openpyxl's worksheet parser, with a cell it cannot read (a date that cannot be, a number
    that is not one) reported against its place and left empty instead of failing the workbook."""

    sheet, problems = "", []

    def parse_cell(self, element):
        try:
            return super().parse_cell(element)
        except (ValueError, TypeError, OverflowError, ArithmeticError, IndexError, KeyError):
            where = element.get("r") or ""
            row = int("".join(ch for ch in where if ch.isdigit()) or self.row_counter)
            column = "".join(ch for ch in where if ch.isalpha()) or get_column_letter(max(self.col_counter, 1))
            self.problems.append(CellProblem(self.sheet, row, column, "This cell holds a value that cannot "
                                             "be read (Excel shows it as an error or as ####). Type the value "
                                             "again, then save."))
            return {"row": row, "column": self.col_counter, "value": None, "data_type": "n", "style_id": 0}
def _percent_styles(workbook) -> set:
    """The style ids whose number format shows a percent (a 100% cell holds 1)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    styles = set()
    for index, style in enumerate(workbook._cell_styles):
        number_format = style.numFmtId
        if number_format < BUILTIN_FORMATS_MAX_SIZE:
            text = BUILTIN_FORMATS.get(number_format, "")
        else:
            custom = workbook._number_formats
            position = number_format - BUILTIN_FORMATS_MAX_SIZE
            text = custom[position] if position < len(custom) else ""
        if "%" in text:
            styles.add(index)
    return styles


def _cell_value(value, percent: bool):
    if isinstance(value, str):
        return unescape_cell(value) if value.strip() else None
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        # Keep the sign, so that the percent parser reads a 100% cell (which holds 1) as 100.
        return f"{value * 100:.10g}%"
    return value
