"""The report's workbook and CSV, read back as a clerk's spreadsheet would read them. No database."""

import csv
import dataclasses
import io
from datetime import date, datetime

import openpyxl
import pytest

from dashboards.reports.model import ACTION_PLAN_COLUMNS, Section
from dashboards.reports.spreadsheets import (
    ABOUT_SHEET,
    render_csv,
    render_xlsx,
    sheet_name,
    sheet_names,
)
from programmes.rules import Rag, display_percent
from programmes.spreadsheets import safe_cell, unescape_cell
from tests.dashboards.reports.builders import (
    FORMULA_PROBES,
    SCRIPT_PROBE,
    row,
    sample_exception_report,
    sample_report,
)

# The action plan's sheet: the identifying columns, its own (owners always), Excluded.
HEADINGS = ("Level", "Kind", "Reference", "Parent", "Title", "Owner(s)", "Due date", "Status",
            "Percent complete", "RAG", "Latest commentary", "Excluded")
COLUMN = {heading: number for number, heading in enumerate(HEADINGS)}
CSV_HEADINGS = ("Section", *HEADINGS)
CSV_COLUMN = {heading: number for number, heading in enumerate(CSV_HEADINGS)}
# The exception report's sheets, in its sections' order, and its CSV, in the order of COLUMNS.
EXCEPTION_HEADINGS = ("Level", "Kind", "Reference", "Parent", "Title", "Owner(s)", "Why it is here", "RAG",
                      "Latest commentary", "Linked risks", "Excluded")
EXCEPTION_CSV_HEADINGS = ("Section", "Level", "Kind", "Reference", "Parent", "Title", "Owner(s)", "RAG",
                          "Why it is here", "Latest commentary", "Linked risks", "Excluded")


@pytest.fixture(scope="module")
def report():
    # A negative percent cannot come from the engine, but it is the number most like a formula.
    return sample_report(extra_rows=(row("NEG.1", percent=-2.0, rag=Rag.RED),))


@pytest.fixture(scope="module")
def workbook(report):
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))


@pytest.fixture(scope="module")
def sheet(workbook):
    return workbook.worksheets[0]


@pytest.fixture(scope="module")
def csv_bytes(report):
    return render_csv(report)


@pytest.fixture(scope="module")
def csv_rows(csv_bytes):
    return list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"), newline="")))


def values(sheet):
    return [[cell.value for cell in line] for line in sheet.iter_rows()]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------- workbook


def test_the_rows_sheet_comes_first_named_for_its_section_then_the_cover_facts(workbook, report):
    assert workbook.sheetnames == [report.sections[0].title, ABOUT_SHEET] == ["Objectives and actions", ABOUT_SHEET]


