"""Hostile and damaged files: memory bounded by the cells present, encodings, numbers a column cannot
hold, text longer than its field. Each is refused with its sheet, row and column, nothing written."""

import io
import os
import zipfile

import pytest
from openpyxl import Workbook

from actionplans.models import Action, Measure
from governance.imports.readers import Cells, ImportRejected, read_file
from governance.imports.service import import_commit, import_preview
from programmes.models import Objective, Person

from .builders import csv_bytes, xlsx
from .conftest import AS_AT

pytestmark = pytest.mark.django_db

HEADINGS = ["Ref.", "Name", "Weight", "% Complete", "Due Date"]


def wide_sparse_workbook(rows: int = 2000) -> bytes:
    """A small plan whose every row also uses a cell in column XFD (16,384), as a stray format does."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Ref.", "Name"])
    sheet.cell(row=1, column=16384, value="Far away")
    for number in range(rows):
        sheet.cell(row=number + 2, column=1, value=f"W{number}")
        sheet.cell(row=number + 2, column=2, value=f"Objective {number}")
        sheet.cell(row=number + 2, column=16384, value="x")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def nothing_written() -> bool:
    return not (Objective.objects.exists() or Action.objects.exists() or Measure.objects.exists()
                or Person.objects.exists())


def errors_at(summary) -> dict:
    return {(e["sheet"], e["row"], e["column"]): e["message"] for e in summary["errors"]}


# ---------------------------------------------------------------- memory


def test_a_sheet_using_column_xfd_keeps_only_the_cells_it_has():
    data = wide_sparse_workbook()

    rows = read_file(data, "wide.xlsx").sheets[0].rows

    assert len(data) < 150_000
    assert all(isinstance(row, Cells) for row in rows)
    assert rows[1].values == {0: "W0", 1: "Objective 0", 16383: "x"}
    assert len(rows[1]) == 16384 and rows[1][16383] == "x" and rows[1][5000] is None
    assert sum(len(row.values) for row in rows) == 3 * 2001


def test_the_wide_sheet_imports_with_the_far_column_kept_and_only_real_columns_listed(programme, priya):
    summary = import_commit(data=wide_sparse_workbook(50), file_name="wide.xlsx", programme=programme, by=priya,
                            as_at=AS_AT).summary()

    assert summary["ok"], summary["errors"]
    assert [c["column"] for c in summary["sheets"][0]["columns"]] == ["A", "B", "XFD"]
    assert Objective.objects.get(reference="W7").extra == {"Far away": "x"}


def with_values(data: bytes, replacements: dict[str, bytes]) -> bytes:
    """The workbook with some cells' stored values replaced, as a damaged or hostile file has them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                for cell, value in replacements.items():
                    before, found, after = content.partition(f'<c r="{cell}" t="n"><v>'.encode())
                    assert found, cell
                    content = before + found + value + after[after.index(b"</v>"):]
            target.writestr(info.filename, content)
    return out.getvalue()


def test_a_cell_that_is_not_a_number_is_an_error_at_its_place_not_a_refusal_of_the_workbook(programme):
    data = with_values(xlsx({"Plan": [["Ref.", "Name", "Weight"], ["P1", "Objective", 2]]}), {"C2": b"two"})

    summary = import_preview(data=data, file_name="plan.xlsx", programme=programme, as_at=AS_AT).summary()

    assert summary["ok"] is False
    assert "cannot be read" in errors_at(summary)[("Plan", 2, "C")]


# ---------------------------------------------------------------- CSV encodings


def test_utf8_with_and_without_a_byte_order_mark_is_read_the_same():
    text = "Ref.,Name\r\nA1,Deliver £1.6 million – café\r\n"

    plain = read_file(text.encode("utf-8"), "plan.csv")
    marked = read_file(b"\xef\xbb\xbf" + text.encode("utf-8"), "plan.csv")

    assert plain.sheets[0].rows == marked.sheets[0].rows == [["Ref.", "Name"], ["A1", "Deliver £1.6 million – café"]]
    assert plain.warnings == marked.warnings == []


def test_windows_1252_is_read_with_a_warning(programme, priya):
    data = "Ref.,Name\r\nA1,Deliver £1.6 million – café\r\n".encode("cp1252")

    result = import_commit(data=data, file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT)

    assert result.ok, result.errors
    assert Objective.objects.get(reference="A1").title == "Deliver £1.6 million – café"
    assert any("Windows-1252" in w.message for w in result.warnings)


