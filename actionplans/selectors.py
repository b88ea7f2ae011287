"""Reads for the officers' pages: My actions, the action page and the measure page.

Each loads in a fixed number of queries however many actions, updates or periods
there are. Colours, staleness and roll-ups come from the rules engine
(programmes.rules) or from the figures the services store: never worked out here.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.admin.utils import NestedObjects
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from actionplans.measures import format_measure_value, period_kind, read_periods, target_text
from actionplans.permissions import owned_actions_q
from actionplans.rollup import (
    ACTION,
    ACTION_FIELDS,
    OBJECTIVE,
    PROGRAMME,
    action_facts,
    compute_tree,
    history_as_at,
    settings_for,
)
from programmes import rules
from programmes.audit import end_of_day, updates_after
from programmes.html import sanitise_rich_text
from programmes.models import Objective, Person, Programme, ReportingPeriod
from programmes.periods import current_period_start
from programmes.permissions import person_id_for

from .explanations import ExplainedFigure, explained
from .models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate

DUE_SOON_DAYS = 30

OVERDUE, DUE_SOON, NOT_UPDATED, REST = "overdue", "due-soon", "not-updated", "rest"
GROUPS = (
    (OVERDUE, "Overdue"),
    (DUE_SOON, f"Due in the next {DUE_SOON_DAYS} days"),
    (NOT_UPDATED, "Not updated this period"),
    (REST, "Everything else"),
)

SORTS = {
    "due": "Due date, soonest first",
    "reference": "Reference",
    "updated": "Last updated, oldest first",
    "percent": "Percent complete, lowest first",
}

# Settings the engine needs, read with each action so that My actions is one query.
_PROGRAMME_SETTING_FIELDS = (
    "percent_method", "rag_policy", "rag_green_threshold", "rag_red_threshold", "excluded_statuses",
    "stale_after_days", "manual_difference_points", "risk_amber_from", "risk_red_from",
)


# ---------------------------------------------------------------- My actions


@dataclass
class ActionRow:
    id: int
    reference: str
    title: str
    programme_id: int
    programme_name: str
    objective_reference: str
    objective_title: str
    due: date | None
    due_note: str
    status: str
    percent: float | None
    declared_rag: str
    computed_rag: str
    declared_greener: bool
    stale: bool
    excluded: bool
    last_updated_on: date | None
    reason: str = ""
    group: str = REST
    responsible_name: str = ""

    @property
    def status_label(self) -> str:
        return rules.Status(self.status).label

    @property
    def shown_percent(self) -> int | None:
        return rules.display_percent(self.percent)


@dataclass
class ActionGroup:
    key: str
    label: str
    rows: list


@dataclass
class MyActions:
    groups: list  # ActionGroup, in GROUPS order, every group even when empty
    total: int  # before filtering
    shown: int
    programmes: list  # (id, name) of the programmes the person has actions in
    measures: list  # Measure rows the person owns

    @property
    def counts(self) -> dict:
        return {group.key: len(group.rows) for group in self.groups}


def _group_for(row: ActionRow, as_at: date) -> str:
    open_ = not row.excluded and row.status != rules.Status.COMPLETED
    if open_ and row.due is not None and row.due < as_at:
        return OVERDUE
    if open_ and row.due is not None and row.due <= as_at + timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    if row.stale:
        return NOT_UPDATED
    return REST


def _sort_key(sort: str):
    far = date.max
    keys = {
        "reference": lambda r: (r.programme_name, r.reference),
        "updated": lambda r: (r.last_updated_on or date.min, r.reference),
        "percent": lambda r: (r.percent if r.percent is not None else -1, r.reference),
    }
    return keys.get(sort, lambda r: (r.due or far, r.reference))


def _row(a: dict, *, programme_name: str, objective_reference: str, objective_title: str,
         settings: rules.RollupSettings, programme_start: date | None, period_start: date | None,
         as_at: date) -> ActionRow:
    result = rules.action_result(
        action_facts(a, as_at, None), as_at=as_at, settings=settings,
        programme_start=programme_start, period_start=period_start,
    )
    row = ActionRow(
        id=a["id"], reference=a["reference"], title=a["title"], programme_id=a["programme_id"],
        programme_name=programme_name, objective_reference=objective_reference,
        objective_title=objective_title, due=a["revised_due_date"] or a["due_date"],
        due_note=a["due_note"], status=a["status"], percent=result.percent,
        declared_rag=a["declared_rag"], computed_rag=result.rag.value,
        declared_greener=result.declared_greener, stale=result.stale, excluded=result.excluded,
        last_updated_on=a["last_updated_on"], reason=result.reason, responsible_name=a.get("responsible__name") or "",
    )
    row.group = _group_for(row, as_at)
    return row


def action_rows(actions, *, as_at: date) -> list[ActionRow]:
    """The actions with the engine's view of each (colour, staleness, greener flag). Two queries."""
    programme_fields = tuple(f"programme__{name}" for name in _PROGRAMME_SETTING_FIELDS)
    rows = list(
        actions.order_by()
        .values(*ACTION_FIELDS, "due_note", "programme__name", "programme__start_date",
                "objective__reference", "objective__title", *programme_fields)
    )
    period_start = current_period_start(as_at) if rows else None
    settings_cache = {}
    out = []
    for a in rows:
        settings = settings_cache.get(a["programme_id"])
        if settings is None:
            settings = settings_for({name: a[f"programme__{name}"] for name in _PROGRAMME_SETTING_FIELDS})
            settings_cache[a["programme_id"]] = settings
        out.append(_row(
            a, programme_name=a["programme__name"], objective_reference=a["objective__reference"],
            objective_title=a["objective__title"], settings=settings,
            programme_start=a["programme__start_date"], period_start=period_start, as_at=as_at,
        ))
    return out


