"""Reads for the leadership dashboards.

Every percent and colour comes from the rules engine through actionplans.rollup, computed
for the as-at date; this module only arranges the engine's results into rows and counts.
Risks and boards are read by governance.selectors, the reporting calendar by
programmes.periods: the pages here compose them. Queries are fixed in number whatever the
size of a programme.

Computed trees are kept in each process, one per (programme, its figures version, the shared
version, as-at date, today, with people): ADR 12; for a date before today, the programme's past
version instead (ADR 15), which an update dated today leaves as it was. The versions are the database's
(programmes.versions): triggers change a programme's version in the same transaction as any
write to what its dashboards show, whoever writes, so a tree is never older than its data, a
save recomputes only its own programme, and every process sees the new version at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.conf import settings
from django.utils import timezone

from actionplans.explanations import ExplainedChild, ExplainedFigure, explained
from actionplans.measures import (
    POLARITY_LABELS,
    UNIT_LABELS,
    MeasureReadings,
    format_measure_value,
    programme_measures,
    target_text,
)
from actionplans.rollup import (
    ACTION,
    OBJECTIVE,
    PROGRAMME,
    ProgrammeTree,
    compute_trees,
    derived_status,
)
from actionplans.selectors import latest_commentary
from governance.selectors import programme_boards, risk_counts
from programmes import periods as calendar
from programmes import rules
from programmes.choices import ObjectiveKind, Status
from programmes.periods import Comparison, previous_period
from programmes.selectors import programme_org_units
from programmes.versions import FiguresVersions, figures_versions

from . import charts
from .filters import ActionCriteria, FilterChoices, action_matches

Rag = rules.Rag
STATUS_LABELS = dict(Status.choices)
MILESTONE_WINDOWS = (30, 60, 90)
SPARKLINE_POINTS = 8


# ---------------------------------------------------------------- periods


_periods: dict = {}


def reporting_periods(version: FiguresVersions | None = None) -> list[dict]:
    """programmes.periods.reporting_periods, kept per shared version when one is given."""
    if version is None:
        return calendar.reporting_periods()
    if version.shared not in _periods:
        _periods.clear()
        _periods[version.shared] = calendar.reporting_periods()
    return _periods[version.shared]


# ---------------------------------------------------------------- the tree cache


_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def data_version() -> FiguresVersions:
    """Every programme's figures version and the shared one (programmes.versions): one query."""
    return figures_versions()


def clear_tree_cache() -> None:
    with _cache_lock:
        _cache.clear()
        _periods.clear()


def _cache_budget() -> int:
    # Counted in tree nodes (programmes, objectives and actions): the whole scale data set at
    # two dates is about 21,000, so the default holds a few portfolios and many programmes.
    return getattr(settings, "DASHBOARD_TREE_CACHE_NODES", 80_000)


def trees(programme_ids=None, *, as_at: date, version: FiguresVersions,
          with_people: bool = False) -> list[ProgrammeTree]:
    """compute_trees (by programme name), each programme's tree remembered per (programme, its version,
    the shared version, as-at, today, people): only the programmes without one are computed, in one load."""
    today = timezone.localdate()
    wanted = version.programme_ids if programme_ids is None else sorted(set(programme_ids), key=_by_name(version))
    # A past date's tree is kept through writes that tell only of the present (ADR 15).
    of = version.past_of if as_at < today else version.of
    keys = {pk: (pk, of(pk), version.shared, as_at, today, with_people) for pk in wanted}
    found = {}
    with _cache_lock:
        for pk, key in keys.items():
            if key in _cache:
                _cache.move_to_end(key)
                found[pk] = _cache[key][0]
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        computed = compute_trees(missing, as_at=as_at, with_people=with_people)
        _remember((keys[t.programme_id], t) for t in computed if version.of(t.programme_id) is not None)
        found.update((t.programme_id, t) for t in computed)
    return [found[pk] for pk in wanted if pk in found]


def _by_name(version: FiguresVersions):
    """Programmes in the versions' order (by name); one created since they were read goes last."""
    order = {pk: i for i, pk in enumerate(version.programme_ids)}
    return lambda pk: (order.get(pk, len(order)), pk)


