"""The dry run: what an import would create and change, with every error and warning.

Nothing here writes. `build_plan` takes what the programme holds (existing.py), matches the
file's rows to it by reference (NI145 and "NI 145" are one), and records for each record
whether it is new, changed (each field's old and new value) or unchanged. The commit
(writes.py) writes exactly this plan.

Rules worth knowing:
- Blank cells never clear a value: the import fills in and updates. A column the file does not
  have leaves that field alone. A column it has is the truth for the rows it fills: the owner
  cell "GK/MW" makes GK responsible and MW the only lead.
- An objective's parent is the one its parent column names, else the objective its reference
  belongs to (1.2 -> 1). A parent that exists nowhere is a warning: a new objective sits at the
  top of the programme, an existing one stays where it is.
- An action sits under the objective its parent column names, else the first objective it
  "delivers against", else the objective its reference belongs to (SCAR001.1 -> SCAR001). If
  that objective exists nowhere it is created, named with its reference, with a warning. A new
  action with no objective at all goes under "Actions without an objective" (UNASSIGNED).
- An action's status, percent, declared RAG and note become a progress update dated the as-at
  date, only when one of them differs from the action's state on that date. That is its current
  state, and the update becomes the current one, unless the action has a later update: then it
  is its latest update on or before the as-at date, and the file's progress joins the history
  without changing the current figures, as actionplans.services.action_record_progress does
  (both ask actionplans.services.update_becomes_current).
- A row with no reference gets one from its parent's reference and its place (SSTC001-R1: the
  first risk without one under SSTC001), unless the programme already holds a record of that
  kind with the same parent and name: then it is that record, so a re-import duplicates nothing.
- A flat plan's actions sit under the objectives they deliver against (created from the
  references when the file does not have them), else under one objective for the whole plan
  (FLAT_REF), named after the sheet unless the admin names it.
- Columns no field reads are kept with the record (`extra`, by heading); so are the lines listed
  under an owner's name ("Links to"), which are never made into people.
- Text longer than its field is refused with its row, never cut.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from actionplans.services import normalise_progress, update_becomes_current
from programmes import rules
from programmes.choices import ObjectiveKind, Status
from programmes.html import sanitise_rich_text

from .existing import Existing
from .issues import Issues
from .layouts import (
    ACTION,
    MEASURE,
    OBJECTIVE,
    REFERENCE_LENGTH,
    RISK,
    Layout,
    SheetLayout,
    SourceRow,
)
from .people import People
from .reconcile import reconcile
from .values import (
    ValueProblem,
    cell_text,
    extra_text,
    owners_and_links,
    parent_ref,
    parse_date,
    parse_links,
    parse_percent,
    parse_rag,
    parse_score,
    parse_status,
    parse_target,
    parse_weight,
    parse_yes_no,
    period_spec,
    plain_text,
    ref_key,
    split_delivers,
    status_from_percent,
    unit_from_targets,
)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
KINDS = ("objectives", "actions", "measures", "risks", "people")
PLURAL = {OBJECTIVE: "objectives", ACTION: "actions", MEASURE: "measures", RISK: "risks"}
UNASSIGNED = "UNASSIGNED"
FLAT_REF = "PLAN"
LINKS_HEADING = "Links to"
GENERATED_LETTER = {OBJECTIVE: "O", ACTION: "A", MEASURE: "M", RISK: "R"}
IMPORTED_REASON = "Imported"
TITLE_LENGTH = 500
DUE_NOTE_LENGTH = 200
TIMEFRAME_LENGTH = 300
EXTRA_HEADING_LENGTH = 200
PEOPLE_LINKS = ("owner_id", "responsible_id")
RISK_SCORES = (("likelihood", "current_likelihood"), ("impact", "current_impact"),
               ("inherent_likelihood", "inherent_likelihood"), ("inherent_impact", "inherent_impact"),
               ("target_likelihood", "target_likelihood"), ("target_impact", "target_impact"))
CLOSED_WORDS = {"closed", "complete", "completed", "retired"}
HELD_STATUSES = (Status.ON_HOLD, Status.CANCELLED, Status.DEFERRED)
NO_PROGRESS = {"status": Status.NOT_STARTED.value, "percent": 0, "declared_rag": "", "declared_rag_reason": "",
               "commentary": ""}
CHOICES = {
    "unit": {"percentage": "percentage", "percent": "percentage", "%": "percentage", "number": "number",
             "count": "number", "currency": "currency", "£": "currency", "money": "currency",
             "ratio": "ratio", "days": "days", "yes/no": "yes_no", "yes no": "yes_no"},
    "polarity": {"higher": "higher", "higher is better": "higher", "high": "higher", "up": "higher",
                 "lower": "lower", "lower is better": "lower", "low": "lower", "down": "lower",
                 "band": "band", "within a band": "band", "within band": "band"},
    "frequency": {"monthly": "monthly", "month": "monthly", "quarterly": "quarterly", "quarter": "quarterly",
                  "annual": "annual", "annually": "annual", "yearly": "annual"},
}


@dataclass
class Record:
    kind: str
    key: str
    ref: str
    sheet: str = ""
    row: int | None = None
    id: int | None = None
    op: str = UNCHANGED
    values: dict = field(default_factory=dict)  # attname -> value, only the fields the file sets
    links: dict = field(default_factory=dict)  # attname -> key of an objective or person, or None
    m2m: dict = field(default_factory=dict)  # name -> set of keys
    changes: dict = field(default_factory=dict)  # field -> [old, new], as people read them
    progress: dict | None = None  # actions: the progress update to record
    targets: dict = field(default_factory=dict)  # measures: period name -> values.Target
    period_values: dict = field(default_factory=dict)  # measures: period name -> Decimal
    placeholder: bool = False
    order: int = 0
    source: SourceRow | None = None  # the row that made it (not repeats); None for a placeholder


@dataclass
class Plan:
    programme_id: int | None
    as_at: date
    records: dict  # kind -> {key: Record}
    people: People
    existing: Existing
    issues: Issues
    sheets: list[SheetLayout]
    periods_to_create: dict = field(default_factory=dict)  # name -> values.PeriodSpec
    reconciliation: list[dict] = field(default_factory=list)
    error_counts: dict = field(default_factory=dict)
    rows: int = 0
    generated: list[dict] = field(default_factory=list)  # references given to rows with none
    flat_objective: dict | None = None  # {"ref", "title"} of the one objective of a flat plan
    duplicates: list[dict] = field(default_factory=list)  # likely duplicates of people, to merge or not
    start_date: dict | None = None  # the programme's start date: {"date", "source", "changes"}

    @property
    def ok(self) -> bool:
        return not self.issues.errors

    def of(self, kind: str) -> dict:
        return self.records[kind]

    def counts(self) -> dict:
        created, updated, unchanged = {}, {}, {}
        for kind, plural in PLURAL.items():
            records = self.records[kind].values()
            created[plural] = sum(r.op == CREATE for r in records)
            updated[plural] = sum(r.op == UPDATE for r in records)
            unchanged[plural] = sum(r.op == UNCHANGED for r in records)
        created["people"], updated["people"] = len(self.people.new), 0
        unchanged["people"] = len(self.people.matched)
        return {"created": created, "updated": updated, "unchanged": unchanged}

    @property
    def progress_updates(self) -> int:
        return sum(1 for r in self.records[ACTION].values() if r.progress is not None)


def history_text(progress: dict, as_at: date) -> str:
    """A back-dated update as the preview shows it: it joins the history, the current figures stay."""
    return f"update of {show(as_at)} added: {progress['percent']}%, {Status(progress['status']).label.lower()}"


def show(value):
    """A value as the preview and the audit show it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


