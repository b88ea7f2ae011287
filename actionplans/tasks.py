import logging

from celery import shared_task

from .rollup import refresh_programmes

log = logging.getLogger(__name__)


@shared_task(name="actionplans.tasks.recompute_all_programmes")
def recompute_all_programmes() -> dict:
    """Nightly: RAG moves with the calendar, so every programme is recomputed for today."""
    report = refresh_programmes()
    if report.drift:
        log.warning(
            "Nightly recompute corrected %s stored figures (%s programmes, %s objectives, %s actions): %s",
            report.drift, report.programmes_changed, report.objectives_changed, report.actions_changed,
            ", ".join(report.changed_refs[:50]),
        )
    else:
        log.info("Nightly recompute: %s programmes, no drift", report.programmes)
    return {"programmes": report.programmes, "drift": report.drift}