def test_utf8_with_one_bad_byte_is_refused_with_its_row_and_byte_and_never_stored_as_mojibake(programme, priya):
    data = "Ref.,Name\r\nA1,£100 – café\r\nA2,Fine\r\n".encode() + b"A3,Costs \xa3200\r\n"

    result = import_commit(data=data, file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT)

    assert result.ok is False and nothing_written()
    message = result.errors[0].message
    assert "0xA3" in message and "row 4" in message and "UTF-8" in message


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_refused_with_row_and_byte():
    data = b"Ref.,Name\r\nA1,Plain\r\nA2,Odd \x81 byte\r\n"

    with pytest.raises(ImportRejected, match=r"0x81 in row 3"):
        read_file(data, "plan.csv")


# ---------------------------------------------------------------- numbers the columns cannot hold


@pytest.mark.parametrize(
    ("weight", "percent", "column", "words"),
    [
        ("99999.999", None, "Weight", "two decimal places"),
        ("100000", None, "Weight", "99999.99"),
        ("NaN", None, "Weight", "not a weight"),
        ("inf", None, "Weight", "not a weight"),
        (None, "NaN", "% Complete", "not a percentage"),
        (None, "-Infinity", "% Complete", "not a percentage"),
        (None, "1E+999999", "% Complete", "between 0 and 100"),
    ],
)
def test_a_number_the_column_cannot_hold_fails_the_preview_with_its_place(programme, priya, weight, percent, column,
                                                                           words):
    data = csv_bytes([HEADINGS, ["P1", "Objective", None, None, None],
                      ["P1.1", "Action", weight, percent, "30/09/2024"]])

    preview = import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT).summary()
    commit = import_commit(data=data, file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT)

    assert preview["ok"] is False
    assert words in errors_at(preview)[("plan.csv", 3, column)]
    assert commit.ok is False and nothing_written()


def test_the_largest_weight_the_column_holds_passes_the_preview_and_commits(programme, priya):
    data = csv_bytes([HEADINGS, ["P1", "Objective", "99999.99", None, None],
                      ["P1.1", "Action", "0.25", "50%", "30/09/2024"]])

    assert import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT).ok
    result = import_commit(data=data, file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT)

    assert result.ok and result.committed, result.errors
    assert str(Objective.objects.get(reference="P1").weight) == "99999.99"


def test_a_nan_cell_in_a_workbook_is_an_error_not_a_crash(programme, priya):
    data = with_values(xlsx({"Plan": [HEADINGS, ["P1", "Objective", 1, None, None],
                                      ["P1.1", "Action", 1, 1, None]]}), {"C2": b"NaN", "D3": b"1E999"})

    result = import_commit(data=data, file_name="plan.xlsx", programme=programme, by=priya, as_at=AS_AT)

    assert result.ok is False and nothing_written()
    errors = errors_at(result.summary())
    assert "cannot be read" in errors[("Plan", 2, "C")]
    assert "not a number" in errors[("Plan", 3, "% Complete")]
    assert all("unexpectedly" not in m for m in errors.values())


@pytest.mark.parametrize(("target", "words"), [(b"1E+12", "too large"), (b"1E999", "not a number")])
def test_a_target_the_column_cannot_hold_is_an_error(programme, target, words):
    data = with_values(xlsx({"Measures": [["Reference", "Measure Description", "Target 2024/25"],
                                          ["M1", "Sickness", 5]]}), {"C2": target})

    summary = import_preview(data=data, file_name="measures.xlsx", programme=programme, as_at=AS_AT).summary()

    assert words in errors_at(summary)[("Measures", 2, "Target 2024/25")]


# ---------------------------------------------------------------- text longer than its field


def test_a_name_longer_than_its_field_is_refused_with_its_row_never_cut(programme, priya):
    long_name = "Deliver " + "the plan " * 60
    data = csv_bytes([HEADINGS, ["P1", "Objective", None, None, None], ["P1.1", long_name, None, None, None]])

    result = import_commit(data=data, file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT)

    assert result.ok is False and nothing_written()
    assert "at most 500" in errors_at(result.summary())[("plan.csv", 3, "Name")]


def test_words_instead_of_a_date_longer_than_the_note_are_refused(programme):
    data = csv_bytes([HEADINGS, ["P1", "Objective", None, None, None],
                      ["P1.1", "Action", None, None, "When the partners agree " * 10]])

    summary = import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT).summary()

    assert "at most 200" in errors_at(summary)[("plan.csv", 3, "Due Date")]


