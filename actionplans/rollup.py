"""Selectors that feed the rules engine, and the set-based refresh of the stored figures.

A programme's tree loads in a fixed number of queries (programmes, objectives, actions,
reporting period and, for a past date, the progress history), whatever its size. The
engine (programmes.rules) computes; this module only loads and stores.

The refresh after every save has its own lean loader (facts and stored figures only, as tuples,
no joins to people): it runs inside the save's transaction, so it must be quick. It builds the
engine's tree with the same functions as `load_trees`, and tests/programmes/test_rollup_lean.py
checks both give the same facts and results.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from programmes import rules
from programmes.models import Objective, Programme
from programmes.periods import current_period_start

from .models import Action, ProgressUpdate

log = logging.getLogger(__name__)

PROGRAMME, OBJECTIVE, ACTION = "programme", "objective", "action"


@dataclass
class NodeInfo:
    """What a page or export shows beside the figures: the engine does not need it."""

    kind: str
    id: int
    ref: str
    title: str
    parent: tuple | None = None
    status: str | None = None
    due: date | None = None
    owner_ids: list = field(default_factory=list)
    owners: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass
class ProgrammeTree:
    programme_id: int
    as_at: date
    facts: rules.ProgrammeFacts
    info: dict  # key -> NodeInfo
    result: rules.NodeResult | None = None

    def results_by_key(self) -> dict:
        return {r.key: r for r in rules.iter_results(self.result)}


def settings_for(p: dict) -> rules.RollupSettings:
    return rules.RollupSettings(
        percent_method=rules.PercentMethod(p["percent_method"]),
        rag_policy=rules.RagPolicy(p["rag_policy"]),
        green_threshold=float(p["rag_green_threshold"]),
        red_threshold=float(p["rag_red_threshold"]),
        excluded_statuses=frozenset(rules.Status(s) for s in p["excluded_statuses"] or ()),
        stale_days=p["stale_after_days"],
        manual_difference_points=float(p["manual_difference_points"]),
        risk_amber_from=p["risk_amber_from"],
        risk_red_from=p["risk_red_from"],
    )


PROGRAMME_FIELDS = (
    "id", "name", "short_name", "status", "start_date", "end_date", "percent_method", "rag_policy",
    "rag_green_threshold", "rag_red_threshold", "excluded_statuses", "stale_after_days",
    "manual_difference_points", "risk_amber_from", "risk_red_from", "rollup_percent", "rollup_rag",
    "rollup_counts", "owner__name",
)
OBJECTIVE_FIELDS = (
    "id", "programme_id", "parent_id", "reference", "title", "kind", "weight", "manual_percent", "order",
    "due_date", "owner_id", "owner__name", "rollup_percent", "rollup_calculated_percent", "rollup_rag",
    "rollup_counts",
)
ACTION_FIELDS = (
    "id", "programme_id", "objective_id", "reference", "title", "status", "percent", "start_date",
    "due_date", "revised_due_date", "is_milestone", "weight", "declared_rag", "last_updated_on",
    "created_at", "order", "responsible_id", "responsible__name", "computed_rag", "version",
)

TREE_ACTION_FIELDS = (*(name for name in ACTION_FIELDS if name != "created_at"), "created_on")

HISTORY_FIELDS = ("percent", "status", "declared_rag", "effective_date")


def history_as_at(programme_ids, as_at: date, fields: tuple = HISTORY_FIELDS, *, where: Q | None = None) -> dict:
    """Each action's latest progress update on or before the date (action id -> its fields): one query.

    `where` narrows the updates first, e.g. to those with a commentary."""
    updates = ProgressUpdate.objects.filter(action__programme_id__in=programme_ids, effective_date__lte=as_at)
    if where is not None:
        updates = updates.filter(where)
    fields = ("action_id", *fields)
    if connection.vendor == "postgresql":
        rows = updates.order_by("action_id", "-effective_date", "-recorded_at", "-id").distinct("action_id")
        return {r["action_id"]: r for r in rows.values(*fields)}
    latest = {}
    for r in updates.order_by("action_id", "effective_date", "recorded_at", "id").values(*fields):
        latest[r["action_id"]] = r
    return latest


def load_trees(programme_ids=None, *, as_at: date | None = None, with_people: bool = False) -> list[ProgrammeTree]:
    """Load programmes' trees as engine facts. Queries: 4 (+1 for a past date, +3 with people)."""
    today = timezone.localdate()
    as_at = as_at or today
    programmes = Programme.objects.order_by("name")
    if programme_ids is not None:
        programmes = programmes.filter(pk__in=list(programme_ids))
    programme_rows = list(programmes.values(*PROGRAMME_FIELDS))
    ids = [p["id"] for p in programme_rows]
    if not ids:
        return []
    objective_rows = list(Objective.objects.filter(programme_id__in=ids).order_by().values(*OBJECTIVE_FIELDS))
    # The date an action was recorded, as the database works it out in the site's time zone: a date
    # loads several times faster than a timestamp, and a tree needs only the date.
    action_rows = list(Action.objects.filter(programme_id__in=ids).order_by()
                       .annotate(created_on=TruncDate("created_at")).values(*TREE_ACTION_FIELDS))
    period_start = current_period_start(as_at)
    history = history_as_at(ids, as_at) if as_at < today else None
    people = _people(ids) if with_people else None
    objectives_by_programme, actions_by_programme = defaultdict(list), defaultdict(list)
    for o in objective_rows:
        objectives_by_programme[o["programme_id"]].append(o)
    for a in action_rows:
        actions_by_programme[a["programme_id"]].append(a)
    return [
        _build_tree(p, objectives_by_programme[p["id"]], actions_by_programme[p["id"]], as_at=as_at,
                    period_start=period_start, history=history, people=people)
        for p in programme_rows
    ]


