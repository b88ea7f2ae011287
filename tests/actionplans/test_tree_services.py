"""Deleting and moving actions and objectives: the figures are refreshed and the change audited
in the same transaction as the write, whichever door calls the service."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from actionplans.models import Action
from actionplans.rollup import stored_matches_fresh
from actionplans.services import (
    action_create,
    action_delete,
    action_move,
    action_record_progress,
    objective_create,
    objective_delete,
    objective_move,
    programme_save,
)
from programmes.models import AuditEntry, Objective, Programme
from programmes.services import programme_create

pytestmark = pytest.mark.django_db

JUNE_30 = date(2024, 6, 30)


def plan(short_name="PLAN"):
    """Two objectives under a theme: one with a finished action, one with an action at 20%."""
    programme = programme_create(name=f"Plan {short_name}", short_name=short_name, start_date=date(2024, 4, 1),
                                 channel="command")
    theme = objective_create(programme=programme, reference=f"{short_name}1", title="Theme", channel="command")
    done = objective_create(programme=programme, reference=f"{short_name}1.1", title="Done", parent=theme,
                            channel="command")
    slow = objective_create(programme=programme, reference=f"{short_name}1.2", title="Slow", parent=theme,
                            channel="command")
    finished = action_create(objective=done, reference=f"{short_name}1.1.1", title="Finished",
                             start_date=date(2024, 4, 1), due_date=date(2030, 3, 31), channel="command")
    started = action_create(objective=slow, reference=f"{short_name}1.2.1", title="Started",
                            start_date=date(2024, 4, 1), due_date=date(2030, 3, 31), channel="command")
    action_record_progress(action=finished, percent=100, status="completed", effective_date=JUNE_30,
                           channel="command")
    action_record_progress(action=started, percent=20, status="in_progress", effective_date=JUNE_30,
                           channel="command")
    return programme, theme, done, slow, Action.objects.get(pk=finished.pk), Action.objects.get(pk=started.pk)


def percent_of(record) -> float | None:
    return type(record).objects.get(pk=record.pk).rollup_percent


def test_deleting_an_action_refreshes_its_programme_and_is_audited():
    programme, theme, done, slow, finished, started = plan()

    started_id = started.pk

    action_delete(action=started, channel="browser")

    assert not Action.objects.filter(pk=started_id).exists()
    assert percent_of(slow) is None
    assert percent_of(theme) == 100
    assert percent_of(programme) == 100
    assert AuditEntry.objects.filter(model="actionplans.action", object_id=str(started_id), action="deleted",
                                     channel="browser").exists()
    assert stored_matches_fresh() == []


def test_deleting_an_objective_takes_its_actions_and_refreshes_in_the_same_transaction():
    programme, theme, done, slow, finished, started = plan()
    done_id = done.pk

    with transaction.atomic():
        objective_delete(objective=done, channel="admin")
        # Inside the caller's transaction the figures are already true: no second step is owed.
        assert percent_of(programme) == 20
        assert stored_matches_fresh() == []

    assert not Action.objects.filter(pk=finished.pk).exists()
    assert not Objective.objects.filter(pk=done_id).exists()
    assert AuditEntry.objects.filter(model="programmes.objective", object_id=str(done_id), action="deleted",
                                     channel="admin").exists()


def test_a_failed_delete_leaves_the_figures_and_the_audit_as_they_were():
    programme, theme, done, slow, finished, started = plan()
    audited = AuditEntry.objects.count()
    done_id = done.pk

    with pytest.raises(RuntimeError), transaction.atomic():
        objective_delete(objective=done, channel="admin")
        raise RuntimeError("the caller fails after the delete")

    assert Objective.objects.filter(pk=done_id).exists()
    assert percent_of(programme) == 60
    assert AuditEntry.objects.count() == audited


def test_moving_an_action_to_another_objective_refreshes_both_branches():
    programme, theme, done, slow, finished, started = plan()

    action_move(action=started, objective=done, channel="browser")

    assert Action.objects.get(pk=started.pk).objective_id == done.pk
    assert percent_of(done) == 60
    assert percent_of(slow) is None
    entry = AuditEntry.objects.filter(model="actionplans.action", object_id=str(started.pk),
                                      action="updated").latest("at")
    assert entry.changes["objective_id"] == [slow.pk, done.pk]
    assert stored_matches_fresh() == []


def test_moving_an_action_to_another_programme_refreshes_both_programmes():
    first, _, _, _, finished, started = plan("ONE")
    second, _, other_done, *_ = plan("TWO")

    action_move(action=started, objective=other_done, channel="admin")

    moved = Action.objects.get(pk=started.pk)
    assert moved.programme_id == second.pk
    assert percent_of(first) == 100
    assert percent_of(other_done) == 60
    assert stored_matches_fresh() == []


def test_moving_an_objective_under_another_parent_refreshes_the_figures():
    programme, theme, done, slow, finished, started = plan()
    top = objective_create(programme=programme, reference="PLAN2", title="Another theme", channel="command")

    objective_move(objective=slow, parent=top, channel="browser")

    assert Objective.objects.get(pk=slow.pk).parent_id == top.pk
    assert percent_of(top) == 20
    assert percent_of(theme) == 100
    assert stored_matches_fresh() == []


def test_an_objective_cannot_move_under_its_own_child():
    programme, theme, done, slow, finished, started = plan()

    with pytest.raises(ValidationError) as refused:
        objective_move(objective=theme, parent=done, channel="browser")

    assert "cannot sit under itself or its own children" in str(refused.value)
    assert Objective.objects.get(pk=theme.pk).parent_id is None


def test_an_objective_cannot_move_into_another_programme():
    programme, theme, *_ = plan("ONE")
    _, other_theme, *_ = plan("TWO")

    with pytest.raises(ValidationError) as refused:
        objective_move(objective=theme, parent=other_theme, channel="browser")

    assert "same programme" in str(refused.value)


def test_changing_a_programmes_settings_refreshes_its_figures_in_the_same_save():
    programme, theme, done, slow, finished, started = plan()
    # The action at 20% is well behind its straight line to 2030: Red, and half the weight.
    assert Programme.objects.get(pk=programme.pk).rollup_rag == "red"

    programme.rag_green_threshold = 1
    programme.rag_red_threshold = 0
    programme_save(programme, channel="admin")

    assert Programme.objects.get(pk=programme.pk).rollup_rag == "green"
    assert AuditEntry.objects.filter(model="programmes.programme", action="updated", channel="admin").exists()
    assert stored_matches_fresh() == []
