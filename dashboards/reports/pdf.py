"""The committee report as a PDF for the published agenda: tagged (PDF/UA-1), A4 landscape.

Reads only the plain `Report` of model.py. WeasyPrint lays out templates/dashboards/reports/
report_pdf.html and fetches nothing from outside the app: only data: URIs and files under the
project's static directory, so a link or an image in commentary can never make the server call out.
"""

from __future__ import annotations

import copy
import gc
import logging
import mimetypes
import re
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import nh3
import pydyf
import weasyprint.css.computed_values
import weasyprint.css.units
import weasyprint.html
import weasyprint.layout.inline
import weasyprint.text.line_break
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.urls import URLFetcher, URLFetcherResponse

from dashboards.charts import INK, RAG_FILL, RAG_TEXT, chart_id, rag_distribution_bar
from dashboards.reports.model import (
    ACTION_PLAN,
    COLUMNS,
    RagKeyEntry,
    Report,
    ReportRow,
    Section,
    cell_text,
)
from programmes.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from programmes.rules import Rag

LOGGER = logging.getLogger(__name__)

TEMPLATE = "dashboards/reports/report_pdf.html"
# Tagged PDF with a structure tree, the document's language and its title shown by readers.
PDF_VARIANT = "pdf/ua-1"
LANG = "en-GB"
INDENT_MM = 4.0  # per level below the top, in the reference column
PAD_MM = 1.5  # a cell's own padding
MAX_INDENT_STEPS = 6  # deeper levels are indented as far as this
EXCLUDED = "Left out of the figures"
RAG_VALUES = frozenset(rag.value for rag in Rag)
# Each column's share of a table's width; a section's columns are scaled to fill the page.
WIDTHS = {"ref": 10, "title": 24, "owners": 11, "due": 9, "status": 10, "percent": 7, "rag": 7,
          "reasons": 18, "commentary": 26, "risks": 16}
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_ONE_PARAGRAPH = re.compile(r"<p>((?:(?!</?p>).)*)</p>", re.DOTALL)  # nh3 gives <p> no attributes


class _FewerCollections:
    """Raises the cyclic collector's young-generation threshold while a big report is built or written.

    A long report makes hundreds of thousands of objects that stay referenced until its file is written,
    so the collector's frequent passes free almost nothing. Reference counting still frees everything as
    usual; the threshold is put back when the last of them in the process ends (a lock and a count, so
    overlapping ones in threads agree). A PDF's layout goes further (`collector_paused`, below).
    """

    GEN0 = 100_000  # Python 3.11's default is 700

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: tuple[int, ...] = ()

    @contextmanager
    def __call__(self):
        with self._lock:
            if not self._depth:
                self._saved = gc.get_threshold()
                gc.set_threshold(max(self.GEN0, self._saved[0]), *self._saved[1:])
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if not self._depth:
                    gc.set_threshold(*self._saved)


fewer_collections = _FewerCollections()


