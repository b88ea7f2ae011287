"""Properties of the roll-up that must hold for any tree, checked with hypothesis."""

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.rules import (
    ActionFacts,
    ActionResult,
    NodeResult,
    ObjectiveFacts,
    PercentMethod,
    ProgrammeFacts,
    Rag,
    RagPolicy,
    RollupSettings,
    Status,
    display_percent,
    iter_results,
    rollup_programme,
)

AS_AT = date(2024, 9, 30)

# Trees are costly to generate; 50 each keeps the file to seconds, not a minute.
trees = settings(deadline=None, database=None, max_examples=50)
MEAN_METHODS = [PercentMethod.MEAN_OF_CHILDREN, PercentMethod.MEAN_OF_DESCENDANT_ACTIONS]

some_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 6, 30))
percents = st.integers(0, 100).map(float) | st.floats(0, 100)
weights = st.sampled_from([0, 0.5, 1, 1, 1, 2, 3]) | st.floats(0.1, 10)

actions = st.builds(
    ActionFacts,
    key=st.just("action"),
    ref=st.just("A"),
    status=st.sampled_from(list(Status)),
    percent=st.none() | percents,
    start=st.none() | some_dates,
    due=st.none() | some_dates,
    milestone=st.booleans(),
    weight=weights,
    declared_rag=st.none() | st.sampled_from(list(Rag)),
    last_updated=st.none() | some_dates,
    created=st.none() | some_dates,
)


def objectives(children):
    return st.builds(
        ObjectiveFacts,
        key=st.just("objective"),
        ref=st.just("O"),
        weight=weights,
        manual_percent=st.none() | percents,
        children=st.lists(children, max_size=4).map(tuple),
    )


nodes = st.recursive(actions, objectives, max_leaves=12)

rollup_settings = st.builds(
    RollupSettings,
    percent_method=st.sampled_from(list(PercentMethod)),
    rag_policy=st.sampled_from(list(RagPolicy)),
)


def programmes(settings_strategy=rollup_settings):
    return st.builds(
        ProgrammeFacts,
        key=st.just("programme"),
        ref=st.just("P"),
        start=st.none() | some_dates,
        settings=settings_strategy,
        children=st.lists(nodes, min_size=1, max_size=4).map(tuple),
        period_start=st.none() | some_dates,
    )


def mean_settings():
    return st.builds(RollupSettings, percent_method=st.sampled_from(MEAN_METHODS))


def included_child_percents(node: NodeResult) -> list[float]:
    return [child.percent for child in node.explanation.children if child.included_in_percent]


def included_descendant_percents(node: NodeResult) -> list[float]:
    values = []
    for contribution, child in zip(node.explanation.children, node.children, strict=True):
        if not contribution.included_in_percent:
            continue
        if isinstance(child, ActionResult):
            values.append(child.percent)
        else:
            values.extend(included_descendant_percents(child))
    return values


def action_paths(children, prefix=()):
    """Index paths to every action in a tree of children."""
    for index, child in enumerate(children):
        if isinstance(child, ActionFacts):
            yield prefix + (index,)
        else:
            yield from action_paths(child.children, prefix + (index,))


def objective_paths(children, prefix=()):
    """Index paths to every objective, and () for the programme itself."""
    if prefix == ():
        yield ()
    for index, child in enumerate(children):
        if isinstance(child, ObjectiveFacts):
            yield prefix + (index,)
            yield from objective_paths(child.children, prefix + (index,))


def replace_at(children, path, change):
    """A copy of `children` with the node at `path` passed through `change`."""
    index, rest = path[0], path[1:]
    child = children[index]
    if rest:
        new_child = replace(child, children=replace_at(child.children, rest, change))
    else:
        new_child = change(child)
    return children[:index] + (new_child,) + children[index + 1:]


def insert_at(children, path, new_child):
    if not path:
        return children + (new_child,)
    def add(objective):
        return replace(objective, children=objective.children + (new_child,))

    return replace_at(children, path, add)


def nodes_along(result, path):
    """The programme result and every objective result down `path`."""
    found = [result]
    for index in path:
        result = result.children[index]
        found.append(result)
    return found


def every_date(children):
    for child in children:
        if isinstance(child, ActionFacts):
            yield from (day for day in (child.start, child.due, child.last_updated, child.created) if day)
        else:
            yield from every_date(child.children)


@trees
@given(programmes(mean_settings()))
def test_a_parents_percent_lies_between_its_included_childrens(programme):
    tree = rollup_programme(programme, as_at=AS_AT)
    for node in iter_results(tree):
        if not isinstance(node, NodeResult) or node.percent is None:
            continue
        values = included_child_percents(node)
        assert min(values) <= node.percent <= max(values)
        values = included_descendant_percents(node)
        if programme.settings.percent_method == PercentMethod.MEAN_OF_DESCENDANT_ACTIONS:
            assert min(values) <= node.percent <= max(values)