def owned_action_rows(person_id: int | None, *, as_at: date) -> list[ActionRow]:
    """Every action the person owns (responsible or lead) or is delegated. Two queries."""
    owned = Action.objects.filter(owned_actions_q(person_id)).values("pk")
    return action_rows(Action.objects.filter(pk__in=owned), as_at=as_at)


def action_row(action_id: int, *, as_at: date | None = None) -> ActionRow:
    """One action as the engine sees it today: the action page's summary. Two queries."""
    return action_rows(Action.objects.filter(pk=action_id), as_at=as_at or timezone.localdate())[0]


def my_actions(*, user, as_at: date | None = None, programme: int | None = None, rag: str = "",
               status: str = "", q: str = "", sort: str = "due") -> MyActions:
    """The officer's actions in the four groups, filtered and sorted. A fixed number of queries."""
    as_at = as_at or timezone.localdate()
    person_id = person_id_for(user)
    rows = owned_action_rows(person_id, as_at=as_at)
    programmes = sorted({(r.programme_id, r.programme_name) for r in rows}, key=lambda p: p[1])
    total = len(rows)
    words = q.strip().lower()
    if programme:
        rows = [r for r in rows if r.programme_id == programme]
    if rag:
        rows = [r for r in rows if rag in (r.computed_rag, r.declared_rag)]
    if status:
        rows = [r for r in rows if r.status == status]
    if words:
        rows = [r for r in rows if words in f"{r.reference} {r.title} {r.objective_title}".lower()]
    rows.sort(key=_sort_key(sort))
    by_group = defaultdict(list)
    for row in rows:
        by_group[row.group].append(row)
    measures = (
        list(Measure.objects.filter(owner_id=person_id).select_related("programme").order_by("reference"))
        if person_id is not None else []
    )
    return MyActions(
        groups=[ActionGroup(key, label, by_group[key]) for key, label in GROUPS],
        total=total, shown=len(rows), programmes=programmes, measures=measures,
    )


# ---------------------------------------------------------------- what a programme manager chases


@dataclass
class ChaseRow:
    row: ActionRow
    reasons: list  # why it needs chasing, in words, most urgent first


@dataclass
class ToChase:
    programmes: list  # (id, name) of the programmes the person manages
    rows: list  # ChaseRow, overdue first, then red, then not updated

    @property
    def counts(self) -> dict:
        return {reason: sum(reason in item.reasons for item in self.rows) for reason in CHASE_REASONS}


CHASE_REASONS = ("Overdue", "Red", "Not updated this period")