class _CollectorPaused:
    """Turns the cyclic collector off while any PDF is laid out and written, and collects once when the
    last of them is written.

    Everything WeasyPrint makes lives until the PDF is written, and what it then leaves (a board pack's
    million boxes, styles and layouts) is held in reference cycles, which only the collector frees. Its
    passes during the layout free nearly nothing and cost a tenth of a board pack's time; left to run
    whenever next its threshold is met, the collection of what is left makes the next render a fifth
    slower and keeps the memory taken until then. Collected at once, while it is most of what is new,
    it is freed in one pass (a board pack's peak memory is 10 MB, 2%, higher than with the collector
    running). A lock and a count, so that overlapping renders in threads agree; a collector that was
    already off is left off.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = True
        self._laid_out = False  # a PDF was laid out during the holds: the last release collects

    def hold(self) -> None:
        """Pause the collector (or count one more pause); each hold is ended by one `release`."""
        with self._lock:
            if not self._depth:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1

    def release(self) -> None:
        """End one hold; the last one gives the collector back, and collects if a PDF was laid out."""
        with self._lock:
            if not self._depth:
                return
            self._depth -= 1
            last = not self._depth
            collect = last and self._laid_out
            if last:
                self._laid_out = False
                if self._was_enabled:
                    gc.enable()
        if collect:
            gc.collect()

    @contextmanager
    def __call__(self):
        """Held while a PDF is laid out and written: what it leaves is collected at the last release."""
        self.hold()
        with self._lock:
            self._laid_out = True
        try:
            yield
        finally:
            self.release()


collector_paused = _CollectorPaused()


def _page_references(document: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf's `PDF.page_references` (each page's "N 0 R"), worked out once per number of pages.

    pydyf builds the whole tuple again every time the property is read, and WeasyPrint's tagging reads
    it once for every structure element: in a board pack of 180 pages, 50,000 elements times 180 pages,
    a tenth of the time of the whole PDF. Pages are only ever added (`PDF.add_page` extends `Kids`), so
    the tuple kept is right for as long as the number of pages has not changed.
    """
    kids = document.pages["Kids"]
    kept = document.__dict__.get("_page_references_kept")
    if kept is None or kept[0] != len(kids):
        kept = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        document.__dict__["_page_references_kept"] = kept
    return kept[1]


pydyf.PDF.page_references = property(_page_references)


# Streams (pages, fonts) deflated at zlib's default level rather than pydyf's 9: a board pack's 12 MB
# of page content deflates in a quarter of the time, for a file about 4% larger.
DEFLATE_LEVEL = 6


def _stream_data(stream: pydyf.Stream) -> bytes:
    """pydyf's `Stream.data` (0.13.0) as it is, but for the deflate level."""
    data = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    extra = pydyf.Dictionary(stream.extra.copy())
    if stream.compress:
        extra["Filter"] = "/FlateDecode"
        deflate = zlib.compressobj(level=DEFLATE_LEVEL)
        data = deflate.compress(data) + deflate.flush()
    extra["Length"] = len(data)
    return b"\n".join((extra.data, b"stream", data, b"endstream"))


pydyf.Stream.data = property(_stream_data)

# WeasyPrint's user-agent stylesheet gives every element of the document the pseudo-elements of a list
# marker, a footnote and a note (`::marker`, `::footnote-call`, ... with no element before the `::`),
# so it cascades and keeps six more styles for every element: 120,000 for a board pack, which cost
# about a tenth of its time, and more in a process that renders one after another (they are garbage
# the next render's collections go through). Only a list item has a marker, and these reports have
# neither footnotes nor notes (no `float: footnote` or `position: note()` in their styles, and
# commentary carries no styles), so the reports' stylesheet says `li::marker` and leaves the footnote
# and note rules out. What is drawn is the same, to the byte (tests/dashboards/reports/test_pdf.py).
UA_MARKER = "::marker {"
UA_NOTES = ("::footnote-call ", "::footnote-marker ", "::note-call ", "::note-marker ", "::note-callback ")


def user_agent_css(css: str) -> str | None:
    """WeasyPrint's user-agent stylesheet with list markers for list items only and no footnote or
    note rules; None when it does not have those rules as WeasyPrint 70 writes them."""
    lines = css.splitlines()
    markers = [i for i, line in enumerate(lines) if line.startswith(UA_MARKER)]
    notes = [line for line in lines if line.startswith(UA_NOTES)]
    if len(markers) != 1 or len(notes) != len(UA_NOTES):
        return None
    lines[markers[0]] = "li" + lines[markers[0]]
    return "\n".join(line for line in lines if not line.startswith(UA_NOTES))


_UA_CSS = user_agent_css(weasyprint.html.UA)
if _UA_CSS is None:  # a WeasyPrint whose stylesheet has changed: its own, slower, and said so
    LOGGER.warning("PDF report: WeasyPrint's user-agent stylesheet has changed; using it as it is")
