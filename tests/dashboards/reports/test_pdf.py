"""The committee report as PDF: every row in order, the as-at date and page numbers on every page,
tagged for screen readers, no script, and nothing fetched from outside the app."""

import collections
import dataclasses
import gc
import io
import re
import shutil
import socket
import subprocess
import sys
import tomllib
import zlib

import pydyf
import pytest
import weasyprint
import weasyprint.css
import weasyprint.html
import weasyprint.layout.inline
import weasyprint.layout.preferred
import weasyprint.text.line_break
from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from weasyprint.formatting_structure.boxes import TableCellBox
from weasyprint.text.line_break import Layout

from dashboards.reports import pdf
from dashboards.reports.model import COLUMNS, Section
from dashboards.reports.pdf import (
    StaticOnlyFetcher,
    clean_commentary,
    document_title,
    html_to_pdf,
    render_html,
    render_pdf,
)
from programmes.rules import RAG_ORDER
from tests.dashboards.reports.builders import (
    SCRIPT_PROBE,
    row,
    sample_exception_report,
    sample_report,
)

AS_AT = "As at 30 June 2024"
COUNCIL = "Demo Borough Council"
REMOTE = "http://evil.example/x.png"


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(scope="module")
def no_network():
    """Any DNS look-up or connection while rendering is recorded and fails."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise NetworkUsed(f"network used while rendering: {args!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket.socket, "connect", refuse)
        yield attempts


def long_report():
    """Enough rows for several pages of the rows table, at several levels."""
    extra = [
        row(f"OBJ2.X{i}", level=2 + i % 3, parent="OBJ2", percent=float(i), rag=RAG_ORDER[i % len(RAG_ORDER)],
            commentary_html="<p>Progress noted at the board.</p>" if i % 2 else "")
        for i in range(60)
    ]
    return sample_report(extra_rows=extra)


@pytest.fixture(scope="module")
def sample(no_network):
    report = sample_report()
    return report, render_pdf(report)


@pytest.fixture(scope="module")
def long(no_network):
    report = long_report()
    return report, render_pdf(report)


def pdftotext(data: bytes, directory, *options) -> list[str]:
    """The PDF's text, page by page, as poppler lays it out (pypdf misreads the subset font
    WeasyPrint writes when a glyph is missing, such as the full-width "=" probe)."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the PDF's text"
    path = directory / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.fixture(scope="module")
def long_pages(long, tmp_path_factory):
    return pdftotext(long[1], tmp_path_factory.mktemp("pdf"), "-layout")


@pytest.fixture(scope="module")
def exceptions(no_network):
    report = sample_exception_report()
    return report, render_pdf(report)


@pytest.fixture(scope="module")
def exception_pages(exceptions, tmp_path_factory):
    """The exception report's text as laid out (-layout), and in reading order, whitespace collapsed."""
    directory = tmp_path_factory.mktemp("pdf")
    words = " ".join(" ".join(pdftotext(exceptions[1], directory)).split())
    return pdftotext(exceptions[1], directory, "-layout"), words


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def walk(obj, seen=None):
    """Every dictionary reachable from `obj`, following indirect references once each."""
    seen = set() if seen is None else seen
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return
        seen.add(key)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        yield obj
        for value in obj.values():
            yield from walk(value, seen)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            yield from walk(value, seen)


# ---------------------------------------------------------------- the words


def test_every_row_shows_its_ref_percent_and_rag_word_in_order(long, long_pages):
    report, _ = long
    text = "\n".join(long_pages)
    cursor = text.index("Objectives and actions of")  # the rows table, after the cover
    for r in report.rows:
        for value in (r.ref, r.percent_shown, r.rag_label):
            found = text.find(value, cursor)
            assert found >= 0, f"{value!r} of {r.ref} missing or out of order"
            cursor = found + len(value)


def test_milestone_and_excluded_rows_say_so_in_words(long, long_pages):
    report, _ = long
    text = "\n".join(long_pages)
    refs = [r.ref for r in report.rows]
    start = text.index("Objectives and actions of")

    def words_of(ref):
        begin = text.index(f" {ref} ", start)
        following = refs[refs.index(ref) + 1]
        return " ".join(text[begin:text.index(f" {following} ", begin)].split())

    assert "Milestone" in words_of("OBJ1.C")
    assert "Left out of the figures" in words_of("OBJ1.1.A")
    assert "Left out of the figures" not in words_of("OBJ1.B")


