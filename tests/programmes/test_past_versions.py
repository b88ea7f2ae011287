"""The past figures version (ADR 15): what a programme's figures as at an earlier day show. A write that
tells only of the present (an update dated today, an action's current state, the stored roll-ups)
leaves it as it was; every other write moves it with the version. The dashboards keep a past date's
tree by it, and what they show stays what a fresh computation gives."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from actionplans.models import Action, ProgressUpdate
from actionplans.rollup import compute_tree, programme_refresh
from actionplans.services import action_record_progress
from dashboards import selectors
from programmes import rules, versions
from programmes.models import Objective, Programme
from tests.factories import ActionFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    today = timezone.localdate()
    made = ActionFactory(start_date=today - timedelta(days=200), due_date=today + timedelta(days=200))
    ProgressUpdateFactory(action=made, effective_date=today - timedelta(days=60), percent=20)
    programme_refresh(programme_id=made.programme_id)
    return made


def _moved(action, write) -> tuple[bool, bool]:
    """(the version moved, the past version moved) of the action's programme, across `write`."""
    before = versions.figures_versions()
    write()
    after = versions.figures_versions()
    pk = action.programme_id
    return after.of(pk) != before.of(pk), after.past_of(pk) != before.past_of(pk)


def test_an_update_dated_today_through_the_service_leaves_the_past_version(action):
    moved = _moved(action, lambda: action_record_progress(action=action, percent=40, status="in_progress",
                                                          commentary="x", channel="command"))

    assert moved == (True, False)  # the refresh of the stored figures included


def test_a_back_dated_update_moves_the_past_version(action):
    yesterday = timezone.localdate() - timedelta(days=1)

    moved = _moved(action, lambda: action_record_progress(action=action, percent=30, status="in_progress",
                                                          effective_date=yesterday, commentary="x",
                                                          channel="command"))

    assert moved == (True, True)


@pytest.mark.parametrize("write, past", [
    (lambda a: Action.objects.filter(pk=a.pk).update(percent=70, status="in_progress", computed_rag="red"), False),
    (lambda a: Programme.objects.filter(pk=a.programme_id).update(rollup_percent=12.5, rollup_rag="amber"), False),
    (lambda a: Objective.objects.filter(pk=a.objective_id).update(rollup_calculated_percent=3), False),
    (lambda a: Action.objects.filter(pk=a.pk).update(percent=70, title="Renamed"), True),
    (lambda a: Action.objects.filter(pk=a.pk).update(due_date=timezone.localdate()), True),
    (lambda a: Objective.objects.filter(pk=a.objective_id).update(weight=Decimal("2")), True),
    (lambda a: Programme.objects.filter(pk=a.programme_id).update(rag_green_threshold=Decimal("80")), True),
    (lambda a: ProgressUpdate.objects.filter(action=a).update(percent=90), True),
    (lambda a: ProgressUpdate.objects.filter(action=a).delete(), True),
    (lambda a: ProgressUpdateFactory(action=a, effective_date=timezone.localdate() - timedelta(days=3)), True),
    (lambda a: ProgressUpdateFactory(action=a, effective_date=timezone.localdate()), False),
])
def test_only_writes_that_tell_of_the_present_leave_the_past_version(action, write, past):
    assert _moved(action, lambda: write(action)) == (True, past)


def test_a_past_dates_tree_is_kept_through_a_save_today_and_still_equals_a_fresh_one(action,
                                                                                     django_assert_num_queries):
    today = timezone.localdate()
    past = today - timedelta(days=30)
    selectors.clear_tree_cache()
    selectors.trees([action.programme_id], as_at=past, version=versions.figures_versions())

    action_record_progress(action=action, percent=45, status="in_progress", commentary="x", channel="command")
    version = versions.figures_versions()
    with django_assert_num_queries(0):
        kept = selectors.trees([action.programme_id], as_at=past, version=version)[0]
    now = selectors.trees([action.programme_id], as_at=today, version=version)[0]

    fresh = compute_tree(action.programme_id, as_at=past)
    assert list(rules.iter_results(kept.result)) == list(rules.iter_results(fresh.result))
    assert now.result.percent != kept.result.percent  # today's tree was computed again: 45% against 20%


def test_a_back_dated_save_computes_the_past_dates_tree_again(action):
    today = timezone.localdate()
    past = today - timedelta(days=30)
    selectors.clear_tree_cache()
    before = selectors.trees([action.programme_id], as_at=past, version=versions.figures_versions())[0]

    action_record_progress(action=action, percent=80, status="in_progress", effective_date=past - timedelta(days=1),
                           commentary="x", channel="command")
    after = selectors.trees([action.programme_id], as_at=past, version=versions.figures_versions())[0]

    assert after is not before
    fresh = compute_tree(action.programme_id, as_at=past)
    assert list(rules.iter_results(after.result)) == list(rules.iter_results(fresh.result))
    assert after.result.percent != before.result.percent