def _remember(entries) -> None:
    budget = _cache_budget()
    with _cache_lock:
        for key, tree in entries:
            if len(tree.info) <= budget:  # one too big for the whole cache would only empty it
                _cache[key] = (tree, len(tree.info))
        total = sum(weight for _, weight in _cache.values())
        while total > budget and _cache:
            _, (_, weight) = _cache.popitem(last=False)
            total -= weight


def programme_tree(programme_id: int, *, as_at: date, version: FiguresVersions) -> ProgrammeTree | None:
    found = trees([programme_id], as_at=as_at, version=version, with_people=True)
    return found[0] if found else None


# ---------------------------------------------------------------- rows


@dataclass
class NodeRow:
    """One programme, objective or action as a dashboard shows it: the engine's figures and the facts beside."""

    key: tuple
    kind: str
    id: int
    ref: str
    title: str
    rag: Rag
    percent: float | None
    percent_shown: int | None
    parent_id: int | None = None  # the objective above, if any
    status: str | None = None
    status_label: str = ""
    due: date | None = None
    owners: list = field(default_factory=list)
    owner_ids: list = field(default_factory=list)
    distribution: dict = field(default_factory=dict)
    declared_rag: Rag | None = None
    declared_greener: bool = False
    stale: bool = False
    overdue: bool = False
    excluded: bool = False
    milestone: bool = False
    objective_kind: str = ""
    child_objectives: int = 0
    child_actions: int = 0
    calculated_percent_shown: int | None = None
    manual_difference_flag: bool = False
    url: str = ""

    @property
    def has_children(self) -> bool:
        return bool(self.child_objectives or self.child_actions)

    @property
    def dom_id(self) -> str:
        return f"{self.kind}-{self.id}"

    @cached_property
    def percent_chart(self) -> charts.Chart:
        return charts.percent_bar(self.percent_shown, cid=charts.chart_id("percent", self.dom_id),
                                  subject=f"{self.ref} {self.title}")

    @cached_property
    def distribution_chart(self) -> charts.Chart:
        return charts.rag_distribution_bar(self.distribution, cid=charts.chart_id("distribution", self.dom_id),
                                           subject=f"{self.ref} {self.title}")


def node_row(tree: ProgrammeTree, result, as_at: date) -> NodeRow:
    info = tree.info[result.key]
    kind, pk = result.key
    parent = info.parent
    row = NodeRow(
        key=result.key, kind=kind, id=pk, ref=result.ref, title=info.title, rag=result.rag,
        percent=result.percent, percent_shown=rules.display_percent(result.percent),
        parent_id=parent[1] if parent and parent[0] == OBJECTIVE else None,
        due=info.due, owners=list(info.owners), owner_ids=list(info.owner_ids),
    )
    if kind == ACTION:
        row.status = info.status
        row.status_label = STATUS_LABELS.get(info.status, "")
        row.declared_rag = result.declared_rag
        row.declared_greener = result.declared_greener
        row.stale = result.stale
        row.excluded = result.excluded
        row.milestone = bool(info.extra.get("milestone"))
        row.overdue = is_overdue(result, info.due, as_at)
        return row
    row.distribution = dict(result.distribution)
    row.calculated_percent_shown = rules.display_percent(result.calculated_percent)
    row.manual_difference_flag = result.manual_difference_flag
    row.child_objectives = sum(1 for c in result.children if isinstance(c, rules.NodeResult))
    row.child_actions = len(result.children) - row.child_objectives
    if kind == OBJECTIVE:
        row.objective_kind = info.extra.get("kind", "")
        row.status = derived_status(result.percent)
    else:
        row.status = info.status
    row.status_label = STATUS_LABELS.get(row.status, (row.status or "").capitalize())
    return row


def is_overdue(result: rules.ActionResult, due: date | None, as_at: date) -> bool:
    """Past its (revised) due date and not completed; cancelled and deferred actions never are."""
    return bool(due and due < as_at and not result.excluded and result.status != rules.Status.COMPLETED)


def action_results(tree: ProgrammeTree):
    return (r for r in rules.iter_results(tree.result) if isinstance(r, rules.ActionResult))


# ---------------------------------------------------------------- portfolio


@dataclass
class ProgrammeSummary:
    row: NodeRow
    name: str
    status_label: str
    actions: int
    overdue: int
    not_updated: int
    declared_greener: int
    moves: list  # [(Rag, count)] actions that changed to that colour since the comparison date
    since: Comparison


MOVE_ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)