def test_a_target_longer_than_its_field_is_refused(programme):
    data = xlsx({"Measures": [["Reference", "Measure Description", "Target 2024/25"],
                              ["M1", "Sickness", "Reduce it " * 30]]})

    summary = import_preview(data=data, file_name="measures.xlsx", programme=programme, as_at=AS_AT).summary()

    assert "at most 200" in errors_at(summary)[("Measures", 2, "Target 2024/25")]


def test_an_owner_name_longer_than_a_name_is_refused(programme):
    data = csv_bytes([["Ref.", "Name", "Owner"], ["P1", "Objective", "Sandra " * 40]])

    summary = import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT).summary()

    assert "at most 200" in errors_at(summary)[("plan.csv", 2, "Owner")]


# ---------------------------------------------------------------- a preview that passes commits

NASTY = ["NaN", "inf", "-Infinity", "1e999", "-1e999", "1E+20", "-5", "0.000001", "99999.999", "x" * 600,
         "31/02/2024", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "£" * 250, "TBC", "#DIV/0!",
         "Q1 / Q2 and Q3", "• one\n• two"]
PLAN_HEADINGS = ["Ref.", "Name", "Parent", "Owner", "Start Date", "Due Date", "Revised Due Date", "Status",
                 "% Complete", "RAG", "RAG reason", "Latest Note", "Weight", "Delivers against", "Milestone y/n",
                 "Description", "Directorate"]
MEASURE_HEADINGS = ["Reference", "Measure Description", "Objective", "Unit", "Polarity", "Frequency",
                    "Target 2024/25", "Q1 target", "Apr-24", "Q2 actual"]
RISK_HEADINGS = ["Risk Reference", "Risk Description", "Objective", "Risk Owner", "Likelihood", "Impact",
                 "Inherent likelihood", "Target impact", "Review date", "Status", "Mitigation"]


def workbook_with(sheet: str, headings: list, column: int, value) -> bytes:
    good = {"Action Plan": ["P1.1", "Action", "P1", "Sam Officer", "1/4/2024", "30/9/2024", None, "In progress",
                            "50%", "G", None, "Fine", 1, "P1", "no", "Text", "Adults"],
            "Measures": ["M1", "Measure", "P1", "number", "higher", "quarterly", 5, 5, 4, 6],
            "Risks": ["R1", "Risk", "P1", "Sam Officer", 3, 3, 4, 2, "1/1/2025", "Open", "Watch it"]}[sheet]
    row = list(good)
    row[column] = value
    sheets = {"Action Plan": [PLAN_HEADINGS, ["P1", "Objective"] + [None] * (len(PLAN_HEADINGS) - 2)]}
    if sheet == "Action Plan":
        sheets["Action Plan"].append(row)
    else:
        sheets[sheet] = [headings, row]
    return xlsx(sheets)


CASES = [(sheet, headings, column, value) for sheet, headings in (("Action Plan", PLAN_HEADINGS),
                                                                  ("Measures", MEASURE_HEADINGS),
                                                                  ("Risks", RISK_HEADINGS))
         for column in range(len(headings)) for value in NASTY]


# Every 7th of the 684 cases, so that each value and each column is met; NASTY_STEP=1 runs them all.
@pytest.mark.parametrize("case", range(0, len(CASES), int(os.environ.get("NASTY_STEP", 7))))
def test_whatever_a_cell_holds_the_preview_answers_and_a_preview_that_passes_commits(programme, priya, case):
    sheet, headings, column, value = CASES[case]
    data = workbook_with(sheet, headings, column, value)

    preview = import_preview(data=data, file_name="plan.xlsx", programme=programme, as_at=AS_AT)
    commit = import_commit(data=data, file_name="plan.xlsx", programme=programme, by=priya, as_at=AS_AT)

    assert commit.ok == preview.ok, (headings[column], value, [e.message for e in commit.errors])
    assert all(e.row and e.column for e in preview.errors), [e.as_dict() for e in preview.errors]
    assert not any("unexpectedly" in e.message or "refused a write" in e.message for e in commit.errors)



def test_excels_unicode_text_utf16_with_its_mark_is_read():
    data = "Ref.\tName\r\nA1\tDeliver £1.6 million – café\r\n".encode("utf-16")

    assert read_file(data, "plan.csv").sheets[0].rows == [["Ref.", "Name"], ["A1", "Deliver £1.6 million – café"]]


def test_utf16_with_a_broken_character_is_refused_with_its_row():
    data = "Ref.\tName\r\nA1\tFine\r\n".encode("utf-16") + b"\x00\xd8"  # half of a surrogate pair

    with pytest.raises(ImportRejected, match=r"UTF-16 .* row 3"):
        read_file(data, "plan.csv")