def test_the_header_is_row_1_bold_frozen_and_filtered_over_every_row(sheet, report):
    assert [cell.value for cell in sheet[1]] == list(HEADINGS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{len(report.rows) + 1}"
    assert sheet.max_row == len(report.rows) + 1


def test_every_row_is_there_in_order_with_its_words(sheet, report):
    lines = values(sheet)[1:]
    assert [line[COLUMN["Reference"]] for line in lines] == [r.ref for r in report.rows]
    for line, r in zip(lines, report.rows, strict=True):
        assert line[COLUMN["Level"]] == r.level
        assert line[COLUMN["RAG"]] == r.rag_label
        assert line[COLUMN["Status"]] == (r.status_label or None)
        assert line[COLUMN["Excluded"]] == ("Yes" if r.excluded else None)
    kinds = {line[COLUMN["Reference"]]: line[COLUMN["Kind"]] for line in lines}
    assert (kinds["OBJ1"], kinds["OBJ1.A"], kinds["OBJ1.C"]) == ("Objective", "Action", "Milestone")
    owners = {line[COLUMN["Reference"]]: line[COLUMN["Owner(s)"]] for line in lines}
    assert owners["OBJ1.A"] == "Kath Amies"


def test_the_percent_is_the_unrounded_number_over_100_shown_as_a_percent(sheet, report):
    for cells, r in zip(list(sheet.iter_rows())[1:], report.rows, strict=True):
        cell = cells[COLUMN["Percent complete"]]
        if r.percent is None:
            assert cell.value is None
        else:
            assert cell.data_type == "n" and cell.value == pytest.approx(r.percent / 100, abs=1e-12)
            assert cell.number_format == "0%"
    objective = next(c for c in sheet.iter_rows(min_row=2) if c[COLUMN["Reference"]].value == "OBJ1")
    assert objective[COLUMN["Percent complete"]].value == pytest.approx(0.4778)  # not 0.48


def test_a_negative_percent_stays_a_number(sheet):
    cells = next(c for c in sheet.iter_rows(min_row=2) if c[COLUMN["Reference"]].value == "NEG.1")
    assert cells[COLUMN["Percent complete"]].value == pytest.approx(-0.02)
    assert cells[COLUMN["Percent complete"]].data_type == "n"


def test_the_due_date_is_an_excel_date_written_the_uk_way(sheet, report):
    for cells, r in zip(list(sheet.iter_rows())[1:], report.rows, strict=True):
        cell = cells[COLUMN["Due date"]]
        if r.due is None:
            assert cell.value is None
        else:
            assert cell.is_date and cell.number_format == "d mmmm yyyy"
            assert cell.value == datetime(r.due.year, r.due.month, r.due.day)


def test_title_and_commentary_are_wide_and_wrapped_and_the_rest_fitted(sheet):
    widths = {heading: sheet.column_dimensions[chr(ord("A") + n)].width for heading, n in COLUMN.items()}
    assert widths["Title"] >= 50 and widths["Latest commentary"] >= 60
    assert all(8 <= width <= 40 for heading, width in widths.items()
               if heading not in ("Title", "Latest commentary"))
    assert widths["Reference"] < widths["Percent complete"]  # fitted, not one width for all
    for cells in sheet.iter_rows(min_row=2):
        assert cells[COLUMN["Title"]].alignment.wrap_text
        assert cells[COLUMN["Latest commentary"]].alignment.wrap_text


def test_the_commentary_is_the_plain_text_with_its_lines(sheet):
    cells = next(c for c in sheet.iter_rows(min_row=2) if c[COLUMN["Reference"]].value == "OBJ1.A")
    assert cells[COLUMN["Latest commentary"]].value == "Done and signed off.\nFirst\nSecond"


def test_every_formula_probe_is_escaped_in_the_workbook_and_nothing_is_a_formula(sheet):
    texts = [cell.value for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)]
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    for probe in FORMULA_PROBES:
        assert "'" + probe in texts, probe
        assert probe not in texts, probe
    assert all(not text.startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d")) for text in texts)


def test_the_script_probe_is_plain_text_in_the_workbook(sheet):
    cells = next(c for c in sheet.iter_rows(min_row=2) if c[COLUMN["Reference"]].value == "OBJ1.B")
    assert cells[COLUMN["Latest commentary"]].value == SCRIPT_PROBE


def test_the_cover_facts_are_on_the_about_sheet(workbook, report):
    lines = values(workbook[ABOUT_SHEET])
    about = {line[0]: line[1] for line in lines[:8]}
    assert about["Council"] == "Demo Borough Council"
    assert about["Programme"] == report.programme
    assert about["Programme reference"] == "ASC2425"
    assert about["As at"] == datetime(2024, 6, 30)
    assert about["Percent complete"] == "47%"
    assert about["RAG"] == "Amber"
    start = [line[0] for line in lines].index("RAG distribution") + 1
    assert lines[start:start + 5] == [[c.label, c.count] for c in report.distribution]
    start = [line[0] for line in lines].index("RAG key") + 1
    assert lines[start:start + 5] == [[e.label, e.meaning] for e in report.rag_key]
    assert workbook[ABOUT_SHEET]["B5"].number_format == "d mmmm yyyy"


def test_the_cover_facts_are_escaped_too(report):
    hostile = dataclasses.replace(report, council="=1+1 Borough", programme="\uff0bprogramme")
    about = {line[0]: line[1] for line in
             values(openpyxl.load_workbook(io.BytesIO(render_xlsx(hostile)))[ABOUT_SHEET]) if line and line[0]}
    assert about["Council"] == "'=1+1 Borough" and about["Programme"] == "'\uff0bprogramme"


@pytest.mark.parametrize("title, name", [
    ("Action plan report", "Action plan report"),
    ("Report: [draft] a/b\\c*d?e", "Report draft a b c d e"),
    ("A very long report title that goes on and on", "A very long report title that g"),
    ("'quoted'", "quoted"),
    ("[]:*?/\\", "Report"),
    ("About this report", "Report"),
])
def test_the_sheet_name_is_one_excel_accepts(title, name):
    assert sheet_name(title) == name
    assert len(sheet_name(title)) <= 31


def test_a_section_titled_with_forbidden_characters_still_opens(report):
    section = dataclasses.replace(report.sections[0], title="Action plan: Q1/Q2 [draft] report for the committee")
    odd = dataclasses.replace(report, sections=(section,))
    names = openpyxl.load_workbook(io.BytesIO(render_xlsx(odd))).sheetnames
    assert names == ["Action plan Q1 Q2 draft report", ABOUT_SHEET]


def test_sheet_names_are_unique_to_excel_which_ignores_case():
    names = sheet_names(["Actions", "ACTIONS", "actions", "About this report", "", "Section 5",
                         "A title of exactly thirty-one c", "A title of exactly thirty-one c!"])
    assert names == ["Actions", "ACTIONS (2)", "actions (3)", "Section 4", "Section 5", "Section 5 (2)",
                     "A title of exactly thirty-one c", "A title of exactly thirty-o (2)"]
    assert all(len(name) <= 31 for name in names)


def test_two_sections_with_the_same_title_still_open(report):
    twice = dataclasses.replace(report, sections=(report.sections[0], report.sections[0]))
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(twice)))
    assert workbook.sheetnames == ["Objectives and actions", "Objectives and actions (2)", ABOUT_SHEET]
    assert values(workbook.worksheets[0]) == values(workbook.worksheets[1])