class Planner:
    def __init__(self, *, existing: Existing, as_at: date, issues: Issues, settings: rules.RollupSettings,
                 manual_percent: bool = False, options: dict | None = None):
        self.options = options or {}
        self.existing = existing
        self.as_at = as_at
        self.issues = issues
        self.settings = settings
        self.manual_percent = manual_percent
        self.people = People(existing.people, issues, merges=self.options.get("people"))
        self.records = {OBJECTIVE: {}, ACTION: {}, MEASURE: {}, RISK: {}}
        self.known_objectives = set(existing.objectives)
        self.stated = {}  # objective key -> (percent, source row)
        self.periods_to_create = {}
        self.objective_order = existing.next_objective_order
        self.action_order = existing.next_action_order
        self.generated = []
        self.flat_objective = None

    def build(self, layout: Layout) -> Plan:
        by_kind = {OBJECTIVE: [], ACTION: [], MEASURE: [], RISK: []}
        for row in layout.rows:
            by_kind[row.kind].append(row)
        self.assign_references(by_kind)
        for row in by_kind[OBJECTIVE]:
            self.objective_row(row)
        self.known_objectives |= set(self.records[OBJECTIVE])  # before any link is followed
        for row in by_kind[OBJECTIVE]:
            self.objective_links(row)
        for handle, kind in ((self.action_row, ACTION), (self.measure_row, MEASURE), (self.risk_row, RISK)):
            for row in by_kind[kind]:
                handle(row)
        self.check_cycles()
        self.settle_all()
        duplicates = self.people.likely_duplicates()
        for pair in duplicates:
            self.issues.warning(pair["sheet"], pair["row"], "", f"“{pair['name']}” may be the same person as "
                                f"“{pair['like']}”. They are kept as two people unless you choose to merge "
                                "them below.")
        plan = Plan(programme_id=None, as_at=self.as_at, records=self.records, people=self.people,
                    existing=self.existing, issues=self.issues, sheets=layout.sheets,
                    periods_to_create=self.periods_to_create, rows=len(layout.rows),
                    generated=self.generated, flat_objective=self.flat_objective, duplicates=duplicates)
        plan.reconciliation = reconcile(self.records, self.existing, self.stated, settings=self.settings,
                                        as_at=self.as_at, ref_of=self.objective_ref)
        return plan

    # ------------------------------------------------------------ helpers

    def warn(self, row: SourceRow, name: str, message: str) -> None:
        self.issues.warning(row.sheet, row.row, row.column(name), message)

    def fail(self, row: SourceRow, name: str, message: str) -> None:
        self.issues.error(row.sheet, row.row, row.column(name), message)

    def parse(self, parser, row: SourceRow, name: str, default=None):
        """A cell through a parser; a ValueProblem becomes an error on that cell."""
        if name not in row.values:
            return default
        try:
            return parser(row.values[name])
        except ValueProblem as problem:
            self.fail(row, name, str(problem))
            return default
        except (ArithmeticError, ValueError, TypeError):  # a value no parser foresaw: still the cell's error
            self.fail(row, name, f"“{cell_text(row.values[name])[:50]}” cannot be read as a "
                      f"{row.column(name) or name}. Check the cell.")
            return default

    def new_record(self, kind: str, row: SourceRow, existing: dict | None, **fields) -> Record:
        record = Record(kind, ref_key(row.ref), existing["reference"] if existing else row.ref, row.sheet,
                        row.row, id=existing["id"] if existing else None, source=row, **fields)
        self.records[kind][record.key] = record
        if row.extra:
            self.keep_extra(record, row.extra)
        return record

    def title(self, row: SourceRow, record: Record) -> None:
        title = plain_text(row.values.get("title"))
        if len(title) > TITLE_LENGTH:
            self.fail(row, "title", f"The name of {record.ref} is {len(title):,} characters; a name is at most "
                      f"{TITLE_LENGTH}. Shorten it, and put the rest in a description column.")
            return  # refused, never cut
        if title:
            record.values["title"] = title
        elif record.id is None:
            self.fail(row, "title" if "title" in row.headings else "ref",
                      f"{record.ref} has no name. Give every new row a name or title.")
        if "description" in row.values:
            record.values["description"] = plain_text(row.values["description"])

    def owners(self, row: SourceRow, record: Record | None = None) -> list[str]:
        """The people (or teams) written; the lines listed under them become a "Links to" note."""
        column = row.column("owner")
        names, links = owners_and_links(row.values.get("owner"))
        if links and record is not None:
            self.keep_extra(record, {LINKS_HEADING: "\n".join(links)})
        return [self.people.resolve(written, sheet=row.sheet, row=row.row, column=column) for written in names]

    def keep_extra(self, record: Record, written: dict) -> None:
        """Columns no field reads, kept with the record by heading, on top of what it holds."""
        texts = {str(heading)[:EXTRA_HEADING_LENGTH]: text for heading, value in written.items()
                 if (text := extra_text(value))}
        if not texts:
            return
        before = record.values.get("extra")
        if before is None:
            existing = self.existing_row(record)
            before = dict(existing.get("extra") or {}) if existing else {}
        record.values["extra"] = {**before, **texts}

    def existing_row(self, record: Record) -> dict | None:
        rows = {OBJECTIVE: self.existing.objectives, ACTION: self.existing.actions,
                MEASURE: self.existing.measures, RISK: self.existing.risks}[record.kind]
        return rows.get(record.key) if record.id is not None else None

    def find_objectives(self, links: list[tuple]) -> tuple[list[str], list[str]]:
        """(keys of the objectives named, in order; the references written that name nothing)."""
        found, missing = [], []
        for candidates in links:
            key = next((ref_key(c) for c in candidates if ref_key(c) in self.known_objectives), None)
            if key is None:
                missing.append(candidates[-1])
            elif key not in found:
                found.append(key)
        return found, missing

    def linked(self, row: SourceRow, name: str, record: Record) -> list[str]:
        """The objectives a link cell names; the ones that exist nowhere are warned about."""
        found, missing = self.find_objectives(parse_links(row.values[name]))
        for written in missing:
            self.warn(row, name, f"{record.ref} is linked to objective “{written}”, which does not exist in "
                      "the file or the programme; that link was left out.")
        return found

    def due(self, row: SourceRow, record: Record, length: int = DUE_NOTE_LENGTH) -> tuple[date | None, str] | None:
        due = self.parse(parse_date, row, "due")
        if due is not None and len(due.note) > length:
            self.fail(row, "due", f"The due date of {record.ref} is {len(due.note):,} characters of words, not a "
                      f"date; words kept instead of a date are at most {length} characters. Write a date, or "
                      "shorten the words.")
            return None
        if due is not None and due.note:
            self.warn(row, "due", f"“{due.note}” is not a date, so {record.ref} has no due date; the words "
                      "are kept as its due note.")
        return None if due is None else (due.date, due.note)

    def objective_ref(self, key: str | None) -> str:
        if not key:
            return ""
        if key in self.records[OBJECTIVE]:
            return self.records[OBJECTIVE][key].ref
        row = self.existing.objectives.get(key)
        return row["reference"] if row else key

    # ------------------------------------------------------------ objectives

    def objective_row(self, row: SourceRow) -> None:
        record = self.records[OBJECTIVE].get(ref_key(row.ref))
        if record is not None:
            self.merge_repeat(record, row)
            return
        record = self.new_record(OBJECTIVE, row, self.existing.objectives.get(ref_key(row.ref)),
                                 order=self.objective_order)
        self.objective_order += 1
        self.title(row, record)
        due = self.due(row, record, TIMEFRAME_LENGTH)
        if due is not None:
            record.values["due_date"] = due[0]
            if due[1]:
                record.values["timeframe"] = due[1]
        weight = self.parse(parse_weight, row, "weight")
        if weight is not None:
            record.values["weight"] = weight
        if row.subtype in ObjectiveKind.values:
            record.values["kind"] = row.subtype
        percent = self.parse(parse_percent, row, "percent")
        if percent is not None:
            self.stated[record.key] = (percent, row)
            if self.manual_percent:
                record.values["manual_percent"] = Decimal(percent)
        owners = self.owners(row, record)
        if owners:
            record.links["owner_id"] = owners[0]
            record.m2m["leads"] = set(owners[1:])

    def merge_repeat(self, record: Record, row: SourceRow) -> None:
        """The same objective, measure or risk written again: one record, first values kept."""
        title = plain_text(row.values.get("title"))
        if title and record.values.get("title") and title != record.values["title"]:
            self.warn(row, "title", f"{record.ref} appears again (first on {record.sheet} row {record.row}) "
                      "with another name; the import keeps the first.")

    def objective_links(self, row: SourceRow) -> None:
        record = self.records[OBJECTIVE][ref_key(row.ref)]
        if record.source is not row:
            return
        parent = self.objective_parent(row, record)
        if parent is not None:
            record.links["parent_id"] = parent or None
        elif record.id is None:
            record.links["parent_id"] = None
        if "delivers" in row.values:
            linked = self.linked(row, "delivers", record)
            record.m2m["contributes_to"] = {key for key in linked if key != record.key}

    def objective_parent(self, row: SourceRow, record: Record) -> str | None:
        """The parent's key; "" for the top of the programme; None to leave it where it is."""
        if "parent" in row.values:
            found, missing = self.find_objectives(parse_links(row.values["parent"]))
            if found and found[0] == record.key:
                self.warn(row, "parent", f"{record.ref} names itself as its parent; the link was left out.")
                return None
            if found:
                return found[0]
            written = ", ".join(missing) or cell_text(row.values["parent"])
            where = "at the top of the programme" if record.id is None else "where it was"
            self.warn(row, "parent", f"The parent “{written}” of {record.ref} does not exist in the file or "
                      f"the programme, so {record.ref} stays {where}.")
            return "" if record.id is None else None
        above = parent_ref(record.ref)
        if above is None:
            return None
        if ref_key(above) in self.known_objectives:
            return ref_key(above)
        if record.id is None:
            self.warn(row, "ref", f"{record.ref} looks as if it belongs to {above}, which does not exist, so "
                      "it sits at the top of the programme.")
        return None

    def placeholder_objective(self, ref: str, row: SourceRow, title: str | None = None) -> str:
        key = ref_key(ref)
        if key not in self.known_objectives:
            record = Record(OBJECTIVE, key, ref, row.sheet, row.row, op=CREATE, placeholder=True,
                            order=self.objective_order, values={"title": title or ref},
                            links={"parent_id": None})
            self.objective_order += 1
            self.records[OBJECTIVE][key] = record
            self.known_objectives.add(key)
        return key

    def check_cycles(self) -> None:
        parents = {key: self.existing.objective_key(row["parent_id"])
                   for key, row in self.existing.objectives.items()}
        parents.update({key: r.links["parent_id"] for key, r in self.records[OBJECTIVE].items()
                        if "parent_id" in r.links})
        for key, record in self.records[OBJECTIVE].items():
            seen, current = set(), parents.get(key)
            while current and current not in seen:
                if current == key:
                    self.issues.error(record.sheet, record.row, "", f"{record.ref} would sit under itself: "
                                      "its parents lead back to it. Check the parent column.")
                    break
                seen.add(current)
                current = parents.get(current)

    # ------------------------------------------------------------ actions

    def action_row(self, row: SourceRow) -> None:
        key = ref_key(row.ref)
        if key in self.records[ACTION]:
            first = self.records[ACTION][key]
            self.fail(row, "ref", f"{row.ref} appears twice (also on {first.sheet} row {first.row}). Each "
                      "action needs its own reference.")
            return
        existing = self.existing.actions.get(key)
        record = self.new_record(ACTION, row, existing, order=self.action_order)
        self.action_order += 1
        self.delivers_in_title(row)
        self.title(row, record)
        self.action_objective(row, record, existing)
        self.action_dates(row, record, existing)
        milestone = {"milestone": True, "action": False}.get(row.subtype)
        flag = self.parse(parse_yes_no, row, "milestone")
        if flag is not None or milestone is not None:
            record.values["is_milestone"] = milestone if flag is None else flag
        weight = self.parse(parse_weight, row, "weight")
        if weight is not None:
            record.values["weight"] = weight
        owners = self.owners(row, record)
        if owners:
            record.links["responsible_id"] = owners[0]
            record.m2m["leads"] = set(owners[1:])
        self.action_progress(row, record, existing)

    def delivers_in_title(self, row: SourceRow) -> None:
        """Seed 004 writes "Delivers against Objective 1/6" at the end of the action itself."""
        if "delivers" in row.values or "title" not in row.values:
            return
        title, delivers = split_delivers(plain_text(row.values["title"]))
        if delivers:
            row.values["title"], row.values["delivers"] = title, delivers
            row.headings = {**row.headings, "delivers": row.column("title")}  # shared by the sheet: copy

    def action_objective(self, row: SourceRow, record: Record, existing: dict | None) -> None:
        if row.flat and "parent" not in row.values and "delivers" in row.values:
            delivers = self.delivered_objectives(row)
        else:
            delivers = self.linked(row, "delivers", record) if "delivers" in row.values else []
        objective = self.named_objective(row, record, delivers)
        if objective is None and row.flat:
            objective = self.flat_plan_objective(row)
        if objective is None and existing is None:
            self.warn(row, "ref", f"{record.ref} does not say which objective it belongs to, so it was put "
                      f"under “Actions without an objective” ({UNASSIGNED}). Move it when you can.")
            objective = self.placeholder_objective(UNASSIGNED, row, "Actions without an objective")
        if objective is not None:
            record.links["objective_id"] = objective
        if "delivers" in row.values:
            record.m2m["contributes_to"] = {k for k in delivers if k != record.links.get("objective_id")}

    def named_objective(self, row: SourceRow, record: Record, delivers: list[str]) -> str | None:
        if "parent" in row.values:
            links = parse_links(row.values["parent"])
            found, _ = self.find_objectives(links)
            if found:
                return found[0]
            written = links[0][-1] if links else cell_text(row.values["parent"])
            return self.missing_objective(row, record, written, "parent")
        if delivers:
            return delivers[0]
        if row.generated and row.above:  # no reference: the objective row above it on the sheet
            return ref_key(row.above)
        above = parent_ref(record.ref)
        if above is None:
            return None
        if ref_key(above) in self.known_objectives:
            return ref_key(above)
        return self.missing_objective(row, record, above, "ref")

    def delivered_objectives(self, row: SourceRow) -> list[str]:
        """A flat plan's "Delivers against Objective 1/6": the objectives named, made from their
        references when neither the file nor the programme has them (a warning says so)."""
        keys = []
        for candidates in parse_links(row.values["delivers"]):
            key = next((ref_key(c) for c in candidates if ref_key(c) in self.known_objectives), None)
            if key is None:
                written = candidates[-1]
                if len(written) > REFERENCE_LENGTH:
                    self.fail(row, "delivers", f"“{written[:40]}…” is too long to be an objective's reference "
                              f"(at most {REFERENCE_LENGTH} characters).")
                    continue
                if ref_key(written) not in self.records[OBJECTIVE]:
                    self.warn(row, "delivers", f"Objective {written} is not in the file or the programme, so "
                              f"the import creates it as “Objective {written}”. Give it its proper name "
                              "afterwards.")
                key = self.placeholder_objective(written, row, f"Objective {written}")
            if key not in keys:
                keys.append(key)
        return keys

    def flat_plan_objective(self, row: SourceRow) -> str:
        """The one objective a flat plan's actions sit under when they name none."""
        if self.flat_objective is None:
            title = plain_text(self.options.get("objective_title")) or _sheet_title(row.sheet)
            title = title[:TITLE_LENGTH]
            self.flat_objective = {"ref": FLAT_REF, "title": title, "sheet": row.sheet}
            existing = self.existing.objectives.get(ref_key(FLAT_REF))
            if existing is not None:
                self.flat_objective["title"] = existing["title"]
                if self.options.get("objective_title") and existing["title"] != title:
                    self.flat_objective["title"] = title
                    self.rename_objective(existing, title)
            self.warn(row, "ref", f"This sheet is a flat plan: its rows are actions that name no objective, "
                      f"so they sit under one objective, “{self.flat_objective['title']}” ({FLAT_REF}). You can "
                      "rename it below before importing.")
        return self.placeholder_objective(FLAT_REF, row, self.flat_objective["title"])

    def rename_objective(self, existing: dict, title: str) -> None:
        record = Record(OBJECTIVE, ref_key(existing["reference"]), existing["reference"], id=existing["id"],
                        values={"title": title}, order=existing["order"])
        self.records[OBJECTIVE][record.key] = record
        self.known_objectives.add(record.key)

    # ------------------------------------------------------------ rows without a reference

    def assign_references(self, by_kind: dict) -> None:
        """Give each row without a reference a stable one: the record it already is (same kind,
        parent and name), else its parent's reference (or the sheet's) and its place."""
        taken = {OBJECTIVE: set(self.existing.objectives), ACTION: set(self.existing.actions),
                 MEASURE: set(self.existing.measures), RISK: set(self.existing.risks)}
        for kind, rows in by_kind.items():
            taken[kind] |= {ref_key(row.ref) for row in rows if not row.generated}
        known = taken[OBJECTIVE]
        same = self.existing_by_parent_and_title()
        written = {kind: {ref_key(row.ref) for row in rows if not row.generated} for kind, rows in by_kind.items()}
        claimed, counters = set(), {}
        for kind in (OBJECTIVE, ACTION, MEASURE, RISK):
            for row in by_kind[kind]:
                if not row.generated:
                    continue
                parent = self.written_parent(row, known)
                title = plain_text(row.values.get("title"))
                ref = same[kind].get((ref_key(parent) if parent else None, title.casefold()))
                if ref is None or ref_key(ref) in written[kind] or (kind, ref_key(ref)) in claimed:
                    prefix = (parent or _sheet_code(row.sheet))[:30]
                    number = counters.get((kind, prefix), 0)
                    while True:
                        number += 1
                        ref = f"{prefix}-{GENERATED_LETTER[kind]}{number}"
                        if ref_key(ref) not in taken[kind]:
                            break
                    counters[(kind, prefix)] = number
                taken[kind].add(ref_key(ref))
                claimed.add((kind, ref_key(ref)))
                row.values["ref"] = ref
                if kind == OBJECTIVE:
                    known.add(ref_key(ref))
                self.generated.append({"kind": kind, "sheet": row.sheet, "row": row.row, "ref": ref,
                                       "title": title})

    def written_parent(self, row: SourceRow, known: set) -> str | None:
        for name in ("parent", "delivers"):
            if name in row.values:
                links = parse_links(row.values[name])
                for candidates in links:
                    found = next((c for c in candidates if ref_key(c) in known), None)
                    if found:
                        return found
                if links:
                    return links[0][-1]
        if row.above:
            return row.above
        if row.flat:
            return FLAT_REF
        return None

    def existing_by_parent_and_title(self) -> dict:
        """kind -> {(parent's reference key, name folded): reference} for what the programme holds."""
        key_of = self.existing.objective_key
        found = {OBJECTIVE: {}, ACTION: {}, MEASURE: {}, RISK: {}}
        for kind, rows, parent in ((OBJECTIVE, self.existing.objectives, "parent_id"),
                                   (ACTION, self.existing.actions, "objective_id"),
                                   (RISK, self.existing.risks, "objective_id"),
                                   (MEASURE, self.existing.measures, None)):
            for row in rows.values():
                parent_key = key_of(row.get(parent)) if parent else None
                found[kind].setdefault((parent_key, row["title"].casefold()), row["reference"])
                if kind in (MEASURE, RISK):  # a register's parent is often a column; match by name too
                    found[kind].setdefault((None, row["title"].casefold()), row["reference"])
        return found

    def missing_objective(self, row: SourceRow, record: Record, written: str, name: str) -> str | None:
        if not ref_key(written):
            self.warn(row, name, f"The {row.column(name) or name} cell of {record.ref} names no objective, so the "
                      "link was left out.")
            return None
        if len(written) > REFERENCE_LENGTH:
            self.fail(row, name, f"“{written[:40]}…” is not the reference of an objective in the file or the "
                      f"programme, and too long to be one (at most {REFERENCE_LENGTH} characters). Write the "
                      "objective's reference.")
            return None
        self.warn(row, name, f"{record.ref} belongs to objective {written}, which is not in the file or the "
                  f"programme, so the import creates {written} with its reference as its name. Give it a "
                  "proper name afterwards.")
        return self.placeholder_objective(written, row)

    def action_dates(self, row: SourceRow, record: Record, existing: dict | None) -> None:
        start = self.parse(parse_date, row, "start")
        if start is not None and start.note:
            self.warn(row, "start", f"“{start.note}” is not a date, so {record.ref}'s start date was left "
                      "out.")
        elif start is not None:
            record.values["start_date"] = start.date
        due = self.due(row, record)
        if due is not None:
            record.values["due_date"], record.values["due_note"] = due
        revised = self.parse(parse_date, row, "revised_due")
        if revised is not None and revised.date:
            record.values["revised_due_date"] = revised.date
        final = {**(existing or {}), **record.values}
        begins = final.get("start_date")
        for name, attname in (("due", "due_date"), ("revised_due", "revised_due_date")):
            ends = final.get(attname)
            if begins and ends and ends < begins:
                self.fail(row, name if name in row.values else "start",
                          f"{record.ref} is due ({ends:%d/%m/%Y}) before it starts ({begins:%d/%m/%Y}).")

    def action_progress(self, row: SourceRow, record: Record, existing: dict | None) -> None:
        if not any(name in row.values for name in ("status", "percent", "rag", "rag_reason", "note")):
            return
        status = self.parse(parse_status, row, "status")
        percent = self.parse(parse_percent, row, "percent")
        rag = self.parse(parse_rag, row, "rag")
        note = sanitise_rich_text(str(row.values["note"])) if "note" in row.values else None
        last = existing["last_updated_on"] if existing else None
        becomes_current = update_becomes_current(self.as_at, last)
        current = self.current_progress(existing) if becomes_current else self.progress_as_at(existing)
        milestone = record.values.get("is_milestone", bool(existing and existing["is_milestone"]))
        status = status or self.status_without_column(rag, percent, current)
        final = normalise_progress(percent=current["percent"] if percent is None else percent, status=status,
                                   is_milestone=milestone)
        if percent is not None and final != percent:
            why = "a milestone (done or not)" if milestone else Status(status).label.lower()
            self.warn(row, "percent", f"{record.ref} is {why}, so its percentage is {final}% (the file says "
                      f"{percent}%).")
        declared, reason = self.declared(rag, note, current, row)
        wanted = {"status": status, "percent": final, "declared_rag": declared, "declared_rag_reason": reason}
        changed = {name: [current[name], value] for name, value in wanted.items() if current[name] != value}
        if note is not None and note != current["commentary"]:
            changed["commentary"] = [current["commentary"], note]
        if existing is not None and not changed:
            return
        if not becomes_current:
            self.warn(row, "percent" if "percent" in row.values else "status",
                      f"{record.ref} has a later update (on {last:%d/%m/%Y}) than the as-at date, so the "
                      f"file's progress joins its history, dated {self.as_at:%d/%m/%Y}, and its current "
                      "figures stay as they are.")
            changed = {}  # the action's own fields do not change
        record.progress = {**wanted, "commentary": note or "", "changed": changed, "current": becomes_current}

    def status_without_column(self, rag: str | None, percent: int | None, current: dict) -> str:
        """No status written: Blue means completed; else the percent says (0 not started, 100 done)."""
        if rag == "blue":
            return Status.COMPLETED.value
        if percent is None or (current["status"] in HELD_STATUSES and percent == current["percent"]):
            return current["status"]
        return status_from_percent(percent)

    def declared(self, rag: str | None, note: str | None, current: dict, row: SourceRow) -> tuple[str, str]:
        """The declared RAG and its reason: the reason column, else the note, else "Imported"."""
        written = plain_text(row.values.get("rag_reason")) or None
        if rag is None:
            return current["declared_rag"], current["declared_rag_reason"]
        if rag == current["declared_rag"] and written in (None, current["declared_rag_reason"]):
            return rag, current["declared_rag_reason"]
        return rag, written or plain_text(note) or IMPORTED_REASON

    def current_progress(self, existing: dict | None) -> dict:
        if existing is None:
            return dict(NO_PROGRESS)
        names = ("status", "percent", "declared_rag", "declared_rag_reason")
        current = {name: existing[name] for name in names}
        return {**current, "commentary": self.existing.latest_commentary.get(existing["id"], "")}

    def progress_as_at(self, existing: dict) -> dict:
        """The action's progress on the as-at date: its latest update on or before it, else none yet."""
        update = self.existing.progress_as_at.get(existing["id"])
        return dict(NO_PROGRESS) if update is None else {name: update[name] for name in NO_PROGRESS}

    # ------------------------------------------------------------ measures and risks

    def shared_record(self, kind: str, row: SourceRow, existing_rows: dict) -> tuple[Record, bool]:
        """Measures and risks: the same reference under several objectives is one record."""
        record = self.records[kind].get(ref_key(row.ref))
        if record is not None:
            self.merge_repeat(record, row)
            return record, False
        record = self.new_record(kind, row, existing_rows.get(ref_key(row.ref)))
        self.title(row, record)
        owners = self.owners(row, record)
        if owners:
            record.links["owner_id"] = owners[0]
        return record, True

    def linked_objectives(self, row: SourceRow, record: Record) -> list[str]:
        name = "parent" if "parent" in row.values else "delivers"
        return self.linked(row, name, record) if name in row.values else []

    def measure_row(self, row: SourceRow) -> None:
        record, first = self.shared_record(MEASURE, row, self.existing.measures)
        found = self.linked_objectives(row, record)
        if found:
            record.m2m.setdefault("objectives", set()).update(found)
        targets = {name: value for name, value in row.values.items() if name.startswith("target:")}
        for name, value in targets.items():
            self.measure_target(row, record, name, value)
        for name in [name for name in row.values if name.startswith("value:")]:
            self.measure_value(row, record, name)
        for name in CHOICES:
            self.measure_choice(row, record, name)
        if first and record.id is None and "unit" not in record.values:
            unit = unit_from_targets([cell_text(value) for value in targets.values()])
            if unit:
                record.values["unit"] = unit

    def measure_target(self, row: SourceRow, record: Record, name: str, value) -> None:
        target = self.parse(parse_target, row, name)
        if target is None:
            return
        year = self.period(name.removeprefix("target:"))
        earlier = record.targets.get(year)
        if earlier is not None and earlier != target:
            self.warn(row, name, f"{record.ref} has two different targets for {year}; the import keeps the "
                      f"first ({earlier.text or show(earlier.value)}).")
            return
        record.targets[year] = target

    def measure_value(self, row: SourceRow, record: Record, name: str) -> None:
        """A value for a period ("Apr-24", "Q1 actual"): a number, kept per period."""
        value = self.parse(parse_target, row, name)
        if value is None:
            return
        period = self.period(name.removeprefix("value:"))
        if value.value is None:
            if value.text.lower() not in {"-", "–", "n/a", "na", "tbc", "nil"}:
                self.warn(row, name, f"“{value.text}” is not a number, so {record.ref} has no value for {period}.")
            return
        earlier = record.period_values.get(period)
        if earlier is not None and earlier != value.value:
            self.warn(row, name, f"{record.ref} has two different values for {period}; the import keeps the "
                      f"first ({show(earlier)}).")
            return
        record.period_values[period] = value.value

    def period(self, label: str) -> str:
        """The name of the period a column's label names: the existing period of that kind and start
        (whatever it is called), else one the import creates."""
        spec = period_spec(label, self.as_at)
        if spec.name in self.existing.periods:
            return spec.name
        same = self.existing.period_names.get((spec.kind, spec.start))
        if same is not None:
            return same
        self.periods_to_create.setdefault(spec.name, spec)
        return spec.name

    def measure_choice(self, row: SourceRow, record: Record, name: str) -> None:
        if name not in row.values or name in record.values:
            return
        written = cell_text(row.values[name])
        choice = CHOICES[name].get(written.lower())
        if choice is None:
            self.warn(row, name, f"“{written}” is not a {name} the import knows; it was left out.")
        else:
            record.values[name] = choice

    def risk_row(self, row: SourceRow) -> None:
        record, first = self.shared_record(RISK, row, self.existing.risks)
        found = self.linked_objectives(row, record)
        if found:
            linked = record.links.setdefault("objective_id", found[0])
            others = [self.objective_ref(key) for key in found if key != linked]
            if others:
                self.warn(row, "parent", f"A risk is linked to one objective: {record.ref} stays linked to "
                          f"{self.objective_ref(linked)} and not to {', '.join(others)}.")
        if first:
            self.risk_values(row, record)

    def risk_values(self, row: SourceRow, record: Record) -> None:
        for name, attname in RISK_SCORES:
            score = self.parse(parse_score, row, name)
            if score is not None:
                record.values[attname] = score
        review = self.parse(parse_date, row, "review_date")
        if review is not None and review.date:
            record.values["review_date"] = review.date
        if "mitigation" in row.values:
            record.values["mitigation"] = plain_text(row.values["mitigation"])
        if "status" in row.values:
            closed = cell_text(row.values["status"]).lower() in CLOSED_WORDS
            record.values["status"] = "closed" if closed else "open"

    # ------------------------------------------------------------ deciding what changes

    def settle_all(self) -> None:
        existing = self.existing
        for record in self.records[OBJECTIVE].values():
            row = existing.objectives.get(record.key)
            self.settle(record, row, {
                "leads": self.person_keys(existing.objective_leads, row),
                "contributes_to": self.objective_keys(existing.objective_contributes, row),
            })
        for record in self.records[ACTION].values():
            row = existing.actions.get(record.key)
            self.settle(record, row, {
                "leads": self.person_keys(existing.action_leads, row),
                "contributes_to": self.objective_keys(existing.action_contributes, row),
            })
        for record in self.records[MEASURE].values():
            row = existing.measures.get(record.key)
            self.settle(record, row, {"objectives": self.objective_keys(existing.measure_objectives, row)})
            self.settle_targets(record, row)
        for record in self.records[RISK].values():
            self.settle(record, existing.risks.get(record.key), {})

    def person_keys(self, pairs: dict, row: dict | None) -> set:
        return {f"p{i}" for i in pairs.get(row["id"], ())} if row else set()

    def objective_keys(self, pairs: dict, row: dict | None) -> set:
        return {self.existing.objective_key(i) for i in pairs.get(row["id"], ())} if row else set()

    def settle(self, record: Record, row: dict | None, old_m2m: dict) -> None:
        if row is None:
            record.op = CREATE
            return
        for name, value in record.values.items():
            if row.get(name) != value:
                record.changes[name] = [show(row.get(name)), show(value)]
        for attname, key in record.links.items():
            old = self.link_key(attname, row.get(attname))
            if old != key:
                record.changes[attname.removesuffix("_id")] = [self.describe(attname, old),
                                                               self.describe(attname, key)]
        for name, keys in record.m2m.items():
            old = old_m2m.get(name, set())
            if old != keys:
                record.changes[name] = [self.describe_many(name, old), self.describe_many(name, keys)]
        if record.progress is not None:
            for name, (old, new) in record.progress["changed"].items():
                record.changes[name] = [show(old), show(new)]
            if not record.progress["current"]:
                record.changes["history"] = [None, history_text(record.progress, self.as_at)]
        record.op = UPDATE if record.changes else UNCHANGED

    def settle_targets(self, record: Record, row: dict | None) -> None:
        if row is None:
            return
        for year, target in record.targets.items():
            period_id = self.existing.periods.get(year)
            old = self.existing.targets.get((row["id"], period_id)) if period_id else None
            if old is None or old["value"] != target.value or old["text"] != target.text:
                before = None if old is None else (old["text"] or show(old["value"]))
                record.changes[f"target {year}"] = [before, target.text or show(target.value)]
        for name, value in record.period_values.items():
            period_id = self.existing.periods.get(name)
            old = self.existing.values.get((row["id"], period_id)) if period_id else None
            if old is None or old["value"] != value:
                record.changes[f"value {name}"] = [None if old is None else show(old["value"]), show(value)]
        if record.changes:
            record.op = UPDATE

    def link_key(self, attname: str, value) -> str | None:
        if value is None:
            return None
        return f"p{value}" if attname in PEOPLE_LINKS else self.existing.objective_key(value)

    def describe(self, attname: str, key: str | None):
        if key is None:
            return None
        return self.people.name(key) if attname in PEOPLE_LINKS else self.objective_ref(key)

    def describe_many(self, name: str, keys: set) -> list:
        if name == "leads":
            return sorted(self.people.name(k) for k in keys)
        return sorted(self.objective_ref(k) for k in keys)