def rag_moves(now: ProgrammeTree, before: ProgrammeTree | None) -> list[tuple[Rag, int]]:
    """How many actions turned Red, Amber, Green or Blue between the two dates (the engine's colours)."""
    if before is None:
        return []
    earlier = {r.key: r.rag for r in action_results(before)}
    moved = dict.fromkeys(MOVE_ORDER, 0)
    for result in action_results(now):
        was = earlier.get(result.key)
        if was is not None and was != result.rag and result.rag in moved:
            moved[result.rag] += 1
    return [(rag, count) for rag, count in moved.items() if count]


def programme_summary(tree: ProgrammeTree, before: ProgrammeTree | None, *, as_at: date,
                      since: Comparison) -> ProgrammeSummary:
    row = node_row(tree, tree.result, as_at)
    overdue = not_updated = greener = actions = 0
    for result in action_results(tree):
        actions += 1
        overdue += is_overdue(result, tree.info[result.key].due, as_at)
        not_updated += result.stale
        greener += result.declared_greener
    return ProgrammeSummary(
        row=row, name=row.title, status_label=row.status_label, actions=actions, overdue=overdue,
        not_updated=not_updated, declared_greener=greener, moves=rag_moves(tree, before), since=since,
    )


@dataclass
class Portfolio:
    """Every programme's tree on the date and at the comparison date; a programme's summary is made
    only when asked for (the portfolio page keeps each programme's row per its version)."""

    as_at: date
    since: Comparison
    trees: list[ProgrammeTree]  # by programme name
    before: dict  # programme id -> its tree on the comparison date

    def summary(self, tree: ProgrammeTree) -> ProgrammeSummary:
        return programme_summary(tree, self.before.get(tree.programme_id), as_at=self.as_at, since=self.since)

    @cached_property
    def programmes(self) -> list[ProgrammeSummary]:
        return [self.summary(tree) for tree in self.trees]

    @cached_property
    def distribution(self) -> dict:
        return distribution_total(tree.result.distribution for tree in self.trees)

    @cached_property
    def distribution_chart(self) -> charts.Chart:
        return portfolio_chart(self.distribution)


def portfolio(*, as_at: date, periods: list[dict], version: FiguresVersions, programme_ids=None) -> Portfolio:
    """Every programme (or these: `programme_ids`) on the date and at the comparison date."""
    since = previous_period(as_at, periods)
    now = trees(programme_ids, as_at=as_at, version=version)
    before = {t.programme_id: t for t in trees(programme_ids, as_at=since.on, version=version)} if now else {}
    return Portfolio(as_at, since, now, before)


def distribution_total(distributions) -> dict:
    """Programmes' counts of actions by colour, added up."""
    total = dict.fromkeys(rules.RAG_ORDER, 0)
    for distribution in distributions:
        for rag, count in distribution.items():
            total[rag] += count
    return total


def portfolio_chart(total: dict) -> charts.Chart:
    return charts.rag_distribution_bar(total, cid=charts.chart_id("distribution", "portfolio"),
                                       subject="every programme")


# ---------------------------------------------------------------- exceptions


REASON_ORDER = (Rag.RED.label, Rag.AMBER.label, "Overdue", "Not updated", "Declared greener")


@dataclass
class ExceptionItem:
    row: NodeRow
    reasons: list[str]  # the short labels counted at the top: Red, Overdue, Not updated...
    objective_ref: str = ""
    why: list[str] = field(default_factory=list)  # the same in words (action_reasons)
    commentary: str = ""  # an action's latest commentary on or before the date (sanitised HTML)


@dataclass
class ExceptionGroup:
    programme: NodeRow
    name: str
    items: list[ExceptionItem]
    total: int = 0  # items before any limit


def exception_reasons(row: NodeRow) -> list[str]:
    if row.excluded:
        return []
    reasons = []
    if row.rag in (Rag.RED, Rag.AMBER):
        reasons.append(row.rag.label)
    if row.kind == ACTION:
        if row.overdue:
            reasons.append("Overdue")
        if row.stale:
            reasons.append("Not updated")
        if row.declared_greener:
            reasons.append("Declared greener")
    return reasons


def action_facts_by_key(facts) -> dict:
    """Every action's engine facts by key (for the date it was last updated)."""
    found, stack = {}, [facts]
    while stack:
        node = stack.pop()
        for child in node.children:
            if isinstance(child, rules.ActionFacts):
                found[child.key] = child
            else:
                stack.append(child)
    return found