def test_cover_has_the_figures_chart_words_and_rag_key(long_pages):
    cover = long_pages[0]
    for words in (COUNCIL, "Action plan report", "Adult social care action plan 2024/25", AS_AT, "47%", "Amber",
                  "RAG distribution of Adult social care action plan 2024/25: 5 actions: Blue 1, Green 1, "):
        assert words in " ".join(cover.split()), words
    for meaning in ("Complete", "On track", "At risk", "Off track", "Not due to start"):
        assert meaning in cover


def test_objectives_are_bold_and_rows_indented_by_level(sample):
    report, data = sample
    seen = {}

    def visit(text, cm, tm, font, size):
        words = text.replace("\x00", "").strip()
        if font and words in {r.ref for r in report.rows} and words not in seen:
            seen[words] = ("Bold" in str(font.get("/BaseFont")), tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    for page in reader(data).pages[1:]:
        page.extract_text(visitor_text=visit)
    assert seen["OBJ1"][0] and seen["OBJ1.1"][0]
    assert not seen["OBJ1.A"][0] and not seen["OBJ1.1.A"][0]
    assert seen["OBJ1"][1] < seen["OBJ1.A"][1] == seen["OBJ1.1"][1] < seen["OBJ1.1.A"][1]


def test_owners_go_under_the_title_when_no_column_shows_them(long_pages):
    assert "owner" not in " ".join(COLUMNS[c] for c in sample_report().sections[0].columns).lower()
    assert "Action; owner: Kath Amies" in "\n".join(long_pages)


# ---------------------------------------------------------------- sections


def test_each_section_has_its_heading_in_order_after_the_cover(exception_pages):
    _, words = exception_pages
    cover_end = words.index("count in no percent or RAG.")
    places = [words.find(f" {title} ", cover_end) for title in ("Actions", "Objectives", "Milestones")]
    assert -1 not in places and places == sorted(places), places
    for title in ("Actions", "Objectives"):
        assert f"{title} of Adult social care action plan 2024/25 as at 30 June 2024" in words  # captions


def test_each_table_heads_exactly_its_sections_columns_in_order(exceptions, exception_pages):
    report, _ = exceptions
    pages, _ = exception_pages
    lines = "\n".join(pages).splitlines()
    for section in report.sections[:2]:
        caption = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{section.title} of "))
        header = next(line for line in lines[caption + 1:] if line.strip())
        assert re.split(r"\s{2,}", header.strip()) == [COLUMNS[c] for c in section.columns]


def test_the_action_plan_table_heads_its_columns_in_order(long, long_pages):
    report, _ = long
    lines = long_pages[1].splitlines()
    caption = next(i for i, line in enumerate(lines) if line.strip().startswith("Objectives and actions of"))
    header = next(line for line in lines[caption + 1:] if line.strip())
    assert re.split(r"\s{2,}", header.strip()) == [COLUMNS[c] for c in report.sections[0].columns]


def test_reasons_and_risks_are_shown_one_line_each(exceptions, exception_pages):
    report, _ = exceptions
    _, words = exception_pages
    for r in report.rows:
        for item in (*r.reasons, *r.risks):
            assert item in words, item
    html = render_html(report)
    assert "Red: due 30 June 2024, 20% done, 73% expected<br>Overdue" in html
    assert "Sam Clarke, Nadia Rahman" in words


def test_an_empty_section_says_so_instead_of_a_table(exceptions, exception_pages):
    report, data = exceptions
    _, words = exception_pages
    assert "Milestones No milestone needs attention." in words
    assert "Milestones of" not in words
    html = render_html(report)
    assert html.count('<table class="rows">') == 2 and html.count("<caption>") == 3 + 2  # the cover has three

    no_words = dataclasses.replace(report, sections=(Section("Milestones", report.sections[0].columns, ()),))
    assert "Nothing to report." in render_html(no_words)


def test_rows_without_a_status_column_say_left_out_under_the_title():
    report = sample_exception_report()
    excluded = row("OBJ1.X", excluded=True, status="deferred", status_label="Deferred", milestone=True)
    section = dataclasses.replace(report.sections[0], rows=(excluded,))
    html = render_html(dataclasses.replace(report, sections=(section,)))
    assert '<span class="note">Milestone</span><br><span class="note">Left out of the figures</span>' in html


def test_the_exception_report_is_tagged_with_a_heading_and_table_per_section(exceptions):
    root = reader(exceptions[1]).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"].value is True
    elements = [d for d in walk(root["/StructTreeRoot"]) if d.get("/Type") == "/StructElem"]
    tags = [str(d["/S"]) for d in elements]
    assert {"/H1", "/H2", "/Table", "/THead", "/TH", "/TD", "/Caption", "/Figure"} <= set(tags)
    assert tags.count("/Table") == 3 + 2  # the cover's three, then Actions and Objectives


# ---------------------------------------------------------------- every page


def test_every_page_carries_its_number_the_as_at_date_and_the_council(long_pages):
    count = len(long_pages)
    assert count >= 3
    assert f"Page 1 of {count}" in long_pages[0]
    for number, page in enumerate(long_pages, start=1):
        assert f"Page {number} of {count}" in page
        assert AS_AT in page
        assert COUNCIL in page


def test_the_rows_table_header_repeats_on_every_page_of_rows(long_pages):
    for page in long_pages[1:]:
        assert "Latest commentary" in page


def test_rendering_puts_the_collector_threshold_back(sample):
    before = gc.get_threshold()
    render_pdf(sample_report())
    assert gc.get_threshold() == before


def test_what_a_render_leaves_in_reference_cycles_is_collected_when_the_pdf_is_written():
    def left():
        # type(), not isinstance(): a lazy object left by another test would be set up by isinstance.
        kinds = (TableCellBox, weasyprint.css.ComputedStyle, Layout)
        return sum(issubclass(type(o), kinds) for o in gc.get_objects())

    gc.collect()
    before = left()
    gc.disable()  # only the collection the render asks for can free them
    try:
        render_pdf(long_report())
        assert left() == before == 0
    finally:
        gc.enable()


def test_the_collector_is_off_while_pdfs_are_laid_out_and_back_as_it_was_after_the_last():
    assert gc.isenabled()
    with pdf.collector_paused():
        assert not gc.isenabled()
        with pdf.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # another render is still going
    assert gc.isenabled()
    gc.disable()
    try:
        with pdf.collector_paused():
            pass
        assert not gc.isenabled()  # left off, as it was found
    finally:
        gc.enable()


def test_a4_landscape(sample):
    box = reader(sample[1]).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


# ---------------------------------------------------------------- tagged, titled


def test_tagged_pdf_with_structure_tree_and_language(sample):
    pdf_reader = reader(sample[1])
    root = pdf_reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "en-GB"
    assert b'pdfuaid:part="1"' in pdf_reader.xmp_metadata.stream.get_data()

    elements = [d for d in walk(root["/StructTreeRoot"]) if d.get("/Type") == "/StructElem"]
    tags = {str(d["/S"]) for d in elements}
    assert {"/H1", "/H2", "/Table", "/THead", "/TH", "/TD", "/Caption", "/Figure"} <= tags
    figures = [d for d in elements if d["/S"] == "/Figure"]
    assert figures and all(str(d.get("/Alt", "")).startswith("RAG distribution of") for d in figures)


def test_each_tagged_element_points_at_the_page_its_words_are_on(long):
    pdf_reader = reader(long[1])
    nums = pdf_reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    pages = dict(zip(nums[::2], nums[1::2], strict=True))
    assert len(pdf_reader.pages) >= 3 and sorted(pages) == list(range(len(pdf_reader.pages)))
    for number, page in enumerate(pdf_reader.pages):
        elements = [element.get_object() for element in pages[number]]
        assert elements and all(e.raw_get("/Pg").idnum == page.indirect_reference.idnum for e in elements), number


def test_pdf_page_references_are_kept_until_a_page_is_added():
    document = pydyf.PDF()

    def add_page():
        document.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference}))

    def expected():
        return tuple(f"{number} 0 R".encode("ascii") for number in document.pages["Kids"][::3])

    for _ in range(3):
        add_page()
    first = document.page_references
    assert first == expected() and len(first) == 3
    assert document.page_references is first  # not built again at every read
    add_page()
    assert document.page_references == expected() and len(document.page_references) == 4


