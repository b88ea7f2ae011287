"""Celery finds an app's tasks in its tasks module: big reports are made here, and snapshots taken."""

from celery import shared_task
from django.utils import timezone

# The service queues this task and imports it inside its function: a top-level import there would
# be a cycle with this one.
from . import snapshots
from .reports.runs import report_run_execute, report_runs_forget


@shared_task(name="dashboards.reports.make_report")
def make_report(report_run_id: int) -> dict:
    """Build a report kept in a ReportRun as its requester, and keep the file it makes."""
    run = report_run_execute(report_run_id)
    return {"id": run.pk, "status": run.status}


@shared_task(name="dashboards.take_due_snapshots")
def take_due_snapshots() -> dict:
    """Daily: freeze every meeting whose cut-off has passed and every closed period not yet frozen.
    Idempotent: what is already frozen is left alone, so a re-run takes nothing."""
    taken = snapshots.take_due_snapshots(timezone.localdate())
    return {"taken": [snapshot.pk for snapshot in taken]}


@shared_task(name="dashboards.forget_old_report_runs")
def forget_old_report_runs() -> dict:
    """Nightly: files made in the background are deleted after REPORT_RUNS_KEPT_DAYS."""
    return {"deleted": report_runs_forget()}