def _people(programme_ids) -> dict:
    """Leads and delegates of the programmes' objectives and actions, keyed by (kind, id): three queries
    whatever the size (filtered by programme, not by thousands of record ids). Each in the order they
    were added, whatever order the table returns its rows in (after a restore, say)."""
    people = defaultdict(lambda: {"ids": [], "names": []})
    sources = (
        (OBJECTIVE, Objective.leads.through.objects.filter(objective__programme_id__in=programme_ids)
         .order_by("id").values_list("objective_id", "person_id", "person__name")),
        (ACTION, Action.leads.through.objects.filter(action__programme_id__in=programme_ids)
         .order_by("id").values_list("action_id", "person_id", "person__name")),
        (ACTION, Action.delegates.through.objects.filter(action__programme_id__in=programme_ids)
         .order_by("id").values_list("action_id", "person_id", "person__name")),
    )
    for kind, rows in sources:
        for owner_id, person_id, name in rows:
            entry = people[(kind, owner_id)]
            if person_id not in entry["ids"]:
                entry["ids"].append(person_id)
                entry["names"].append(name)
    return people


# Status("in_progress") goes through EnumType.__call__; a dict lookup is several times faster per row.
_STATUS_BY_VALUE = {status.value: status for status in rules.Status}
_RAG_BY_VALUE = {rag.value: rag for rag in rules.Rag}


def _status(value) -> rules.Status:
    found = _STATUS_BY_VALUE.get(value)
    return found if found is not None else rules.Status(value)  # an unknown value raises as before


def _new_action_facts(pk, ref, title, status, percent, start, due, milestone, weight, declared, updated,
                      created) -> rules.ActionFacts:
    """The one place an action's stored values become engine facts, for every loader."""
    # In field order, not by keyword: through the class, keywords cost a dict a call, and a
    # refresh builds every action of the programme.
    return rules.ActionFacts(
        (ACTION, pk),
        ref,
        title,
        _status(status),
        float(percent),
        start,
        due,
        milestone,
        float(weight),
        (_RAG_BY_VALUE.get(declared) or rules.Rag(declared)) if declared else None,  # declared_rag
        updated,  # last_updated
        created,
    )