@trees
@given(programmes(st.just(RollupSettings(percent_method=PercentMethod.MANUAL))))
def test_the_calculated_percent_under_manual_lies_between_the_childrens(programme):
    tree = rollup_programme(programme, as_at=AS_AT)
    for node in iter_results(tree):
        if isinstance(node, NodeResult) and node.calculated_percent is not None:
            values = included_child_percents(node)
            assert min(values) <= node.calculated_percent <= max(values)


@trees
@given(programmes(mean_settings()), st.data())
def test_raising_one_childs_percent_never_lowers_a_parent(programme, data):
    paths = [
        path for path in action_paths(programme.children)
        if _raisable(_at(programme.children, path))
    ]
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    old = _at(programme.children, path).percent or 0.0
    new = data.draw(st.floats(old, 100))
    children = replace_at(programme.children, path, lambda action: replace(action, percent=new))
    raised = replace(programme, children=children)

    before = rollup_programme(programme, as_at=AS_AT)
    after = rollup_programme(raised, as_at=AS_AT)
    parents = path[:-1]
    for node_before, node_after in zip(nodes_along(before, parents), nodes_along(after, parents), strict=True):
        if node_before.percent is not None:
            assert node_after.percent >= node_before.percent


def _raisable(action: ActionFacts) -> bool:
    # Only an entered percent moves freely: Completed, Not started and milestones are forced.
    return action.status in (Status.IN_PROGRESS, Status.ON_HOLD) and not action.milestone


def _at(children, path):
    node = children[path[0]]
    for index in path[1:]:
        node = node.children[index]
    return node


@trees
@given(programmes(), actions, st.data())
def test_adding_a_cancelled_child_changes_nothing(programme, extra, data):
    path = data.draw(st.sampled_from(list(objective_paths(programme.children))))
    extra = replace(extra, status=Status.CANCELLED)
    with_cancelled = replace(programme, children=insert_at(programme.children, path, extra))

    before = rollup_programme(programme, as_at=AS_AT)
    after = rollup_programme(with_cancelled, as_at=AS_AT)
    for node_before, node_after in zip(nodes_along(before, path), nodes_along(after, path), strict=True):
        assert node_after.percent == node_before.percent
        assert node_after.calculated_percent == node_before.calculated_percent
        assert node_after.rag == node_before.rag
        assert node_after.manual_difference_flag == node_before.manual_difference_flag


@trees
@given(programmes(), st.integers(1, 400))
def test_once_every_date_has_passed_the_as_at_date_no_longer_matters(programme, later_by):
    dates = [AS_AT, *every_date(programme.children)]
    if programme.start:
        dates.append(programme.start)
    after_everything = max(dates) + timedelta(days=1)

    first = list(iter_results(rollup_programme(programme, as_at=after_everything)))
    later = list(iter_results(rollup_programme(programme, as_at=after_everything + timedelta(days=later_by))))
    for one, other in zip(first, later, strict=True):
        assert (one.percent, one.rag) == (other.percent, other.rag)


@trees
@given(programmes(), st.randoms(use_true_random=False))
def test_the_order_of_children_changes_nothing(programme, rng: random.Random):
    shuffled = list(programme.children)
    rng.shuffle(shuffled)
    before = rollup_programme(programme, as_at=AS_AT)
    after = rollup_programme(replace(programme, children=tuple(shuffled)), as_at=AS_AT)
    assert after.percent == before.percent
    assert after.rag == before.rag
    assert after.distribution == before.distribution


@trees
@given(programmes())
def test_the_distribution_counts_every_descendant_action_once(programme):
    tree = rollup_programme(programme, as_at=AS_AT)
    for node in iter_results(tree):
        if isinstance(node, NodeResult):
            actions_below = [item for item in iter_results(node) if isinstance(item, ActionResult)]
            assert sum(node.distribution.values()) == len(actions_below)
            for rag in Rag:
                assert node.distribution[rag] == sum(1 for item in actions_below if item.rag == rag)


@trees
@given(programmes())
def test_percents_stay_within_0_and_100(programme):
    tree = rollup_programme(programme, as_at=AS_AT)
    for item in iter_results(tree):
        assert item.percent is None or 0 <= item.percent <= 100


@given(st.integers(0, 100), st.integers(0, 99))
def test_display_rounds_any_two_place_figure_half_up(whole, hundredths):
    value = float(f"{whole}.{hundredths:02d}")
    assert display_percent(value) == whole + (hundredths >= 50)