# Its own counter styles (the document's come from WeasyPrint's, which this sheet defines again).
UA_STYLESHEET = CSS(string=_UA_CSS, counter_style=CounterStyle()) if _UA_CSS else weasyprint.html.UA_STYLESHEET


class ReportHTML(HTML):
    """WeasyPrint's HTML with the reports' user-agent stylesheet (`_ua_stylesheets` is how WeasyPrint's
    own tests give a document another one)."""

    def _ua_stylesheets(self, forms=False):
        return [UA_STYLESHEET, weasyprint.html.UA_FORM_STYLESHEET] if forms else [UA_STYLESHEET]


def _kept_per_style(function, key: str):
    """`function(style)` worked out once per style and kept on it.

    WeasyPrint 70 works out a line's height (`strut`) and the Pango font description of a piece of text
    (`get_font_description`) again for every line and every piece of text laid out or drawn: a board
    pack asks 100,000 times for what depends only on the few hundred styles it has, and `strut` builds
    a string of fourteen properties each time to look its answer up. A style's font properties never
    change once worked out (WeasyPrint changes copies), so the answer can be kept on the style itself.
    Pango copies a font description it is given, so one can serve every piece of text of its style.
    """

    def kept(style):
        answers = style.__dict__
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = function(style)
        return answer

    kept.__wrapped__ = function
    return kept


# Every module that took WeasyPrint's functions by name (pinned: WeasyPrint 70.0, see pyproject.toml).
STRUT_USERS = (weasyprint.text.line_break, weasyprint.layout.inline, weasyprint.css.units,
               weasyprint.css.computed_values)
_strut = _kept_per_style(weasyprint.text.line_break.strut, "_report_strut")
for _module in STRUT_USERS:
    _module.strut = _strut
weasyprint.text.line_break.get_font_description = _kept_per_style(
    weasyprint.text.line_break.get_font_description, "_report_font_description")