def _sheet_title(name: str) -> str:
    """A sheet's name as an objective's ("Action Plan"); a CSV's file name without its extension."""
    stem = name.rsplit(".", 1)[0] if name.lower().endswith(".csv") else name
    return " ".join(stem.replace("_", " ").split()).strip() or "Action plan"


def _sheet_code(name: str) -> str:
    """"Risk register" -> "RR"; "risks.csv" -> "RISKS": the prefix of references made on a sheet."""
    words = re.findall(r"[A-Za-z0-9]+", _sheet_title(name))
    if len(words) > 1:
        return "".join(w[0] for w in words).upper()
    return (words[0][:8] if words else "ROW").upper()


def count_errors_by_kind(plan: Plan, layout: Layout) -> dict:
    """Errors per kind of record, read from the rows they point at."""
    kinds = {(row.sheet, row.row): PLURAL[row.kind] for row in layout.rows}
    counts = dict.fromkeys(KINDS, 0)
    for issue in plan.issues.errors:
        kind = kinds.get((issue.sheet, issue.row))
        if kind:
            counts[kind] += 1
    return counts


def build_plan(layout: Layout, *, existing: Existing, as_at: date, issues: Issues,
               settings: rules.RollupSettings = rules.DEFAULT_SETTINGS, manual_percent: bool = False,
               options: dict | None = None) -> Plan:
    planner = Planner(existing=existing, as_at=as_at, issues=issues, settings=settings,
                      manual_percent=manual_percent, options=options)
    plan = planner.build(layout)
    plan.error_counts = count_errors_by_kind(plan, layout)
    return plan
