"""The committee report as a Word document, for clerks to paste into a committee paper.

Landscape A4, in the layout of the council's own paper: a cover (council, report, programme, as-at
date, the programme's percent and RAG, the distribution and the RAG key), then the report's sections,
each a heading, a sentence of introduction if it has one, and a table of its rows showing its own
columns (or a line saying there is nothing to report). Everything a clerk may want to restyle to the committee's template
is a named style (built-in "Title", "Subtitle", "Heading 1", "Heading 2", "Header", "Footer"; our
own "Report Table", "Report Table Text", "Report Table Item", "Commentary", ...); direct formatting is kept to what
varies row by row (RAG colours, the objective shading, the indent of a level).

The RAG is always the word and the colour, never the colour alone. Commentary arrives as sanitised
HTML and becomes real Word paragraphs and lists: no tag ever reaches the page as text.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from dashboards.charts import INK, MUTED, RAG_FILL, RAG_TEXT, TRACK

from .model import COLUMNS, Report, ReportRow, Section, cell_text

FONT = "Arial"
OBJECTIVE_FILL = TRACK  # light shading behind an objective's row
HEADER_FILL = "#dee0e2"  # the table's header row (in the "Report Table" style)
INDENT_STEP = Mm(2.5)  # the Ref cell's indent per level below the top
MAX_INDENT_STEPS = 4

# Landscape A4 and its margins.
PAGE_WIDTH, PAGE_HEIGHT = Mm(297), Mm(210)
MARGIN_SIDE, MARGIN_TOP_BOTTOM, MARGIN_HEADER_FOOTER = Mm(18), Mm(15), Mm(8)

# A section's table fills the 261 mm between the margins. The short columns keep these widths;
# the columns of words share what is left in these proportions (the action plan's columns come
# out at exactly these figures: 24, 60, 27, 22, 23, 16 and 89 mm).
TEXT_WIDTH_MM = 261
FIXED_WIDTHS_MM = {"ref": 24, "due": 27, "status": 22, "percent": 23, "rag": 16}
SHARED_WEIGHTS = {"title": 60, "owners": 30, "reasons": 50, "commentary": 89, "risks": 45}
NOTHING_TO_REPORT = "Nothing to report."

# A row is kept on one page (w:cantSplit) only when it could fit on one: a row taller than a page
# must break. Rough figures for 9 pt Arial: characters to a line per mm of column width.
_CHARS_PER_MM = 0.6
_MAX_LINES_ON_A_PAGE = 30

# Characters XML 1.0 cannot hold (lxml refuses them): dropped from any text we write.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def render_docx(report: Report) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    styles = _Styles.define(document)
    lists = _Lists(document)
    lists.attach(styles.bullet, lists.bullet_num)
    lists.attach(styles.number, lists.number_num)
    _page_setup(document, report)
    _properties(document, report)
    _cover(document, report, styles)
    document.add_page_break()
    for section in report.sections:
        _section(document, section, styles, lists)
    _drop_thumbnail(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- Styles ------------------------------------------------------------------------------------


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(_hex(colour))


def _use_font(r_pr, name: str = FONT) -> None:
    """Name the font outright: a theme font (asciiTheme, ...) would win over a named one."""
    fonts = r_pr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


@dataclass
class _Styles:
    table: object
    text: object  # a cell's plain text
    heading: object  # the header row's text
    objective: object  # an objective row's text (bold)
    note: object  # the owners and "Milestone" under a title, "(not counted)" under a status
    item: object  # one of a row's reasons or linked risks
    commentary: object
    bullet: object
    number: object
    not_counted: object  # character style: the greyed text of an excluded row
    cover_council: object
    cover_detail: object

    @classmethod
    def define(cls, document) -> _Styles:
        styles = document.styles

        # The document's defaults: Arial, British English.
        defaults = styles.element.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _use_font(r_pr)
        lang = r_pr.find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:val"), "en-GB")
            lang.set(qn("w:eastAsia"), "en-GB")

        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(10)
        normal.paragraph_format.space_after = Pt(6)
        for name, size in (("Title", 24), ("Subtitle", 14), ("Heading 1", 14), ("Heading 2", 12),
                           ("Header", 8), ("Footer", 8)):
            style = styles[name]
            _use_font(style.element.get_or_add_rPr())
            style.font.size = Pt(size)
            style.font.color.rgb = _rgb(INK)
        styles["Subtitle"].font.italic = False
        # The template's Subtitle carries a stray level of numbering (no list): not wanted.
        subtitle_ppr = styles["Subtitle"].element.pPr
        if subtitle_ppr is not None and subtitle_ppr.numPr is not None:
            subtitle_ppr.remove(subtitle_ppr.numPr)
        styles["Heading 1"].paragraph_format.space_before = Pt(12)
        styles["Heading 1"].paragraph_format.space_after = Pt(6)
        styles["Heading 2"].paragraph_format.space_before = Pt(10)
        styles["Heading 2"].paragraph_format.space_after = Pt(4)

        def paragraph_style(name, base, *, size=None, bold=None, italic=None, colour=None,
                            after=None, keep_with_next=None):
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = base
            style.quick_style = True
            if size is not None:
                style.font.size = Pt(size)
            if bold is not None:
                style.font.bold = bold
            if italic is not None:
                style.font.italic = italic
            if colour is not None:
                style.font.color.rgb = _rgb(colour)
            fmt = style.paragraph_format
            if after is not None:
                fmt.space_before = Pt(0)
                fmt.space_after = Pt(after)
                fmt.line_spacing = 1.0
            if keep_with_next is not None:
                fmt.keep_with_next = keep_with_next
            return style

        table = styles.add_style("Report Table", WD_STYLE_TYPE.TABLE)
        table.base_style = styles["Table Grid"]
        table.font.name = FONT
        table.font.size = Pt(9)
        # The header row: bold on a light grey, wherever the table style is applied.
        table.element.append(parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
            "<w:rPr><w:b/><w:bCs/></w:rPr>"
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{_hex(HEADER_FILL)}"/></w:tcPr>'
            "</w:tblStylePr>"
        ))

        text = paragraph_style("Report Table Text", normal, size=9, after=0)
        heading = paragraph_style("Report Table Heading", text, bold=True)
        objective = paragraph_style("Report Table Objective", text, bold=True, keep_with_next=True)
        note = paragraph_style("Report Table Note", text, size=8, colour=MUTED)
        item = paragraph_style("Report Table Item", text, after=2)
        commentary = paragraph_style("Commentary", normal, size=9, after=3)
        bullet = paragraph_style("Commentary Bullet", commentary, after=1)
        number = paragraph_style("Commentary Number", commentary, after=1)
        not_counted = styles.add_style("Not Counted", WD_STYLE_TYPE.CHARACTER)
        not_counted.font.color.rgb = _rgb(MUTED)
        cover_council = paragraph_style("Cover Council", normal, size=14, bold=True, after=6)
        cover_detail = paragraph_style("Cover Detail", normal, size=12, after=6)
        return cls(table, text, heading, objective, note, item, commentary, bullet, number,
                   not_counted, cover_council, cover_detail)


class _Lists:
    """Our own list definitions (the template's are indented for a full page, not a table cell):
    one bullet list shared by every <ul>, and a numbered list restarted for every <ol>."""

    BULLETS = ("\u2022", "\u2013")
    NUMBER_FORMATS = (("decimal", "%{n}."), ("lowerLetter", "%{n})"), ("lowerRoman", "%{n}."))

    def __init__(self, document):
        self._numbering = document.part.numbering_part.element
        taken = [int(a.get(qn("w:abstractNumId"))) for a in self._numbering.findall(qn("w:abstractNum"))]
        next_id = max(taken, default=-1) + 1
        self._bullet_abstract = self._add_abstract(next_id, bullet=True)
        self._number_abstract = self._add_abstract(next_id + 1, bullet=False)
        self.bullet_num = self._numbering.add_num(self._bullet_abstract).numId
        self.number_num = self._numbering.add_num(self._number_abstract).numId

    def _add_abstract(self, abstract_id: int, *, bullet: bool) -> int:
        levels = []
        for ilvl in range(9):
            if bullet:
                fmt, text = "bullet", self.BULLETS[ilvl % len(self.BULLETS)]
                r_pr = f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:hint="default"/></w:rPr>'
            else:
                fmt, pattern = self.NUMBER_FORMATS[ilvl % len(self.NUMBER_FORMATS)]
                text, r_pr = pattern.format(n=ilvl + 1), ""
            levels.append(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{284 * (ilvl + 1)}" w:hanging="284"/></w:pPr>{r_pr}</w:lvl>'
            )
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="hybridMultilevel"/>{"".join(levels)}</w:abstractNum>'
        )
        first_num = self._numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)  # every abstractNum comes before the first num
        else:
            self._numbering.append(abstract)
        return abstract_id

    def restarted(self, ilvl: int, start: int = 1) -> int:
        """A new numbered list, counting from `start` at level `ilvl`."""
        num = self._numbering.add_num(self._number_abstract)
        num.add_lvlOverride(ilvl=ilvl).add_startOverride(start)
        return num.numId

    @staticmethod
    def attach(style, num_id: int) -> None:
        style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id

    @staticmethod
    def place(paragraph, num_id: int, ilvl: int) -> None:
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = ilvl
        num_pr.get_or_add_numId().val = num_id


# --- Page, properties, header and footer ------------------------------------------------------


def _page_setup(document, report: Report) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.top_margin = section.bottom_margin = MARGIN_TOP_BOTTOM
    section.header_distance = section.footer_distance = MARGIN_HEADER_FOOTER

    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.add_run(_clean(f"{report.council}  \u00b7  {report.programme}  \u00b7  As at {report.as_at_shown}"))

    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES), which Word and LibreOffice work out as they lay out pages."""
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _properties(document, report: Report) -> None:
    props = document.core_properties
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.title = _clean(f"{report.title}: {report.programme}")
    props.subject = _clean(report.programme)
    props.author = _clean(report.council)
    props.last_modified_by = _clean(report.council)
    props.keywords = _clean(f"{report.programme_ref}, as at {report.as_at.isoformat()}")
    props.comments = _clean(f"As at {report.as_at_shown}")
    props.category = "Committee report"
    props.created = props.modified = now
    props.revision = 1


def _drop_thumbnail(document) -> None:
    """The template's thumbnail shows an empty page: better no preview than a wrong one."""
    rels = document.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[r_id]


# --- Cover --------------------------------------------------------------------------------------


def _cover(document, report: Report, styles: _Styles) -> None:
    document.add_paragraph(_clean(report.council), style=styles.cover_council)
    document.add_paragraph(_clean(report.title), style="Title")
    document.add_paragraph(_clean(report.programme), style="Subtitle")
    document.add_paragraph(_clean(f"As at {report.as_at_shown}"), style=styles.cover_detail)

    document.add_heading("Summary", level=1)
    summary = _small_table(document, styles, (Mm(45), Mm(100)), None, (
        ("Programme", f"{report.programme} ({report.programme_ref})"),
        ("Percent complete", report.percent_shown),
        ("RAG", report.rag_label),
    ))
    _rag_cell(summary.rows[-1].cells[1], report.rag)

    document.add_heading("RAG distribution", level=2)
    distribution = _small_table(document, styles, (Mm(30), Mm(30)), ("RAG", "Number"),
                                [(entry.label, f"{entry.count:,}") for entry in report.distribution])
    for row, entry in zip(distribution.rows[1:], report.distribution, strict=True):
        _rag_cell(row.cells[0], entry.rag)

    document.add_heading("RAG key", level=2)
    key = _small_table(document, styles, (Mm(30), Mm(150)), ("RAG", "Meaning"),
                       [(entry.label, entry.meaning) for entry in report.rag_key])
    for row, entry in zip(key.rows[1:], report.rag_key, strict=True):
        _rag_cell(row.cells[0], entry.rag, fill=entry.colour)


def _small_table(document, styles: _Styles, widths, header: tuple[str, str] | None, rows):
    """A two-column table of the cover: with a header row, or a list of label and value."""
    table = document.add_table(rows=1, cols=len(widths))
    _table_layout(table, styles, widths)
    _table_look(table, first_row=header is not None)
    if header is not None:
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            _text(cell.paragraphs[0], text, styles.heading)
        _row_properties(table.rows[0], header=True)
    for index, (label, value) in enumerate(rows):
        cells = (table.rows[0] if header is None and index == 0 else table.add_row()).cells
        _text(cells[0].paragraphs[0], label, styles.heading if header is None else styles.text)
        _text(cells[1].paragraphs[0], value, styles.text)
    return table


def _table_layout(table, styles: _Styles, widths) -> None:
    table.style = styles.table
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False  # fixed layout: the widths below, whatever the text
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width


def _table_look(table, *, first_row: bool) -> None:
    """Which of the table style's conditional formats apply: the header row's, or none."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstRow"), "1" if first_row else "0")
        look.set(qn("w:firstColumn"), "0")
        # The older bitmask, which some readers go by: 0x0020 first row, 0x0400 no vertical banding.
        look.set(qn("w:val"), "0420" if first_row else "0400")


# --- The sections: a heading, an introduction and a table of rows -------------------------------


def column_widths(columns: tuple[str, ...]) -> list[Mm]:
    """Each column's width, together the width between the margins: the short columns as
    FIXED_WIDTHS_MM, the rest sharing what is left by SHARED_WEIGHTS (commentary the widest)."""
    fixed = {c: FIXED_WIDTHS_MM[c] for c in columns if c in FIXED_WIDTHS_MM}
    shared = {c: SHARED_WEIGHTS.get(c, 30) for c in columns if c not in fixed}
    if shared:
        left = TEXT_WIDTH_MM - sum(fixed.values())
        total = sum(shared.values())
        if left < total / 3:  # too many short columns to leave room for words: shrink them all
            scale = TEXT_WIDTH_MM / (sum(fixed.values()) + total)
            fixed = {c: mm * scale for c, mm in fixed.items()}
            left = TEXT_WIDTH_MM - sum(fixed.values())
        widths = {**fixed, **{c: left * weight / total for c, weight in shared.items()}}
    else:
        scale = TEXT_WIDTH_MM / sum(fixed.values())
        widths = {c: mm * scale for c, mm in fixed.items()}
    return [Mm(widths[c]) for c in columns]


def _section(document, section: Section, styles: _Styles, lists: _Lists) -> None:
    document.add_heading(_clean(section.title), level=1)
    if section.intro.strip():
        intro = document.add_paragraph(_clean(section.intro))  # Normal
        intro.paragraph_format.keep_with_next = True  # with its heading, onto the table's page
    if not section.rows:
        document.add_paragraph(_clean(section.empty.strip() or NOTHING_TO_REPORT))
        return
    columns = tuple(c for c in section.columns if c in COLUMNS)
    widths = column_widths(columns)
    chars_per_line = [max(8, int(width.mm * _CHARS_PER_MM)) for width in widths]
    table = document.add_table(rows=1, cols=len(columns))
    _table_layout(table, styles, widths)
    _table_look(table, first_row=True)
    for cell, column in zip(table.rows[0].cells, columns, strict=True):
        _text(cell.paragraphs[0], COLUMNS[column], styles.heading)
    _row_properties(table.rows[0], header=True)

    owners_under_title = "owners" not in columns
    for row in section.rows:
        _report_row(table, row, columns, chars_per_line, styles, lists, owners_under_title)


def _report_row(table, row: ReportRow, columns, chars_per_line, styles: _Styles, lists: _Lists,
                owners_under_title: bool) -> None:
    tr = table.add_row()
    objective = row.kind in ("programme", "objective")  # a programme: a whole-estate report's heading row
    main = styles.objective if objective else styles.text
    grey = styles.not_counted if row.excluded else None
    tallest = 0
    for cell, column, per_line in zip(tr.cells, columns, chars_per_line, strict=True):
        lines = _cell(cell, column, row, main, grey, styles, lists, owners_under_title, per_line)
        tallest = max(tallest, lines)
        if objective and column != "rag":
            _shade(cell, OBJECTIVE_FILL)
    _row_properties(tr, fits_on_a_page=tallest <= _MAX_LINES_ON_A_PAGE)


def _cell(cell, column: str, row: ReportRow, main, grey, styles: _Styles, lists: _Lists,
          owners_under_title: bool, per_line: int) -> int:
    """Write one column of a row into its cell; return roughly how many lines it takes."""
    paragraph = cell.paragraphs[0]
    if column == "commentary":
        blocks = commentary_blocks(row.commentary_html)
        if not row.commentary_html.strip() and row.commentary_text.strip():  # only ever text
            blocks = _plain_blocks(row.commentary_text)
        _write_blocks(cell, blocks, styles, lists, grey)
        return sum(_lines(_block_text(b), per_line) for b in blocks)
    if column in ("reasons", "risks"):
        items = [item for item in getattr(row, column) if _clean(item).strip()]
        _style(paragraph, styles.item)  # an empty cell too
        for index, item in enumerate(items):
            _text(paragraph if index == 0 else cell.add_paragraph(), item, styles.item, grey)
        return sum(_lines(item, per_line) for item in items)
    if column == "rag":
        _text(paragraph, row.rag_label, main)
        _rag_cell(cell, row.rag)
        return 1
    text = cell_text(row, column)
    _text(paragraph, text, main, grey)
    lines = _lines(text, per_line)
    if column == "ref":
        steps = min(max(row.level - 1, 0), MAX_INDENT_STEPS)
        if steps:
            paragraph.paragraph_format.left_indent = INDENT_STEP * steps
    elif column == "title":
        notes = []
        if row.milestone:
            notes.append("Milestone")
        if row.owners and owners_under_title:
            notes.append(("Owner: " if len(row.owners) == 1 else "Owners: ") + ", ".join(row.owners))
        for note in notes:
            _text(cell.add_paragraph(), note, styles.note, grey)
        lines += len(notes)
    elif column == "status" and row.excluded:
        _text(cell.add_paragraph(), "(not counted)", styles.note, grey)
        lines += 1
    return lines


def _row_properties(row, *, header: bool = False, fits_on_a_page: bool = True) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if fits_on_a_page:  # cantSplit comes before tblHeader in w:trPr
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page


def _lines(text: str, per_line: int) -> int:
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.splitlines() or [""])


def _shade(cell, colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), _hex(colour))
    # w:shd's place in w:tcPr: after tcW, gridSpan, vMerge, tcBorders; before noWrap, tcMar, vAlign...
    later = [tc_pr.find(qn(f"w:{tag}")) for tag in ("noWrap", "tcMar", "textDirection", "tcFitText",
                                                   "vAlign", "hideMark")]
    later = [el for el in later if el is not None]
    if later:
        later[0].addprevious(shd)
    else:
        tc_pr.append(shd)


def _rag_cell(cell, rag: str, fill: str | None = None) -> None:
    """The colour behind the word, and the word in the colour's own text colour."""
    fill = fill or RAG_FILL.get(rag)
    if not fill:
        return
    _shade(cell, fill)
    text_colour = RAG_TEXT.get(rag, INK)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = _rgb(text_colour)
            run.font.bold = True


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def _style(paragraph, style) -> None:
    """paragraph.style = style, without python-docx looking up the default style every time (a
    scan of every style in the template: most of the time of a long report)."""
    paragraph._p.get_or_add_pPr().style = style.style_id


def _run_style(run, style) -> None:
    run._r.get_or_add_rPr().style = style.style_id


def _text(paragraph, text: str, style, character_style=None) -> None:
    if style is not None:
        _style(paragraph, style)
    text = _clean(text)
    if text:
        run = paragraph.add_run(text)
        if character_style is not None:
            _run_style(run, character_style)


# --- Commentary: sanitised HTML to Word paragraphs ------------------------------------------------


@dataclass
class Block:
    """One paragraph of commentary: plain ("p"), a list item ("ul"/"ol") or more of a list item
    ("more"). `runs` are (text, bold, italic, underline); the text "\\n" is a line break."""

    kind: str = "p"
    depth: int = 0  # list nesting: 1 for a top-level list
    list_id: int = 0  # which <ol>, so each numbered list counts from its own start
    start: int = 1
    runs: list[tuple[str, bool, bool, bool]] = field(default_factory=list)


def _block_text(block: Block) -> str:
    return "".join(text for text, *_ in block.runs)


class _CommentaryParser(HTMLParser):
    BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                            "section", "article", "header", "footer", "address", "figure",
                            "figcaption", "table", "thead", "tbody", "tr", "dl", "dt", "dd", "hr"})
    DROPPED = frozenset({"script", "style", "template"})  # contents and all
    BOLD, ITALIC, UNDERLINE = frozenset({"strong", "b"}), frozenset({"em", "i"}), frozenset({"u"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._block: Block | None = None
        self._lists: list[list] = []  # [kind, list_id, start, inside_an_item]
        self._list_ids = 0
        self._dropping = 0
        self._bold = self._italic = self._underline = 0

    # Blocks

    def _flush(self) -> None:
        block, self._block = self._block, None
        if block is None:
            return
        while block.runs and block.runs[-1][0] in ("\n", " "):
            block.runs.pop()
        if block.runs:
            last = block.runs[-1]
            block.runs[-1] = (last[0].rstrip(" "), *last[1:])
        if _block_text(block).strip():
            self.blocks.append(block)

    def _open_block(self) -> Block:
        if self._block is None:
            if self._lists and self._lists[-1][3]:
                kind, list_id, start, _ = self._lists[-1]
                self._block = Block("more", len(self._lists), list_id, start)
            else:
                self._block = Block()
        return self._block

    def _append(self, text: str) -> None:
        block = self._open_block()
        previous = block.runs[-1][0] if block.runs else "\n"
        if previous.endswith((" ", "\n")):
            text = text.lstrip(" ")
        if text:
            block.runs.append((text, self._bold > 0, self._italic > 0, self._underline > 0))

    # Parser callbacks

    def handle_starttag(self, tag, attrs):
        if tag in self.DROPPED:
            self._dropping += 1
            return
        if self._dropping:
            return
        if tag in ("ul", "ol"):
            self._flush()
            start = 1
            if tag == "ol":
                self._list_ids += 1
                start = _int(dict(attrs).get("start"), 1)
            self._lists.append([tag, self._list_ids if tag == "ol" else 0, start, False])
        elif tag == "li":
            self._flush()
            if not self._lists:
                self._lists.append(["ul", 0, 1, False])
            entry = self._lists[-1]
            entry[3] = True
            self._block = Block(entry[0], len(self._lists), entry[1], entry[2])
        elif tag in self.BLOCK_TAGS:
            # <li><p>…</p></li>: the paragraph is the item itself while the item is still empty.
            if not (self._block is not None and self._block.kind in ("ul", "ol") and not self._block.runs):
                self._flush()
        elif tag == "br":
            self._open_block().runs.append(("\n", False, False, False))
        elif tag in ("td", "th"):
            if self._block is not None and self._block.runs:
                self._append(" ")
        elif tag in self.BOLD:
            self._bold += 1
        elif tag in self.ITALIC:
            self._italic += 1
        elif tag in self.UNDERLINE:
            self._underline += 1

    def handle_startendtag(self, tag, attrs):
        if tag in self.DROPPED:
            return  # <script/>: nothing inside to drop
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.DROPPED:
            self._dropping = max(0, self._dropping - 1)
            return
        if self._dropping:
            return
        if tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag == "li":
            self._flush()
            if self._lists:
                self._lists[-1][3] = False
        elif tag in self.BLOCK_TAGS:
            self._flush()
        elif tag in self.BOLD:
            self._bold = max(0, self._bold - 1)
        elif tag in self.ITALIC:
            self._italic = max(0, self._italic - 1)
        elif tag in self.UNDERLINE:
            self._underline = max(0, self._underline - 1)

    def handle_data(self, data):
        if self._dropping:
            return
        text = _clean(_WHITESPACE.sub(" ", data))
        if not text or (text == " " and self._block is None):
            return
        self._append(text)

    def close(self):
        super().close()
        self._flush()


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def commentary_blocks(html: str) -> list[Block]:
    """Sanitised commentary HTML as paragraphs and list items. Tags we do not know are dropped and
    their text kept; <script>, <style> and <template> are dropped with everything inside them."""
    if not html or not html.strip():
        return []
    parser = _CommentaryParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def _plain_blocks(text: str) -> list[Block]:
    return [Block(runs=[(_clean(line.strip()), False, False, False)])
            for line in text.splitlines() if _clean(line).strip()]


def _write_blocks(cell, blocks: list[Block], styles: _Styles, lists: _Lists, grey) -> None:
    paragraph = cell.paragraphs[0]
    _style(paragraph, styles.commentary)  # an empty cell too: no taller than its row needs
    numbers: dict[int, int] = {}  # <ol> -> its w:num
    for index, block in enumerate(blocks):
        if index:
            paragraph = cell.add_paragraph()
        ilvl = min(max(block.depth - 1, 0), 8)
        if block.kind == "ul":
            _style(paragraph, styles.bullet)
            if ilvl:
                lists.place(paragraph, lists.bullet_num, ilvl)
        elif block.kind == "ol":
            _style(paragraph, styles.number)
            if block.list_id not in numbers:
                numbers[block.list_id] = lists.restarted(ilvl, block.start)
            lists.place(paragraph, numbers[block.list_id], ilvl)
        else:
            _style(paragraph, styles.commentary)
            if block.kind == "more":  # more of a list item: under the item's text
                paragraph.paragraph_format.left_indent = Mm(5) * block.depth
        for text, bold, italic, underline in block.runs:
            run = paragraph.add_run()
            if text == "\n":
                run.add_break()
            else:
                run.text = text
            if bold:
                run.bold = True
            if italic:
                run.italic = True
            if underline:
                run.underline = True
            if grey is not None:
                _run_style(run, grey)
