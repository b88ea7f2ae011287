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
from programmes.versions import FiguresVersions

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
        reasons=tuple(reasons), risks=tuple(risks), id=row.id,
    )


ESTATE_NAME = "All programmes"
ESTATE_REF = "all-programmes"
ESTATE_RAG_LABEL = "Not rolled up across programmes"


@dataclass(frozen=True)
class Scope:
    """One programme's part of a report: its tree at the as-at date, the node the report is about (the
    programme, or one of its objectives) and the actions the user may see (None: all of them)."""

    tree: object
    root: object
    allowed: frozenset | None
    estate: bool = False  # a part of a whole-estate report: the programme is a row of its own


def _visible_rows(scope: Scope, *, as_at: date, notes: dict) -> list[ReportRow]:
    """Objectives in reading order (each, then its actions, then its child objectives); an objective
    with nothing the user may see under it is left out when the user sees only their own actions.
    In a whole-estate report each programme comes first as a row of level 0, above its objectives."""
    tree, allowed = scope.tree, scope.allowed
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

    result = scope.root
    top_parent = ""
    if scope.estate:
        rows.append(_report_row(selectors.node_row(tree, result, as_at), level=0, parent_ref="", commentary=""))
        top_parent = result.ref
    tops = [c for c in result.children if isinstance(c, rules.NodeResult)] if result.key[0] == "programme" else [result]
    for top in tops:
        walk(top, 1, top_parent)
    return rows


def _tree_and_scope(programme_id: int, *, as_at: date, user, version: FiguresVersions | None, objective_id: int | None = None):
    """(tree, the actions the user may see (None: all), the node the report is about: the programme, or
    one of its objectives and what sits under it); (None, None, None) when there is no such node."""
    tree = selectors.programme_tree(programme_id, as_at=as_at, version=version or selectors.data_version())
    if tree is None:
        return None, None, None
    root = tree.result if objective_id is None else tree.results_by_key().get((OBJECTIVE, objective_id))
    if root is None:
        return None, None, None
    return tree, _allowed(user, programme_id), root


def _allowed(user, programme_id: int | None) -> frozenset | None:
    # The command line (no user) and every reader see all of it; anyone else what they own.
    return None if user is None or can_read_everything(user) else owned_action_ids(user, programme_id)


def _scopes(programme_id: int | None, *, as_at: date, user, version: FiguresVersions,
            objective_id: int | None = None) -> list[Scope] | None:
    """The parts of a report: one programme (or one of its objectives), or, for programme None, every
    programme the user may report on, by name, from one load of every tree. None when there is no such
    programme or objective, or (the estate) nothing the user may see."""
    if programme_id is not None:
        tree, allowed, root = _tree_and_scope(programme_id, as_at=as_at, user=user, version=version,
                                              objective_id=objective_id)
        return None if tree is None else [Scope(tree, root, allowed)]
    allowed = _allowed(user, None)
    found = []
    for tree in selectors.trees(None, as_at=as_at, version=version, with_people=True):
        if allowed is not None and not any(key[0] == ACTION and key[1] in allowed for key in tree.info):
            continue
        found.append(Scope(tree, tree.result, allowed, estate=True))
    found.sort(key=lambda scope: (scope.tree.result.title or "").casefold())
    return found or None


def _report(kind: str, scopes: list[Scope], *, as_at: date, sections: tuple[Section, ...],
            compared_with: date | None = None, title: str = "") -> Report:
    if scopes[0].estate:
        counts = dict.fromkeys(rules.RAG_ORDER, 0)
        for scope in scopes:
            for rag, count in scope.root.distribution.items():
                counts[rag] += count
        return Report(
            kind=kind, title=title or KIND_TITLES[kind], council=settings.COUNCIL_NAME,
            programme=f"{ESTATE_NAME} ({len(scopes)})", programme_ref=ESTATE_REF, as_at=as_at,
            as_at_shown=rules.uk_date(as_at), percent_shown=rules.percent_text(None), rag=rules.Rag.GREY.value,
            rag_label=ESTATE_RAG_LABEL, distribution=distribution(counts), rag_key=rag_key(), sections=sections,
            compared_with=compared_with,
        )
    tree, root = scopes[0].tree, scopes[0].root
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


