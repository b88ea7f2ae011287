"""The admins' audit page: the trail filtered, a page at a time, newest first, and the same entries as a
CSV file (every matching row, streamed, itself audited as a download). Admins only: everyone else gets
a logged 403."""

import csv
from datetime import UTC
from itertools import islice
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import rules
from .audit import Channel, audit_download
from .forms import AuditFilterForm
from .middleware import as_attachment
from .permissions import require_role, signed_in_and
from .roles import ADMIN
from .selectors import audit_entries, history_rows, record_types
from .spreadsheets import safe_row

ENTRIES_PER_PAGE = 50
CSV_CHUNK = 1000
CSV_HEADINGS = ("When (UTC)", "Date (UK)", "Time (UK)", "Who", "Username", "Door", "What happened",
                "Kind of record", "Record number", "Record", "Changes", "Details", "Request ID")


def _require_admin(request) -> None:
    require_role(request, ADMIN)


admins_only = signed_in_and(_require_admin)


def _filter_form(request) -> AuditFilterForm:
    users = get_user_model().objects.order_by("username").values_list("pk", "username")
    return AuditFilterForm(request.GET, users=users, channels=Channel.choices, record_types=record_types())


@admins_only
@require_GET
def audit_trail(request):
    form = _filter_form(request)
    page = Paginator(audit_entries(**form.chosen()), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    caption = f"Entries {page.start_index()} to {page.end_index()} of {page.paginator.count}, newest first"
    context = {"form": form, "page_obj": page, "rows": history_rows(page.object_list), "caption": caption,
               "csv_query": urlencode([(k, v) for k, v in request.GET.items() if k != "page"])}
    return render(request, "programmes/audit_trail.html", context, status=422 if form.errors else 200)


def _csv_lines(entries):
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    yield writer.writerow(CSV_HEADINGS)
    iterator = entries.iterator(chunk_size=CSV_CHUNK)
    while chunk := list(islice(iterator, CSV_CHUNK)):
        for row in history_rows(chunk):
            local = timezone.localtime(row.at)
            changes = "; ".join(f"{c.field}: {c.old} -> {c.new}" for c in row.changes)
            details = "; ".join(f"{name}: {value}" for name, value in row.details)
            yield writer.writerow(safe_row([
                row.at.astimezone(UTC).isoformat(), rules.uk_date(local.date()), f"{local:%H:%M:%S}",
                row.who, row.username, row.channel, row.action, row.record_type, row.object_id, row.record,
                changes, details, row.request_id,
            ]))


@admins_only
@require_GET
def audit_trail_csv(request):
    """Every entry the filters match, as CSV; invalid filters are left out, as on the page."""
    form = _filter_form(request)
    chosen = form.chosen()
    file_name = f"audit-trail-{timezone.localdate().isoformat()}.csv"
    audit_download(by=request.user, channel=Channel.BROWSER, what="Audit trail", file_format="csv",
                   file_name=file_name, model="programmes.auditentry",
                   details={"filters": request.GET.urlencode()} if chosen else None)
    return as_attachment(StreamingHttpResponse(_csv_lines(audit_entries(**chosen)),
                                               content_type="text/csv; charset=utf-8"), file_name)