def test_document_title_is_set_and_shown(sample):
    report, data = sample
    pdf_reader = reader(data)
    assert pdf_reader.metadata.title == document_title(report)
    assert document_title(report) == "Action plan report: Adult social care action plan 2024/25, as at 30 June 2024"
    assert pdf_reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_html_has_language_title_headings_and_table_headers():
    html = render_html(sample_report())
    assert '<html lang="en-GB">' in html
    assert f"<title>{document_title(sample_report())}</title>" in html
    assert html.count("<h1") == 1 and "<h2" in html
    assert "<thead>" in html and '<th scope="col">' in html and '<th scope="row"' in html and "<caption>" in html


# ---------------------------------------------------------------- no script


def test_no_javascript_anywhere_in_the_pdf(sample):
    root = reader(sample[1]).trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    assert "/JavaScript" not in root.get("/Names", {})
    for d in walk(root):
        assert "/JS" not in d and d.get("/S") != "/JavaScript"


def test_script_in_a_title_is_printed_as_words_not_run(no_network, tmp_path):
    report = sample_report(extra_rows=[row("OBJ1.S", title=SCRIPT_PROBE)])
    path = tmp_path / "probe.pdf"
    path.write_bytes(render_pdf(report))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "<script>alert(1)</script>" in text  # escaped: shown, never parsed as an element


