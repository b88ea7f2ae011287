"""Writes that change a programme's figures: its settings, objectives, actions, progress updates
and measures. Each refreshes the stored figures in its own transaction. Browser, import, admin
and tasks all call these."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
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
from programmes.choices import Polarity, Rag, Status
from programmes.html import rich_text_as_plain, sanitise_rich_text, text_too_long
from programmes.models import Objective, Person, Programme, ReportingPeriod, objective_ancestor_ids
from programmes.periods import EARLIEST_DATE, last_closed_period
from programmes.services import save_with_audit

from .models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate, value_outside_unit

# --- The tree: programme settings and objectives ---------------------------------------------


def _check_reference_free(record, noun: str) -> None:
    """A reference is unique in its programme: say so beside the reference, before the database does."""
    taken = (type(record).objects.filter(programme_id=record.programme_id, reference=record.reference)
             .exclude(pk=record.pk).exists())
    if taken:
        raise ValidationError({"reference": f"Another {noun} in this programme already has this reference "
                                            f"({record.reference}). Choose another."})


def programme_save(programme: Programme, *, by=None, channel=Channel.BROWSER, m2m=None) -> Programme:
    """Create or update a programme; its settings may change every figure, refreshed in the same transaction."""
    green, red = programme.rag_green_threshold, programme.rag_red_threshold
    if green is not None and red is not None and red > green:
        raise ValidationError({"rag_red_threshold": f"Red below {red} is above Green from {green}: the Red "
                                                    "threshold must not be above the Green one."})
    if programme.short_name and Programme.objects.filter(short_name=programme.short_name).exclude(pk=programme.pk).exists():
        raise ValidationError({"short_name": f"Another programme already has this reference ({programme.short_name}). "
                                             "Choose another."})
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
        where = "is this objective" if objective.parent_id == objective.pk else f"sits under {objective.reference}"
        raise ValidationError({"parent": "An objective cannot sit under itself or its own children: "
                                         f"{objective.parent.reference} {where}. Choose another parent."})
    if objective.reference:
        _check_reference_free(objective, "objective")
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


def objective_reorder(*, objective: Objective, direction: str, by=None, channel=Channel.BROWSER) -> list[Objective]:
    """Move an objective one place up or down among its siblings (the objectives with the same
    parent). Siblings are renumbered 0, 1, 2... so the order is the same on every page and export;
    each one whose number changed is audited. Returns the siblings in their new order."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Choose up or down."})
    with transaction.atomic():
        lock_programmes([objective.programme_id])
        siblings = list(Objective.objects.select_for_update()
                        .filter(programme_id=objective.programme_id, parent_id=objective.parent_id)
                        .order_by("order", "reference", "pk"))
        at = next(i for i, sibling in enumerate(siblings) if sibling.pk == objective.pk)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(siblings):
            siblings[at], siblings[to] = siblings[to], siblings[at]
        for position, sibling in enumerate(siblings):
            if sibling.order != position:
                changes = {"order": [sibling.order, position]}
                sibling.order = position
                sibling.save(update_fields=["order"])
                audit_record(instance=sibling, action="updated", by=by, channel=channel, changes=changes)
        programme_refresh(programme_id=objective.programme_id, locked=True)
    return siblings


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
    if action.start_date and action.due_date and action.due_date < action.start_date:
        raise ValidationError({"due_date": f"The due date must be on or after the start date, "
                                          f"{rules.uk_date(action.start_date)}."})
    if action.reference and action.programme_id:
        _check_reference_free(action, "action")
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


def actions_reassign(*, actions, from_person: Person, to_person: Person | None, by=None,
                     channel=Channel.BROWSER) -> int:
    """Give someone's place on these actions (responsible officer, lead, delegate) to someone else,
    for example when they leave. Each action is audited and its version bumped, so a page loaded
    before cannot overwrite the change. Owners do not change any figure: nothing to refresh.
    Returns how many actions changed."""
    if to_person is None:
        raise ValidationError({"to_person": "Choose who takes the actions over."})
    if to_person.pk == from_person.pk:
        raise ValidationError({"to_person": f"Choose someone other than {from_person.name}."})
    if to_person.left_on is not None:
        raise ValidationError({"to_person": f"{to_person.name} has left. Choose someone who has not."})
    actions = list(actions)
    if not actions:
        raise ValidationError({"actions": "Choose at least one action to reassign."})
    changed = 0
    with transaction.atomic():
        lock_programmes(sorted({a.programme_id for a in actions}))
        for action in actions:
            changes = {}
            if action.responsible_id == from_person.pk:
                changes["responsible_id"] = [str(from_person.pk), str(to_person.pk)]
                Action.objects.filter(pk=action.pk).update(responsible=to_person)
            for name in ("leads", "delegates"):
                people = getattr(action, name)
                if people.filter(pk=from_person.pk).exists():
                    people.remove(from_person)
                    people.add(to_person)
                    changes[name] = [from_person.name, to_person.name]
            if changes:
                Action.objects.filter(pk=action.pk).update(version=F("version") + 1, updated_at=timezone.now())
                audit_record(instance=action, action="updated", by=by, channel=channel, changes=changes)
                changed += 1
    return changed


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