def test_control_characters_xml_cannot_hold_are_dropped_not_fatal(report):
    odd = sample_report(extra_rows=(row("CTL.1", title="Bell\x07 and \x1b=escape"),))
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(odd))).worksheets[0]
    titles = [line[COLUMN["Title"]] for line in values(sheet)]
    assert "Bell and =escape" in titles


def test_text_longer_than_excel_holds_is_cut_to_32767_characters():
    long = sample_report(extra_rows=(row("LONG.1", commentary_text="=" + "x" * 40_000),))
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(long))).worksheets[0]
    commentary = values(sheet)[-1][COLUMN["Latest commentary"]]
    assert len(commentary) == 32_767 and commentary.startswith("'=x")


def test_an_empty_report_has_its_header_and_filter():
    empty = dataclasses.replace(sample_report(), sections=(Section("Objectives and actions", ACTION_PLAN_COLUMNS, ()),))
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(empty)))
    sheet = workbook.worksheets[0]
    assert values(sheet)[0] == list(HEADINGS) and sheet.auto_filter.ref == "A1:L1"
    assert sheet.freeze_panes == "A2"
    assert values(sheet)[1:] == [["Nothing to report.", *[None] * (len(HEADINGS) - 1)]]  # below the filter
    assert render_csv(empty).decode("utf-8-sig") == ",".join(CSV_HEADINGS) + "\r\n"
    about = {line[0]: line[1] for line in values(workbook[ABOUT_SHEET])}
    assert about["Rows"] == 0 and about["Objectives and actions"] == 0