def action_facts(a: dict, as_at: date, history: dict | None, local_zone=None) -> rules.ActionFacts:
    status, percent, declared, updated = a["status"], a["percent"], a["declared_rag"], a["last_updated_on"]
    if history is not None:
        past = history.get(a["id"])
        if past is None:  # nothing recorded yet on that date
            status, percent, declared, updated = rules.Status.NOT_STARTED, 0, "", None
        else:
            status, percent = past["status"], past["percent"]
            declared, updated = past["declared_rag"], past["effective_date"]
    if "created_on" in a:  # the local date, worked out by the database (load_trees)
        created = a["created_on"]
    else:
        created = a["created_at"]
        if created:
            created = created.astimezone(local_zone or timezone.get_current_timezone()).date()
    return _new_action_facts(a["id"], a["reference"], a["title"], status, percent, a["start_date"],
                             a["revised_due_date"] or a["due_date"], a["is_milestone"], a["weight"], declared,
                             updated, created or None)


def _build_tree(p, objective_rows, action_rows, *, as_at, period_start, history, people) -> ProgrammeTree:
    pid = p["id"]
    info = {(PROGRAMME, pid): NodeInfo(PROGRAMME, pid, p["short_name"], p["name"], status=p["status"],
                                        due=p["end_date"], owners=[p["owner__name"]] if p["owner__name"] else [],
                                        extra={"stored": p})}
    for o in objective_rows:
        parent_key = (OBJECTIVE, o["parent_id"]) if o["parent_id"] else (PROGRAMME, pid)
        names = [o["owner__name"]] if o["owner__name"] else []
        ids = [o["owner_id"]] if o["owner_id"] else []
        if people is not None:
            extra = people.get((OBJECTIVE, o["id"]), {"ids": [], "names": []})
            ids, names = ids + extra["ids"], names + extra["names"]
        info[(OBJECTIVE, o["id"])] = NodeInfo(OBJECTIVE, o["id"], o["reference"], o["title"], parent=parent_key,
                                              due=o["due_date"], owner_ids=ids, owners=names,
                                              extra={"kind": o["kind"], "stored": o})
    placed_actions = []
    local_zone = timezone.get_current_timezone()
    for a in action_rows:
        facts = action_facts(a, as_at, history, local_zone)
        parent_key = (OBJECTIVE, a["objective_id"])
        placed_actions.append((parent_key, (a["order"], a["reference"]), facts))
        names = [a["responsible__name"]] if a["responsible__name"] else []
        ids = [a["responsible_id"]] if a["responsible_id"] else []
        if people is not None:
            extra = people.get((ACTION, a["id"]), {"ids": [], "names": []})
            ids = ids + [i for i in extra["ids"] if i not in ids]
            names = names + [n for n in extra["names"] if n not in names]
        info[(ACTION, a["id"])] = NodeInfo(ACTION, a["id"], a["reference"], a["title"], parent=parent_key,
                                           status=facts.status.value, due=facts.due, owner_ids=ids, owners=names,
                                           extra={"milestone": a["is_milestone"], "stored": a})
    facts = _programme_facts(p, objective_rows, placed_actions, period_start=period_start)
    return ProgrammeTree(programme_id=pid, as_at=as_at, facts=facts, info=info)


def _sort_key(entry):
    return entry[0]


def _programme_facts(p: dict, objective_rows, placed_actions, *, period_start) -> rules.ProgrammeFacts:
    """The engine's tree, for every loader: actions come as (parent key, (order, reference), facts)."""
    pid = p["id"]
    child_objectives, child_actions = defaultdict(list), defaultdict(list)
    for o in objective_rows:
        parent_key = (OBJECTIVE, o["parent_id"]) if o["parent_id"] else (PROGRAMME, pid)
        child_objectives[parent_key].append(((o["order"], o["reference"]), o))
    for parent_key, sort_key, facts in placed_actions:
        child_actions[parent_key].append((sort_key, facts))

    def children_of(key) -> tuple:
        actions = tuple(facts for _, facts in sorted(child_actions.get(key, ()), key=_sort_key))
        subs = tuple(objective_facts(o) for _, o in sorted(child_objectives.get(key, ()), key=_sort_key))
        return actions + subs

    def objective_facts(o) -> rules.ObjectiveFacts:
        return rules.ObjectiveFacts(
            key=(OBJECTIVE, o["id"]),
            ref=o["reference"],
            title=o["title"],
            weight=float(o["weight"]),
            manual_percent=float(o["manual_percent"]) if o["manual_percent"] is not None else None,
            children=children_of((OBJECTIVE, o["id"])),
        )

    return rules.ProgrammeFacts(
        key=(PROGRAMME, pid),
        ref=p["short_name"],
        title=p["name"],
        start=p["start_date"],
        settings=settings_for(p),
        children=children_of((PROGRAMME, pid)),
        period_start=period_start,
    )


