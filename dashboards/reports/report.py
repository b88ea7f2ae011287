"""The reads that fill a report (model.py) for any as-at date, scoped to what the user may see.

Every figure is the engine's, from the same cached tree and the same row read (selectors.node_row)
as the dashboards, so a report and the page for the same date cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings

from actionplans.selectors import (
    direction_label,
    due_dates_moved,
    latest_commentary,
    owned_action_ids,
    updated_between,
)
from governance.selectors import linked_risks, risk_list
from programmes import rules
from programmes.choices import RAG_MEANINGS
from programmes.html import rich_text_as_plain
from programmes.periods import previous_period
from programmes.permissions import can_read_everything

from .. import selectors
from ..charts import RAG_FILL
from .model import (
    ACHIEVEMENT_COLUMNS,
    ACTION_PLAN,
    ACTION_PLAN_COLUMNS,
    EXCEPTION_COLUMNS,
    EXCEPTIONS,
    HIGHLIGHT,
    KIND_TITLES,
    MEASURE_COLUMNS,
    MILESTONE_COLUMNS,
    MOVEMENT,
    MOVEMENT_COLUMNS,
    RISK_COLUMNS,
    RagCount,
    RagKeyEntry,
    Report,
    ReportRow,
    Section,
)

OBJECTIVE, ACTION = "objective", "action"
GREY_MEANING = "not due to start, or nothing to measure against"


def rag_key() -> tuple[RagKeyEntry, ...]:
    return tuple(RagKeyEntry(rag.value, rag.label, RAG_MEANINGS.get(rag, GREY_MEANING), RAG_FILL[rag])
                 for rag in rules.RAG_ORDER)


def distribution(counts: dict) -> tuple[RagCount, ...]:
    return tuple(RagCount(rag.value, rag.label, counts.get(rag, 0)) for rag in rules.RAG_ORDER)


def _report_row(row: selectors.NodeRow, *, level: int, parent_ref: str, commentary: str, reasons=(),
                risks=()) -> ReportRow:
    return ReportRow(
        kind=row.kind, level=level, ref=row.ref, title=row.title, parent_ref=parent_ref, due=row.due,
        due_shown=rules.uk_date(row.due), status=row.status or "", status_label=row.status_label,
        percent=row.percent, percent_shown=rules.percent_text(row.percent), rag=row.rag.value,
        rag_label=row.rag.label, owners=tuple(row.owners), commentary_html=commentary,
        commentary_text=rich_text_as_plain(commentary), milestone=row.milestone, excluded=row.excluded,
        reasons=tuple(reasons), risks=tuple(risks),
    )


def _visible_rows(tree, result, *, as_at: date, allowed: frozenset | None, notes: dict) -> list[ReportRow]:
    """Objectives in reading order (each, then its actions, then its child objectives); an objective
    with nothing the user may see under it is left out when the user sees only their own actions."""
    rows: list[ReportRow] = []

    def walk(node, level: int, parent_ref: str) -> bool:
        own = [_report_row(selectors.node_row(tree, node, as_at), level=level, parent_ref=parent_ref,
                           commentary="")]
        shown = False
        below: list[ReportRow] = []
        for child in node.children:
            if isinstance(child, rules.ActionResult):
                if allowed is not None and child.key[1] not in allowed:
                    continue
                below.append(_report_row(selectors.node_row(tree, child, as_at), level=level + 1,
                                         parent_ref=node.ref, commentary=notes.get(child.key[1], "")))
                shown = True
        start = len(rows)
        rows.extend(own + below)
        for child in node.children:
            if isinstance(child, rules.NodeResult):
                shown = walk(child, level + 1, node.ref) or shown
        if allowed is not None and not shown:
            del rows[start:]
        return shown

    tops = [c for c in result.children if isinstance(c, rules.NodeResult)] if result.key[0] == "programme" else [result]
    for top in tops:
        walk(top, 1, "")
    return rows


def _tree_and_scope(programme_id: int, *, as_at: date, user, version: tuple | None, objective_id: int | None = None):
    """(tree, the actions the user may see (None: all), the node the report is about: the programme, or
    one of its objectives and what sits under it); (None, None, None) when there is no such node."""
    tree = selectors.programme_tree(programme_id, as_at=as_at, version=version or selectors.data_version())
    if tree is None:
        return None, None, None
    root = tree.result if objective_id is None else tree.results_by_key().get((OBJECTIVE, objective_id))
    if root is None:
        return None, None, None
    # The command line (no user) and every reader see all of it; anyone else what they own.
    allowed = None if user is None or can_read_everything(user) else owned_action_ids(user, programme_id)
    return tree, allowed, root


def _report(kind: str, tree, root, *, as_at: date, sections: tuple[Section, ...], compared_with: date | None = None,
            title: str = "") -> Report:
    programme = selectors.node_row(tree, tree.result, as_at)
    subject = selectors.node_row(tree, root, as_at)
    name = programme.title if root is tree.result else f"{subject.ref} {subject.title} ({programme.title})"
    return Report(
        kind=kind, title=title or KIND_TITLES[kind], council=settings.COUNCIL_NAME, programme=name,
        programme_ref=subject.ref, as_at=as_at, as_at_shown=rules.uk_date(as_at),
        percent_shown=rules.percent_text(subject.percent), rag=subject.rag.value,
        rag_label=subject.rag.label, distribution=distribution(subject.distribution), rag_key=rag_key(),
        sections=sections, compared_with=compared_with,
    )


def action_plan_report(programme_id: int, *, as_at: date, user, version: tuple | None = None,
                       objective_id: int | None = None) -> Report | None:
    """The programme's action plan in the layout of the councils' own reports (seed 001): objectives
    nested as deep as the programme, each followed by its actions with their latest commentary.

    Leadership, managers, admins and clerks see every row; anyone else the actions they own and the
    objectives above them. Queries: the tree's (shared with the dashboards' cache), plus one for the
    commentary and, for an owner, one for their actions."""
    tree, allowed, root = _tree_and_scope(programme_id, as_at=as_at, user=user, version=version,
                                          objective_id=objective_id)
    if tree is None:
        return None
    notes = latest_commentary(programme_id, as_at=as_at)
    rows = _visible_rows(tree, root, as_at=as_at, allowed=allowed, notes=notes)
    return _report(ACTION_PLAN, tree, root, as_at=as_at,
                   sections=(Section("Objectives and actions", ACTION_PLAN_COLUMNS, tuple(rows)),))


# ---------------------------------------------------------------- exceptions


def exception_report(programme_id: int, *, as_at: date, user, version: tuple | None = None,
                     objective_id: int | None = None) -> Report | None:
    """Only what needs the committee's attention: Red, Amber, overdue, not updated and declared-greener
    items, actions before objectives, worst first, each with why it is there, its owner, latest
    commentary and linked risks. The same choice of items as the Exceptions dashboard."""
    tree, allowed, root = _tree_and_scope(programme_id, as_at=as_at, user=user, version=version,
                                          objective_id=objective_id)
    if tree is None:
        return None
    notes = latest_commentary(programme_id, as_at=as_at)
    risks = linked_risks(programme_id, as_at=as_at, settings_=tree.facts.settings)
    facts = selectors.action_facts_by_key(tree.facts)
    actions, objectives = [], []
    for result in rules.iter_results(root):
        kind, pk = result.key
        if kind == "programme" or (kind == ACTION and allowed is not None and pk not in allowed):
            continue
        row = selectors.node_row(tree, result, as_at)
        if not selectors.exception_reasons(row):
            continue
        parent = tree.info.get((OBJECTIVE, row.parent_id)) if row.parent_id else None
        if kind == ACTION:
            words = selectors.action_reasons(row, result, facts.get(result.key))
            item = _report_row(row, level=2, parent_ref=parent.ref if parent else "", commentary=notes.get(pk, ""),
                               reasons=words, risks=risks.by_action.get(pk, ()))
            actions.append((selectors.severity(row), item))
        elif allowed is None:
            item = _report_row(row, level=1, parent_ref=parent.ref if parent else "", commentary="",
                               reasons=[result.explanation.rag_reason], risks=risks.by_objective.get(pk, ()))
            objectives.append((selectors.severity(row), item))
    sections = (
        Section("Actions", EXCEPTION_COLUMNS, tuple(item for _, item in sorted(actions, key=_first)),
                intro="Red and Amber first, then overdue, not updated and declared greener.",
                empty="No action needs attention on this date."),
        Section("Objectives", EXCEPTION_COLUMNS, tuple(item for _, item in sorted(objectives, key=_first)),
                empty="No objective is Red or Amber on this date."),
    )
    return _report(EXCEPTIONS, tree, root, as_at=as_at, sections=sections)


def _first(pair):
    return pair[0]


# ---------------------------------------------------------------- movement


def default_comparison(as_at: date, version: tuple | None = None) -> date:
    """The end of the reporting period before the as-at date's (90 days earlier when there is none)."""
    return previous_period(as_at, selectors.reporting_periods(version or selectors.data_version())).on


