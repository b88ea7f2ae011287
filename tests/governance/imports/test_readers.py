"""Every limit is refused with a clear message before the file is parsed."""

import io
import zipfile

import pytest

from governance.imports import readers
from governance.imports.readers import ImportRejected, read_file

from .builders import csv_bytes, xlsx

ENTITY = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>"""


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one part replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def plan_workbook() -> bytes:
    return xlsx({"Action Plan": [["Ref.", "Name", "% Complete"], ["A1", "Objective", None],
                                 ["A1.1", "Action", "50%"]]})


def test_a_workbook_is_read_sheet_by_sheet_with_percent_cells_keeping_their_sign():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Ref.", "% Complete"])
    sheet.append(["A1.1", 1])
    sheet["B2"].number_format = "0%"
    out = io.BytesIO()
    workbook.save(out)

    read = read_file(out.getvalue(), "plan.xlsx")

    assert read.sheets[0].name == "Plan"
    assert read.sheets[0].rows == [["Ref.", "% Complete"], ["A1.1", "100%"]]


def test_dates_gaps_and_sparse_cells_keep_their_places():
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["C1"] = "Ref.", "Due Date"
    sheet["A4"], sheet["C4"] = "A1.1", datetime(2011, 2, 24)
    sheet["B4"] = "   "
    out = io.BytesIO()
    workbook.save(out)

    rows = read_file(out.getvalue(), "plan.xlsx").sheets[0].rows

    assert rows == [["Ref.", None, "Due Date"], [], [], ["A1.1", None, datetime(2011, 2, 24)]]


def test_a_csv_from_old_excel_in_windows_1252_is_read():
    data = "Ref.,Name\nA1,Deliver £1.6 million savings\n".encode("cp1252")

    assert read_file(data, "plan.csv").sheets[0].rows[1] == ["A1", "Deliver £1.6 million savings"]


def test_a_csv_with_doubled_quotes_in_a_long_note_is_read_whole():
    data = b'Ref.,Note\nA1,"<ul style=""list-style-type: none""> one, two, three"\n'

    assert read_file(data, "plan.csv").sheets[0].rows[1] == ["A1", '<ul style="list-style-type: none"> one, two, three']


def test_a_file_over_5_mb_is_refused_before_it_is_read():
    data = b"Ref.,Name\n" + b"A1,x\n" * (6 * 1024 * 1024 // 5)

    with pytest.raises(ImportRejected, match=r"The file is 6\.0 MB; the most the import takes is 5\.0 MB"):
        read_file(data, "plan.csv")


def test_a_csv_of_20001_rows_is_refused():
    data = csv_bytes([["Ref.", "Name"]] + [[f"A{n}", "x"] for n in range(20_001)])

    with pytest.raises(ImportRejected, match="more than 20,000 rows"):
        read_file(data, "plan.csv")


def test_a_csv_of_20000_rows_and_its_headings_is_taken():
    data = csv_bytes([["Ref.", "Name"]] + [[f"A{n}", "x"] for n in range(20_000)])

    assert read_file(data, "plan.csv").row_count == 20_000


def test_a_workbook_of_20001_rows_is_refused_from_its_xml_before_openpyxl_reads_it(monkeypatch):
    data = xlsx({"Plan": [["Ref.", "Name"]] + [[f"A{n}", "x"] for n in range(20_001)]})
    monkeypatch.setattr(readers, "read_xlsx", lambda *a, **k: pytest.fail("the workbook was parsed"))

    with pytest.raises(ImportRejected, match="more than 20,000 rows"):
        read_file(data, "plan.xlsx")


def test_a_zip_bomb_is_refused_from_its_declared_sizes(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(120):
                member.write(b" " * (1024 * 1024))
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    monkeypatch.setattr(readers, "_scan_member", lambda *a: pytest.fail("the bomb was opened"))

    with pytest.raises(ImportRejected, match="zip bomb"):
        read_file(data, "plan.xlsx")


def test_a_workbook_with_an_xml_entity_declaration_is_refused():
    data = with_member(plan_workbook(), "xl/worksheets/sheet1.xml", ENTITY)

    with pytest.raises(ImportRejected, match="XML entity or DOCTYPE"):
        read_file(data, "plan.xlsx")


def test_openpyxl_itself_refuses_entities_through_defusedxml(monkeypatch):
    from openpyxl import DEFUSEDXML

    data = with_member(plan_workbook(), "xl/worksheets/sheet1.xml", ENTITY)
    monkeypatch.setattr(readers, "_FORBIDDEN_XML", ())

    assert DEFUSEDXML is True
    with pytest.raises(ImportRejected, match="refuses for safety"):
        read_file(data, "plan.xlsx")


def test_a_csv_renamed_xlsx_is_refused_as_not_a_workbook():
    with pytest.raises(ImportRejected, match=r"called \.xlsx but is not an Excel workbook \(it looks like text"):
        read_file(b"Ref.,Name\nA1,Objective\n", "plan.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")

    with pytest.raises(ImportRejected, match="a zip archive but not an Excel workbook"):
        read_file(out.getvalue(), "plan.xlsx")


def test_a_workbook_renamed_csv_is_refused():
    with pytest.raises(ImportRejected, match=r"called \.csv but is an Excel workbook"):
        read_file(plan_workbook(), "plan.csv")


def test_a_binary_file_renamed_csv_is_refused():
    with pytest.raises(ImportRejected, match="not text"):
        read_file(b"\x00\x01\x02binary", "plan.csv")


@pytest.mark.parametrize(("name", "message"), [("plan.xls", "old-style Excel"), ("plan.pdf", "neither"),
                                               ("plan", "neither")])
def test_other_kinds_of_file_are_refused_by_name(name, message):
    with pytest.raises(ImportRejected, match=message):
        read_file(b"anything", name)


def test_an_empty_file_is_refused():
    with pytest.raises(ImportRejected, match="empty"):
        read_file(b"", "plan.csv")