def compute_trees(programme_ids=None, *, as_at: date | None = None, with_people: bool = False) -> list[ProgrammeTree]:
    trees = load_trees(programme_ids, as_at=as_at, with_people=with_people)
    for tree in trees:
        tree.result = rules.rollup_programme(tree.facts, as_at=tree.as_at)
    return trees


def compute_tree(programme_id: int, *, as_at: date | None = None, with_people: bool = False) -> ProgrammeTree | None:
    trees = compute_trees([programme_id], as_at=as_at, with_people=with_people)
    return trees[0] if trees else None


# --- Keeping the stored figures true ---------------------------------------------------------


@dataclass
class RefreshReport:
    programmes: int = 0
    programmes_changed: int = 0
    objectives_changed: int = 0
    actions_changed: int = 0
    changed_refs: list = field(default_factory=list)

    @property
    def drift(self) -> int:
        return self.programmes_changed + self.objectives_changed + self.actions_changed


def _counts(result) -> dict:
    return {str(rag): n for rag, n in result.distribution.items()}


def lock_programmes(programme_ids) -> None:
    """Serialise writers of a programme: a refresh must see every committed update before it.

    Every write takes the programme's lock first and the action's second, so a save and the
    nightly recompute cannot deadlock.
    """
    list(Programme.objects.select_for_update().filter(pk__in=list(programme_ids)).order_by("pk")
         .values_list("pk", flat=True))


def refresh_programmes(programme_ids=None) -> RefreshReport:
    """Recompute for today and write only what changed: one UPDATE per table, not a save() per row."""
    if programme_ids is None:
        # Nightly: one short transaction a programme, so saves elsewhere are never held up.
        total = RefreshReport()
        for pid in Programme.objects.order_by("pk").values_list("pk", flat=True):
            part = refresh_programmes([pid])
            total.programmes += part.programmes
            total.programmes_changed += part.programmes_changed
            total.objectives_changed += part.objectives_changed
            total.actions_changed += part.actions_changed
            total.changed_refs += part.changed_refs
        return total
    with transaction.atomic(savepoint=False):
        lock_programmes(programme_ids)
        return _refresh_locked(programme_ids)


# What a refresh reads: the facts and the stored figures, without people, dates for show or joins.
REFRESH_PROGRAMME_FIELDS = (
    "id", "name", "short_name", "start_date", "percent_method", "rag_policy", "rag_green_threshold",
    "rag_red_threshold", "excluded_statuses", "stale_after_days", "manual_difference_points", "risk_amber_from",
    "risk_red_from", "rollup_percent", "rollup_rag", "rollup_counts",
)
REFRESH_OBJECTIVE_FIELDS = (
    "id", "programme_id", "parent_id", "reference", "title", "weight", "manual_percent", "order", "rollup_percent",
    "rollup_calculated_percent", "rollup_rag", "rollup_counts",
)
# Tuples, not dicts, in the order the loop below unpacks them. The created date comes from the
# database (in the current time zone, as `action_facts` converts it): turning thousands of
# timestamps with time zones into Python objects costs more than the rest of the row.
REFRESH_ACTION_FIELDS = (
    "programme_id", "objective_id", "order", "id", "reference", "title", "status", "percent", "start_date",
    "due_date", "revised_due_date", "is_milestone", "weight", "declared_rag", "last_updated_on", "created_on",
    "computed_rag",
)


@dataclass
class RefreshTree:
    """A programme's facts for today and the figures stored for each node: all a refresh needs."""

    programme_id: int
    as_at: date
    facts: rules.ProgrammeFacts
    stored: dict  # key -> the action's computed_rag, or the objective's or programme's row (one dict per load)
    result: rules.NodeResult | None = None


