"""Writes that change a programme's figures: its settings, objectives, actions, progress updates
and measures. Each refreshes the stored figures in its own transaction. Browser, import, admin
and tasks all call these."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actionplans.rollup import (
    PROGRAMME_FIELDS,
    action_facts,
    lock_programmes,
    programme_refresh,
    settings_for,
)
from programmes import rules
from programmes.audit import Channel, audit_record, diff, field_values, plain
from programmes.choices import Rag, Status
from programmes.html import rich_text_as_plain, sanitise_rich_text, text_too_long
from programmes.models import Objective, Programme, objective_ancestor_ids
from programmes.periods import EARLIEST_DATE, last_closed_period
from programmes.services import save_with_audit

from .models import Action, Measure, MeasureValue, ProgressUpdate, value_outside_unit

# --- The tree: programme settings and objectives ---------------------------------------------


def programme_save(programme: Programme, *, by=None, channel=Channel.BROWSER, m2m=None) -> Programme:
    """Create or update a programme; its settings may change every figure, refreshed in the same transaction."""
    with transaction.atomic():
        save_with_audit(programme, by=by, channel=channel, m2m=m2m)
        programme_refresh(programme_id=programme.pk)
    return programme


def programme_update(*, programme, by=None, channel=Channel.BROWSER, **fields) -> Programme:
    for name, value in fields.items():
        setattr(programme, name, value)
    return programme_save(programme, by=by, channel=channel)


def objective_save(objective: Objective, *, by=None, channel=Channel.BROWSER, m2m=None) -> Objective:
    """Create or update an objective; refreshes its programme's figures (weights, tree shape)."""
    if objective.parent_id and objective.pk and objective.pk in objective_ancestor_ids(objective.parent_id):
        raise ValidationError({"parent": "An objective cannot sit under itself or its own children."})
    with transaction.atomic():
        save_with_audit(objective, by=by, channel=channel, m2m=m2m)
        programme_refresh(programme_id=objective.programme_id)
    return objective


def objective_create(*, programme, reference, title, parent=None, by=None, channel=Channel.BROWSER,
                     m2m=None, **fields) -> Objective:
    objective = Objective(programme=programme, parent=parent, reference=reference, title=title, **fields)
    return objective_save(objective, by=by, channel=channel, m2m=m2m)


def objective_move(*, objective: Objective, parent: Objective | None, order: int | None = None, by=None,
                   channel=Channel.BROWSER) -> Objective:
    """Put an objective under another parent of its programme (None: the top of the tree)."""
    if parent is not None and parent.programme_id != objective.programme_id:
        raise ValidationError({"parent": "Choose a parent in the same programme."})
    objective.parent = parent
    if order is not None:
        objective.order = order
    return objective_save(objective, by=by, channel=channel)


def _delete_and_refresh(record, *, by, channel) -> None:
    """Delete an objective or action, audited, and refresh its programme in the same transaction."""
    programme_id = record.programme_id
    with transaction.atomic():
        lock_programmes([programme_id])
        audit_record(instance=record, action="deleted", by=by, channel=channel)
        record.delete()
        programme_refresh(programme_id=programme_id, locked=True)


def objective_delete(*, objective: Objective, by=None, channel=Channel.BROWSER) -> None:
    """Delete an objective, and with it its actions and child objectives; refreshes the figures."""
    _delete_and_refresh(objective, by=by, channel=channel)


# --- Actions and progress -------------------------------------------------------------------

# What checking an update reads of its programme: the engine's settings and the commentary setting.
_PROGRAMME_RULE_FIELDS = (*PROGRAMME_FIELDS, "commentary_required")


class ActionConflict(Exception):
    """The action changed since the page was loaded: nothing was written."""

    def __init__(self, *, action: Action, expected_version: int, updates_since: list[ProgressUpdate]):
        self.action = action
        self.expected_version = expected_version
        self.updates_since = updates_since
        super().__init__(
            f"{action.reference} is at version {action.version}, the page was loaded at {expected_version}"
        )