def _chase_reasons(row: ActionRow) -> list:
    reasons = []
    if row.group == OVERDUE:
        reasons.append("Overdue")
    if rules.Rag.RED in (row.computed_rag, row.declared_rag):
        reasons.append("Red")
    if row.stale:
        reasons.append("Not updated this period")
    return reasons


def to_chase(*, user, as_at: date | None = None) -> ToChase:
    """The actions of the programmes the user manages that need chasing: overdue, Red (calculated or
    declared) or not updated this period. Three queries, however many programmes or actions."""
    as_at = as_at or timezone.localdate()
    person_id = person_id_for(user)
    if person_id is None:
        return ToChase([], [])
    programmes = list(Programme.objects.filter(managers=person_id).order_by("name").values_list("pk", "name"))
    if not programmes:
        return ToChase([], [])
    rows = action_rows(Action.objects.filter(programme_id__in=[pk for pk, _ in programmes]), as_at=as_at)
    chased = [ChaseRow(row, reasons) for row in rows if (reasons := _chase_reasons(row))]
    order = {reason: i for i, reason in enumerate(CHASE_REASONS)}
    chased.sort(key=lambda item: (order[item.reasons[0]], item.row.due or date.max, item.row.programme_name,
                                  item.row.reference))
    return ToChase(programmes, chased)


# ---------------------------------------------------------------- the action page


@dataclass
class Figure:
    """A rolled-up percent and colour as shown on a page, with the id its element carries."""

    kind: str  # "programme" | "objective"
    id: int
    reference: str
    title: str
    percent: float | None
    rag: str
    counts: dict = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return f"rollup-{self.kind}-{self.id}"

    @property
    def shown_percent(self) -> int | None:
        return rules.display_percent(self.percent)

    @property
    def distribution(self) -> list:
        return [(rag.value, rag.label, self.counts.get(rag.value, 0)) for rag in rules.RAG_ORDER]


def _figure_from_result(kind: str, result, title: str) -> Figure:
    counts = {rag.value: n for rag, n in result.distribution.items()}
    return Figure(kind, result.key[1], result.ref, title, result.percent, result.rag.value, counts)


def _stored_thread(action: Action) -> tuple[dict, list]:
    """The programme (with its settings) and the objective path from the action's objective up. Two queries."""
    programme = Programme.objects.values(
        "id", "short_name", "name", "start_date", "rollup_percent", "rollup_rag", "rollup_counts",
        *_PROGRAMME_SETTING_FIELDS,
    ).get(pk=action.programme_id)
    objectives = {
        o["id"]: o
        for o in Objective.objects.filter(programme_id=action.programme_id).order_by().values(
            "id", "parent_id", "reference", "title", "rollup_percent", "rollup_rag", "rollup_counts")
    }
    path = []
    current = action.objective_id
    while current is not None and current in objectives and len(path) < len(objectives):
        path.append(objectives[current])
        current = objectives[current]["parent_id"]
    return programme, path


def _stored_figures(programme: dict, path: list) -> list[Figure]:
    figures = [Figure(PROGRAMME, programme["id"], programme["short_name"], programme["name"],
                      programme["rollup_percent"], programme["rollup_rag"], programme["rollup_counts"])]
    figures += [Figure(OBJECTIVE, o["id"], o["reference"], o["title"], o["rollup_percent"], o["rollup_rag"],
                       o["rollup_counts"]) for o in reversed(path)]
    return figures


def stored_figures(action: Action) -> list[Figure]:
    """The programme's and the objective path's stored figures, top down. Two queries.

    Right after a save they equal a fresh computation: the service refreshed them in
    the same transaction.
    """
    return _stored_figures(*_stored_thread(action))


@dataclass
class ActionState:
    """What an htmx response swaps after a write: the summary, the thread's figures, the history."""

    row: ActionRow
    figures: list

    @property
    def objective_figure(self) -> Figure:
        return self.figures[-1]


_INSTANCE_FIELDS = (
    "programme_id", "reference", "title", "status", "percent", "start_date", "due_date", "revised_due_date",
    "due_note", "is_milestone", "weight", "declared_rag", "last_updated_on", "created_at",
)


