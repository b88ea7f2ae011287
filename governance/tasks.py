"""Celery finds an app's tasks in its tasks module: the import's task lives with the import; the update
rounds' tasks are here. Tasks take ids, are queued on commit and are idempotent (ADR 0007)."""

from celery import shared_task
from django.utils import timezone

from .imports.tasks import run_import  # noqa: F401
from .retention import retention_apply
from .rounds import services as rounds
from .rounds.models import UpdateRound


@shared_task(name="governance.rounds.send_round_messages")
def send_round_messages(round_id: int) -> dict:
    """A round's messages due today (its opening digests when it has just opened)."""
    round_ = UpdateRound.objects.filter(pk=round_id).first()
    if round_ is None:
        return {"round": round_id, "sent": 0}
    stage = rounds.stage_due(round_, timezone.localdate())
    if stage is None:
        return {"round": round_id, "sent": 0}
    result = rounds.send_stage(round_, stage)
    return {"round": round_id, "stage": stage, "sent": len(result.sent), "already": result.already}


@shared_task(name="governance.rounds.send_due")
def send_due_reminders() -> dict:
    """Daily (Celery beat): every open round's digests and reminders due today, each sent once."""
    results = rounds.send_due(timezone.localdate())
    return {"sent": sum(len(r.sent) for r in results), "already": sum(r.already for r in results)}


@shared_task(name="governance.retention.apply")
def apply_retention() -> dict:
    """Nightly (Celery beat): the retention schedule (ADR 0014). Idempotent: what is done is not redone."""
    return retention_apply(today=timezone.localdate()).as_dict()
