"""Cells that a spreadsheet would run as a formula are written as text, and read back as written.

Excel, LibreOffice and Google Sheets treat a cell that starts with = + - @ (or a tab or carriage
return before one) as a formula, so a title such as "=HYPERLINK(...)" typed by anyone could run
on a clerk's machine when the export is opened. Every export writes such a cell with a leading
apostrophe, the OWASP advice; every import takes that apostrophe off again, so a round trip
gives back exactly what was there.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value):
    """The value to write to a spreadsheet or CSV cell: text that could run as a formula gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


def unescape_cell(value):
    """The inverse of safe_cell, for values read from a spreadsheet or CSV file."""
    if isinstance(value, str) and value.startswith(ESCAPE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