def action_plan_report(programme_id: int | None, *, as_at: date, user, version: FiguresVersions | None = None,
                       compare: date | None = None, objective_id: int | None = None,
                       with_movement: bool | None = None) -> Report | None:
    """The programme's action plan in the layout of the councils' own reports (seed 001): objectives
    nested as deep as the programme, each followed by its actions with their latest commentary; then
    what moved since the earlier date (by default the end of the reporting period before). Programme
    None: every programme, each a row of level 0 above its objectives; what moved across the estate is
    its own report (the movement report), so it is added here only when a date to compare with is given.

    Leadership, managers, admins and clerks see every row; anyone else the actions they own and the
    objectives above them. Queries: the tree's (shared with the dashboards' cache), plus one for the
    commentary and, for an owner, one for their actions; the movement's (see movement_report)."""
    version = version or selectors.data_version()
    scopes = _scopes(programme_id, as_at=as_at, user=user, version=version, objective_id=objective_id)
    if scopes is None:
        return None
    notes = latest_commentary(programme_id, as_at=as_at)
    rows = [row for scope in scopes for row in _visible_rows(scope, as_at=as_at, notes=notes)]
    sections = (Section("Objectives and actions", ACTION_PLAN_COLUMNS, tuple(rows)),)
    found = None
    if with_movement is None:
        with_movement = programme_id is not None or compare is not None
    if with_movement:
        found = _movement(scopes, programme_id=programme_id, as_at=as_at,
                          compare=compare or default_comparison(as_at, version), version=version, notes=notes)
        sections += movement_sections(found, as_at)
    return _report(ACTION_PLAN, scopes, as_at=as_at, sections=sections,
                   compared_with=found.compare if found else None)


# ---------------------------------------------------------------- exceptions


def exception_report(programme_id: int, *, as_at: date, user, version: FiguresVersions | None = None,
                     objective_id: int | None = None) -> Report | None:
    """Only what needs the committee's attention: Red, Amber, overdue, not updated and declared-greener
    items, actions before objectives, worst first, each with why it is there, its owner, latest
    commentary and linked risks. The same choice of items as the Exceptions dashboard."""
    version = version or selectors.data_version()
    scopes = _scopes(programme_id, as_at=as_at, user=user, version=version, objective_id=objective_id)
    if scopes is None:
        return None
    notes = latest_commentary(programme_id, as_at=as_at)
    actions, objectives = [], []
    for scope in scopes:
        tree, allowed = scope.tree, scope.allowed
        risks = None  # read only for a programme with something to report
        facts = selectors.action_facts_by_key(tree.facts)
        for result in rules.iter_results(scope.root):
            kind, pk = result.key
            if kind == "programme" or (kind == ACTION and allowed is not None and pk not in allowed):
                continue
            if kind == OBJECTIVE and allowed is not None:
                continue
            row = selectors.node_row(tree, result, as_at)
            if not selectors.exception_reasons(row):
                continue
            if risks is None:
                risks = linked_risks(tree.programme_id, as_at=as_at, settings_=tree.facts.settings)
            parent = tree.info.get((OBJECTIVE, row.parent_id)) if row.parent_id else None
            parent_ref = parent.ref if parent else (tree.result.ref if scope.estate else "")
            if kind == ACTION:
                words = selectors.action_reasons(row, result, facts.get(result.key))
                item = _report_row(row, level=2, parent_ref=parent_ref, commentary=notes.get(pk, ""),
                                   reasons=words, risks=risks.by_action.get(pk, ()))
                actions.append((selectors.severity(row), item))
            else:
                item = _report_row(row, level=1, parent_ref=parent_ref, commentary="",
                                   reasons=[result.explanation.rag_reason], risks=risks.by_objective.get(pk, ()))
                objectives.append((selectors.severity(row), item))
    sections = (
        Section("Actions", EXCEPTION_COLUMNS, tuple(item for _, item in sorted(actions, key=_first)),
                intro="Red and Amber first, then overdue, not updated and declared greener.",
                empty="No action needs attention on this date."),
        Section("Objectives", EXCEPTION_COLUMNS, tuple(item for _, item in sorted(objectives, key=_first)),
                empty="No objective is Red or Amber on this date."),
    )
    return _report(EXCEPTIONS, scopes, as_at=as_at, sections=sections)


def _first(pair):
    return pair[0]


# ---------------------------------------------------------------- movement


def default_comparison(as_at: date, version: FiguresVersions | None = None) -> date:
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