@dataclass
class Movement:
    """What moved between two dates, as report rows, each with what changed in words."""

    compare: date
    colour: list = field(default_factory=list)
    completed: list = field(default_factory=list)
    due: list = field(default_factory=list)
    quiet: list = field(default_factory=list)
    added: list = field(default_factory=list)


def _movement(tree, allowed, root, *, programme_id: int, as_at: date, compare: date, version: tuple,
              notes: dict) -> Movement:
    if compare >= as_at:
        raise ValueError("The date to compare with must be before the as-at date.")
    before = selectors.programme_tree(programme_id, as_at=compare, version=version).results_by_key()
    updated = updated_between(programme_id, after=compare, until=as_at)
    moved = due_dates_moved(programme_id, after=compare, until=as_at)
    facts = selectors.action_facts_by_key(tree.facts)
    then, now = rules.uk_date(compare), rules.uk_date(as_at)
    found = Movement(compare)
    for result in rules.iter_results(root):
        kind, pk = result.key
        if kind == "programme" or (allowed is not None and (kind != ACTION or pk not in allowed)):
            continue
        row = selectors.node_row(tree, result, as_at)
        parent = tree.info.get((OBJECTIVE, row.parent_id)) if row.parent_id else None

        def item(words: str, row=row, parent=parent, pk=pk, kind=kind):
            return _report_row(row, level=1 if kind == OBJECTIVE else 2, parent_ref=parent.ref if parent else "",
                               commentary=notes.get(pk, "") if kind == ACTION else "", reasons=[words])

        earlier = before.get(result.key)
        created = facts[result.key].created if result.key in facts else None
        is_new = bool(created and compare < created <= as_at)
        if earlier is not None and earlier.rag != result.rag and not is_new:
            found.colour.append(item(f"{earlier.rag.label} on {then}, {result.rag.label} on {now}"))
        if kind != ACTION:
            continue
        if is_new:  # a past tree shows an action added later as first recorded: it is new, not moved
            found.added.append(item(f"Added on {rules.uk_date(created)}"))
        if result.status == rules.Status.COMPLETED and (earlier is None or earlier.status != rules.Status.COMPLETED):
            found.completed.append(item(f"Completed since {then}"))
        if pk in moved:
            was, since = moved[pk]
            found.due.append(item(f"Due {rules.uk_date(since) or 'no date'}, was {rules.uk_date(was) or 'no date'}"))
        if not result.excluded and result.status != rules.Status.COMPLETED and pk not in updated and not is_new:
            found.quiet.append(item(f"No update between {then} and {now}"))
    return found