def action_reasons(row: NodeRow, result: rules.ActionResult, facts: rules.ActionFacts | None) -> list[str]:
    """Why an action needs attention, in words a committee reads: "Red: due 30 June 2024, 20% done,
    73% expected"."""
    reasons = []
    if row.rag in (rules.Rag.RED, rules.Rag.AMBER):
        if row.overdue:
            reasons.append(f"{row.rag.label}: due {rules.uk_date(row.due)} and not complete")
        elif result.expected is not None:
            reasons.append(f"{row.rag.label}: due {rules.uk_date(row.due)}, "
                           f"{rules.display_percent(result.percent)}% done, "
                           f"{rules.display_percent(result.expected)}% expected")
        else:
            reasons.append(f"{row.rag.label}: {result.reason}")
    elif row.overdue:
        reasons.append(f"Overdue: due {rules.uk_date(row.due)} and not complete")
    if row.stale:
        last = facts.last_updated if facts else None
        reasons.append(f"Not updated since {rules.uk_date(last)}" if last else "Never updated")
    if row.declared_greener and row.declared_rag:
        reasons.append(f"Declared {row.declared_rag.label}, greener than the computed {row.rag.label}")
    return reasons


def _severity(item: ExceptionItem) -> tuple:
    return severity(item.row)


def severity(row: NodeRow) -> tuple:
    """Actions first (what someone can act on), then red before amber, the overdue, the rest."""
    return (row.kind == OBJECTIVE, {Rag.RED: 0, Rag.AMBER: 1}.get(row.rag, 2), not row.declared_greener,
            not row.overdue, row.due or date.max, row.ref)


@dataclass
class Exceptions:
    groups: list[ExceptionGroup]
    counts: dict  # reason -> number of items
    programmes_without: list[str]
    limit: int | None = None


def exceptions(*, as_at: date, version: FiguresVersions, programme_id: int | None = None,
               limit: int | None = None) -> Exceptions:
    """Red, amber, overdue, not updated and declared-greener items, by programme, worst first.

    `limit` keeps the first items of each programme (the counts stay whole), so the page a
    director reads first stays readable on a large portfolio.
    """
    groups, without = [], []
    counts = dict.fromkeys(REASON_ORDER, 0)
    chosen = trees([programme_id] if programme_id else None, as_at=as_at, version=version)
    for tree in chosen:
        items = []
        facts = None
        for result in rules.iter_results(tree.result):
            if result.key[0] == PROGRAMME:
                continue
            row = node_row(tree, result, as_at)
            reasons = exception_reasons(row)
            if not reasons:
                continue
            for reason in reasons:
                counts[reason] += 1
            parent = tree.info.get((OBJECTIVE, row.parent_id)) if row.parent_id else None
            if result.key[0] == ACTION:
                facts = facts if facts is not None else action_facts_by_key(tree.facts)
                why = action_reasons(row, result, facts.get(result.key))
            else:
                why = [result.explanation.rag_reason]
            items.append(ExceptionItem(row, reasons, parent.ref if parent else "", why))
        programme = node_row(tree, tree.result, as_at)
        name = tree.info[tree.result.key].title
        if items:
            items.sort(key=_severity)
            groups.append(ExceptionGroup(programme, name, items[:limit] if limit else items, len(items)))
        else:
            without.append(name)
    _add_commentary(groups, as_at=as_at)
    return Exceptions(groups, counts, without, limit)


def _add_commentary(groups: list[ExceptionGroup], *, as_at: date) -> None:
    """Each action shown gets its latest commentary: one query for every programme's."""
    shown = [item for group in groups for item in group.items if item.row.kind == ACTION]
    if not shown:
        return
    notes = latest_commentary([group.programme.id for group in groups], as_at=as_at,
                              action_ids={item.row.id for item in shown})
    for item in shown:
        item.commentary = notes.get(item.row.id, "")


# ---------------------------------------------------------------- programme page


@dataclass
class MeasureRow:
    id: int
    ref: str
    title: str
    unit_label: str
    polarity_label: str
    data_only: bool
    latest_period: str = ""
    latest_shown: str = ""
    target_shown: str = ""
    rag: Rag | None = None
    direction: rules.Direction | None = None
    previous_period: str = ""
    previous_shown: str = ""
    chart: charts.Chart | None = None