def action_state(action: Action, *, as_at: date | None = None) -> ActionState:
    """From an action just written and reloaded by a service. Three queries, no tree."""
    as_at = as_at or timezone.localdate()
    programme, path = _stored_thread(action)
    objective = path[0]
    a = {name: getattr(action, name) for name in _INSTANCE_FIELDS} | {"id": action.pk}
    row = _row(a, programme_name=programme["name"], objective_reference=objective["reference"],
               objective_title=objective["title"], settings=settings_for(programme),
               programme_start=programme["start_date"], period_start=current_period_start(as_at), as_at=as_at)
    return ActionState(row=row, figures=_stored_figures(programme, path))


HISTORY_LIMIT = 100


@dataclass
class HistoryEntry:
    update: ProgressUpdate
    changes: list  # (what, before, after)
    is_first: bool = False  # no update was recorded before it

    @property
    def who(self) -> str:
        author = self.update.author
        if author is not None:
            return author.get_full_name() or author.get_username()
        return self.update.author_name or "Unknown"


def _describe(field_name: str, value):
    if field_name == "effective_date":
        return rules.uk_date(value) if value else "None"
    if field_name == "commentary":
        return value or ""
    if field_name == "status":
        return rules.Status(value).label if value else "None"
    if field_name == "declared_rag":
        return rules.Rag(value).label if value else "None declared"
    if field_name == "percent":
        return "None" if value is None else f"{value}%"
    return value or "None"


_HISTORY_FIELDS = (
    ("percent", "Percent complete"),
    ("status", "Status"),
    ("declared_rag", "Declared RAG"),
    ("declared_rag_reason", "Reason for the declared RAG"),
)


