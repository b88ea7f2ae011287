"""Reads of programmes' own records that span relations."""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import capfirst

from . import rules
from .audit import end_of_day
from .models import AuditEntry, Objective, Person, Programme
from .roles import ADMIN, PROGRAMME_MANAGER, has_role


def programme_org_units(programme_id: int) -> tuple[tuple, dict]:
    """The org units linked to the programme's objectives, sorted by name, and which objectives each
    is linked to: one query."""
    rows = Objective.org_units.through.objects.filter(objective__programme_id=programme_id).values_list(
        "orgunit_id", "orgunit__name", "objective_id"
    )
    labels, linked = {}, defaultdict(set)
    for unit_id, name, objective_id in rows:
        labels[unit_id] = name
        linked[unit_id].add(objective_id)
    return tuple(sorted(labels.items(), key=lambda item: item[1])), dict(linked)


def programme_choices() -> list[tuple[int, str]]:
    """(id, name) of every programme, by name: one query."""
    return list(Programme.objects.order_by("name").values_list("pk", "name"))


def objective_label(objective_id) -> str:
    """"ASC2401 Deliver the strategy", or "" for no such objective: one query when given an id."""
    try:
        objective_id = int(objective_id)
    except (TypeError, ValueError):
        return ""
    found = Objective.objects.filter(pk=objective_id).values_list("reference", "title").first()
    return f"{found[0]} {found[1]}" if found else ""


def programmes_set_up_by(user):
    """The programmes this person may set up, by name: every one for an admin, a programme
    manager's own. A queryset, so a page can count or slice it."""
    programmes = Programme.objects.order_by("name")
    if has_role(user, ADMIN):
        return programmes
    if has_role(user, PROGRAMME_MANAGER):
        return programmes.filter(managers__user=user).distinct()
    return programmes.none()


def people_for_list():
    """Everyone, by name, with their account: one query (paginate it)."""
    return Person.objects.select_related("user").order_by("name", "pk")


def people_to_choose(*, keep=()):
    """The people a form offers (owners, leads, managers): those who have not left, and anyone
    already chosen (`keep`, ids) even if they have."""
    return Person.objects.filter(Q(left_on__isnull=True) | Q(pk__in=[pk for pk in keep if pk])).order_by("name")


# ---------------------------------------------------------------- the audit trail, in words
#
# One read of the trail for every page that shows it: each record's history panel (actions,
# objectives, measures, risks) and the admins' audit page and its CSV. Entries name their record by
# model label and id, so the words come from the app registry (field verbose names, choices), never
# from an import of the app that owns the record.

HISTORY_SHOWN = 10
HISTORY_MOST = 500  # "Show all" stops here; the audit page has the rest
# The related fields' columns that name a record, in order of preference (at most two are joined).
NAME_COLUMNS = ("reference", "name", "title", "label", "username")
NOBODY = {AuditEntry.Channel.BROWSER: "Not signed in"}


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    id: int
    at: datetime
    when: str
    who: str
    username: str
    channel: str
    action: str
    record_type: str
    object_id: str
    record: str
    changes: tuple[HistoryChange, ...]
    details: tuple[tuple[str, str], ...]
    request_id: str
    is_child: bool


@dataclass(frozen=True)
class History:
    rows: list[HistoryRow]
    more: bool  # there are older entries than those shown
    show_all: bool  # asked for all (up to HISTORY_MOST)


def _label(model_or_label) -> str:
    return model_or_label if isinstance(model_or_label, str) else model_or_label._meta.label_lower


def history_entries(instance_or_label, object_id=None, *, children=()):
    """The trail of one record and, where it matters, its children (`children`: (model or label,
    ids or a queryset of them) pairs, e.g. a measure's values), newest first, with who: a queryset.

    A child given as (model, ids, (its parent's field, the parent's id)) brings the deleted ones too:
    a deletion's entry keeps the field that named the parent (audit.audit_record)."""
    if isinstance(instance_or_label, str):
        records = [(instance_or_label, [object_id])]
    else:
        records = [(_label(instance_or_label), [instance_or_label.pk])]
    records += [(_label(child[0]), child[1]) for child in children]
    matches = Q(pk__in=[])
    for label, ids in records:
        if isinstance(ids, models.QuerySet):  # a subquery of the children, not a query of its own
            matches |= Q(model=label, object_id__in=ids.annotate(_id=Cast("pk", models.CharField())).values("_id"))
        elif ids:
            matches |= Q(model=label, object_id__in=[str(pk) for pk in ids])
    for model, _, (field, parent_id) in (child for child in children if len(child) == 3):
        deleted = AuditEntry.objects.filter(model=_label(model), action="deleted",
                                            **{f"changes__{field}__0": parent_id}).values("object_id")
        matches |= Q(model=_label(model), object_id__in=deleted)
    return AuditEntry.objects.filter(matches).select_related("user").order_by("-at", "-id")


def history(instance_or_label, object_id=None, *, children=(), show_all: bool = False) -> History:
    """The newest entries of a record's history (HISTORY_SHOWN, or HISTORY_MOST for all), worded
    (history_rows), and whether there are older ones: one query, and one per kind of record its
    changes point at."""
    entries = history_entries(instance_or_label, object_id, children=children)
    main = instance_or_label if isinstance(instance_or_label, str) else _label(instance_or_label)
    limit = HISTORY_MOST if show_all else HISTORY_SHOWN
    shown = list(entries[:limit + 1])  # one more, to know whether there are more
    return History(rows=history_rows(shown[:limit], main=main), more=len(shown) > limit, show_all=show_all)