def test_a_commentary_of_one_paragraph_is_its_words_in_the_cell():
    one = row("OBJ1.Q", commentary_html="<p>Recruitment <strong>paused</strong>.</p>")
    two = row("OBJ1.T", commentary_html="<p>First.</p><p>Second.</p>")
    listed = row("OBJ1.U", commentary_html="<p>Done:</p><ul><li>this</li></ul>")
    html = render_html(sample_report(extra_rows=[one, two, listed]))
    assert '<td class="commentary">Recruitment <strong>paused</strong>.</td>' in html
    assert '<td class="commentary"><p>First.</p><p>Second.</p></td>' in html
    assert '<td class="commentary"><p>Done:</p><ul><li>this</li></ul></td>' in html


def test_commentary_is_sanitised_again_before_it_is_trusted():
    cleaned = clean_commentary(f"<p>Fine <strong>bold</strong>{SCRIPT_PROBE}<img src='{REMOTE}'></p>")
    assert "<strong>bold</strong>" in cleaned
    for bad in ("<script", "alert(1)", "onerror", "<img", "evil"):
        assert bad not in cleaned


# ---------------------------------------------------------------- nothing fetched from outside


class SpyFetcher(StaticOnlyFetcher):
    made = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        SpyFetcher.made.append(self)


def test_remote_image_in_commentary_is_never_fetched(no_network, monkeypatch):
    SpyFetcher.made = []
    monkeypatch.setattr(pdf, "StaticOnlyFetcher", SpyFetcher)
    report = sample_report(extra_rows=[row("OBJ1.R", commentary_html=f'<p>See <img src="{REMOTE}" alt="x"></p>')])
    render_pdf(report)
    assert len(SpyFetcher.made) == 1
    fetcher = SpyFetcher.made[0]
    assert all(url in fetcher.refused for url in fetcher.asked if not url.startswith("data:"))
    assert not no_network


