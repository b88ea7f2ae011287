"""The refresh's lean loader feeds the engine exactly what `compute_trees` feeds it, so the two never diverge.

The refresh after a save reads only the facts and the stored figures (no people, no NodeInfo); pages
and exports read the full trees. Both must give the same facts, the same results and the same
stored figures, on varied data.
"""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from actionplans.models import Action
from actionplans.rollup import (
    ACTION,
    compute_refresh_trees,
    compute_trees,
    programme_refresh,
    refresh_programmes,
    stored_matches_fresh,
)
from fixtures.scale import ScaleSpec, build_scale
from programmes import rules
from programmes.models import Objective, Programme
from tests.factories import ActionFactory, ObjectiveFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

STATUSES = [s.value for s in rules.Status]
RAGS = ["", "blue", "green", "amber", "red", "grey"]
STORED_NODE_FIELDS = ("rollup_percent", "rollup_calculated_percent", "rollup_rag", "rollup_counts")


def assert_lean_matches_full(programme_ids=None):
    full = compute_trees(programme_ids)
    lean = compute_refresh_trees([t.programme_id for t in full])

    assert [t.programme_id for t in lean] == [t.programme_id for t in full]
    for lean_tree, full_tree in zip(lean, full, strict=True):
        assert lean_tree.as_at == full_tree.as_at
        assert lean_tree.facts == full_tree.facts
        assert lean_tree.result == full_tree.result
        for result in rules.iter_results(full_tree.result):
            stored = full_tree.info[result.key].extra["stored"]
            if result.key[0] == ACTION:
                assert lean_tree.stored[result.key] == stored["computed_rag"]
            else:
                lean_stored = lean_tree.stored[result.key]
                assert {k: lean_stored.get(k) for k in STORED_NODE_FIELDS} == {
                    k: stored.get(k) for k in STORED_NODE_FIELDS
                }
    return lean


def scramble(rng: random.Random) -> None:
    """Give the actions every kind of value the facts are made of, and leave the stored figures stale."""
    zone = timezone.get_current_timezone()
    for action in Action.objects.order_by("pk"):
        created = datetime(2024, rng.randint(1, 12), rng.randint(1, 28), rng.choice([0, 12, 23]), 30, tzinfo=UTC)
        Action.objects.filter(pk=action.pk).update(
            status=rng.choice(STATUSES),
            percent=rng.choice([0, 1, 33, 50, 99, 100]),
            is_milestone=rng.random() < 0.2,
            weight=Decimal(rng.choice(["0", "0.5", "1", "1.25", "3"])),
            declared_rag=rng.choice(RAGS),
            start_date=rng.choice([None, date(2024, 4, 1), date(2024, 5, 1)]),
            due_date=rng.choice([None, date(2024, 9, 30), timezone.localdate() + timedelta(days=30)]),
            revised_due_date=rng.choice([None, None, timezone.localdate() + timedelta(days=90)]),
            last_updated_on=rng.choice([None, timezone.localdate() - timedelta(days=rng.randint(0, 120))]),
            created_at=created.astimezone(zone),
            order=rng.randint(0, 3),
            computed_rag=rng.choice(RAGS[1:]),
        )


def test_the_lean_loader_gives_the_same_facts_and_results_on_the_scale_data_set():
    build_scale(ScaleSpec(programmes=4, objectives=24, actions=160, updates=500, measures=0, periods=6, risks=0,
                          people=20, seed=7))
    assert_lean_matches_full()

    scramble(random.Random(11))
    Programme.objects.filter(pk=Programme.objects.order_by("pk").first().pk).update(
        excluded_statuses=["on_hold"], rag_green_threshold=Decimal("80.5"), stale_after_days=10)
    lean = assert_lean_matches_full()
    assert sum(len(t.facts.children) for t in lean) > 0


def test_a_late_evening_creation_in_summer_counts_as_the_next_day_in_both_loaders():
    action = ActionFactory()
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time).
    Action.objects.filter(pk=action.pk).update(created_at=datetime(2024, 6, 30, 23, 30, tzinfo=UTC))

    [tree] = assert_lean_matches_full([action.programme_id])

    [objective] = tree.facts.children
    [facts] = objective.children
    assert facts.created == date(2024, 7, 1)


def test_a_refresh_rewrites_every_drifted_figure_and_nothing_else():
    programme = ProgrammeFactory()
    theme = ObjectiveFactory(programme=programme, reference="T1")
    first = ObjectiveFactory(programme=programme, parent=theme, reference="T1.1")
    second = ObjectiveFactory(programme=programme, parent=theme, reference="T1.2")
    for objective, percent in ((first, 20), (second, 80)):
        ActionFactory(objective=objective, percent=percent)
    programme_refresh(programme_id=programme.pk)
    assert refresh_programmes([programme.pk]).drift == 0

    Objective.objects.filter(pk__in=[first.pk, second.pk]).update(rollup_percent=-1)
    Action.objects.filter(objective=first).update(computed_rag="")
    report = refresh_programmes([programme.pk])

    assert (report.programmes_changed, report.objectives_changed, report.actions_changed) == (0, 2, 1)
    assert stored_matches_fresh([programme.pk]) == []


def test_one_drifted_objective_is_written_with_one_update():
    programme = ProgrammeFactory()
    objective = ObjectiveFactory(programme=programme)
    ActionFactory(objective=objective, percent=40)
    programme_refresh(programme_id=programme.pk)
    Objective.objects.filter(pk=objective.pk).update(rollup_rag="blue", rollup_counts={})

    with CaptureQueriesContext(connection) as queries:
        report = programme_refresh(programme_id=programme.pk)

    # executemany is logged as "1 times: UPDATE ...": one row, one statement.
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "1 times: UPDATE"))]
    assert report.objectives_changed == 1 and len(updates) == 1
    assert updates[0].startswith("1 times: UPDATE") and "CASE" not in updates[0]
    assert stored_matches_fresh([programme.pk]) == []


class LeanLoaderMatchesFullLoader(TestCase):
    """Whatever the settings and the actions' values, both loaders give the engine the same tree."""

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        method=st.sampled_from([m.value for m in rules.PercentMethod]),
        policy=st.sampled_from([p.value for p in rules.RagPolicy]),
        excluded=st.lists(st.sampled_from(STATUSES), max_size=3, unique=True),
        manual=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
        seed=st.integers(min_value=0, max_value=10_000),
        count=st.integers(min_value=0, max_value=8),
    )
    def test_same_facts_results_and_stored_figures(self, method, policy, excluded, manual, seed, count):
        programme = ProgrammeFactory(percent_method=method, rag_policy=policy, excluded_statuses=excluded)
        theme = ObjectiveFactory(programme=programme, reference="A", order=1)
        child = ObjectiveFactory(programme=programme, parent=theme, reference="A.1", manual_percent=manual,
                                 weight=Decimal("2.5"))
        ObjectiveFactory(programme=programme, reference="B", order=0)
        rng = random.Random(seed)
        for i in range(count):
            ActionFactory(objective=rng.choice([theme, child]), reference=f"R{rng.randint(0, 99)}-{i}")
        scramble(rng)
        assert_lean_matches_full([programme.pk])
