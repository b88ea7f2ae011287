"""The import as a Celery task: big files run here, with progress the browser polls."""

from celery import shared_task

# The service queues this task and imports it inside its functions: a top-level import there would
# be a cycle with this one.
from .service import import_run_execute


@shared_task(name="governance.imports.run_import")
def run_import(import_run_id: int, commit: bool = False) -> dict:
    """Preview (commit=False) or commit an uploaded file kept in an ImportRun."""
    run = import_run_execute(import_run_id, commit=commit)
    return {"id": run.pk, "status": run.status, "ok": run.summary.get("ok", False)}