@dataclass
class ProgrammePage:
    tree: ProgrammeTree
    header: NodeRow
    name: str
    top_rows: list[NodeRow]
    overdue: int
    not_updated: int
    declared_greener: int
    actions: int
    filter_choices: FilterChoices
    milestones: list  # [(label, [NodeRow])]
    measures: list[MeasureRow]
    heat_map: charts.HeatMap
    risks_review_overdue: int
    board_objectives: dict  # board id -> objective ids linked (None: the whole programme)
    org_unit_objectives: dict
    descendants: dict  # objective id -> ids of it and everything under it

    @property
    def all_objectives(self) -> frozenset:
        return frozenset(self.descendants)


def programme_page(
    programme_id: int, *, as_at: date, periods: list[dict], version: FiguresVersions,
    risk_href: Callable[[int, int], str] | None = None,
) -> ProgrammePage | None:
    tree = programme_tree(programme_id, as_at=as_at, version=version)
    if tree is None:
        return None
    header = node_row(tree, tree.result, as_at)
    name = tree.info[tree.result.key].title
    rows = [node_row(tree, r, as_at) for r in rules.iter_results(tree.result) if r.key[0] != PROGRAMME]
    actions = [r for r in rows if r.kind == ACTION]
    boards, board_objectives = programme_boards(programme_id)
    org_units, org_unit_objectives = programme_org_units(programme_id)
    themes = tuple((r.id, f"{r.ref} {r.title}") for r in rows if r.objective_kind == ObjectiveKind.THEME)
    owners = {}
    for r in actions:
        owners.update(zip(r.owner_ids, r.owners, strict=False))
    choices = FilterChoices(
        owners=tuple(sorted(owners.items(), key=lambda item: item[1].lower())),
        boards=boards, themes=themes, org_units=org_units,
    )
    settings_ = tree.facts.settings
    heat_counts, review_overdue = risk_counts(programme_id, as_at)
    subject = f"{header.ref} {name}"
    return ProgrammePage(
        tree=tree, header=header, name=name,
        top_rows=[node_row(tree, r, as_at) for r in tree.result.children],
        overdue=sum(r.overdue for r in actions), not_updated=sum(r.stale for r in actions),
        declared_greener=sum(r.declared_greener for r in actions), actions=len(actions),
        filter_choices=choices, milestones=milestones_due(actions, as_at),
        measures=measure_rows(programme_id, as_at=as_at, periods=periods),
        heat_map=charts.risk_heat_map(
            heat_counts, cid=charts.chart_id("risks", header.dom_id), subject=subject,
            band_for=lambda score: rules.risk_band(score, settings_), href_for=risk_href,
        ),
        risks_review_overdue=review_overdue,
        board_objectives=board_objectives, org_unit_objectives=org_unit_objectives,
        descendants=_descendants(tree),
    )


def _descendants(tree: ProgrammeTree) -> dict[int, frozenset]:
    found = {}

    def walk(result) -> set:
        ids = {result.key[1]}
        for child in result.children:
            if isinstance(child, rules.NodeResult):
                ids |= walk(child)
        found[result.key[1]] = frozenset(ids)
        return ids

    for child in tree.result.children:
        if isinstance(child, rules.NodeResult):
            walk(child)
    return found


def objective_scope(page: ProgrammePage, criteria: ActionCriteria) -> frozenset | None:
    """Objectives whose actions the board, theme and org unit filters allow (None: no such filter)."""
    scope = None

    def under(objective_ids) -> frozenset:
        ids = set()
        for objective_id in objective_ids:
            if objective_id is None:  # linked to the whole programme
                return page.all_objectives
            ids |= page.descendants.get(objective_id, {objective_id})
        return frozenset(ids)

    for wanted, links in ((criteria.board_id, page.board_objectives),
                          (criteria.org_unit_id, page.org_unit_objectives)):
        if wanted:
            allowed = under(links.get(wanted, ()))
            scope = allowed if scope is None else scope & allowed
    if criteria.theme_id:
        allowed = page.descendants.get(criteria.theme_id, frozenset())
        scope = allowed if scope is None else scope & allowed
    return scope


def matching_actions(page: ProgrammePage, criteria: ActionCriteria, *, as_at: date) -> list[NodeRow]:
    scope = objective_scope(page, criteria)
    tree = page.tree
    return [
        row
        for row in (node_row(tree, r, as_at) for r in action_results(tree))
        if action_matches(row, criteria, as_at=as_at, objective_ids=scope)
    ]