def action_history(action_id: int, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Newest first; each entry says what changed from the update recorded before it. One query."""
    updates = list(
        ProgressUpdate.objects.filter(action_id=action_id).select_related("author")
        .order_by("-recorded_at", "-id")[: limit + 1]
    )
    entries = []
    for i, update in enumerate(updates[:limit]):
        before = updates[i + 1] if i + 1 < len(updates) else None
        changes = []
        for name, label in _HISTORY_FIELDS:
            old = getattr(before, name) if before else None
            new = getattr(update, name)
            if before is None and not new and name != "percent":
                continue
            if old != new:
                changes.append((label, _describe(name, old) if before else "", _describe(name, new)))
        entries.append(HistoryEntry(update, changes, is_first=before is None))
    return entries


def last_commentary(action_id: int) -> str:
    """The action's latest commentary (sanitised HTML, "" for none), the start of the next one: one query."""
    latest = (ProgressUpdate.objects.filter(action_id=action_id).exclude(commentary="")
              .order_by("-effective_date", "-recorded_at", "-id").values_list("commentary", flat=True).first())
    return latest or ""


@dataclass
class ActionPage:
    action: Action
    leads: list
    delegates: list
    contributes_to: list  # objectives (with programme) the action also delivers against
    figures: list  # Figure: the programme, then the objective path from the top down
    objective_explanation: ExplainedFigure | None
    history: list  # HistoryEntry
    as_at: date

    @property
    def objective_figure(self) -> Figure:
        return self.figures[-1]


def action_for_page(action_id: int) -> Action:
    """The action with what every part of its page reads. Four queries."""
    return (
        Action.objects.select_related("programme", "objective", "responsible")
        .prefetch_related(
            Prefetch("leads", queryset=Person.objects.order_by("name")),
            Prefetch("delegates", queryset=Person.objects.order_by("name")),
            Prefetch("contributes_to", queryset=Objective.objects.select_related("programme")),
        )
        .get(pk=action_id)
    )


def action_page(action: Action, *, as_at: date | None = None) -> ActionPage:
    """Everything the action page shows, the figures and explanation fresh from the engine."""
    as_at = as_at or timezone.localdate()
    tree = compute_tree(action.programme_id, as_at=as_at)
    results = tree.results_by_key()
    figures = []
    key = (ACTION, action.pk)
    while key in tree.info and tree.info[key].parent is not None:
        key = tree.info[key].parent
        figures.append(_figure_from_result(key[0], results[key], tree.info[key].title))
    figures.reverse()
    objective_result = results.get((OBJECTIVE, action.objective_id))
    return ActionPage(
        action=action,
        leads=list(action.leads.all()),
        delegates=list(action.delegates.all()),
        contributes_to=list(action.contributes_to.all()),
        figures=figures,
        objective_explanation=explained(objective_result),
        history=action_history(action.pk),
        as_at=as_at,
    )


@dataclass
class ConflictDetails:
    """Who saved since the page was loaded, and their values beside the officer's."""

    updates_since: list  # HistoryEntry of each update saved since, newest first
    comparison: list  # (what, theirs, yours, differs)
    version: int


def conflict_details(conflict, submitted: dict) -> ConflictDetails:
    current = conflict.action
    latest = conflict.updates_since[0] if conflict.updates_since else None
    theirs = {
        "percent": current.percent, "status": current.status, "declared_rag": current.declared_rag,
        "declared_rag_reason": current.declared_rag_reason,
        "effective_date": latest.effective_date if latest else current.last_updated_on,
        "commentary": latest.commentary if latest else "",
    }
    labels = _HISTORY_FIELDS + (("effective_date", "Date of the update"), ("commentary", "Commentary"))
    comparison = []
    for name, label in labels:
        mine = submitted.get(name)
        if name == "commentary":
            mine = sanitise_rich_text(mine or "")
        if name == "percent" and submitted.get("status") in (rules.Status.COMPLETED, rules.Status.NOT_STARTED):
            mine = 100 if submitted["status"] == rules.Status.COMPLETED else 0
        shown_theirs, shown_mine = _describe(name, theirs[name]), _describe(name, mine)
        comparison.append((name, label, shown_theirs, shown_mine, shown_theirs != shown_mine))
    return ConflictDetails([HistoryEntry(u, []) for u in conflict.updates_since], comparison, current.version)


def objective_explanation(objective: Objective, *, as_at: date | None = None) -> ExplainedFigure | None:
    tree = compute_tree(objective.programme_id, as_at=as_at)
    return explained(tree.results_by_key().get((OBJECTIVE, objective.pk)))


# ---------------------------------------------------------------- measures


DIRECTION_LABELS = {
    "better": "Better than the previous period",
    "same": "The same as the previous period",
    "worse": "Worse than the previous period",
}


def direction_label(direction) -> str:
    """A measure's direction of travel in words, on every page and report."""
    return DIRECTION_LABELS.get(getattr(direction, "value", direction), "No previous value to compare with")


@dataclass
class MeasurePeriodRow:
    period: ReportingPeriod
    target: MeasureTarget | None
    value: MeasureValue | None
    rag: str
    direction: str | None  # better / same / worse than the previous period
    unit: str = "number"
    polarity: str = rules.Polarity.HIGHER_IS_BETTER

    @property
    def direction_label(self) -> str:
        return direction_label(self.direction)

    @property
    def value_text(self) -> str:
        return format_measure_value(self.value.value, self.unit) if self.value else "No value"

    @property
    def target_text(self) -> str:
        return target_text(self.target, self.unit, self.polarity) or "No target"


@dataclass
class MeasurePage:
    measure: Measure
    rows: list  # MeasurePeriodRow, newest period first
    periods: list  # periods a value may be entered for, newest first

    @property
    def latest(self) -> MeasurePeriodRow | None:
        return next((row for row in self.rows if row.value is not None), None)


def _measure_periods(measure: Measure, as_at: date):
    return ReportingPeriod.objects.filter(kind=period_kind(measure), start__lte=as_at)


def measure_entry_periods(measure: Measure, *, as_at: date | None = None) -> list[ReportingPeriod]:
    """The open periods of the measure's frequency that have started, newest first. One query."""
    periods = _measure_periods(measure, as_at or timezone.localdate()).filter(is_closed=False)
    return list(periods.order_by("-start"))


def measure_page(measure: Measure, *, as_at: date | None = None) -> MeasurePage:
    """Periods of the measure's frequency up to today with targets, values, RAG and travel. Three queries."""
    as_at = as_at or timezone.localdate()
    periods = list(_measure_periods(measure, as_at).order_by("start"))
    targets = {t.period_id: t for t in MeasureTarget.objects.filter(measure=measure)}
    entries = {v.period_id: v for v in MeasureValue.objects.filter(measure=measure).select_related("entered_by")}
    readings = read_periods(measure, [(p.pk, p.start) for p in periods], targets=targets,
                            values={period_id: entry.value for period_id, entry in entries.items()})
    rows = [
        MeasurePeriodRow(period, reading.target, entries.get(period.pk), reading.rag.value,
                         reading.direction.value if reading.direction else None,
                         unit=measure.unit, polarity=measure.polarity)
        for period, reading in zip(periods, readings, strict=True)
    ]
    rows.reverse()
    return MeasurePage(measure=measure, rows=rows, periods=[row.period for row in rows if not row.period.is_closed])


def measure_children(measure: Measure) -> list:
    """The records whose changes belong in a measure's history: its targets and values (subqueries), those
    since deleted too."""
    return [(MeasureTarget, MeasureTarget.objects.filter(measure=measure), ("measure_id", measure.pk)),
            (MeasureValue, MeasureValue.objects.filter(measure=measure), ("measure_id", measure.pk))]


# ---------------------------------------------------------------- reports


def _programme_ids(programme_id):
    """One programme, several (a list), or every programme (None, as a subquery), for an `__in` filter."""
    if programme_id is None:
        return Programme.objects.values("pk")
    if isinstance(programme_id, list | tuple | set | frozenset):
        return list(programme_id)
    return [programme_id]


def latest_commentary(programme_id, *, as_at: date, action_ids=None) -> dict[int, str]:
    """Each action's latest commentary on or before the date (action id -> sanitised HTML), for one
    programme, several (a list) or every one (None): one query. `action_ids` narrows the read to those.

    An update without a commentary does not hide the one before it: the report shows the latest words."""
    where = ~Q(commentary="")
    if action_ids is not None:
        where &= Q(action_id__in=list(action_ids))
    latest = history_as_at(_programme_ids(programme_id), as_at, ("commentary",), where=where)
    return {action_id: row["commentary"] for action_id, row in latest.items()}


def owned_action_ids(user, programme_id: int | None) -> frozenset[int]:
    """The actions of the programme (None: of every programme) that the user owns (responsible or lead)
    or is delegated: one query."""
    owned = Action.objects.filter(owned_actions_q(user=user), programme_id__in=_programme_ids(programme_id))
    return frozenset(owned.values_list("pk", flat=True).distinct())


def programmes_with_owned_actions(user) -> list[tuple[int, str]]:
    """(id, name) of the programmes where the user owns or is delegated an action: one query."""
    owned = Action.objects.filter(owned_actions_q(user=user)).values("programme_id")
    return list(Programme.objects.filter(pk__in=owned).order_by("name").values_list("pk", "name"))


def updated_between(programme_id: int | None, *, after: date, until: date) -> frozenset[int]:
    """The programme's (None: every programme's) actions with a progress update dated after `after` and on
    or before `until`: one query."""
    updates = ProgressUpdate.objects.filter(action__programme_id__in=_programme_ids(programme_id), effective_date__gt=after,
                                            effective_date__lte=until)
    return frozenset(updates.values_list("action_id", flat=True).distinct())


def due_dates_moved(programme_id: int | None, *, after: date, until: date) -> dict[int, tuple[date | None, date | None]]:
    """Actions whose due date (the revised one, else the original) moved between the end of `after` and
    the end of `until`: action id -> (due then, due since). Today's dates with the audit trail's changes
    undone, as risks are. Two queries."""
    due_dates = {pk: {"due_date": due, "revised_due_date": revised} for pk, due, revised in
                 Action.objects.filter(programme_id__in=_programme_ids(programme_id))
                 .values_list("pk", "due_date", "revised_due_date")}
    at_until = {pk: dict(dates) for pk, dates in due_dates.items()}
    at_after = {pk: dict(dates) for pk, dates in due_dates.items()}
    end = end_of_day(until)
    for object_id, at, changes in updates_after(Action, due_dates, after):  # newest first: each undoes the later
        pk = int(object_id)
        for name in ("due_date", "revised_due_date"):
            if name in changes:
                old = _day(changes[name][0])
                at_after[pk][name] = old
                if at >= end:
                    at_until[pk][name] = old

    def due(dates):
        return dates["revised_due_date"] or dates["due_date"]

    return {pk: (due(at_after[pk]), due(at_until[pk])) for pk in due_dates if due(at_after[pk]) != due(at_until[pk])}


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


def programme_action_count(programme_id: int) -> int:
    """How many actions the programme has: one COUNT, to decide whether its report runs as a task."""
    return Action.objects.filter(programme_id=programme_id).count()


# ---------------------------------------------------------------- what officers are asked to update

# Nobody is asked to update these (rules.md, "Stale").
CLOSED_STATUSES = (rules.Status.COMPLETED, rules.Status.CANCELLED, rules.Status.DEFERRED)


@dataclass(frozen=True)
class ChaseItem:
    """An open action or a measure due a value, as an update round asks for it."""

    kind: str  # "action" or "measure"
    id: int
    ref: str
    title: str
    programme_id: int
    programme: str
    due: date | None  # an action's due date (the revised one when there is one)
    updated: bool  # updated since the round opened (an action), or has its value for the period (a measure)


def items_to_update(programme_ids, *, since, period: ReportingPeriod | None = None) -> dict[int, list[ChaseItem]]:
    """Person id -> what they are asked to update in these programmes (None: every programme): each open
    action they are responsible for, lead or are delegated, and, for a period, each measure they own that
    is due a value for it (its frequency matches the period's kind). Each says whether it is done: an action
    updated at or after `since` (a datetime), a measure with its value. Six queries whatever the size."""
    actions = Action.objects.exclude(status__in=CLOSED_STATUSES)
    if programme_ids is not None:
        actions = actions.filter(programme_id__in=list(programme_ids))
    rows = list(actions.order_by("programme__name", "reference").values(
        "pk", "reference", "title", "programme_id", "programme__name", "due_date", "revised_due_date",
        "responsible_id"))
    updated = set(ProgressUpdate.objects.filter(action_id__in=actions.values("pk"), recorded_at__gte=since)
                  .values_list("action_id", flat=True).distinct())
    owners = defaultdict(set)
    for row in rows:
        if row["responsible_id"]:
            owners[row["pk"]].add(row["responsible_id"])
    for through in (Action.leads.through, Action.delegates.through):
        for action_id, person_id in through.objects.filter(action_id__in=actions.values("pk")).values_list(
                "action_id", "person_id"):
            owners[action_id].add(person_id)
    found: dict[int, list[ChaseItem]] = defaultdict(list)
    for row in rows:
        item = ChaseItem("action", row["pk"], row["reference"], row["title"], row["programme_id"],
                         row["programme__name"], row["revised_due_date"] or row["due_date"], row["pk"] in updated)
        for person_id in sorted(owners[row["pk"]]):
            found[person_id].append(item)
    if period is not None:
        measures = Measure.objects.filter(owner__isnull=False)
        if programme_ids is not None:
            measures = measures.filter(programme_id__in=list(programme_ids))
        valued = set(MeasureValue.objects.filter(period=period, measure__in=measures)
                     .values_list("measure_id", flat=True))
        for measure in measures.select_related("programme").order_by("programme__name", "reference"):
            if period_kind(measure) != period.kind:
                continue
            found[measure.owner_id].append(ChaseItem(
                "measure", measure.pk, measure.reference, measure.title, measure.programme_id,
                measure.programme.name, period.end, measure.pk in valued))
    return dict(found)


# --- The set-up pages ------------------------------------------------------------------------


@dataclass
class SetupNode:
    """An objective on the set-up page, with its actions and the objectives under it."""

    id: int
    reference: str
    title: str
    kind: str
    owner: str
    depth: int
    actions: list = field(default_factory=list)  # dicts: id, reference, title, responsible, due, milestone
    children: list = field(default_factory=list)
    first: bool = False
    last: bool = False


def setup_tree(programme_id: int) -> list[SetupNode]:
    """A programme's objectives as a tree, in their order, each with its actions and owners:
    two queries whatever the size."""
    objectives = (Objective.objects.filter(programme_id=programme_id).order_by("order", "reference", "pk")
                  .values_list("id", "parent_id", "reference", "title", "kind", "owner__name"))
    actions = defaultdict(list)
    for a in (Action.objects.filter(programme_id=programme_id).order_by("order", "reference", "pk")
              .values("id", "objective_id", "reference", "title", "responsible__name", "due_date",
                      "revised_due_date", "is_milestone")):
        actions[a["objective_id"]].append({
            "id": a["id"], "reference": a["reference"], "title": a["title"],
            "responsible": a["responsible__name"] or "", "due": a["revised_due_date"] or a["due_date"],
            "milestone": a["is_milestone"],
        })
    by_parent = defaultdict(list)
    for pk, parent_id, reference, title, kind, owner in objectives:
        by_parent[parent_id].append((pk, reference, title, kind, owner))

    def level(parent_id, depth) -> list[SetupNode]:
        rows = by_parent.get(parent_id, [])
        nodes = []
        for i, (pk, reference, title, kind, owner) in enumerate(rows):
            node = SetupNode(pk, reference, title, kind, owner or "", depth, actions.get(pk, []),
                             first=i == 0, last=i == len(rows) - 1)
            node.children = level(pk, depth + 1)
            nodes.append(node)
        return nodes

    return level(None, 0)


def flat_setup_tree(nodes: list[SetupNode]) -> list[SetupNode]:
    """The tree in reading order, for lists that show depth by indentation."""
    out = []
    for node in nodes:
        out.append(node)
        out.extend(flat_setup_tree(node.children))
    return out


OPEN_STATUSES = (rules.Status.NOT_STARTED, rules.Status.IN_PROGRESS, rules.Status.ON_HOLD)


def open_actions_of(person_id: int, *, programme_ids=None) -> list[Action]:
    """The actions someone is responsible for, leads or is delegated that are still open (not
    Completed, Cancelled or Deferred), by programme and reference; optionally only in some
    programmes. One query."""
    actions = (Action.objects.filter(owned_actions_q(person_id), status__in=[s.value for s in OPEN_STATUSES])
               .select_related("programme", "objective", "responsible").distinct()
               .order_by("programme__name", "reference"))
    if programme_ids is not None:
        actions = actions.filter(programme_id__in=list(programme_ids))
    return list(actions)


def measures_for_setup(programme_id: int) -> list[Measure]:
    """A programme's measures with their owners and how many targets each has: one query."""
    return list(Measure.objects.filter(programme_id=programme_id).select_related("owner")
                .annotate(target_count=Count("targets")).order_by("reference"))


def target_periods(measure: Measure) -> list[ReportingPeriod]:
    """The reporting periods a measure's targets are set for (its frequency's kind), oldest first."""
    return list(ReportingPeriod.objects.filter(kind=period_kind(measure)).order_by("start"))


def measure_targets_by_period(measure: Measure) -> dict[int, MeasureTarget]:
    return {t.period_id: t for t in MeasureTarget.objects.filter(measure=measure)}


@dataclass(frozen=True)
class DeletionSummary:
    """Everything that goes when a record is deleted, as the confirmation page names it."""

    objectives: list  # "ASC0101 Improve the front door"
    actions: list
    others: list  # "12 progress updates"
    protected: list  # what stops the deletion, named


def deletion_summary(record) -> DeletionSummary:
    """What deleting an objective or action takes with it, found the way the deletion will go
    (Django's collector, as the admin's confirmation page does): objectives and actions by name,
    everything else counted. Links between records (many-to-many rows) are not things that go."""
    collector = NestedObjects(using="default")
    collector.collect([record])
    objectives, actions, others = [], [], []
    for model, instances in collector.model_objs.items():
        if model._meta.auto_created:
            continue
        if model is Objective:
            objectives = sorted(str(o) for o in instances if o.pk != record.pk or model is not type(record))
        elif model is Action:
            actions = sorted(str(a) for a in instances if a.pk != record.pk or model is not type(record))
        else:
            count = len(instances)
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            others.append(f"{count} {name}")
    return DeletionSummary(objectives=objectives, actions=actions, others=sorted(others),
                           protected=sorted(str(p) for p in collector.protected))