def status_percent_conflict(*, percent: int | None, status: str) -> str:
    """A message when a typed percent is one the status would override ("" when they agree).

    Completed counts as 100 and Not started as 0: a different percent typed beside either is a
    question for the person (which is right?), never silently replaced. Every way in that records
    what a person typed asks this (the browser, the admin); the import reports it as an issue."""
    if percent is None:
        return ""
    if status == Status.COMPLETED and percent != 100:
        return (f"You chose Completed, which counts as 100%, but the percent complete is {percent}%. "
                "Change the percent to 100, or choose the status that is right.")
    if status == Status.NOT_STARTED and percent != 0:
        return (f"You chose Not started, which counts as 0%, but the percent complete is {percent}%. "
                "Change the percent to 0, or choose the status that is right.")
    return ""


def normalise_progress(*, percent: int | None, status: str, is_milestone: bool = False) -> int:
    """Completed forces 100, Not started forces 0; a milestone is done (100) or not (0)."""
    if status == Status.COMPLETED:
        return 100
    if status == Status.NOT_STARTED:
        return 0
    if percent is None:
        raise ValidationError({"percent": "Enter the percentage complete, a whole number from 0 to 100."})
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": "Percentage complete must be between 0 and 100."})
    if is_milestone:
        return 100 if percent == 100 else 0
    return percent


def update_becomes_current(effective_date: date, last_updated_on: date | None) -> bool:
    """Does an update of this date become the action's current state (percent, status, declared RAG)?

    Not when the action already has a later one: a back-dated update joins the history and
    leaves the current figures alone. One of the same day replaces the current state. The
    import's plan decides with this too.
    """
    return last_updated_on is None or effective_date >= last_updated_on


def _check_declared_rag(declared_rag: str, reason: str) -> None:
    if declared_rag and declared_rag not in Rag.values:
        raise ValidationError({"declared_rag": "Choose Blue, Green, Amber or Red, or leave it blank."})
    if declared_rag and not reason.strip():
        raise ValidationError({"declared_rag_reason": "Give a reason for the RAG status you declared."})
    if too_long := text_too_long(reason):
        raise ValidationError({"declared_rag_reason": f"The reason {too_long}."})


_BEHIND = frozenset({rules.Rag.RED, rules.Rag.AMBER})
_DATE_CONTEXT_FIELDS = ("start_date", "due_date", "revised_due_date", "is_milestone", "weight", "created_at",
                        "reference", "title", "last_updated_on")


def _update_date_error(effective_date: date, *, start: date | None, closed: dict | None) -> str:
    """Why an update cannot carry this date ("" when it can)."""
    if effective_date > timezone.localdate():
        return "The date of the update must be today or in the past."
    if effective_date < EARLIEST_DATE:
        return f"The date of the update must be the same as or after {rules.uk_date(EARLIEST_DATE)}."
    if start is not None and effective_date < start:
        return (f"The date of the update must be the same as or after the start of the action, "
                f"{rules.uk_date(start)}.")
    if closed is not None and effective_date <= closed["end"]:
        return (f"The date of the update must be after {rules.uk_date(closed['end'])}: {closed['name']} has "
                "been closed and its figures reported.")
    return ""


# Where a person types the update and can be asked for words and a date inside the action. An
# import, a command or a task carries what a spreadsheet or a history holds: a missing commentary
# or a 0% recorded before the start is not theirs to correct.
_TYPED_BY_A_PERSON = frozenset({Channel.BROWSER, Channel.ADMIN})


def commentary_needed_because(action: Action, programme: dict, *, percent: int, status: str, declared_rag: str,
                              effective_date: date) -> str:
    """Why the update needs a commentary under its programme's setting ("" when it does not): the
    action is, with this update, Red or Amber (calculated or declared), or overdue."""
    if not programme["commentary_required"]:
        return ""
    if declared_rag in _BEHIND:
        return f"you declared it {rules.Rag(declared_rag).label}"
    facts = action_facts(
        {name: getattr(action, name) for name in _DATE_CONTEXT_FIELDS}
        | {"id": action.pk, "status": status, "percent": percent, "declared_rag": declared_rag},
        effective_date, None,
    )
    result = rules.action_result(facts, as_at=effective_date, settings=settings_for(programme),
                                 programme_start=programme["start_date"], period_start=None)
    if result.excluded:
        return ""
    due = action.revised_due_date or action.due_date
    if due is not None and due < effective_date and status != Status.COMPLETED:
        return f"it is overdue (it was due {rules.uk_date(due)})"
    if result.rag in _BEHIND:
        return f"with this update it is {result.rag.label}"
    return ""