def change_history(request, instance_or_label, object_id=None, *, children=()) -> History:
    """A record's history panel as its page shows it: the newest entries, or all with ?history=all.
    The page's view has already checked that this person may see the record."""
    return history(instance_or_label, object_id, children=children, show_all=request.GET.get("history") == "all")


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@cache
def _fields(label: str) -> dict:
    """A model's fields by name and by attname (owner and owner_id), many-to-many included."""
    model = _model(label)
    if model is None:
        return {}
    found = {}
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations
        found[field.name] = field
        found[getattr(field, "attname", field.name)] = field
    return found


@cache
def record_type_name(label: str) -> str:
    """"Measure value" for actionplans.measurevalue: the model's verbose name, or the label."""
    model = _model(label)
    return capfirst(str(model._meta.verbose_name)) if model is not None else label


def record_types() -> list[tuple[str, str]]:
    """(label, name) of every kind of record the trail can name, by name: the audit page's filter."""
    labels = {m._meta.label_lower for m in apps.get_models()
              if m._meta.app_label in ("programmes", "actionplans", "governance", "dashboards", "auth")}
    return sorted(((label, record_type_name(label)) for label in labels), key=lambda item: item[1])


def _field_name(field, key: str) -> str:
    if field is not None and hasattr(field, "verbose_name"):
        return capfirst(str(field.verbose_name))
    return capfirst(key.replace("_", " "))


def _related(field):
    return field.related_model if field is not None and getattr(field, "is_relation", False) else None


def _ids(value) -> list:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


def _record_names(entries) -> dict:
    """{(related label, id as text): name} for every record the entries' changes point at: one query
    per kind of record."""
    wanted: dict = defaultdict(set)
    for entry in entries:
        fields = _fields(entry.model)
        for key, change in (entry.changes or {}).items():
            related = _related(fields.get(key))
            if related is not None and isinstance(change, list) and len(change) == 2:
                for value in change:
                    wanted[related].update(str(pk) for pk in _ids(value))
    names = {}
    for related, ids in wanted.items():
        columns = [c for c in NAME_COLUMNS if c in _fields(related._meta.label_lower)][:2]
        if not columns:
            continue
        for pk, *parts in related._default_manager.filter(pk__in=ids).values_list("pk", *columns):
            names[(related._meta.label_lower, str(pk))] = " ".join(str(p) for p in parts if p)
    return names


def _when(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{rules.uk_date(local.date())}, {local:%H:%M}"


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def _value_words(field, value, names: dict) -> str:
    """One old or new value as people read it: choices by their label, records by name, UK dates."""
    if value is None or value == "" or value == []:
        return "none"
    related = _related(field)
    if related is not None:
        label = related._meta.label_lower
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get((label, str(v)), str(v)) for v in values) or "none"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return _when(datetime.fromisoformat(value))
        except ValueError:
            pass
    elif isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return rules.uk_date(date.fromisoformat(value))
        except ValueError:
            pass
    return _text(value)


def history_rows(entries, *, main: str = "") -> list[HistoryRow]:
    """Entries in words: when (UK date and time), who, the door, and each field old -> new by its
    verbose name. `main` is the label of the record whose history this is; others are its children."""
    names = _record_names(entries)
    rows = []
    for entry in entries:
        fields = _fields(entry.model)
        changes, details = [], []
        for key, value in (entry.changes or {}).items():
            field = fields.get(key)
            if getattr(field, "auto_now", False):
                continue  # "updated at" changes with every save: the entry's own time says it
            if isinstance(value, list) and len(value) == 2 and entry.action != "downloaded":
                changes.append(HistoryChange(_field_name(field, key), _value_words(field, value[0], names),
                                             _value_words(field, value[1], names)))
            else:
                details.append((_field_name(field, key), _value_words(field, value, names)))
        user = entry.user
        who = (user.get_full_name() or user.get_username()) if user else NOBODY.get(entry.channel, "The system")
        rows.append(HistoryRow(
            id=entry.pk, at=entry.at, when=_when(entry.at), who=who, username=user.get_username() if user else "",
            channel=AuditEntry.Channel(entry.channel).label if entry.channel in AuditEntry.Channel.values
            else entry.channel,
            action=entry.action, record_type=record_type_name(entry.model) if entry.model else "",
            object_id=entry.object_id, record=entry.object_repr, changes=tuple(changes), details=tuple(details),
            request_id=entry.request_id, is_child=bool(main) and entry.model != main,
        ))
    return rows


def audit_entries(*, date_from=None, date_to=None, user=None, channel="", action="", model="", text="",
                  request_id=""):
    """The audit page's entries, filtered, newest first, with who: a queryset (paginate or iterate it).
    Dates are the council's days, inclusive."""
    entries = AuditEntry.objects.select_related("user").order_by("-at", "-id")
    if date_from:
        entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        entries = entries.filter(at__lt=end_of_day(date_to))
    if user is not None:
        entries = entries.filter(user=user)
    if channel:
        entries = entries.filter(channel=channel)
    if action:
        entries = entries.filter(action=action)
    if model:
        entries = entries.filter(model=model)
    if text := text.strip():
        entries = entries.filter(Q(object_id=text) | Q(object_repr__icontains=text))
    if request_id := request_id.strip():
        entries = entries.filter(request_id=request_id)
    return entries