def _between(movement: Movement, as_at: date) -> str:
    return f"between {rules.uk_date(movement.compare)} and {rules.uk_date(as_at)}"


def _scope_with_movement(programme_id: int, *, as_at: date, user, version: tuple | None, compare: date | None,
                         objective_id: int | None):
    """(tree, allowed actions, root, what moved since `compare`, version) for the movement and highlight
    reports; None when there is no such programme or objective."""
    version = version or selectors.data_version()
    compare = compare or default_comparison(as_at, version)
    tree, allowed, root = _tree_and_scope(programme_id, as_at=as_at, user=user, version=version,
                                          objective_id=objective_id)
    if tree is None:
        return None
    found = _movement(tree, allowed, root, programme_id=programme_id, as_at=as_at, compare=compare, version=version,
                      notes=latest_commentary(programme_id, as_at=as_at))
    return tree, allowed, root, found, version


def movement_report(programme_id: int, *, as_at: date, user, version: tuple | None = None,
                    compare: date | None = None, objective_id: int | None = None) -> Report | None:
    """What moved between two dates (by default the as-at date and the end of the period before):
    what changed colour, what completed, whose due date moved, what was not updated, what was added.
    Every colour is the engine's for its date. Queries: two trees (each shared with the dashboards'
    cache), the commentary, the updates in between and the due-date history."""
    scoped = _scope_with_movement(programme_id, as_at=as_at, user=user, version=version, compare=compare,
                                  objective_id=objective_id)
    if scoped is None:
        return None
    tree, allowed, root, found, _ = scoped
    between = _between(found, as_at)
    sections = (
        Section("Changed colour", MOVEMENT_COLUMNS, tuple(found.colour), intro=f"Objectives and actions whose RAG "
                f"changed {between}.", empty=f"Nothing changed colour {between}."),
        Section("Completed", MOVEMENT_COLUMNS, tuple(found.completed), empty=f"Nothing was completed {between}."),
        Section("Due dates moved", MOVEMENT_COLUMNS, tuple(found.due), empty=f"No due date moved {between}."),
        Section("Not updated", MOVEMENT_COLUMNS, tuple(found.quiet), intro=f"Open actions with no update {between}.",
                empty=f"Every open action was updated {between}."),
        Section("Added", MOVEMENT_COLUMNS, tuple(found.added), empty=f"No action was added {between}."),
    )
    return _report(MOVEMENT, tree, root, as_at=as_at, sections=sections, compared_with=found.compare,
                   title=f"Movement since {rules.uk_date(found.compare)}")


# ---------------------------------------------------------------- highlight

MILESTONE_DAYS = 90
TOP_RISKS = 5