def progress_input_errors(*, percent, status, declared_rag: str, declared_rag_reason: str,
                          is_milestone: bool = False) -> dict:
    """What is wrong with an update's own values, needing nothing from the database: {field: message}.

    A form asks this first, so the person sees these together without a save being tried."""
    errors = {}
    if conflict := status_percent_conflict(percent=percent, status=status):
        errors["percent"] = conflict
    else:
        try:
            normalise_progress(percent=percent, status=status, is_milestone=is_milestone)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        _check_declared_rag(declared_rag, declared_rag_reason)
    except ValidationError as error:
        errors.update(error.message_dict)
    return errors


def _check_progress(*, action: Action, programme: dict, percent, status, effective_date, commentary,
                    declared_rag, declared_rag_reason, closed, channel) -> int:
    """The percent to record; or every problem with the update at once, keyed by field, so a form
    shows each beside its field (ValidationError)."""
    errors = progress_input_errors(percent=percent, status=status, declared_rag=declared_rag,
                                   declared_rag_reason=declared_rag_reason, is_milestone=action.is_milestone)
    shown = None if errors.keys() & {"percent", "status"} else normalise_progress(
        percent=percent, status=status, is_milestone=action.is_milestone)
    typed = channel in _TYPED_BY_A_PERSON
    start = action.start_date or programme["start_date"] if typed else None
    if date_error := _update_date_error(effective_date, start=start, closed=closed):
        errors["effective_date"] = date_error
    if too_long := text_too_long(commentary, rich=True):
        errors["commentary"] = f"The commentary {too_long}."
    elif typed and shown is not None and "effective_date" not in errors and not rich_text_as_plain(commentary).strip():
        if because := commentary_needed_because(action, programme, percent=shown, status=status,
                                                declared_rag=declared_rag, effective_date=effective_date):
            errors["commentary"] = f"Add a commentary: one is needed because {because}. Say what is being done."
    if errors:
        raise ValidationError(errors)
    return shown


def action_save(action: Action, *, by=None, channel=Channel.BROWSER, m2m=None) -> Action:
    """Create or update an action's details (not its progress: see action_record_progress).

    An action moved to another programme's objective refreshes both programmes.
    """
    if action.objective_id and not action.programme_id:
        action.programme_id = action.objective.programme_id
    creating = action.pk is None
    with transaction.atomic():
        lock_programmes([action.programme_id])
        programme_ids = [action.programme_id]
        before = {}
        if not creating:
            before = field_values(Action.objects.get(pk=action.pk))
            if before["programme_id"] != action.programme_id:
                lock_programmes([before["programme_id"]])
                programme_ids.append(before["programme_id"])
            action.version = F("version") + 1
        action.full_clean(exclude=["version"], validate_constraints=True)
        action.save()
        action.refresh_from_db(fields=["version"])
        for name, values in (m2m or {}).items():
            getattr(action, name).set(values)
        changes = diff(before, field_values(action))
        changes.pop("version", None)
        audit_record(instance=action, action="created" if creating else "updated", by=by, channel=channel,
                     changes={} if creating else changes)
        for programme_id in programme_ids:
            programme_refresh(programme_id=programme_id, locked=True)
    return action


def action_create(*, objective, reference, title, by=None, channel=Channel.BROWSER, m2m=None, **fields) -> Action:
    action = Action(objective=objective, programme_id=objective.programme_id, reference=reference, title=title,
                    **fields)
    return action_save(action, by=by, channel=channel, m2m=m2m)


def action_move(*, action: Action, objective: Objective, by=None, channel=Channel.BROWSER) -> Action:
    """Put an action under another objective, of this programme or another."""
    action.objective = objective
    action.programme_id = objective.programme_id
    return action_save(action, by=by, channel=channel)


def action_delete(*, action: Action, by=None, channel=Channel.BROWSER) -> None:
    """Delete an action with its history; refreshes its programme's figures in the same transaction."""
    _delete_and_refresh(action, by=by, channel=channel)


