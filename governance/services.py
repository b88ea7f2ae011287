"""Writes of governance's records: boards, their members and meetings, risks and their reviews,
and the assurance matrix. Every door (browser, admin, import, task) calls these, so validation
and the audit trail cannot be skipped."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from programmes.audit import Channel, audit_record
from programmes.services import record_delete, save_with_audit

from .models import Assurance, Board, BoardMembership, Meeting, Risk, RiskReview

# ---------------------------------------------------------------- boards


def reporting_loop(board_id: int | None, reports_to_id: int | None, parents: dict[int, int | None]) -> list[int]:
    """The boards a loop would pass through if `board_id` reported to `reports_to_id`, given every
    board's parent; empty when there would be no loop. Pure: no database."""
    if reports_to_id is None:
        return []
    path, seen, current = [], set(), reports_to_id
    while current is not None and current not in seen:
        if current == board_id:
            return path + [current]
        seen.add(current)
        path.append(current)
        current = parents.get(current)
    return []


def board_save(board: Board, *, by, channel=Channel.BROWSER, programmes=None, objectives=None) -> Board:
    """Create or change a board. A board may not report to itself, directly or through others:
    the governance structure is a tree."""
    with transaction.atomic():
        rows = Board.objects.select_for_update().values_list("id", "reports_to_id", "short_name")
        parents = {pk: parent for pk, parent, _ in rows}
        names = {pk: short for pk, _, short in rows}
        loop = reporting_loop(board.pk, board.reports_to_id, parents)
        if loop == [board.pk]:
            raise ValidationError({"reports_to": "A board cannot report to itself. Choose another board."})
        if loop:
            above, middle = names[board.reports_to_id], [names[pk] for pk in loop[1:-1]]
            through = f" through {', '.join(middle)}" if middle else ""
            raise ValidationError({"reports_to": (
                f"{board.short_name} cannot report to {above}, because {above} already reports to "
                f"{board.short_name}{through}. Choose a board that is not below this one."
            )})
        m2m = {}
        if programmes is not None:
            m2m["programmes"] = programmes
        if objectives is not None:
            m2m["objectives"] = objectives
        return save_with_audit(board, by=by, channel=channel, m2m=m2m or None)


def membership_save(membership: BoardMembership, *, by, channel=Channel.BROWSER) -> BoardMembership:
    with transaction.atomic():
        return save_with_audit(membership, by=by, channel=channel)


def membership_remove(membership: BoardMembership, *, by, channel=Channel.BROWSER) -> None:
    record_delete(membership, by=by, channel=channel)


def meeting_save(meeting: Meeting, *, by, channel=Channel.BROWSER) -> Meeting:
    with transaction.atomic():
        return save_with_audit(meeting, by=by, channel=channel)


# ---------------------------------------------------------------- risks

# What a review records, and so what the risk itself holds as its latest review.
REVIEWED_FIELDS = (
    "owner_id", "inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact",
    "target_likelihood", "target_impact", "review_date", "status",
)


def _review_of(risk: Risk, *, reviewed_on: date, note: str = "", by=None) -> RiskReview:
    user = by if getattr(by, "is_authenticated", False) else None
    return RiskReview(risk=risk, reviewed_on=reviewed_on, note=note, recorded_by=user,
                      **{name: getattr(risk, name) for name in REVIEWED_FIELDS})


def risk_save(risk: Risk, *, by, channel=Channel.BROWSER, m2m: dict | None = None,
              reviewed_on: date | None = None) -> Risk:
    """Create or change a risk's details. A new risk, or a change to what a review records (scores,
    owner, review date, status), is kept as a review dated today too, so its history stays whole."""
    with transaction.atomic():
        creating = risk.pk is None
        before = None if creating else Risk.objects.filter(pk=risk.pk).values(*REVIEWED_FIELDS).first()
        save_with_audit(risk, by=by, channel=channel, m2m=m2m)
        if creating or any(before[name] != getattr(risk, name) for name in REVIEWED_FIELDS):
            review = _review_of(risk, reviewed_on=reviewed_on or timezone.localdate(), by=by,
                                note="Recorded with the risk." if creating else "Changed with the risk's details.")
            review.full_clean()
            review.save()
        return risk


def risk_record_review(*, risk: Risk, by, channel=Channel.BROWSER, reviewed_on: date | None = None,
                       note: str = "", **figures) -> RiskReview:
    """Record a review of a risk: its scores, owner, next review date and status on a date, with a
    note. The review is kept as it is; the risk shows its latest review (by date) as its own."""
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "The date of the review must be today or in the past."})
    unknown = set(figures) - {name.removesuffix("_id") for name in REVIEWED_FIELDS}
    if unknown:
        raise TypeError(f"A review does not record {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        review = _review_of(risk, reviewed_on=reviewed_on, note=note, by=by)
        for name, value in figures.items():
            setattr(review, name, value)
        review.full_clean()
        review.save()
        audit_record(instance=review, action="created", by=by, channel=channel)
        latest = risk.reviews.order_by("-reviewed_on", "-id").values_list("id", flat=True).first()
        if latest == review.pk:
            for name in REVIEWED_FIELDS:
                setattr(risk, name, getattr(review, name))
            save_with_audit(risk, by=by, channel=channel)
        return review


# ---------------------------------------------------------------- assurance matrix


def assurance_matrix_save(*, objectives, sources, cells: dict, by, channel=Channel.BROWSER) -> int:
    """Set the assurance matrix of these objectives and sources: `cells` maps (objective id, source
    id) to a note ("" for a tick without one); a cell left out has no assurance. Returns how many
    cells changed."""
    objective_ids = [o.pk for o in objectives]
    source_ids = [s.pk for s in sources]
    changed = 0
    with transaction.atomic():
        existing = {(a.objective_id, a.source_id): a for a in Assurance.objects.select_for_update()
                    .filter(objective_id__in=objective_ids, source_id__in=source_ids)
                    .select_related("objective", "source")}
        for key, assurance in existing.items():
            if key not in cells:
                record_delete(assurance, by=by, channel=channel)
                changed += 1
        for (objective_id, source_id), note in cells.items():
            if objective_id not in objective_ids or source_id not in source_ids:
                raise ValidationError("A cell of the matrix is for an objective or source not shown.")
            assurance = existing.get((objective_id, source_id))
            if assurance is None:
                save_with_audit(Assurance(objective_id=objective_id, source_id=source_id, note=note),
                                by=by, channel=channel)
                changed += 1
            elif assurance.note != note:
                assurance.note = note
                save_with_audit(assurance, by=by, channel=channel)
                changed += 1
    return changed
