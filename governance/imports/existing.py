"""What a programme already holds, loaded in a fixed number of queries, keyed by reference."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from actionplans.models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate
from actionplans.rollup import history_as_at
from actionplans.services import update_becomes_current
from governance.models import Risk
from programmes.models import Objective, Person, ReportingPeriod

from .values import ref_key

OBJECTIVE_FIELDS = ("id", "reference", "title", "description", "parent_id", "owner_id", "due_date",
                    "timeframe", "weight", "kind", "manual_percent", "order", "extra")
ACTION_FIELDS = ("id", "reference", "title", "description", "objective_id", "responsible_id", "start_date",
                 "due_date", "due_note", "revised_due_date", "is_milestone", "weight", "status", "percent",
                 "declared_rag", "declared_rag_reason", "last_updated_on", "order", "version", "extra")
MEASURE_FIELDS = ("id", "reference", "title", "description", "owner_id", "unit", "polarity", "frequency",
                  "extra")
RISK_FIELDS = ("id", "reference", "title", "description", "owner_id", "objective_id", "review_date",
               "mitigation", "status", "current_likelihood", "current_impact", "inherent_likelihood",
               "inherent_impact", "target_likelihood", "target_impact", "extra")
PERSON_FIELDS = ("id", "name", "email", "initials", "is_group")
PROGRESS_FIELDS = ("status", "percent", "declared_rag", "declared_rag_reason", "commentary")


@dataclass
class Existing:
    """Rows as dicts keyed by reference key; relations as sets of ids."""

    objectives: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)
    risks: dict = field(default_factory=dict)
    people: list = field(default_factory=list)
    periods: dict = field(default_factory=dict)  # name -> id
    period_names: dict = field(default_factory=dict)  # (kind, start) -> name
    values: dict = field(default_factory=dict)  # (measure id, period id) -> row
    objective_leads: dict = field(default_factory=lambda: defaultdict(set))
    objective_contributes: dict = field(default_factory=lambda: defaultdict(set))
    action_leads: dict = field(default_factory=lambda: defaultdict(set))
    action_contributes: dict = field(default_factory=lambda: defaultdict(set))
    measure_objectives: dict = field(default_factory=lambda: defaultdict(set))
    targets: dict = field(default_factory=dict)  # (measure id, period id) -> row
    latest_commentary: dict = field(default_factory=dict)  # action id -> commentary
    # Action id -> its latest update on or before the as-at date (PROGRESS_FIELDS), loaded only when
    # an action has an update later than that date: the file's progress is compared with it.
    progress_as_at: dict = field(default_factory=dict)

    def objective_key(self, objective_id) -> str | None:
        return self._objective_keys.get(objective_id) if objective_id else None

    def index(self) -> None:
        self._objective_keys = {row["id"]: key for key, row in self.objectives.items()}

    @property
    def next_objective_order(self) -> int:
        return max((r["order"] for r in self.objectives.values()), default=-1) + 1

    @property
    def next_action_order(self) -> int:
        return max((r["order"] for r in self.actions.values()), default=-1) + 1


def _keyed(rows) -> dict:
    keyed = {}
    for row in rows:
        keyed.setdefault(ref_key(row["reference"]), row)
    return keyed


def _pairs(through, left: str, right: str, **filters) -> dict:
    grouped = defaultdict(set)
    for a, b in through.objects.filter(**filters).values_list(left, right):
        grouped[a].add(b)
    return grouped


def load_existing(programme_id: int | None, *, lock: bool = False, as_at: date | None = None) -> Existing:
    """Lock (for the commit) takes the programme's actions, so no officer's save lands in between.
    With the as-at date, the progress on that date of the actions updated since (one more query,
    only when there are any)."""
    existing = Existing(
        people=list(Person.objects.order_by("id").values(*PERSON_FIELDS)),
    )
    for period_id, name, kind, start in ReportingPeriod.objects.order_by("id").values_list("id", "name", "kind",
                                                                                        "start"):
        existing.periods[name] = period_id
        existing.period_names.setdefault((kind, start), name)
    if programme_id is None:
        existing.index()
        return existing
    actions = Action.objects.filter(programme_id=programme_id).order_by()
    if lock:
        actions = actions.select_for_update()
    existing.objectives = _keyed(Objective.objects.filter(programme_id=programme_id).order_by("id")
                                 .values(*OBJECTIVE_FIELDS))
    existing.actions = _keyed(actions.order_by("id").values(*ACTION_FIELDS))
    existing.measures = _keyed(Measure.objects.filter(programme_id=programme_id).order_by("id")
                               .values(*MEASURE_FIELDS))
    existing.risks = _keyed(Risk.objects.filter(programme_id=programme_id).order_by("id")
                            .values(*RISK_FIELDS))
    existing.objective_leads = _pairs(Objective.leads.through, "objective_id", "person_id",
                                      objective__programme_id=programme_id)
    existing.objective_contributes = _pairs(Objective.contributes_to.through, "from_objective_id",
                                            "to_objective_id", from_objective__programme_id=programme_id)
    existing.action_leads = _pairs(Action.leads.through, "action_id", "person_id",
                                   action__programme_id=programme_id)
    existing.action_contributes = _pairs(Action.contributes_to.through, "action_id", "objective_id",
                                         action__programme_id=programme_id)
    existing.measure_objectives = _pairs(Measure.objectives.through, "measure_id", "objective_id",
                                         measure__programme_id=programme_id)
    existing.targets = {
        (t["measure_id"], t["period_id"]): t
        for t in MeasureTarget.objects.filter(measure__programme_id=programme_id)
        .values("id", "measure_id", "period_id", "value", "text")
    }
    existing.values = {
        (v["measure_id"], v["period_id"]): v
        for v in MeasureValue.objects.filter(measure__programme_id=programme_id)
        .values("id", "measure_id", "period_id", "value")
    }
    existing.latest_commentary = latest_commentary(programme_id)
    if as_at is not None and any(not update_becomes_current(as_at, a["last_updated_on"])
                                 for a in existing.actions.values()):
        existing.progress_as_at = history_as_at([programme_id], as_at, PROGRESS_FIELDS)
    existing.index()
    return existing


def latest_commentary(programme_id: int) -> dict:
    """Each action's latest update's commentary: one query."""
    updates = ProgressUpdate.objects.filter(action__programme_id=programme_id)
    if connection.vendor == "postgresql":
        rows = (updates.order_by("action_id", "-effective_date", "-recorded_at", "-id")
                .distinct("action_id").values_list("action_id", "commentary"))
        return dict(rows)
    latest = {}
    for action_id, commentary in (updates.order_by("action_id", "effective_date", "recorded_at", "id")
                                  .values_list("action_id", "commentary")):
        latest[action_id] = commentary
    return latest