def load_refresh_trees(programme_ids) -> list[RefreshTree]:
    """The facts `load_trees` gives for today, lean: 4 queries, no NodeInfo. Same engine, same figures."""
    as_at = timezone.localdate()
    ids = list(programme_ids)
    programme_rows = list(Programme.objects.filter(pk__in=ids).order_by("name").values(*REFRESH_PROGRAMME_FIELDS))
    if not programme_rows:
        return []
    ids = [p["id"] for p in programme_rows]
    objective_rows = list(Objective.objects.filter(programme_id__in=ids).order_by()
                          .values(*REFRESH_OBJECTIVE_FIELDS))
    action_rows = (Action.objects.filter(programme_id__in=ids).order_by()
                   .annotate(created_on=TruncDate("created_at")).values_list(*REFRESH_ACTION_FIELDS))
    period_start = current_period_start(as_at)
    stored = {}
    objectives_by_programme, actions_by_programme = defaultdict(list), defaultdict(list)
    for o in objective_rows:
        objectives_by_programme[o["programme_id"]].append(o)
        stored[(OBJECTIVE, o["id"])] = o
    for (programme_id, objective_id, order, pk, ref, title, status, percent, start, due, revised_due, milestone,
         weight, declared, updated, created, computed_rag) in action_rows:
        facts = _new_action_facts(pk, ref, title, status, percent, start, revised_due or due, milestone, weight,
                                  declared, updated, created)
        actions_by_programme[programme_id].append(((OBJECTIVE, objective_id), (order, ref), facts))
        stored[facts.key] = computed_rag
    trees = []
    for p in programme_rows:
        pid = p["id"]
        stored[(PROGRAMME, pid)] = p
        facts = _programme_facts(p, objectives_by_programme[pid], actions_by_programme[pid], period_start=period_start)
        trees.append(RefreshTree(programme_id=pid, as_at=as_at, facts=facts, stored=stored))
    return trees


def compute_refresh_trees(programme_ids) -> list[RefreshTree]:
    trees = load_refresh_trees(programme_ids)
    for tree in trees:
        tree.result = rules.rollup_programme(tree.facts, as_at=tree.as_at)
    return trees


def _refresh_locked(programme_ids) -> RefreshReport:
    report = RefreshReport()
    now = timezone.now()
    changed_programmes, changed_objectives, changed_actions = [], [], []
    for tree in compute_refresh_trees(programme_ids):
        report.programmes += 1
        stored_figures = tree.stored
        for result in rules.iter_results(tree.result):
            kind, pk = result.key
            stored = stored_figures[result.key]
            if kind == ACTION:
                if stored != result.rag.value:
                    changed_actions.append((pk, result.rag.value))
                    report.changed_refs.append(result.ref)
                continue
            values = {"rollup_percent": result.percent, "rollup_rag": result.rag.value,
                      "rollup_counts": _counts(result)}
            if kind == OBJECTIVE:
                values["rollup_calculated_percent"] = result.calculated_percent
            if any(stored[k] != v for k, v in values.items()):
                report.changed_refs.append(result.ref)
                if kind == OBJECTIVE:
                    changed_objectives.append(Objective(pk=pk, rollup_at=now, **values))
                else:
                    changed_programmes.append(Programme(pk=pk, rollup_at=now, **values))
    fields = ["rollup_percent", "rollup_rag", "rollup_counts", "rollup_at"]
    _update_rows(Programme, changed_programmes, fields)
    _update_rows(Objective, changed_objectives, fields + ["rollup_calculated_percent"])
    # At most five colours: one UPDATE per colour beats a CASE over thousands of ids.
    by_colour = defaultdict(list)
    for pk, colour in changed_actions:
        by_colour[colour].append(pk)
    for colour, pks in by_colour.items():
        Action.objects.filter(pk__in=pks).update(computed_rag=colour)
    report.programmes_changed = len(changed_programmes)
    report.objectives_changed = len(changed_objectives)
    report.actions_changed = len(changed_actions)
    return report


def _update_rows(model, rows, fields) -> None:
    """One parameterised UPDATE per row, sent together (psycopg pipelines executemany).

    A save changes a handful of rows: the ORM's update() or bulk_update's CASE cost more to
    build than the database takes to run them, inside the save's transaction.
    """
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in columns)} "
           f"WHERE {quote(meta.pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in columns] + [row.pk]
              for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def programme_refresh(*, programme_id: int, locked: bool = False) -> RefreshReport:
    """Called by every service that changes a programme, inside its transaction.

    `locked`: the caller already holds the programme's lock (`lock_programmes`) in this transaction.
    """
    if locked:
        return _refresh_locked([programme_id])
    return refresh_programmes([programme_id])