def test_the_fetcher_refuses_remote_and_outside_files_even_in_unsanitised_html(no_network, tmp_path, settings):
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    (tmp_path / "secret.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    settings.BASE_DIR = tmp_path
    dot = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"
    html = (
        '<html lang="en-GB"><head><title>Probe</title>'
        '<link rel="stylesheet" href="https://evil.example/s.css">'
        "<style>@import url(http://evil.example/i.css); p { background: url(http://evil.example/bg.png) }</style>"
        f'</head><body><p>Probe</p><img src="{REMOTE}" alt="remote"><img src="file:///etc/passwd" alt="passwd">'
        '<img src="../secret.svg" alt="outside"><img src="img/dot.svg" alt="static">'
        f'<img src="{dot}" alt="data"></body></html>'
    )
    fetcher = StaticOnlyFetcher()
    assert html_to_pdf(html, title="Probe", fetcher=fetcher).startswith(b"%PDF-")
    assert not no_network
    assert set(fetcher.refused) == {
        "https://evil.example/s.css", "http://evil.example/i.css", "http://evil.example/bg.png", REMOTE,
        "file:///etc/passwd", (tmp_path / "secret.svg").as_uri(),
    }
    assert (static / "img" / "dot.svg").as_uri() in fetcher.asked
    assert dot in fetcher.asked
    assert not [url for url in fetcher.asked if url not in fetcher.refused and "evil" in url]


def test_static_file_check(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "app.css").write_text("p {}")
    (tmp_path / "other.css").write_text("p {}")
    fetcher = StaticOnlyFetcher(static)
    assert fetcher.static_file((static / "app.css").as_uri()) == static / "app.css"
    assert fetcher.fetch((static / "app.css").as_uri()).read() == b"p {}"
    for url in ((static / ".." / "other.css").as_uri(), (tmp_path / "other.css").as_uri(),
                (static / "missing.css").as_uri(), "file://evil.example/static/app.css", REMOTE):
        assert fetcher.static_file(url) is None
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


# ---------------------------------------------------------------- WeasyPrint and pydyf, mended for speed


def page_contents(data: bytes) -> list[bytes]:
    """Each page's content stream, inflated: what is drawn where, in which marked-content sequence."""
    return [page.get_contents().get_data() for page in reader(data).pages]


def structure(data: bytes) -> collections.Counter:
    """How many structure elements of each tag the PDF has."""
    root = reader(data).trailer["/Root"]["/StructTreeRoot"]
    return collections.Counter(str(d["/S"]) for d in walk(root) if d.get("/Type") == "/StructElem")


def lists_report():
    return sample_report(extra_rows=[row("OBJ1.L", commentary_html="<p>Done:</p><ol><li>this</li></ol><ul><li>x</li></ul>")])


def test_the_mends_are_for_the_versions_pinned():
    assert weasyprint.__version__ == "70.0" and pydyf.__version__ == "0.13.0"
    pins = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]["dependencies"]
    assert {"weasyprint==70.0", "pydyf==0.13.0"} <= set(pins)


def test_the_reports_user_agent_stylesheet_is_weasyprints_with_markers_for_list_items_and_no_notes():
    theirs, ours = weasyprint.html.UA.splitlines(), pdf.user_agent_css(weasyprint.html.UA).splitlines()
    assert [line for line in theirs if line not in ours] == [
        "::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }",
        '::footnote-call { content: counter(footnote); vertical-align: super; font-size: smaller; line-height: inherit }',
        '::footnote-marker { content: counter(footnote) ". " }',
        "::note-call { content: counter(note); vertical-align: super; font-size: smaller; line-height: inherit }",
        '::note-marker { content: counter(note) ". " }',
        '::note-callback { content: "\u202f↩" }',
    ]
    assert [line for line in ours if line not in theirs] == [
        "li::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }"]
    assert pdf.user_agent_css("p { margin: 0 }") is None  # another WeasyPrint's stylesheet: left as it is
    assert pdf.ReportHTML(string="<p>x</p>")._ua_stylesheets() == [pdf.UA_STYLESHEET]
    assert pdf.UA_STYLESHEET is not weasyprint.html.UA_STYLESHEET


def test_the_report_styles_use_no_footnotes_or_notes_the_stylesheet_left_out():
    template = (settings.BASE_DIR / "templates" / pdf.TEMPLATE).read_text()
    assert "footnote" not in template and "note(" not in template


def test_a_report_is_drawn_exactly_as_with_weasyprints_own_stylesheet():
    html = render_html(lists_report())
    ours = pdf.ReportHTML(string=html).write_pdf(pdf_variant=pdf.PDF_VARIANT)
    theirs = weasyprint.HTML(string=html).write_pdf(pdf_variant=pdf.PDF_VARIANT)
    assert len(page_contents(ours)) >= 2 and page_contents(ours) == page_contents(theirs)
    assert structure(ours) == structure(theirs) and structure(ours)["/Lbl"] == 4  # list items' markers


def test_what_is_kept_per_style_draws_the_same_pdf(monkeypatch):
    html = render_html(long_report())
    kept = html_to_pdf(html, title="Kept")
    for module in pdf.STRUT_USERS:
        monkeypatch.setattr(module, "strut", pdf._strut.__wrapped__)
    line_break, inline = weasyprint.text.line_break, weasyprint.layout.inline
    monkeypatch.setattr(line_break, "get_font_description", line_break.get_font_description.__wrapped__)
    monkeypatch.setattr(inline, "split_first_line", inline.split_first_line.__wrapped__)
    afresh = html_to_pdf(html, title="Kept")
    assert len(page_contents(kept)) >= 3 and page_contents(afresh) == page_contents(kept)
    assert structure(afresh) == structure(kept)


