"""The Word report, read back with python-docx, and once more by LibreOffice as a second reader."""

import io
import os
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table

from dashboards.charts import RAG_FILL, RAG_TEXT, TRACK
from dashboards.reports.docx import INDENT_STEP, NOTHING_TO_REPORT, column_widths, render_docx
from dashboards.reports.model import ACTION_PLAN_COLUMNS, COLUMNS, EXCEPTION_COLUMNS
from programmes.rules import Rag
from tests.dashboards.reports.builders import row, sample_exception_report, sample_report

MIXED_HTML = (
    '<p>Keep <span class="x">this</span><style>p { color: red }</style> and <a href="#">that</a>'
    "<br>next line</p>"
    "<ol><li>One</li><li>Two<ul><li>Nested</li></ul>after</li></ol>"
    '<ol start="3"><li><p>Three</p></li></ol>'
    "<p><em>Slanted</em> and <b>heavy</b></p>"
)
LONG_HTML = "".join(f"<p>Paragraph {n} of a very long update that no page could hold.</p>" for n in range(90))
EXTRA_ROWS = (
    row("OBJ2", kind="objective", level=1, parent="", percent=60.0, rag=Rag.GREEN),
    row("OBJ2.A", parent="OBJ2", commentary_html=MIXED_HTML, owners=("Ann Able", "Bob Baker")),
    row("OBJ2.LONG", parent="OBJ2", commentary_html=LONG_HTML),
    row("OBJ2.CTRL", parent="OBJ2", title="Bad\x00 control\x0b characters", commentary_text="Plain\ntext only"),
)


@pytest.fixture(scope="module")
def report():
    return sample_report(EXTRA_ROWS)


@pytest.fixture(scope="module")
def docx_bytes(report):
    return render_docx(report)


@pytest.fixture(scope="module")
def document(docx_bytes):
    return Document(io.BytesIO(docx_bytes))


@pytest.fixture(scope="module")
def table(document):
    return document.tables[-1]


@pytest.fixture(scope="module")
def rows_by_ref(report, table):
    return {report_row.ref: (report_row, tr) for report_row, tr in zip(report.rows, table.rows[1:], strict=True)}