# --- Measures: their definition and targets -------------------------------------------------


def measure_save(measure: Measure, *, by=None, channel=Channel.BROWSER, m2m=None) -> Measure:
    """Create or change a measure (unit, polarity, frequency, tolerance, objectives). Measures do not
    roll up into the programme's percent, so nothing else is refreshed."""
    if measure.reference and measure.programme_id:
        _check_reference_free(measure, "measure")
    with transaction.atomic():
        return save_with_audit(measure, by=by, channel=channel, m2m=m2m)


def measure_create(*, programme, reference, title, by=None, channel=Channel.BROWSER, m2m=None, **fields) -> Measure:
    return measure_save(Measure(programme=programme, reference=reference, title=title, **fields),
                        by=by, channel=channel, m2m=m2m)


@dataclass(frozen=True)
class TargetEntry:
    """What was typed for one period: all blank means no target for it."""

    period: ReportingPeriod
    value: object = None
    band_low: object = None
    band_high: object = None
    text: str = ""

    @property
    def blank(self) -> bool:
        return self.value is None and self.band_low is None and self.band_high is None and not self.text.strip()


def measure_targets_set(*, measure: Measure, entries: list[TargetEntry], by=None,
                        channel=Channel.BROWSER) -> dict[str, int]:
    """Set a measure's target for each period given: create, change, or remove it (all blank).

    Within a band needs the bottom and top of the band, or a note such as "TBC"; the others a
    value or a note. Errors are keyed "<field>_<period id>", the form's own field names."""
    errors = {}
    for entry in entries:
        if entry.blank:
            continue
        key = entry.period.pk
        if measure.polarity == Polarity.WITHIN_BAND:
            if (entry.band_low is None) != (entry.band_high is None) or (entry.band_low is None and not entry.text):
                errors[f"band_low_{key}"] = (f"Enter the bottom and top of the band for {entry.period.name}, "
                                             "or a note such as TBC")
            elif entry.band_low is not None and entry.band_high < entry.band_low:
                errors[f"band_high_{key}"] = (f"The top of the band for {entry.period.name} must not be "
                                              "below its bottom")
        elif entry.value is None and not entry.text.strip():
            errors[f"value_{key}"] = f"Enter the target for {entry.period.name}, or a note such as TBC"
    if errors:
        raise ValidationError(errors)
    counts = {"created": 0, "changed": 0, "removed": 0}
    with transaction.atomic():
        existing = {t.period_id: t for t in MeasureTarget.objects.select_for_update().filter(
            measure=measure, period__in=[e.period for e in entries])}
        for entry in entries:
            target = existing.get(entry.period.pk)
            if entry.blank:
                if target is not None:
                    audit_record(instance=target, action="deleted", by=by, channel=channel)
                    target.delete()
                    counts["removed"] += 1
                continue
            before = field_values(target) if target else {}
            target = target or MeasureTarget(measure=measure, period=entry.period)
            target.value, target.band_low, target.band_high = entry.value, entry.band_low, entry.band_high
            target.text = entry.text.strip()
            after = field_values(target)
            if before and diff(before, after) == {}:
                continue
            target.full_clean(exclude=["measure", "period"])
            target.save()
            audit_record(instance=target, action="updated" if before else "created", by=by, channel=channel,
                         changes=diff(before, after) if before else {})
            counts["changed" if before else "created"] += 1
    return counts


def updates_rename_author(*, leaver) -> int:
    """A leaver's progress updates name them by their pseudonym (programmes.retention): those of their
    account, and those without one that carry their name as written. The updates are otherwise
    immutable; this is their author's name, not what was reported. Returns how many."""
    mine = Q(author_id=leaver.user_id) if leaver.user_id else Q(pk__in=[])
    named = Q(author__isnull=True, author_name__in=leaver.names) if leaver.names else Q(pk__in=[])
    return ProgressUpdate.objects.filter(mine | named).exclude(author_name=leaver.pseudonym).update(
        author_name=leaver.pseudonym)