def test_a_report_with_no_sections_at_all_still_opens():
    none = dataclasses.replace(sample_report(), sections=())
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(none)))
    assert workbook.sheetnames == ["Action plan report", ABOUT_SHEET]
    assert values(workbook.worksheets[0]) == [["Level", "Kind", "Reference", "Parent", "Owner(s)", "Excluded"],
                                              ["Nothing to report.", None, None, None, None, None]]
    assert read_csv(render_csv(none)) == [["Section", "Level", "Kind", "Reference", "Parent", "Owner(s)",
                                           "Excluded"]]


# ---------------------------------------------------------------- CSV


def test_the_csv_starts_with_a_byte_order_mark_and_is_utf8(csv_bytes):
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes[3:].decode("utf-8")  # strict: fails on any byte that is not UTF-8
    assert not text.startswith("\ufeff")  # one mark, not two
    assert "'\uff1d1+1" in text  # the full-width probe, whole


def test_the_csv_lines_end_in_crlf(csv_bytes):
    text = csv_bytes.decode("utf-8-sig")
    assert text.startswith(",".join(CSV_HEADINGS) + "\r\n")
    assert text.endswith("\r\n")
    assert text.count("\r\n") >= len(sample_report().rows) + 1


def test_the_csv_has_every_row_in_order_as_the_pages_show_it(csv_rows, report):
    assert csv_rows[0] == list(CSV_HEADINGS)
    assert [line[CSV_COLUMN["Reference"]] for line in csv_rows[1:]] == [r.ref for r in report.rows]
    for line, r in zip(csv_rows[1:], report.rows, strict=True):
        assert len(line) == len(CSV_HEADINGS)
        assert line[CSV_COLUMN["Level"]] == str(r.level)
        assert line[CSV_COLUMN["Due date"]] == r.due_shown
        assert line[CSV_COLUMN["RAG"]] == r.rag_label
        shown = "" if r.percent is None else str(display_percent(r.percent))
        assert line[CSV_COLUMN["Percent complete"]] == shown
        if r.percent is not None and r.percent >= 0:
            assert f"{line[CSV_COLUMN['Percent complete']]}%" == r.percent_shown
        assert line[CSV_COLUMN["Excluded"]] == ("Yes" if r.excluded else "")
    assert {line[CSV_COLUMN["Section"]] for line in csv_rows[1:]} == {"Objectives and actions"}
    due = {line[CSV_COLUMN["Reference"]]: line[CSV_COLUMN["Due date"]] for line in csv_rows[1:]}
    assert due["OBJ1.A"] == "31 March 2025" and due["OBJ1.C"] == ""


def test_the_csv_percent_is_a_whole_number_rounded_half_up():
    half = sample_report(extra_rows=(row("HALF.1", percent=47.5), row("HALF.2", percent=0.49999999999999994)))
    lines = {line[CSV_COLUMN["Reference"]]: line for line in
             csv.reader(io.StringIO(render_csv(half).decode("utf-8-sig"), newline=""))}
    assert lines["HALF.1"][CSV_COLUMN["Percent complete"]] == "48"
    assert lines["HALF.2"][CSV_COLUMN["Percent complete"]] == "0"
    assert lines["OBJ1"][CSV_COLUMN["Percent complete"]] == "48"  # 47.78
    assert lines["OBJ1.1"][CSV_COLUMN["Percent complete"]] == ""  # no percent


def test_a_negative_percent_in_the_csv_is_a_number_not_escaped(csv_rows):
    line = next(line for line in csv_rows if line[CSV_COLUMN["Reference"]] == "NEG.1")
    assert line[CSV_COLUMN["Percent complete"]] == "-2"


def test_every_formula_probe_is_escaped_in_the_csv(csv_rows):
    cells = [cell for line in csv_rows for cell in line]
    for probe in FORMULA_PROBES:
        assert "'" + probe in cells, probe
        assert probe not in cells, probe
    titles = {line[CSV_COLUMN["Reference"]]: line[CSV_COLUMN["Title"]] for line in csv_rows[1:]}
    assert titles["OBJ1.B"] == "'=1+1"


