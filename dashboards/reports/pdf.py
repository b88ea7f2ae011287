"""The committee report as a PDF for the published agenda: tagged (PDF/UA-1), A4 landscape.

Reads only the plain `Report` of model.py. WeasyPrint lays out templates/dashboards/reports/
report_pdf.html and fetches nothing from outside the app: only data: URIs and files under the
project's static directory, so a link or an image in commentary can never make the server call out.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import nh3
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from dashboards.charts import INK, RAG_FILL, RAG_TEXT, chart_id, rag_distribution_bar
from dashboards.reports.model import RagKeyEntry, Report, ReportRow
from programmes.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from programmes.rules import Rag

LOGGER = logging.getLogger(__name__)

TEMPLATE = "dashboards/reports/report_pdf.html"
# Tagged PDF with a structure tree, the document's language and its title shown by readers.
PDF_VARIANT = "pdf/ua-1"
LANG = "en-GB"
INDENT_MM = 4.0  # per level below the top, in the reference column
PAD_MM = 1.5  # a cell's own padding
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


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
class PdfRow:
    row: ReportRow
    indent: str  # the reference cell's left padding, e.g. "5.5mm"
    fill: str
    ink: str
    commentary: SafeString


@dataclass(frozen=True)
class KeyLine:
    entry: RagKeyEntry
    fill: str
    ink: str


def document_title(report: Report) -> str:
    return f"{report.title}: {report.programme}, as at {report.as_at_shown}"


def render_html(report: Report) -> str:
    distribution = {Rag(count.rag): count.count for count in report.distribution}
    chart = rag_distribution_bar(distribution, cid=chart_id("report", report.programme_ref),
                                 subject=report.programme)
    fill, ink = _colours(report.rag)
    context = {
        "report": report,
        "document_title": document_title(report),
        "lang": LANG,
        "chart": chart,
        "rag_fill": fill,
        "rag_ink": ink,
        "key": [KeyLine(entry, *_colours(entry.rag, entry.colour)) for entry in report.rag_key],
        "rows": [
            PdfRow(row, f"{PAD_MM + max(row.level - 1, 0) * INDENT_MM:g}mm", *_colours(row.rag),
                   clean_commentary(row.commentary_html))
            for row in report.rows
        ],
    }
    return render_to_string(TEMPLATE, context)


def html_to_pdf(html: str, *, title: str, fetcher: URLFetcher | None = None) -> bytes:
    """Lay out `html` as a tagged PDF; relative URLs resolve inside the static directory."""
    fetcher = fetcher or StaticOnlyFetcher()
    static_dir = Path(settings.BASE_DIR / "static").resolve()
    document = HTML(string=html, base_url=static_dir.as_uri() + "/", url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT)
    document.metadata.title = title  # also read from <title>; said here so it cannot go missing
    document.metadata.lang = LANG
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes: cover (figures, chart, RAG key), then every row in reading order."""
    return html_to_pdf(render_html(report), title=document_title(report))
