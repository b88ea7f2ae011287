"""The four files of a report: which writer makes each, its media type and its name."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse

from programmes.audit import Channel, audit_download
from programmes.middleware import as_attachment

from .docx import render_docx
from .model import Report
from .pdf import fewer_collections, render_pdf
from .spreadsheets import render_csv, render_xlsx


@dataclass(frozen=True)
class FileFormat:
    key: str
    label: str
    extension: str
    media_type: str
    render: Callable[[Report], bytes]


FORMATS = {
    f.key: f
    for f in (
        FileFormat("docx", "Word (to paste into the committee report)", "docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document", render_docx),
        FileFormat("pdf", "PDF (for the published agenda)", "pdf", "application/pdf", render_pdf),
        FileFormat("xlsx", "Excel (one row per objective or action)", "xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx),
        FileFormat("csv", "CSV (for other spreadsheets)", "csv", "text/csv; charset=utf-8", render_csv),
    )
}


def file_name(report: Report, fmt: FileFormat) -> str:
    return f"{report.file_stem}.{fmt.extension}"


def download(content: bytes, *, file_format: str, file_name: str, by, what: str, model: str = "", object_id="",
             programme: str = "") -> HttpResponse:
    """A file for the browser to save, audited as downloaded: who, what, the format and the programme
    (`model` and `object_id` name the record it came from)."""
    audit_download(by=by, channel=Channel.BROWSER, what=what, file_format=file_format, file_name=file_name,
                   model=model, object_id=object_id, programme=programme)
    return as_attachment(HttpResponse(content, content_type=FORMATS[file_format].media_type), file_name)


def report_file(report: Report, file_format: str) -> bytes:
    """The report written in one of FORMATS. A big report makes tens of thousands of objects that live
    until the file is written, so the cyclic collector's frequent passes free nothing: they are made
    rarer while it is written (as for every PDF)."""
    with fewer_collections():
        return FORMATS[file_format].render(report)