def _movement(scopes: list[Scope], *, programme_id: int | None, as_at: date, compare: date, version: FiguresVersions,
              notes: dict) -> Movement:
    """What moved in these parts of a report between the two dates. Queries: the trees at the earlier
    date (one load, shared with the dashboards' cache), the updates in between and the due-date history."""
    if compare >= as_at:
        raise ValueError("The date to compare with must be before the as-at date.")
    before: dict = {}
    ids = None if programme_id is None else [programme_id]
    # Only colours and statuses are read from the earlier date: no people (and the portfolio's cache).
    for then_tree in selectors.trees(ids, as_at=compare, version=version):
        before.update(then_tree.results_by_key())
    updated = updated_between(programme_id, after=compare, until=as_at)
    moved = due_dates_moved(programme_id, after=compare, until=as_at)
    then, now = rules.uk_date(compare), rules.uk_date(as_at)
    found = Movement(compare)
    for scope in scopes:
        tree, allowed = scope.tree, scope.allowed
        facts = selectors.action_facts_by_key(tree.facts)
        for result in rules.iter_results(scope.root):
            kind, pk = result.key
            if kind == "programme" or (allowed is not None and (kind != ACTION or pk not in allowed)):
                continue
            earlier = before.get(result.key)
            fact = facts.get(result.key)
            created = fact.created if fact else None
            # Added: recorded in the app between the two dates, and not already in the plan before (an
            # imported plan's actions, recorded yesterday but started long ago, were not "added").
            is_new = bool(created and compare < created <= as_at and not (fact.start and fact.start <= compare))
            completed = (kind == ACTION and result.status == rules.Status.COMPLETED
                         and (earlier is None or earlier.status != rules.Status.COMPLETED))
            recoloured = earlier is not None and earlier.rag != result.rag and not is_new
            quiet = (kind == ACTION and not result.excluded and result.status != rules.Status.COMPLETED
                     and pk not in updated and not is_new)
            if not (recoloured or completed or quiet or (kind == ACTION and (is_new or pk in moved))):
                continue  # most rows of a big estate: nothing to say, so no row is read
            row = selectors.node_row(tree, result, as_at)
            parent = tree.info.get((OBJECTIVE, row.parent_id)) if row.parent_id else None
            parent_ref = parent.ref if parent else (tree.result.ref if scope.estate else "")

            def item(words: str, row=row, parent_ref=parent_ref, pk=pk, kind=kind):
                return _report_row(row, level=1 if kind == OBJECTIVE else 2, parent_ref=parent_ref,
                                   commentary=notes.get(pk, "") if kind == ACTION else "", reasons=[words])

            if recoloured:
                found.colour.append(item(f"{earlier.rag.label} on {then}, {result.rag.label} on {now}"))
            if kind != ACTION:
                continue
            if is_new:  # a past tree shows an action added later as first recorded: it is new, not moved
                found.added.append(item(f"Added on {rules.uk_date(created)}"))
            if completed:
                found.completed.append(item(f"Completed since {then}"))
            if pk in moved:
                was, since = moved[pk]
                found.due.append(item(f"Due {rules.uk_date(since) or 'no date'}, was {rules.uk_date(was) or 'no date'}"))
            if quiet:
                found.quiet.append(item(f"No update between {then} and {now}"))
    return found


def _between(movement: Movement, as_at: date) -> str:
    return f"between {rules.uk_date(movement.compare)} and {rules.uk_date(as_at)}"


def movement_sections(found: Movement, as_at: date, *, with_completed: bool = True) -> tuple[Section, ...]:
    """What moved, a section for each kind of change: the movement report, and the movement part of the
    action plan and highlight reports (whose own "Key achievements" already list what completed)."""
    between = _between(found, as_at)
    return tuple(section for section in (
        Section("Changed colour", MOVEMENT_COLUMNS, tuple(found.colour), intro=f"Objectives and actions whose RAG "
                f"changed {between}.", empty=f"Nothing changed colour {between}."),
        Section("Completed", MOVEMENT_COLUMNS, tuple(found.completed), empty=f"Nothing was completed {between}.")
        if with_completed else None,
        Section("Due dates moved", MOVEMENT_COLUMNS, tuple(found.due), empty=f"No due date moved {between}."),
        Section("Not updated", MOVEMENT_COLUMNS, tuple(found.quiet), intro=f"Open actions with no update {between}.",
                empty=f"Every open action was updated {between}."),
        Section("Added", MOVEMENT_COLUMNS, tuple(found.added), empty=f"No action was added {between}."),
    ) if section is not None)


