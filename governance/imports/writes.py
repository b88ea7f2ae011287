"""Write a plan: bulk inserts and updates, a fixed number of queries per kind, never one per row.

Called by service.import_commit inside its transaction, after the plan was built there with
the programme's actions locked. Every created or changed record gets an audit entry with the
channel "import" and the person who ran it.
"""

from collections import defaultdict

from django.db.models import F, Q
from django.utils import timezone

from actionplans.models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate
from governance.models import Risk
from programmes.audit import Channel, audit_bulk_created, plain
from programmes.models import AuditEntry, Objective, Person, Programme, ReportingPeriod

from .layouts import ACTION, MEASURE, OBJECTIVE, RISK
from .plan import CREATE, PEOPLE_LINKS, UPDATE, Plan

BATCH = 2000
PROGRESS_AUTHOR = "Import"


class Writer:
    def __init__(self, plan: Plan, *, programme: Programme, by=None, progress=None):
        self.plan = plan
        self.programme = programme
        self.by = by if getattr(by, "is_authenticated", False) else None
        self.report = progress or (lambda step, total: None)
        self.person_ids = {k: int(k[1:]) for k in plan.people.names if k.startswith("p")}
        self.objective_ids = {k: r["id"] for k, r in plan.existing.objectives.items()}
        self.period_ids = dict(plan.existing.periods)
        self.created = defaultdict(list)  # model -> instances, for the audit
        self.updated = []  # AuditEntry objects
        self.now = timezone.now()

    def write(self) -> None:
        steps = (self.periods, self.people, self.objectives, self.actions, self.progress_updates,
                 self.measures, self.risks, self.audit)
        for number, step in enumerate(steps, start=1):
            step()
            self.report(number, len(steps))

    # ------------------------------------------------------------ helpers

    def records(self, kind: str, op: str) -> list:
        return [r for r in self.plan.of(kind).values() if r.op == op]

    def person(self, key):
        return self.person_ids[key] if key else None

    def objective(self, key):
        return self.objective_ids[key] if key else None

    def resolve(self, attname: str, key):
        return self.person(key) if attname in PEOPLE_LINKS else self.objective(key)

    def audit_update(self, instance, before: dict, record) -> None:
        changes = {name: [plain(before.get(name)), plain(value)] for name, value in record.values.items()
                   if before.get(name) != value}
        for attname, key in record.links.items():
            new = self.resolve(attname, key)
            if before.get(attname) != new:
                changes[attname] = [before.get(attname), new]
        for name in record.m2m:
            if name in record.changes:
                changes[name] = record.changes[name]
        if record.progress is not None:
            changes.update({k: [plain(o), plain(n)] for k, (o, n) in record.progress["changed"].items()})
        for name, pair in record.changes.items():
            if name.startswith(("target ", "value ")):
                changes[name] = pair
        self.updated.append(AuditEntry(
            user=self.by, channel=Channel.IMPORT, action="updated", model=instance._meta.label_lower,
            object_id=str(instance.pk), object_repr=str(instance)[:300], changes=changes,
        ))

    def updated_instance(self, model, record, before: dict):
        """The record as it will be (what is stored, with the plan's values on top), audited."""
        instance = model(pk=record.id, programme=self.programme)
        for name, value in {**before, **record.values}.items():
            setattr(instance, name, value)
        for attname, key in record.links.items():
            setattr(instance, attname, self.resolve(attname, key))
        self.audit_update(instance, before, record)
        return instance

    def bulk_update(self, model, instances: list, fields: set) -> None:
        if instances and fields:
            model.objects.bulk_update(instances, sorted(fields), batch_size=BATCH)

    def set_m2m(self, through, name: str, columns: tuple[str, str], records, owner_ids: dict,
                old_pairs: dict, resolve) -> None:
        """Make each record's many-to-many set exactly what the file says: one insert, one delete."""
        left, right = columns
        add, remove = [], Q()
        for record in records:
            if name not in record.m2m:
                continue
            owner = owner_ids[record.key]
            wanted = {resolve(k) for k in record.m2m[name]}
            old = old_pairs.get(owner, set())
            add += [through(**{left: owner, right: target}) for target in wanted - old]
            for target in old - wanted:
                remove |= Q(**{left: owner, right: target})
        if add:
            through.objects.bulk_create(add, batch_size=BATCH, ignore_conflicts=True)
        if remove:
            through.objects.filter(remove).delete()

    # ------------------------------------------------------------ steps

    def periods(self) -> None:
        periods = [ReportingPeriod(name=spec.name, kind=spec.kind, financial_year=spec.financial_year,
                                   quarter=spec.quarter, start=spec.start, end=spec.end)
                   for spec in self.plan.periods_to_create.values()]
        ReportingPeriod.objects.bulk_create(periods)
        self.period_ids.update({p.name: p.pk for p in periods})
        self.created[ReportingPeriod] += periods

    def people(self) -> None:
        new = list(self.plan.people.new.values())
        people = [Person(name=p.name, initials=p.initials, email=p.email, is_group=p.is_group) for p in new]
        Person.objects.bulk_create(people, batch_size=BATCH)
        self.person_ids.update({p.key: person.pk for p, person in zip(new, people, strict=True)})
        self.created[Person] += people

    def objectives(self) -> None:
        existing = self.plan.existing
        creates = self.records(OBJECTIVE, CREATE)
        new = [Objective(programme=self.programme, reference=r.ref, order=r.order, **r.values,
                         owner_id=self.person(r.links.get("owner_id"))) for r in creates]
        Objective.objects.bulk_create(new, batch_size=BATCH)
        self.objective_ids.update({r.key: o.pk for r, o in zip(creates, new, strict=True)})
        # Parents second: a new objective may sit under another new one.
        for record, objective in zip(creates, new, strict=True):
            objective.parent_id = self.objective(record.links.get("parent_id"))
        self.bulk_update(Objective, [o for o in new if o.parent_id], {"parent_id"})
        self.created[Objective] += new

        updates, fields = [], set()
        for record in self.records(OBJECTIVE, UPDATE):
            updates.append(self.updated_instance(Objective, record, existing.objectives[record.key]))
            fields |= set(record.values) | set(record.links)
        self.bulk_update(Objective, updates, fields)
        touched = creates + self.records(OBJECTIVE, UPDATE)
        self.set_m2m(Objective.leads.through, "leads", ("objective_id", "person_id"), touched,
                     self.objective_ids, existing.objective_leads, self.person)
        self.set_m2m(Objective.contributes_to.through, "contributes_to",
                     ("from_objective_id", "to_objective_id"), touched, self.objective_ids,
                     existing.objective_contributes, self.objective)

    def actions(self) -> None:
        existing = self.plan.existing
        creates = self.records(ACTION, CREATE)
        new = []
        for record in creates:
            action = Action(programme=self.programme, reference=record.ref, order=record.order,
                            objective_id=self.objective(record.links["objective_id"]),
                            responsible_id=self.person(record.links.get("responsible_id")), **record.values)
            self.apply_progress(action, record)
            new.append(action)
        Action.objects.bulk_create(new, batch_size=BATCH)
        self.action_ids = {k: r["id"] for k, r in existing.actions.items()}
        self.action_ids.update({r.key: a.pk for r, a in zip(creates, new, strict=True)})
        self.action_objects = dict(zip((r.key for r in creates), new, strict=True))
        self.created[Action] += new

        updates, fields = [], {"version", "updated_at"}
        for record in self.records(ACTION, UPDATE):
            action = self.updated_instance(Action, record, existing.actions[record.key])
            if self.apply_progress(action, record):
                fields |= {"status", "percent", "declared_rag", "declared_rag_reason", "last_updated_on"}
            fields |= set(record.values) | set(record.links)
            action.version = F("version") + 1  # a page loaded before the import cannot overwrite it
            action.updated_at = self.now
            updates.append(action)
            self.action_objects[record.key] = action
        self.bulk_update(Action, updates, fields)
        touched = creates + self.records(ACTION, UPDATE)
        self.set_m2m(Action.leads.through, "leads", ("action_id", "person_id"), touched,
                     self.action_ids, existing.action_leads, self.person)
        self.set_m2m(Action.contributes_to.through, "contributes_to", ("action_id", "objective_id"),
                     touched, self.action_ids, existing.action_contributes, self.objective)

    def apply_progress(self, action: Action, record) -> bool:
        """The plan's update becomes the action's current state, unless it is back-dated (the plan
        decided, as action_record_progress does): then it only joins the history."""
        progress = record.progress
        if progress is None or not progress["current"]:
            return False
        for name in ("status", "percent", "declared_rag", "declared_rag_reason"):
            setattr(action, name, progress[name])
        action.last_updated_on = self.plan.as_at
        return True

    def progress_updates(self) -> None:
        author_name = (self.by.get_full_name() or self.by.get_username()) if self.by else PROGRESS_AUTHOR
        updates = [
            ProgressUpdate(action=self.action_objects[r.key], author=self.by, author_name=author_name,
                           effective_date=self.plan.as_at, percent=r.progress["percent"],
                           status=r.progress["status"], declared_rag=r.progress["declared_rag"],
                           declared_rag_reason=r.progress["declared_rag_reason"],
                           commentary=r.progress["commentary"], channel=Channel.IMPORT)
            for r in self.plan.of(ACTION).values() if r.progress is not None
        ]
        # Not audited again: an update is itself the record of who said what, when and through which door.
        ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)

    def measures(self) -> None:
        existing = self.plan.existing
        creates = self.records(MEASURE, CREATE)
        new = [Measure(programme=self.programme, reference=r.ref,
                       owner_id=self.person(r.links.get("owner_id")), **r.values) for r in creates]
        Measure.objects.bulk_create(new, batch_size=BATCH)
        ids = {k: r["id"] for k, r in existing.measures.items()}
        ids.update({r.key: m.pk for r, m in zip(creates, new, strict=True)})
        objects = dict(zip((r.key for r in creates), new, strict=True))
        self.created[Measure] += new
        updates, fields = [], set()
        for record in self.records(MEASURE, UPDATE):
            objects[record.key] = self.updated_instance(Measure, record, existing.measures[record.key])
            updates.append(objects[record.key])
            fields |= set(record.values) | set(record.links)
        self.bulk_update(Measure, updates, fields)
        touched = creates + self.records(MEASURE, UPDATE)
        self.set_m2m(Measure.objectives.through, "objectives", ("measure_id", "objective_id"), touched,
                     ids, existing.measure_objectives, self.objective)
        self.targets(touched, ids, objects)

    def targets(self, records, ids: dict, objects: dict) -> None:
        existing = self.plan.existing.targets
        new, changed = [], []
        for record in records:
            for year, target in record.targets.items():
                period_id = self.period_ids[year]
                old = existing.get((ids[record.key], period_id))
                if old is None:
                    new.append(MeasureTarget(measure=objects[record.key], period_id=period_id,
                                             value=target.value, text=target.text))
                elif old["value"] != target.value or old["text"] != target.text:
                    changed.append(MeasureTarget(pk=old["id"], value=target.value, text=target.text))
        MeasureTarget.objects.bulk_create(new, batch_size=BATCH)
        self.bulk_update(MeasureTarget, changed, {"value", "text"})
        self.created[MeasureTarget] += new
        self.period_values(records, ids, objects)

    def period_values(self, records, ids: dict, objects: dict) -> None:
        """The values per period the file holds (MeasureValue, one per measure and period)."""
        existing = self.plan.existing.values
        new, changed = [], []
        for record in records:
            for name, value in record.period_values.items():
                period_id = self.period_ids[name]
                old = existing.get((ids[record.key], period_id))
                if old is None:
                    new.append(MeasureValue(measure=objects[record.key], period_id=period_id, value=value,
                                            entered_by=self.by))
                elif old["value"] != value:
                    changed.append(MeasureValue(pk=old["id"], value=value, entered_by=self.by))
        MeasureValue.objects.bulk_create(new, batch_size=BATCH)
        self.bulk_update(MeasureValue, changed, {"value", "entered_by"})
        self.created[MeasureValue] += new

    def risks(self) -> None:
        existing = self.plan.existing
        creates = self.records(RISK, CREATE)
        new = [Risk(programme=self.programme, reference=r.ref, **r.values,
                    **{a: self.resolve(a, k) for a, k in r.links.items()}) for r in creates]
        Risk.objects.bulk_create(new, batch_size=BATCH)
        self.created[Risk] += new
        updates, fields = [], set()
        for record in self.records(RISK, UPDATE):
            updates.append(self.updated_instance(Risk, record, existing.risks[record.key]))
            fields |= set(record.values) | set(record.links)
        self.bulk_update(Risk, updates, fields)

    def audit(self) -> None:
        for instances in self.created.values():
            if instances:
                audit_bulk_created(instances=instances, by=self.by, channel=Channel.IMPORT)
        AuditEntry.objects.bulk_create(self.updated, batch_size=BATCH)
