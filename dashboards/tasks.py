"""Celery finds an app's tasks in its tasks module: big reports are made here."""

from celery import shared_task

# The service queues this task and imports it inside its function: a top-level import there would
# be a cycle with this one.
from .reports.runs import report_run_execute


@shared_task(name="dashboards.reports.make_report")
def make_report(report_run_id: int) -> dict:
    """Build a report kept in a ReportRun as its requester, and keep the file it makes."""
    run = report_run_execute(report_run_id)
    return {"id": run.pk, "status": run.status}