def _measure_row(m: selectors.MeasureRow) -> ReportRow:
    rag = m.rag or rules.Rag.GREY
    return ReportRow(
        kind="measure", level=1, ref=m.ref, title=m.title, parent_ref="", due=None, due_shown="", status="",
        status_label="", percent=None, percent_shown="–", rag=rag.value,
        rag_label="Data only" if m.data_only else rag.label,
        value=f"{m.latest_shown} ({m.latest_period})" if m.latest_shown else "No value yet",
        target="" if m.data_only else (m.target_shown or "No target"),
        direction=direction_label(m.direction) if m.latest_shown else "",
    )


def _risk_row(r) -> ReportRow:
    return ReportRow(
        kind="risk", level=1, ref=r.ref, title=r.title, parent_ref=r.objective, due=r.review_date,
        due_shown=rules.uk_date(r.review_date), status="", status_label="", percent=None, percent_shown="–",
        rag=r.band.value, rag_label=r.band.label, owners=(r.owner,) if r.owner else (),
        score=f"{r.score} (likelihood {r.likelihood}, impact {r.impact})",
    )


def highlight_report(programme_id: int, *, as_at: date, user, version: tuple | None = None,
                     compare: date | None = None, objective_id: int | None = None) -> Report | None:
    """A programme on a page or two: its percent, RAG and distribution (the cover), the key
    achievements of the period (actions completed, with their latest note), milestones due in the next
    90 days, what changed colour, measures with their RAG and direction of travel, and the top risks by
    current score. Figures are the programme page's for the same date."""
    scoped = _scope_with_movement(programme_id, as_at=as_at, user=user, version=version, compare=compare,
                                  objective_id=objective_id)
    if scoped is None:
        return None
    tree, allowed, root, found, version = scoped
    between = _between(found, as_at)
    horizon = as_at + timedelta(days=MILESTONE_DAYS)
    milestones = []
    for result in rules.iter_results(root):
        kind, pk = result.key
        if kind != ACTION or (allowed is not None and pk not in allowed):
            continue
        row = selectors.node_row(tree, result, as_at)
        if row.milestone and not row.excluded and row.due and as_at < row.due <= horizon \
                and result.status != rules.Status.COMPLETED:
            parent = tree.info.get((OBJECTIVE, row.parent_id)) if row.parent_id else None
            milestones.append(_report_row(row, level=2, parent_ref=parent.ref if parent else "", commentary=""))
    milestones.sort(key=lambda r: (r.due, r.ref))
    periods = selectors.reporting_periods(version)
    measures = [_measure_row(m) for m in selectors.measure_rows(programme_id, as_at=as_at, periods=periods)]
    open_risks = risk_list(programme_id, as_at=as_at, settings_=tree.facts.settings)
    if root is not tree.result:  # an objective's report: the risks of it and what sits under it
        within = {pk for kind, pk in (r.key for r in rules.iter_results(root)) if kind == OBJECTIVE}
        open_risks = [r for r in open_risks if r.objective_id in within]
    risks = [_risk_row(r) for r in open_risks[:TOP_RISKS]]
    sections = (
        Section("Key achievements", ACHIEVEMENT_COLUMNS, tuple(found.completed),
                intro=f"Actions completed {between}, with their latest note.",
                empty=f"No action was completed {between}."),
        Section(f"Milestones due in the next {MILESTONE_DAYS} days", MILESTONE_COLUMNS, tuple(milestones),
                empty=f"No milestone is due by {rules.uk_date(horizon)}."),
        Section("Changed colour", MOVEMENT_COLUMNS, tuple(found.colour), empty=f"Nothing changed colour {between}."),
        Section("Measures", MEASURE_COLUMNS, tuple(measures), empty="The programme has no measures."),
        Section("Top risks", RISK_COLUMNS, tuple(risks), intro="Open risks by current score, highest first.",
                empty="The programme has no open risks."),
    )
    return _report(HIGHLIGHT, tree, root, as_at=as_at, sections=sections, compared_with=found.compare)


BUILDERS = {ACTION_PLAN: action_plan_report, EXCEPTIONS: exception_report, HIGHLIGHT: highlight_report,
            MOVEMENT: movement_report}


def build_report(kind: str, programme_id: int, *, as_at: date, user, version: tuple | None = None,
                 compare: date | None = None, objective_id: int | None = None) -> Report | None:
    """The report of that kind (model.KIND_TITLES) for the programme, or one of its objectives, and the
    date, scoped to the user; `compare` is the earlier date of a movement or highlight report. None when
    there is no such programme or objective."""
    if kind in (MOVEMENT, HIGHLIGHT):
        return BUILDERS[kind](programme_id, as_at=as_at, user=user, version=version, compare=compare,
                              objective_id=objective_id)
    return BUILDERS[kind](programme_id, as_at=as_at, user=user, version=version, objective_id=objective_id)