def _scope_with_movement(programme_id: int | None, *, as_at: date, user, version: FiguresVersions | None,
                         compare: date | None, objective_id: int | None):
    """(the report's parts, what moved since `compare`, version) for the movement and highlight
    reports; None when there is no such programme or objective."""
    version = version or selectors.data_version()
    compare = compare or default_comparison(as_at, version)
    scopes = _scopes(programme_id, as_at=as_at, user=user, version=version, objective_id=objective_id)
    if scopes is None:
        return None
    found = _movement(scopes, programme_id=programme_id, as_at=as_at, compare=compare, version=version,
                      notes=latest_commentary(programme_id, as_at=as_at))
    return scopes, found, version


def movement_report(programme_id: int | None, *, as_at: date, user, version: FiguresVersions | None = None,
                    compare: date | None = None, objective_id: int | None = None) -> Report | None:
    """What moved between two dates (by default the as-at date and the end of the period before):
    what changed colour, what completed, whose due date moved, what was not updated, what was added.
    Every colour is the engine's for its date. Queries: two tree loads (each shared with the dashboards'
    cache), the commentary, the updates in between and the due-date history."""
    scoped = _scope_with_movement(programme_id, as_at=as_at, user=user, version=version, compare=compare,
                                  objective_id=objective_id)
    if scoped is None:
        return None
    scopes, found, _ = scoped
    return _report(MOVEMENT, scopes, as_at=as_at, sections=movement_sections(found, as_at),
                   compared_with=found.compare, title=f"Movement since {rules.uk_date(found.compare)}")


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
        rag=r.band.value, rag_label=rules.risk_band_label(r.band), owners=(r.owner,) if r.owner else (),
        score=f"{r.score} (likelihood {r.likelihood}, impact {r.impact})",
    )


def highlight_report(programme_id: int, *, as_at: date, user, version: FiguresVersions | None = None,
                     compare: date | None = None, objective_id: int | None = None) -> Report | None:
    """A programme on a page or two: its percent, RAG and distribution (the cover), the key
    achievements of the period (actions completed, with their latest note), milestones due in the next
    90 days, what changed colour, measures with their RAG and direction of travel, and the top risks by
    current score. Figures are the programme page's for the same date."""
    if programme_id is None:
        raise ValueError("A highlight report is of one programme or objective.")
    scoped = _scope_with_movement(programme_id, as_at=as_at, user=user, version=version, compare=compare,
                                  objective_id=objective_id)
    if scoped is None:
        return None
    scopes, found, version = scoped
    tree, allowed, root = scopes[0].tree, scopes[0].allowed, scopes[0].root
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
        Section("Measures", MEASURE_COLUMNS, tuple(measures), empty="The programme has no measures."),
        Section("Top risks", RISK_COLUMNS, tuple(risks), intro="Open risks by current score, highest first.",
                empty="The programme has no open risks."),
        *movement_sections(found, as_at, with_completed=False),
    )
    return _report(HIGHLIGHT, scopes, as_at=as_at, sections=sections, compared_with=found.compare)


BUILDERS = {ACTION_PLAN: action_plan_report, EXCEPTIONS: exception_report, HIGHLIGHT: highlight_report,
            MOVEMENT: movement_report}
WITH_COMPARISON = (ACTION_PLAN, MOVEMENT, HIGHLIGHT)
ESTATE_KINDS = (ACTION_PLAN, EXCEPTIONS, MOVEMENT)  # a highlight report is of one programme or objective


def build_report(kind: str, programme_id: int | None, *, as_at: date, user, version: FiguresVersions | None = None,
                 compare: date | None = None, objective_id: int | None = None) -> Report | None:
    """The report of that kind (model.KIND_TITLES) for the programme, one of its objectives, or (programme
    None) every programme the user may report on, and the date, scoped to the user; `compare` is the
    earlier date of what moved. None when there is no such programme or objective."""
    if kind in WITH_COMPARISON:
        return BUILDERS[kind](programme_id, as_at=as_at, user=user, version=version, compare=compare,
                              objective_id=objective_id)
    return BUILDERS[kind](programme_id, as_at=as_at, user=user, version=version, objective_id=objective_id)
