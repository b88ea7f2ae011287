"""Cells that a spreadsheet would run as a formula are written as text, and read back as written.

Excel, LibreOffice and Google Sheets treat a cell that starts with = + - @ (or a tab or carriage
return before one) as a formula, so a title such as "=HYPERLINK(...)" typed by anyone could run
on a clerk's machine when the export is opened. The full-width forms (＝ ＋ － ＠, which a
Japanese or Chinese keyboard types and Excel may take for the narrow ones) count too. Every
export writes such a cell with a leading apostrophe, the OWASP advice; every import takes that
apostrophe off again, so a round trip gives back exactly what was there.

Text that already starts with apostrophes before one of those characters ("'=1" as typed) gets
one more, so that the import, which takes one off, gives back exactly what was typed.
Only text is escaped: a number (a negative one too) stays a number.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r",
                  "\uff1d", "\uff0b", "\uff0d", "\uff20")  # full-width = + - @
ESCAPE = "'"


def _would_run(text: str) -> bool:
    """True for text that starts with a formula character, after any apostrophes."""
    return text.lstrip(ESCAPE).startswith(FORMULA_STARTS)


def safe_cell(value):
    """The value to write to a spreadsheet or CSV cell: text that could run as a formula gets an apostrophe."""
    if isinstance(value, str) and _would_run(value):
        return ESCAPE + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


def unescape_cell(value):
    """The inverse of safe_cell, for values read from a spreadsheet or CSV file:
    unescape_cell(safe_cell(text)) == text for every text."""
    if isinstance(value, str) and value.startswith(ESCAPE) and _would_run(value[1:]):
        return value[1:]
    return value
