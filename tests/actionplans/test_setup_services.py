"""The services the set-up pages added: the settings preview agrees with what a save then stores;
reordering objectives at the ends of their list; reassigning actions."""

import pytest
from django.core.exceptions import ValidationError

from actionplans.rollup import settings_preview
from actionplans.services import actions_reassign, objective_reorder, programme_update
from programmes import rules
from programmes.models import AuditEntry, Objective, Person
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("changes", [
    {"rag_policy": "worst"},
    {"rag_policy": "majority"},
    {"percent_method": "share_completed"},
    {"rag_green_threshold": 50, "rag_red_threshold": 10},
    {"excluded_statuses": ["cancelled", "deferred", "completed"]},
])
def test_the_preview_shows_exactly_what_saving_the_settings_then_stores(plan, changes):
    preview = settings_preview(plan.programme.pk, changes)
    assert preview.programme.rag_before.value == plan.programme.rollup_rag
    programme_update(programme=plan.programme, **changes)
    plan.programme.refresh_from_db()
    assert preview.programme.rag_after.value == plan.programme.rollup_rag
    assert rules.display_percent(preview.programme.percent_after) == rules.display_percent(plan.programme.rollup_percent)
    for change in preview.objectives:
        stored = Objective.objects.get(programme=plan.programme, reference=change.ref)
        assert (rules.display_percent(stored.rollup_percent), stored.rollup_rag) == (
            rules.display_percent(change.percent_after), change.rag_after.value)


def test_the_preview_lists_only_objectives_whose_shown_figure_changes(plan):
    assert settings_preview(plan.programme.pk, {"rag_policy": "proportion"}).objectives == []


def test_moving_the_first_objective_up_changes_nothing_and_audits_nothing(plan):
    second = ObjectiveFactory(programme=plan.programme, reference="ASC99", order=1)
    plan.theme.order = 0
    plan.theme.save()
    order = objective_reorder(objective=plan.theme, direction="up")
    assert [o.pk for o in order] == [plan.theme.pk, second.pk]
    assert not AuditEntry.objects.filter(model="programmes.objective").exists()
    with pytest.raises(ValidationError):
        objective_reorder(objective=plan.theme, direction="sideways")


def test_reassigning_to_the_same_person_or_to_no_one_is_refused(plan, officer):
    olly = Person.objects.get(user=officer)
    with pytest.raises(ValidationError) as same:
        actions_reassign(actions=[plan.overdue], from_person=olly, to_person=olly)
    assert "someone other than Olly Officer" in str(same.value)
    with pytest.raises(ValidationError):
        actions_reassign(actions=[plan.overdue], from_person=olly, to_person=None)
    with pytest.raises(ValidationError):
        actions_reassign(actions=[], from_person=olly, to_person=Person.objects.exclude(pk=olly.pk).first())