def _lines_kept_per_style(split_first_line):
    """WeasyPrint's `split_first_line` for the text of inline layout, its answers kept on the style.

    A board pack lays out 24,000 lines, and two in three are a line already laid out in the same style
    and width: "Completed", "100%", "Blue", "Action", the same words of commentary. The answer is the
    same for the same text, style, width and place, and its Pango layout is WeasyPrint's `Layout` at
    rest (its text and measures, no Pango objects): drawing wakes it and may change its text (an
    ellipsis), so each text box is given a copy of its own, as if it had been laid out afresh.
    """

    def split(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
        kept = style.__dict__.setdefault("_report_lines", {})
        key = (text, max_width, justification_spacing, is_line_start, minimum)
        answer = kept.get(key)
        if answer is None:
            answer = kept[key] = split_first_line(
                text, style, context, max_width, justification_spacing, is_line_start, minimum)
        layout, *measures = answer
        return (copy.copy(layout), *measures)

    split.__wrapped__ = split_first_line
    return split


# Inline layout only: the widths of table columns (layout.preferred) and SVG text keep WeasyPrint's own.
weasyprint.layout.inline.split_first_line = _lines_kept_per_style(weasyprint.layout.inline.split_first_line)


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch (WeasyPrint leaves the resource out and logs it)."""


class StaticOnlyFetcher(URLFetcher):
    """Fetches data: URIs and files under the static directory; refuses every other URL.

    `asked` and `refused` record what WeasyPrint asked for, so a refusal can be seen.
    """

    def __init__(self, static_dir: Path | str | None = None):
        super().__init__(timeout=5, allowed_protocols=("data", "file"), allow_redirects=False)
        self.static_dir = Path(static_dir or settings.BASE_DIR / "static").resolve()
        self.asked: list[str] = []
        self.refused: list[str] = []

    def static_file(self, url: str) -> Path | None:
        """The existing file under the static directory that `url` names, else None."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(parts.path)).resolve()  # resolves "..", and symlinks out
        except (OSError, ValueError):
            return None
        return path if path.is_relative_to(self.static_dir) and path.is_file() else None

    def fetch(self, url, headers=None):
        self.asked.append(url)
        if urlsplit(url).scheme.lower() == "data":
            return super().fetch(url, headers)  # urllib's data: handler, no I/O
        path = self.static_file(url)
        if path is None:
            self.refused.append(url)
            LOGGER.warning("PDF report: refused to fetch %r (only data: URIs and static files)", url[:200])
            raise RefusedURL(f"The PDF renderer fetches only data: URIs and static files, not {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def clean_commentary(html: str) -> SafeString:
    """Commentary as safe HTML: sanitised upstream already, cleaned again here before it is trusted."""
    if not html:
        return mark_safe("")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes={"http", "https", "mailto"}, link_rel=None)
    return mark_safe(cleaned.strip())  # nh3 output: nothing but the allowed tags and attributes


def _colours(rag: str, fill: str | None = None) -> tuple[str, str]:
    """(background, text) for a RAG value: the site's colours, the text at 4.5:1 or better."""
    try:
        value = Rag(rag)
    except ValueError:
        return "#ffffff", INK
    if not (fill and _HEX.fullmatch(fill)):
        fill = RAG_FILL[value]
    return fill, RAG_TEXT[value]


@dataclass(frozen=True)
class PdfCell:
    """One cell of a row, ready for the template: its column, its classes and its safe HTML."""

    column: str
    css: str
    html: SafeString
    header: bool = False  # the row's header cell (<th scope="row">): the ref, else the title


@dataclass(frozen=True)
class PdfRow:
    row: ReportRow
    css: str  # the row's classes: its kind, its level, "excluded"
    cells: tuple[PdfCell, ...]


@dataclass(frozen=True)
class PdfColumn:
    key: str
    heading: str
    width: str  # share of the table, e.g. "10%"


@dataclass(frozen=True)
class PdfSection:
    section: Section
    columns: tuple[PdfColumn, ...]
    rows: tuple[PdfRow, ...]
    empty: str  # what to say instead of a table when there are no rows


@dataclass(frozen=True)
class KeyLine:
    entry: RagKeyEntry
    fill: str
    ink: str


def document_title(report: Report) -> str:
    return f"{report.title}: {report.programme}, as at {report.as_at_shown}"


def _lines_html(items) -> SafeString:
    """One line per item, each escaped."""
    return mark_safe("<br>".join(str(escape(item)) for item in items if str(item).strip()))


def _title_html(row: ReportRow, *, owners: bool, flag: bool) -> SafeString:
    """The title under a small line saying what the row is (and who owns it, when no column says
    so); "Milestone", and "Left out of the figures" when no status column can say so, under it."""
    above = {"objective": f"Objective, level {row.level}", "programme": "Programme"}.get(row.kind, "Action")
    if owners and row.owners:
        above += ("; owner: " if len(row.owners) == 1 else "; owners: ") + ", ".join(row.owners)
    notes = ["Milestone"] if row.milestone else []
    if flag and row.excluded:
        notes.append(EXCLUDED)
    html = format_html('<span class="kind">{}</span>{}', above, row.title)  # the template makes it a line
    return mark_safe(html + "".join(format_html('<br><span class="note">{}</span>', n) for n in notes))


def _cells(row: ReportRow, columns: tuple[str, ...], header: str) -> tuple[PdfCell, ...]:
    cells = []
    for column in columns:
        css = column
        if column == "ref":
            css = f"ref in{min(max(row.level - 1, 0), MAX_INDENT_STEPS)}"
            html = escape(row.ref)
        elif column == "title":
            html = _title_html(row, owners="owners" not in columns, flag="status" not in columns)
        elif column == "status":
            html = escape(row.status_label)
            if row.excluded:
                html = format_html('{}<br><span class="note">{}</span>', row.status_label, EXCLUDED)
        elif column == "rag":
            css = f"rag {_rag_class(row.rag)}"
            html = escape(row.rag_label)
        elif column == "commentary":
            html = _one_paragraph_unwrapped(clean_commentary(row.commentary_html))
            if not html and row.commentary_text.strip():  # only ever plain text
                html = _lines_html(row.commentary_text.splitlines())
        elif column in ("reasons", "risks"):
            html = _lines_html(getattr(row, column))
        else:
            html = escape(cell_text(row, column))
        cells.append(PdfCell(column, css, html, header=column == header))
    return tuple(cells)


def _one_paragraph_unwrapped(html: SafeString) -> SafeString:
    """A commentary of one paragraph as its words alone, the cell being its paragraph (a box fewer per
    row); any other commentary as it is."""
    match = _ONE_PARAGRAPH.fullmatch(html)
    return mark_safe(match[1]) if match else html  # the inside of clean HTML: still clean


def _rag_class(rag: str) -> str:
    return f"r-{rag}" if rag in RAG_VALUES else "r-none"


def _rag_css() -> SafeString:
    """One class per RAG value for the RAG cells, so no row carries a style of its own."""
    rules = [f".r-{rag.value} {{ background: {RAG_FILL[rag]}; color: {RAG_TEXT[rag]}; }}" for rag in Rag]
    rules.append(f".r-none {{ color: {INK}; }}")
    rules += [f".in{step} {{ padding-left: {PAD_MM + step * INDENT_MM:g}mm; }}"
              for step in range(1, MAX_INDENT_STEPS + 1)]
    return mark_safe("\n  ".join(rules))  # built from constants only


def _section(section: Section) -> PdfSection:
    columns = tuple(c for c in section.columns if c in COLUMNS)
    header = "ref" if "ref" in columns else "title"
    total = sum(WIDTHS.get(c, 10) for c in columns) or 1
    pdf_columns = tuple(PdfColumn(c, COLUMNS[c], f"{WIDTHS.get(c, 10) * 100 / total:.2f}%") for c in columns)
    rows = tuple(
        PdfRow(row, " ".join([row.kind, *(["excluded"] if row.excluded else [])]), _cells(row, columns, header))
        for row in section.rows
    )
    return PdfSection(section, pdf_columns, rows, section.empty or "Nothing to report.")


def render_html(report: Report) -> str:
    distribution = {Rag(count.rag): count.count for count in report.distribution}
    chart = rag_distribution_bar(distribution, cid=chart_id("report", report.programme_ref),
                                 subject=report.programme)
    fill, ink = _colours(report.rag)
    context = {
        "report": report,
        "document_title": document_title(report),
        "lang": LANG,
        "tree": report.kind == ACTION_PLAN,
        "chart": chart,
        "rag_fill": fill,
        "rag_ink": ink,
        "rag_css": _rag_css(),
        "key": [KeyLine(entry, *_colours(entry.rag, entry.colour)) for entry in report.rag_key],
        "sections": [_section(section) for section in report.sections],
    }
    return render_to_string(TEMPLATE, context)


def html_to_pdf(html: str, *, title: str, fetcher: URLFetcher | None = None) -> bytes:
    """Lay out `html` as a tagged PDF; relative URLs resolve inside the static directory."""
    fetcher = fetcher or StaticOnlyFetcher()
    with collector_paused():
        return _laid_out(html, title, fetcher)  # the document is gone by the time the pause ends


def _laid_out(html: str, title: str, fetcher: URLFetcher) -> bytes:
    static_dir = Path(settings.BASE_DIR / "static").resolve()
    document = ReportHTML(string=html, base_url=static_dir.as_uri() + "/", url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT)
    document.metadata.title = title  # also read from <title>; said here so it cannot go missing
    document.metadata.lang = LANG
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes: cover (figures, chart, RAG key), then each section's heading and table."""
    return html_to_pdf(render_html(report), title=document_title(report))
