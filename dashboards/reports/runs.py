"""Reports made by a Celery task: the big ones, which the browser should not wait for.

    run = report_run_start(user=request.user, kind="action-plan", programme_id=3, objective_id=None,
                           as_at=date(2024, 6, 30), compare=None, file_format="xlsx")

The run is kept, the task is queued once the transaction commits, and the task builds the report
as the requester (so it holds only what they may read), writes the file and keeps its bytes. A
failure is logged with its traceback and the run says, in plain English, that it failed.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from programmes.models import Objective

from .. import selectors
from ..models import ReportRun
from .files import FORMATS, file_name, report_file
from .pdf import fewer_collections
from .report import ESTATE_KINDS, build_report

log = logging.getLogger(__name__)

READING, WRITING, DONE = 10, 50, 100
NOT_FOUND = "There is no such programme, or no such objective in it, so the report could not be made."
UNEXPECTED = ("The report could not be made because something went wrong. Try again, or ask for help "
              "if it happens again.")


def report_run_start(*, user, kind: str, programme_id: int | None, objective_id: int | None, as_at: date,
                     compare: date | None, file_format: str) -> ReportRun:
    """Keep the request and queue the task that makes the file, once the run is saved."""
    # The task module imports this service: importing it at the top would be a cycle.
    from ..tasks import make_report

    if file_format not in FORMATS:
        raise ValidationError("Choose Word, PDF, Excel or CSV.")
    if programme_id is None and kind not in ESTATE_KINDS:
        raise ValidationError("A highlight report is of one programme or objective.")
    if objective_id is not None and not Objective.objects.filter(pk=objective_id,
                                                                 programme_id=programme_id).exists():
        raise ValidationError("There is no such objective in this programme.")
    run = ReportRun.objects.create(requested_by=user, kind=kind, programme_id=programme_id,
                                   objective_id=objective_id, as_at=as_at, compare=compare,
                                   file_format=file_format)
    transaction.on_commit(lambda: make_report.delay(run.pk))
    return run


def _progress(run_id: int, percent: int, **fields) -> None:
    ReportRun.objects.filter(pk=run_id).update(progress=percent, **fields)


def report_run_execute(run_id: int) -> ReportRun:
    """What the task does: build the report as the requester, write the file, keep its bytes."""
    run = ReportRun.objects.select_related("requested_by").get(pk=run_id)
    _progress(run.pk, READING, status=ReportRun.Status.RUNNING)
    try:
        # A big report makes tens of thousands of objects that live until its file is written: the cyclic
        # collector's frequent passes would free nothing (see pdf.fewer_collections).
        with fewer_collections():
            report = build_report(run.kind, run.programme_id, as_at=run.as_at, user=run.requested_by,
                                  version=selectors.data_version(), compare=run.compare,
                                  objective_id=run.objective_id)
        if report is None:
            _progress(run.pk, DONE, status=ReportRun.Status.FAILED, error=NOT_FOUND, finished_at=timezone.now())
            return ReportRun.objects.get(pk=run.pk)
        _progress(run.pk, WRITING)
        chosen = FORMATS[run.file_format]
        content = report_file(report, run.file_format)
        _progress(run.pk, DONE, status=ReportRun.Status.DONE, content=content,
                  file_name=file_name(report, chosen)[:255], finished_at=timezone.now())
    except Exception:
        # The person who asked sees a plain message; the traceback is for the log alone.
        log.exception("Report run %s stopped unexpectedly", run.pk)
        _progress(run.pk, DONE, status=ReportRun.Status.FAILED, error=UNEXPECTED, finished_at=timezone.now())
    return ReportRun.objects.defer("content").get(pk=run.pk)


# ---------------------------------------------------------------- reads for the run's pages


def report_run_for(user, pk: int) -> ReportRun:
    """The requester's own run, without its file. Anyone else's raises ReportRun.DoesNotExist."""
    return (ReportRun.objects.select_related("programme", "objective").defer("content")
            .get(pk=pk, requested_by=user))


def report_run_file(user, pk: int) -> ReportRun:
    """The requester's own finished run, with its file. Raises ReportRun.DoesNotExist otherwise."""
    return ReportRun.objects.select_related("programme").only(
        "file_format", "file_name", "content", "kind", "programme__name").get(
        pk=pk, requested_by=user, status=ReportRun.Status.DONE)


def report_runs_forget(*, now=None) -> int:
    """Delete the runs (and their files) older than REPORT_RUNS_KEPT_DAYS: a report is made to be
    downloaded, not kept; a snapshot is what keeps a committee's paper. Returns how many went."""
    cut = (now or timezone.now()) - timedelta(days=settings.REPORT_RUNS_KEPT_DAYS)
    deleted, _ = ReportRun.objects.filter(created_at__lt=cut).delete()
    return deleted