def _shading(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _document_xml(docx_bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        return package.read("word/document.xml").decode()


def test_the_page_is_landscape_a4(document):
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(1) and abs(section.page_height - Mm(210)) < Mm(1)
    assert Mm(10) <= section.left_margin <= Mm(25) and Mm(10) <= section.top_margin <= Mm(25)


def test_the_header_row_repeats_on_every_page_and_rows_do_not_split(table, rows_by_ref):
    header = table.rows[0]
    assert [cell.text for cell in header.cells] == [COLUMNS[column] for column in ACTION_PLAN_COLUMNS]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    for _, tr in rows_by_ref.values():
        assert tr._tr.trPr is None or tr._tr.trPr.find(qn("w:tblHeader")) is None
    kept_together = {ref for ref, (_, tr) in rows_by_ref.items() if tr._tr.trPr.find(qn("w:cantSplit")) is not None}
    # Every row but the one too tall for any page, which has to break.
    assert kept_together == set(rows_by_ref) - {"OBJ2.LONG"}


def test_every_row_is_there_in_order_with_its_figures(report, table):
    body = table.rows[1:]
    assert [tr.cells[0].text for tr in body] == [r.ref for r in report.rows]
    for report_row, tr in zip(report.rows, body, strict=True):
        ref, title, due, status, percent, rag, _ = tr.cells
        # a tab stays a tab, a carriage return becomes a line break, what XML cannot hold goes
        expected = report_row.title.replace("\r", "\n").replace("\x00", "").replace("\x0b", "")
        assert title.paragraphs[0].text == expected
        assert due.text == report_row.due_shown
        assert status.paragraphs[0].text == report_row.status_label
        assert percent.text == report_row.percent_shown
        assert rag.text == report_row.rag_label
    assert body[-1].cells[1].paragraphs[0].text == "Bad control characters"


def test_rag_cells_carry_the_word_and_the_colour(report, table, document):
    for report_row, tr in zip(report.rows, table.rows[1:], strict=True):
        cell = tr.cells[5]
        assert cell.text == report_row.rag_label
        assert _shading(cell) == _hex(RAG_FILL[Rag(report_row.rag)])
        assert {str(run.font.color.rgb) for run in cell.paragraphs[0].runs} == {_hex(RAG_TEXT[Rag(report_row.rag)])}
    summary, distribution, key = document.tables[:3]
    assert summary.rows[-1].cells[1].text == report.rag_label
    assert _shading(summary.rows[-1].cells[1]) == _hex(RAG_FILL[Rag(report.rag)])
    assert [(r.cells[0].text, r.cells[1].text) for r in distribution.rows[1:]] == [
        (count.label, str(count.count)) for count in report.distribution]
    assert [(r.cells[0].text, r.cells[1].text) for r in key.rows[1:]] == [
        (entry.label, entry.meaning) for entry in report.rag_key]
    for tr, entry in zip(key.rows[1:], report.rag_key, strict=True):
        assert _shading(tr.cells[0]) == _hex(entry.colour)
        assert _shading(tr.cells[1]) is None


def test_objectives_are_bold_shaded_and_indented_by_level(rows_by_ref):
    _, objective = rows_by_ref["OBJ1"]
    assert objective.cells[0].paragraphs[0].style.name == "Report Table Objective"
    assert objective.cells[0].paragraphs[0].style.font.bold is True
    assert _shading(objective.cells[1]) == _hex(TRACK)
    _, action = rows_by_ref["OBJ1.A"]
    assert action.cells[0].paragraphs[0].style.name == "Report Table Text"
    assert not action.cells[0].paragraphs[0].style.font.bold
    assert _shading(action.cells[1]) is None
    steps = {ref: round((rows_by_ref[ref][1].cells[0].paragraphs[0].paragraph_format.left_indent or 0)
                        / INDENT_STEP, 2)  # stored in twips: near enough
             for ref in ("OBJ1", "OBJ1.A", "OBJ1.1", "OBJ1.1.A")}
    assert steps == {"OBJ1": 0, "OBJ1.A": 1, "OBJ1.1": 1, "OBJ1.1.A": 2}


def test_milestones_owners_and_rows_not_counted(rows_by_ref):
    assert [p.text for p in rows_by_ref["OBJ1.C"][1].cells[1].paragraphs] == ["Title of OBJ1.C", "Milestone"]
    assert [p.text for p in rows_by_ref["OBJ2.A"][1].cells[1].paragraphs] == [
        "Title of OBJ2.A", "Owners: Ann Able, Bob Baker"]
    assert rows_by_ref["OBJ1.A"][1].cells[1].paragraphs[1].text == "Owner: Kath Amies"
    _, excluded = rows_by_ref["OBJ1.1.A"]
    assert "(not counted)" in excluded.cells[3].text
    greyed = [run.style.name for cell in excluded.cells[:5] for p in cell.paragraphs for run in p.runs]
    assert greyed and set(greyed) == {"Not Counted"}
    _, counted = rows_by_ref["OBJ1.B"]
    assert "(not counted)" not in counted.cells[3].text
    assert {run.style.name for p in counted.cells[1].paragraphs for run in p.runs} == {"Default Paragraph Font"}


def test_styles_are_real_named_styles(document, table):
    used = {p.style.name for p in document.paragraphs if p.text}
    assert {"Title", "Heading 1", "Heading 2"} <= used
    for name in ("Title", "Heading 1", "Heading 2"):
        assert document.styles[name].builtin
        # named Arial, not left on the template's theme font (which would win)
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:ascii")) == "Arial" and fonts.get(qn("w:asciiTheme")) is None
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == ["Summary", "Objectives and actions"]
    report_table = document.styles["Report Table"]
    assert report_table.type == WD_STYLE_TYPE.TABLE and report_table.base_style.name == "Table Grid"
    assert {t.style.name for t in document.tables} == {"Report Table"}
    for name in ("Commentary", "Commentary Bullet", "Commentary Number", "Report Table Text"):
        assert document.styles[name].type == WD_STYLE_TYPE.PARAGRAPH
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:ascii")) == "Arial"
    assert document.styles["Normal"].font.name == "Arial"


def test_the_cover_says_what_and_when(report, document):
    texts = [p.text for p in document.paragraphs]
    for expected in (report.council, report.title, report.programme, "As at 30 June 2024"):
        assert expected in texts
    summary = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert summary["Percent complete"] == "47%" and summary["RAG"] == "Amber"
    assert report.programme_ref in summary["Programme"]


def test_commentary_html_becomes_paragraphs_and_bullets(rows_by_ref):
    paragraphs = rows_by_ref["OBJ1.A"][1].cells[6].paragraphs
    assert [(p.text, p.style.name) for p in paragraphs] == [
        ("Done and signed off.", "Commentary"), ("First", "Commentary Bullet"), ("Second", "Commentary Bullet")]
    assert [run.text for run in paragraphs[0].runs if run.bold] == ["signed off"]
    bullet_style = paragraphs[1].style.element
    assert bullet_style.pPr.numPr is not None  # a real Word list, not a typed bullet


def test_other_markup_numbered_lists_and_line_breaks(docx_bytes, rows_by_ref):
    paragraphs = rows_by_ref["OBJ2.A"][1].cells[6].paragraphs
    assert [p.text for p in paragraphs] == [
        "Keep this and that\nnext line", "One", "Two", "Nested", "after", "Three", "Slanted and heavy"]
    assert [p.style.name for p in paragraphs] == [
        "Commentary", "Commentary Number", "Commentary Number", "Commentary Bullet", "Commentary",
        "Commentary Number", "Commentary"]
    num_ids = [p._p.pPr.numPr.numId.val for p in paragraphs if p.style.name == "Commentary Number"]
    assert num_ids[0] == num_ids[1] != num_ids[2]  # the second <ol> is a list of its own
    nested = paragraphs[3]._p.pPr.numPr
    assert nested.ilvl.val == 1
    numbering = Document(io.BytesIO(docx_bytes)).part.numbering_part.element
    restart = numbering.num_having_numId(num_ids[2]).find(qn("w:lvlOverride")).find(qn("w:startOverride"))
    assert restart.get(qn("w:val")) == "3"
    assert [(r.text, bool(r.italic), bool(r.bold)) for r in paragraphs[6].runs] == [
        ("Slanted", True, False), (" and ", False, False), ("heavy", False, True)]
    assert [p.text for p in rows_by_ref["OBJ2.CTRL"][1].cells[6].paragraphs] == ["Plain", "text only"]


def test_no_tag_reaches_the_page_and_scripts_stay_out(docx_bytes, document, table, rows_by_ref):
    texts = [p.text for p in document.paragraphs]
    texts += [p.text for t in document.tables for tr in t.rows for c in tr.cells for p in c.paragraphs]
    assert texts and not [text for text in texts if "<" in text or ">" in text]
    # OBJ1.B holds the builder's SCRIPT_PROBE: its script and img carry no words
    assert rows_by_ref["OBJ1.B"][1].cells[6].text == ""
    xml = _document_xml(docx_bytes)
    assert "<script" not in xml and "<img" not in xml and "<w:object" not in xml and "<w:fldSimple" not in xml
    assert "alert(" not in xml and "onerror" not in xml  # dropped, not even as text
    assert "color: red" not in xml  # <style> contents dropped


def test_every_page_names_the_council_programme_date_and_page(report, document):
    section = document.sections[0]
    header_text = " ".join(p.text for p in section.header.paragraphs)
    for expected in (report.council, report.programme, "As at 30 June 2024"):
        assert expected in header_text
    footer = section.footer._element
    instructions = [i.text.strip() for i in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert " ".join(p.text for p in section.footer.paragraphs).startswith("Page 1 of 1")


def test_core_properties(report, document):
    props = document.core_properties
    assert report.title in props.title
    assert props.subject == report.programme
    assert props.author == report.council
    created = props.created.replace(tzinfo=UTC) if props.created.tzinfo is None else props.created
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)


# --- A report of several sections: the exception report ----------------------------------------


@pytest.fixture(scope="module")
def exception_report():
    return sample_exception_report()


@pytest.fixture(scope="module")
def exception_docx(exception_report):
    return render_docx(exception_report)


@pytest.fixture(scope="module")
def exception_document(exception_docx):
    return Document(io.BytesIO(exception_docx))


def _body(document) -> list[tuple[str, object]]:
    """The body in order: ("Heading 1", text), ("Normal", text), ... and ("table", the table)."""
    return [("table", block) if isinstance(block, Table) else (block.style.name, block.text)
            for block in document.iter_inner_content()]


def _after_the_cover(document) -> list[tuple[str, object]]:
    body = _body(document)
    first = next(i for i, (kind, text) in enumerate(body)
                 if kind == "Heading 1" and i and text != "Summary")
    return body[first:]


def test_each_section_is_a_heading_an_introduction_and_its_own_table(exception_report, exception_document):
    headings = [p.text for p in exception_document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Summary", "Actions", "Objectives", "Milestones"]
    body = _after_the_cover(exception_document)
    kinds = [kind if kind == "table" else f"{kind}: {text}" for kind, text in body]
    assert kinds == [
        "Heading 1: Actions", "Normal: Red, amber, overdue and not updated actions.", "table",
        "Heading 1: Objectives", "table",
        "Heading 1: Milestones", "Normal: No milestone needs attention.",
    ]
    tables = [block for kind, block in body if kind == "table"]
    # the cover's three, then one for each section with rows
    assert [t._tbl for t in tables] == [t._tbl for t in exception_document.tables[3:]]
    for table, section in zip(tables, exception_report.sections[:2], strict=True):
        assert [cell.text for cell in table.rows[0].cells] == [COLUMNS[c] for c in EXCEPTION_COLUMNS]
        assert [cell.text for cell in table.rows[0].cells] == [
            "Ref", "Title", "Owner", "Why it is here", "RAG", "Latest commentary", "Linked risks"]
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert [tr.cells[0].text for tr in table.rows[1:]] == [r.ref for r in section.rows]
        for tr in table.rows[1:]:
            assert tr._tr.trPr.find(qn("w:cantSplit")) is not None


def test_reasons_and_risks_are_a_paragraph_each_and_owners_a_column(exception_report, exception_document):
    actions = exception_document.tables[3]
    by_column = dict(zip(EXCEPTION_COLUMNS, actions.rows[1].cells, strict=True))
    assert [p.text for p in by_column["reasons"].paragraphs] == [
        "Red: due 30 June 2024, 20% done, 73% expected", "Overdue"]
    assert {p.style.name for p in by_column["reasons"].paragraphs} == {"Report Table Item"}
    assert [p.text for p in by_column["risks"].paragraphs] == ["R03 Workforce shortage (current score 16, Red)"]
    assert by_column["owners"].text == "Sam Clarke, Nadia Rahman"
    # with an Owner column, the owners are not repeated under the title
    assert [p.text for p in by_column["title"].paragraphs] == ["Title of OBJ1.B"]
    assert by_column["rag"].text == "Red" and _shading(by_column["rag"]) == _hex(RAG_FILL[Rag.RED])
    assert [p.text for p in by_column["commentary"].paragraphs] == ["Recruitment paused."]
    # no linked risk: an empty cell, not a placeholder
    second = dict(zip(EXCEPTION_COLUMNS, actions.rows[2].cells, strict=True))
    assert second["risks"].text == "" and second["reasons"].text == "Not updated"
    assert second["title"].text == "@SUM(1,1)"
    objectives = exception_document.tables[4]
    objective = dict(zip(EXCEPTION_COLUMNS, objectives.rows[1].cells, strict=True))
    assert objective["reasons"].text == "Amber: a third of its weight is Amber or Red"
    assert _shading(objective["reasons"]) == _hex(TRACK) and _shading(objective["rag"]) == _hex(RAG_FILL[Rag.AMBER])


def test_an_empty_section_says_so_without_a_table(exception_report):
    quiet = replace(exception_report.sections[2], empty="")
    document = Document(io.BytesIO(render_docx(replace(exception_report, sections=(quiet,)))))
    assert [kind if kind == "table" else text for kind, text in _after_the_cover(document)] == [
        "Milestones", NOTHING_TO_REPORT]
    assert len(document.tables) == 3  # the cover's only


def test_column_widths_fill_the_page_and_the_words_get_the_room(document, exception_document):
    assert [round(w.mm) for w in column_widths(ACTION_PLAN_COLUMNS)] == [24, 60, 27, 22, 23, 16, 89]
    for doc in (document, exception_document):
        section = doc.sections[0]
        between_margins = section.page_width - section.left_margin - section.right_margin
        for table in doc.tables[3:]:
            grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            assert abs(sum(grid) * 635 - between_margins) < Mm(1)  # twips to EMU
    widths = dict(zip(EXCEPTION_COLUMNS, column_widths(EXCEPTION_COLUMNS), strict=True))
    assert max(widths, key=widths.get) == "commentary"
    for wide in ("reasons", "risks"):
        assert widths[wide] > widths["owners"] > widths["rag"]
    assert widths["ref"] == Mm(24) and widths["rag"] == Mm(16)
    every = column_widths(tuple(COLUMNS))
    assert abs(sum(every) - Mm(261)) < Mm(1) and min(every) > Mm(10)


# --- A second reader: LibreOffice lays the document out and prints it to PDF ---------------------


def _libreoffice() -> str | None:
    for path in ("/usr/bin/soffice", "/usr/bin/libreoffice"):
        if Path(path).exists():
            return path
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _pdf_pages(tmp_path, docx_bytes):
    """The document as LibreOffice prints it to PDF: its pages."""
    office = _libreoffice()
    if office is None:
        if _in_ci():
            pytest.fail("CI is set but LibreOffice is missing (/usr/bin/soffice or /usr/bin/libreoffice): "
                        "apt-get install libreoffice-writer-nogui", pytrace=False)
        pytest.skip("LibreOffice is not installed here (CI requires it)")
    source = tmp_path / "report.docx"
    source.write_bytes(docx_bytes)
    # A profile of its own: a LibreOffice already running on the default one would take the job
    # and this one exit without converting anything.
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run(
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    pdf = tmp_path / "report.pdf"
    assert done.returncode == 0 and pdf.exists(), f"LibreOffice failed: {done.stdout}\n{done.stderr}"
    return pypdf.PdfReader(pdf).pages


def test_libreoffice_reads_and_lays_it_out(tmp_path, report, docx_bytes):
    pages = _pdf_pages(tmp_path, docx_bytes)
    texts = [" ".join(page.extract_text().split()) for page in pages]
    everything = " ".join(texts)
    assert report.programme in everything
    assert "OBJ1.1.A" in everything and "OBJ2.LONG" in everything
    assert "alert(" not in everything and "<" not in everything
    assert all(float(page.mediabox.width) > float(page.mediabox.height) for page in pages)  # landscape
    assert len(pages) >= 3  # cover, table, and the too-tall row running on
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(pages)}" in text  # the PAGE and NUMPAGES fields, worked out
    # The header row, repeated by the reader on every page the table runs onto.
    assert all("Latest commentary" in text for text in texts[1:])


def test_libreoffice_reads_the_exception_report(tmp_path, exception_report, exception_docx):
    pages = _pdf_pages(tmp_path, exception_docx)
    texts = [" ".join(page.extract_text().split()) for page in pages]
    everything = " ".join(texts)
    assert "Exception report" in everything and "Why it is here" in everything and "Linked risks" in everything
    for expected in ("Red: due 30 June 2024, 20% done, 73% expected", "R03 Workforce shortage",
                     "Sam Clarke, Nadia Rahman", "No milestone needs attention."):
        assert expected in everything
    assert everything.index("Actions") < everything.index("Objectives") < everything.index("Milestones", 200)
    assert all(float(page.mediabox.width) > float(page.mediabox.height) for page in pages)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(pages)}" in text