def milestones_due(actions: list[NodeRow], as_at: date) -> list[tuple[str, list[NodeRow]]]:
    """Milestones due from the as-at date to 90 days after, in windows of 30, 60 and 90 days."""
    windows, start = [], -1
    for days in MILESTONE_WINDOWS:
        label = f"Next {days} days" if start < 0 else f"{start + 1} to {days} days"
        due = sorted(
            (r for r in actions
             if r.milestone and not r.excluded and r.due and start < (r.due - as_at).days <= days),
            key=lambda r: (r.due, r.ref),
        )
        windows.append((label, due))
        start = days
    return windows


def tree_level(tree: ProgrammeTree, objective_id: int, as_at: date) -> tuple[NodeRow, list[NodeRow]] | None:
    result = tree.results_by_key().get((OBJECTIVE, objective_id))
    if result is None:
        return None
    return node_row(tree, result, as_at), [node_row(tree, child, as_at) for child in result.children]


def objective_path(tree: ProgrammeTree, key: tuple) -> list:
    """NodeInfo of the objectives above a node, top first."""
    path = []
    parent = tree.info[key].parent
    while parent and parent[0] == OBJECTIVE:
        path.append(tree.info[parent])
        parent = tree.info[parent].parent
    return list(reversed(path))


# ---------------------------------------------------------------- explanations


@dataclass
class Explained:
    """The dashboard's page around an explanation: the row and the path to it.

    A programme's or objective's figure is actionplans' one adapter (`figure`), the same one the
    officer's action page shows; an action's schedule RAG is the dashboard's own.
    """

    row: NodeRow
    figure: ExplainedFigure | None = None
    action: rules.ActionResult | None = None
    expected_shown: int | None = None
    performance_shown: str = ""  # "161%", or "just under 90%" (rules.performance_text)
    thresholds: dict = field(default_factory=dict)
    path: list = field(default_factory=list)

    @property
    def children(self) -> list[ExplainedChild]:
        return self.figure.children if self.figure else []


def explain(tree: ProgrammeTree, kind: str, node_id: int, as_at: date) -> Explained | None:
    result = tree.results_by_key().get((kind, node_id))
    if result is None:
        return None
    row = node_row(tree, result, as_at)
    path = objective_path(tree, result.key)
    thresholds = tree.result.explanation.thresholds
    if isinstance(result, rules.ActionResult):
        return Explained(
            row=row, action=result, path=path, thresholds=thresholds,
            expected_shown=rules.display_percent(result.expected),
            performance_shown=rules.performance_text(result.performance, tree.facts.settings),
        )
    return Explained(row=row, figure=explained(result), path=path, thresholds=thresholds)


# ---------------------------------------------------------------- measures


def measure_rows(programme_id: int, *, as_at: date, periods: list[dict]) -> list[MeasureRow]:
    """Measures of the programme or its objectives, with their latest value up to the date: two queries."""
    names = {p["id"]: p["name"] for p in periods}
    return [_measure_row(m, names) for m in programme_measures(programme_id, as_at=as_at, periods=periods)]


def _measure_row(m: MeasureReadings, names: dict) -> MeasureRow:
    measure, history = m.measure, m.with_values
    unit = measure.unit
    row = MeasureRow(
        id=measure.pk, ref=measure.reference, title=measure.title, unit_label=UNIT_LABELS.get(unit, unit),
        polarity_label=POLARITY_LABELS.get(measure.polarity, measure.polarity), data_only=measure.data_only,
    )
    points = [(names[r.period_id], float(r.value), format_measure_value(r.value, unit))
              for r in history[-SPARKLINE_POINTS:]]
    row.chart = charts.sparkline(points, cid=charts.chart_id("measure", measure.pk),
                                 subject=f"{measure.reference} {measure.title}")
    if not history:
        return row
    latest = history[-1]
    row.latest_period, row.latest_shown = names[latest.period_id], format_measure_value(latest.value, unit)
    if latest.previous is not None:
        row.previous_period = names[latest.previous.period_id]
        row.previous_shown = format_measure_value(latest.previous.value, unit)
        row.direction = latest.direction
    if not measure.data_only:
        row.target_shown = target_text(latest.target, unit, measure.polarity)
        row.rag = latest.rag
    return row