def test_the_script_probe_is_plain_text_in_the_csv(csv_rows):
    line = next(line for line in csv_rows if line[CSV_COLUMN["Reference"]] == "OBJ1.B")
    assert line[CSV_COLUMN["Latest commentary"]] == SCRIPT_PROBE


def test_owners_are_joined_with_a_comma():
    two = sample_report(extra_rows=(row("OWN.1", owners=("Kath Amies", "Raj Patel")),))
    lines = list(csv.reader(io.StringIO(render_csv(two).decode("utf-8-sig"), newline="")))
    assert lines[-1][CSV_COLUMN["Owner(s)"]] == "Kath Amies, Raj Patel"


# ---------------------------------------------------------------- the exception report: several sections


@pytest.fixture(scope="module")
def exceptions():
    return sample_exception_report()


@pytest.fixture(scope="module")
def exception_workbook(exceptions):
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(exceptions)))


@pytest.fixture(scope="module")
def exception_csv(exceptions):
    return read_csv(render_csv(exceptions))


def test_each_section_has_its_own_sheet_in_order_then_the_cover_facts(exception_workbook):
    assert exception_workbook.sheetnames == ["Actions", "Objectives", "Milestones", ABOUT_SHEET]


def test_each_section_sheet_has_its_own_header_frozen_and_filtered(exception_workbook, exceptions):
    for section in exceptions.sections:
        sheet = exception_workbook[section.title]
        assert [cell.value for cell in sheet[1]] == list(EXCEPTION_HEADINGS), section.title
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:K{len(section.rows) + 1}"
        if section.rows:
            refs = [line[EXCEPTION_HEADINGS.index("Reference")] for line in values(sheet)[1:]]
            assert refs == [r.ref for r in section.rows]
    assert exception_workbook["Actions"].max_row == 3 and exception_workbook["Objectives"].max_row == 2


def test_reasons_and_risks_are_text_one_to_a_line_and_wrapped(exception_workbook):
    column = {heading: n for n, heading in enumerate(EXCEPTION_HEADINGS)}
    sheet = exception_workbook["Actions"]
    cells = {c[column["Reference"]].value: c for c in sheet.iter_rows(min_row=2)}
    b = cells["OBJ1.B"]
    assert b[column["Why it is here"]].value == "Red: due 30 June 2024, 20% done, 73% expected\nOverdue"
    assert b[column["Linked risks"]].value == "R03 Workforce shortage (current score 16, Red)"
    assert b[column["Why it is here"]].data_type == b[column["Linked risks"]].data_type == "s"
    assert b[column["Why it is here"]].alignment.wrap_text and b[column["Linked risks"]].alignment.wrap_text
    assert b[column["Owner(s)"]].value == "Sam Clarke, Nadia Rahman"
    assert b[column["RAG"]].value == "Red" and b[column["Latest commentary"]].value == "Recruitment paused."
    assert cells["OBJ1.D"][column["Why it is here"]].value == "Not updated"
    assert cells["OBJ1.D"][column["Linked risks"]].value is None
    objective = values(exception_workbook["Objectives"])[1]
    assert objective[:3] == [1, "Objective", "OBJ1"]
    assert objective[column["Why it is here"]] == "Amber: a third of its weight is Amber or Red"
    widths = {h: sheet.column_dimensions[chr(ord("A") + n)].width for h, n in column.items()}
    assert widths["Why it is here"] >= 40 and widths["Linked risks"] >= 40


def test_the_formula_probe_in_a_section_title_is_escaped(exception_workbook, exception_csv):
    column = EXCEPTION_HEADINGS.index("Title")
    line = next(line for line in values(exception_workbook["Actions"]) if line[2] == "OBJ1.D")
    assert line[column] == "'" + FORMULA_PROBES[3] == "'@SUM(1,1)"
    assert all(cell.data_type != "f" for sheet in exception_workbook for line in sheet.iter_rows() for cell in line)
    line = next(line for line in exception_csv if line[3] == "OBJ1.D")
    assert line[EXCEPTION_CSV_HEADINGS.index("Title")] == "'@SUM(1,1)"