def test_a_line_is_laid_out_once_per_style_text_and_width_and_each_box_gets_its_own_layout():
    asked = []

    def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True,
                         minimum=False):
        asked.append((text, max_width, is_line_start))
        layout = weasyprint.text.line_break.Layout.__new__(weasyprint.text.line_break.Layout)
        layout.text = text
        return layout, len(text), None, 10.0 * len(text), 12.0, 9.0

    split = pdf._lines_kept_per_style(split_first_line)
    style, other = weasyprint.css.InitialStyle(None), weasyprint.css.InitialStyle(None)
    first = split("Completed", style, None, 98.0, 0)
    again = split("Completed", style, None, 98.0, 0)
    assert first[1:] == again[1:] == (9, None, 90.0, 12.0, 9.0)
    assert first[0] is not again[0] and vars(first[0]) == vars(again[0]) == {"text": "Completed"}
    again[0].text = "Complet…"  # drawing an ellipsis changes one box's layout, not the others'
    assert split("Completed", style, None, 98.0, 0)[0].text == "Completed"
    split("Completed", style, None, 60.0, 0)
    split("Completed", style, None, 98.0, 0, is_line_start=False)
    split("Completed", other, None, 98.0, 0)
    assert asked == [("Completed", 98.0, True), ("Completed", 60.0, True), ("Completed", 98.0, False),
                     ("Completed", 98.0, True)]


def test_inline_layout_alone_keeps_its_lines():
    assert weasyprint.layout.inline.split_first_line.__wrapped__ is weasyprint.text.line_break.split_first_line
    assert weasyprint.layout.preferred.split_first_line is weasyprint.text.line_break.split_first_line


def test_a_strut_is_worked_out_once_per_style(monkeypatch):
    asked = []

    def strut(style):
        asked.append(style)
        return (12.0, 9.0)

    kept = pdf._kept_per_style(strut, "_probe")
    style, other = weasyprint.css.InitialStyle(None), weasyprint.css.InitialStyle(None)
    assert [kept(style), kept(style), kept(other)] == [(12.0, 9.0)] * 3
    assert asked == [style, other]


def test_every_weasyprint_module_that_took_strut_by_name_has_the_kept_one():
    takers = [name for name, module in list(sys.modules.items())
              if name.startswith("weasyprint") and getattr(module, "strut", None) is not None]
    assert takers and all(sys.modules[name].strut is pdf._strut for name in takers), takers
    assert {module.__name__ for module in pdf.STRUT_USERS} == set(takers)


def test_streams_are_deflated_at_zlibs_default_level():
    stream = pydyf.Stream([b"BT", b"/F1 12 Tf", b"(Deflated) Tj", b"ET"] * 50, compress=True)
    head, _, rest = stream.data.partition(b"\nstream\n")
    body = rest.removesuffix(b"\nendstream")
    assert b"/Filter /FlateDecode" in head and f"/Length {len(body)}".encode() in head
    assert zlib.decompress(body) == b"\n".join(stream.stream)
    deflate = zlib.compressobj(level=pdf.DEFLATE_LEVEL)
    assert pdf.DEFLATE_LEVEL == 6 and body == deflate.compress(zlib.decompress(body)) + deflate.flush()
    plain = pydyf.Stream([b"BT", b"ET"])
    assert plain.data == b"<</Length 5>>\nstream\nBT\nET\nendstream"


def test_a_hold_without_a_pdf_laid_out_in_it_gives_the_collector_back_without_collecting(monkeypatch):
    collections = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(args) or real(*args))
    pdf.collector_paused.hold()
    assert not gc.isenabled()
    pdf.collector_paused.release()
    assert gc.isenabled() and collections == []

    pdf.collector_paused.hold()
    with pdf.collector_paused():
        pass
    assert not gc.isenabled() and collections == []  # the hold is still on: the collection waits
    pdf.collector_paused.release()
    assert gc.isenabled() and collections == [()]
    pdf.collector_paused.release()  # one release too many changes nothing
    assert gc.isenabled() and collections == [()]
