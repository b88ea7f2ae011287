"""The four files of a report: which writer makes each, its media type and its name."""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.signals import request_finished
from django.http import HttpResponse

from programmes.audit import Channel, audit_download
from programmes.middleware import as_attachment

from .docx import render_docx
from .model import Report
from .pdf import collector_paused, fewer_collections, render_pdf
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


# Holds of the collector that this thread's request owes a release (see report_download).
_owed = threading.local()


def report_download(report: Report, file_format: str, *, by, what: str, model: str = "", object_id="",
                    programme: str = "") -> HttpResponse:
    """The report as a file for the browser (`download`), handed over before the collection of what its
    writing left.

    A PDF's layout leaves a million objects in reference cycles (`pdf.collector_paused`): collecting
    them takes a board pack a second and a half, which the clerk need not wait for. The collector
    stays paused until the request has finished, that is until the WSGI server has sent the response
    and closed it (Django's `request_finished`), and then collects, in the same worker, as before. A
    Word or spreadsheet download gives the collector back with no collection: it left no such cycles.
    """
    collector_paused.hold()
    _owed.count = getattr(_owed, "count", 0) + 1
    try:
        return download(report_file(report, file_format), file_format=file_format,
                        file_name=file_name(report, FORMATS[file_format]), by=by, what=what, model=model,
                        object_id=object_id, programme=programme)
    except BaseException:
        _release_owed()
        raise


def _release_owed(**_signal) -> None:
    owed, _owed.count = getattr(_owed, "count", 0), 0
    for _ in range(owed):
        collector_paused.release()


request_finished.connect(_release_owed, dispatch_uid="dashboards.reports.files.release_owed")