def action_record_progress(
    *,
    action: Action,
    by=None,
    percent: int | None,
    status: str,
    effective_date: date | None = None,
    commentary: str = "",
    declared_rag: str = "",
    declared_rag_reason: str = "",
    expected_version: int | None = None,
    author_name: str = "",
    channel: str = Channel.BROWSER,
    refresh: bool = True,
) -> ProgressUpdate:
    """Record an update and refresh the stored figures, in one transaction.

    `expected_version` is the version the officer's page was loaded at: if another save
    happened since, ActionConflict is raised and nothing is written.
    """
    if status not in Status.values:
        raise ValidationError({"status": "Choose a status."})
    typed_percent = percent
    effective_date = effective_date or timezone.localdate()
    commentary = sanitise_rich_text(commentary)

    # The programme's lock comes first (see lock_programmes): a caller may pass a bare Action.
    programme_id = action.programme_id or Action.objects.values_list("programme_id", flat=True).get(pk=action.pk)
    with transaction.atomic():
        lock_programmes([programme_id])
        current = Action.objects.select_for_update().get(pk=action.pk)
        if expected_version is not None and current.version != expected_version:
            # Each save bumps the version once, so the newest (difference) updates are what changed since.
            missed = max(1, min(current.version - expected_version, 5))
            since = list(
                ProgressUpdate.objects.filter(action=current).select_related("author").order_by("-recorded_at")[:missed]
            )
            raise ActionConflict(action=current, expected_version=expected_version, updates_since=since)
        programme = Programme.objects.values(*_PROGRAMME_RULE_FIELDS).get(pk=current.programme_id)
        percent = _check_progress(action=current, programme=programme, percent=typed_percent, status=status,
                                  effective_date=effective_date, commentary=commentary, declared_rag=declared_rag,
                                  declared_rag_reason=declared_rag_reason, closed=last_closed_period(),
                                  channel=channel)
        fields = {"version": F("version") + 1}
        # A back-dated update joins the history but does not replace a later one as the current state.
        if update_becomes_current(effective_date, current.last_updated_on):
            fields.update(
                percent=percent, status=status, declared_rag=declared_rag,
                declared_rag_reason=declared_rag_reason.strip(), last_updated_on=effective_date,
            )
        Action.objects.filter(pk=current.pk).update(**fields, updated_at=timezone.now())
        update = ProgressUpdate.objects.create(
            action=current,
            author=by if getattr(by, "is_authenticated", False) else None,
            author_name=author_name or (by.get_full_name() or by.get_username() if by else ""),
            effective_date=effective_date,
            percent=percent,
            status=status,
            declared_rag=declared_rag,
            declared_rag_reason=declared_rag_reason.strip(),
            commentary=commentary,
            channel=channel,
        )
        audit_record(
            instance=current, action="updated", by=by, channel=channel,
            changes={k: [plain(getattr(current, k)), plain(v)] for k, v in fields.items()
                     if k != "version" and getattr(current, k) != v},
        )
        if refresh:
            programme_refresh(programme_id=current.programme_id, locked=current.programme_id == programme_id)
    action.refresh_from_db()
    return update


@dataclass(frozen=True)
class MeasureEntry:
    value: MeasureValue
    created: bool


def measure_record_value(*, measure: Measure, period, value, note: str = "", by=None,
                         channel: str = Channel.BROWSER) -> MeasureEntry:
    errors = {}
    if out_of_bounds := value_outside_unit(value, measure.unit):
        errors["value"] = out_of_bounds
    if too_long := text_too_long(note, rich=True):
        errors["note"] = f"The note {too_long}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = MeasureValue.objects.select_for_update().filter(measure=measure, period=period).first()
        before = field_values(existing) if existing else {}
        entry = existing or MeasureValue(measure=measure, period=period)
        entry.value = value
        entry.note = sanitise_rich_text(note)
        entry.entered_by = by if getattr(by, "is_authenticated", False) else None
        entry.full_clean(exclude=["measure", "period"])
        entry.save()
        audit_record(instance=entry, action="updated" if existing else "created", by=by, channel=channel,
                     changes=diff(before, field_values(entry)) if existing else {})
    return MeasureEntry(value=entry, created=existing is None)