def test_an_empty_section_says_so_on_its_sheet_and_counts_0_on_the_about_sheet(exception_workbook):
    sheet = exception_workbook["Milestones"]
    assert values(sheet) == [list(EXCEPTION_HEADINGS), ["No milestone needs attention.", *[None] * 10]]
    assert sheet.auto_filter.ref == "A1:K1"  # the message is not a row to sort
    assert sheet["A2"].font.italic


def test_the_about_sheet_lists_the_sections_and_their_rows(exception_workbook, report, workbook):
    lines = values(exception_workbook[ABOUT_SHEET])
    start = [line[0] for line in lines].index("Sections")
    assert lines[start:start + 4] == [["Sections", "Rows"], ["Actions", 2], ["Objectives", 1], ["Milestones", 0]]
    assert {line[0]: line[1] for line in lines}["Rows"] == 3
    lines = values(workbook[ABOUT_SHEET])
    start = [line[0] for line in lines].index("Sections")
    assert lines[start + 1] == ["Objectives and actions", len(report.rows)]


def test_the_csv_is_one_table_with_the_section_first_and_every_column_in_the_usual_order(exception_csv):
    assert exception_csv[0] == list(EXCEPTION_CSV_HEADINGS)
    column = {heading: n for n, heading in enumerate(EXCEPTION_CSV_HEADINGS)}
    assert [(line[column["Section"]], line[column["Reference"]]) for line in exception_csv[1:]] == [
        ("Actions", "OBJ1.B"), ("Actions", "OBJ1.D"), ("Objectives", "OBJ1")]  # the empty section adds no row
    b = exception_csv[1]
    assert b[column["Why it is here"]] == "Red: due 30 June 2024, 20% done, 73% expected\nOverdue"
    assert b[column["Linked risks"]] == "R03 Workforce shortage (current score 16, Red)"
    assert b[column["Owner(s)"]] == "Sam Clarke, Nadia Rahman"
    assert all(len(line) == len(EXCEPTION_CSV_HEADINGS) for line in exception_csv)


def test_the_csv_takes_every_column_any_section_shows(exceptions):
    mixed = dataclasses.replace(exceptions, sections=(
        dataclasses.replace(sample_report().sections[0], title="Plan", rows=sample_report().rows[:2]),
        exceptions.sections[0]))
    lines = read_csv(render_csv(mixed))
    assert lines[0] == ["Section", "Level", "Kind", "Reference", "Parent", "Title", "Owner(s)", "Due date", "Status",
                        "Percent complete", "RAG", "Why it is here", "Latest commentary", "Linked risks",
                        "Excluded"]
    assert [line[0] for line in lines[1:]] == ["Plan", "Plan", "Actions", "Actions"]
    assert lines[1][11] == "" and lines[3][11].endswith("Overdue")  # a plan row has no reasons
    assert lines[3][9] == "20"


# ---------------------------------------------------------------- the escaping itself


@pytest.mark.parametrize("text", ["\uff1d1+1", "\uff0b44", "\uff0d1", "\uff20SUM(1)"])
def test_full_width_formula_starts_are_escaped(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", [
    *FORMULA_PROBES, SCRIPT_PROBE, "", "'", "''", "'=1", "''=1", "'\uff1d1", "it's", "'quoted'",
    "plain", " =1", "1-2", "\uff1d", "-",
])
def test_unescape_gives_back_exactly_what_was_escaped(text):
    assert unescape_cell(safe_cell(text)) == text


def test_text_already_starting_with_an_apostrophe_before_a_formula_gets_one_more():
    assert safe_cell("'=1") == "''=1"
    assert safe_cell("it's") == "it's"


@pytest.mark.parametrize("number", [-2, -0.02, 0, 1.5, date(2024, 6, 30)])
def test_numbers_and_dates_are_never_escaped(number):
    assert safe_cell(number) is number