def stored_matches_fresh(programme_ids=None) -> list[str]:
    """References whose stored figures differ from a fresh computation (for tests and checks)."""
    mismatched = []
    for tree in compute_trees(programme_ids):
        for result in rules.iter_results(tree.result):
            stored = tree.info[result.key].extra["stored"]
            if result.key[0] == ACTION:
                ok = stored["computed_rag"] == result.rag.value
            else:
                ok = stored["rollup_percent"] == result.percent and stored["rollup_rag"] == result.rag.value
            if not ok:
                mismatched.append(result.ref)
    return mismatched


def derived_status(percent: float | None) -> str:
    """An objective's status, read off its rolled-up percent (Completed is 100, Not started 0)."""
    if percent is None or percent == 0:
        return rules.Status.NOT_STARTED.value
    if percent >= 100:
        return rules.Status.COMPLETED.value
    return rules.Status.IN_PROGRESS.value


def tree_as_dict(tree: ProgrammeTree) -> dict:
    """The JSON shape of `manage.py rollup --format json`: every node has the same keys."""

    def node(result) -> dict:
        info = tree.info[result.key]
        kind = result.key[0]
        if kind == ACTION:
            status = info.status
        elif kind == OBJECTIVE:
            status = derived_status(result.percent)
        else:
            status = info.status
        out = {
            "ref": result.ref,
            "title": info.title,
            "kind": kind,
            "percent": result.percent,
            "rag": result.rag.value,
            "status": status,
            "due": info.due.isoformat() if info.due else None,
            "owners": list(info.owners),
            "children": [node(c) for c in getattr(result, "children", ())],
        }
        if kind == OBJECTIVE:
            out["objective_kind"] = info.extra["kind"]
        if kind == ACTION:
            out["declared_rag"] = result.declared_rag.value if result.declared_rag else None
            out["stale"] = result.stale
        return out

    return node(tree.result)


def programme_settings(programme_id: int) -> tuple[str, str, rules.RollupSettings] | None:
    """(short name, name, roll-up settings) of one programme: one query."""
    row = Programme.objects.filter(pk=programme_id).values(*PROGRAMME_FIELDS).first()
    if row is None:
        return None
    return row["short_name"], row["name"], settings_for(row)


@dataclass(frozen=True)
class FigureChange:
    """One programme's or objective's figure today, and what it would be under other settings."""

    ref: str
    title: str
    percent_before: float | None
    rag_before: rules.Rag
    percent_after: float | None
    rag_after: rules.Rag

    @property
    def changed(self) -> bool:
        return (rules.display_percent(self.percent_before) != rules.display_percent(self.percent_after)
                or self.rag_before != self.rag_after)


@dataclass(frozen=True)
class SettingsPreview:
    programme: FigureChange
    objectives: list  # FigureChange of each objective whose shown figure would change


def settings_preview(programme_id: int, settings_fields: dict) -> SettingsPreview | None:
    """Today's figures, and the same tree rolled up by the engine under other settings
    (`settings_fields`: the programme's roll-up fields by name, as settings_for reads them).
    Nothing is saved. Queries: those of load_trees (4)."""
    tree = compute_tree(programme_id)
    if tree is None:
        return None
    row = {**tree.info[(PROGRAMME, programme_id)].extra["stored"], **settings_fields}
    after = rules.rollup_programme(replace(tree.facts, settings=settings_for(row)), as_at=tree.as_at)
    after_by_key = {r.key: r for r in rules.iter_results(after)}

    def change(before) -> FigureChange:
        now = after_by_key[before.key]
        return FigureChange(before.ref, tree.info[before.key].title, before.percent, before.rag, now.percent, now.rag)

    objectives = [change(r) for r in rules.iter_results(tree.result) if r.key[0] == OBJECTIVE]
    return SettingsPreview(programme=change(tree.result), objectives=[c for c in objectives if c.changed])
