"""Figures versions: the database changes a programme's version with every write to what its dashboards
show, through any door (these tests write with the ORM directly, as the admin or a bulk update would),
and only that programme's; what every programme shows changes the shared version (ADR 12)."""

from decimal import Decimal

import pytest

from actionplans.apps import WATCHES as ACTIONPLANS_WATCHES
from actionplans.models import Action, Measure
from governance.apps import WATCHES as GOVERNANCE_WATCHES
from governance.models import Board
from programmes import versions
from programmes.models import Objective, Person, Programme
from tests.factories import (
    ActionFactory,
    BoardFactory,
    MeasureFactory,
    MeasureValueFactory,
    ObjectiveFactory,
    OrgUnitFactory,
    PersonFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    RiskFactory,
    RiskReviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    """Two programmes, each with an objective, an action, a measure and a risk; the second is left alone."""
    made = []
    for _ in range(2):
        action = ActionFactory()
        objective = action.objective
        made.append({"programme": objective.programme, "objective": objective, "action": action,
                     "measure": MeasureFactory(programme=objective.programme),
                     "risk": RiskFactory(programme=objective.programme), "period": ReportingPeriodFactory()})
    return made


def _changed(before: versions.FiguresVersions) -> set:
    """Which versions changed since `before`: programme ids, and "shared"."""
    after = versions.figures_versions()
    moved = {pk for pk, version in after.programmes if before.of(pk) != version}
    return moved | ({"shared"} if after.shared != before.shared else set())


def _bulk_update_of_the_action(mine):
    Action.objects.filter(pk=mine["action"].pk).update(percent=60)


def _progress_update(mine):
    ProgressUpdateFactory(action=mine["action"])


def _objective_lead(mine):
    mine["objective"].leads.add(PersonFactory())


def _action_delegate(mine):
    mine["action"].delegates.add(PersonFactory())


def _new_objective(mine):
    ObjectiveFactory(programme=mine["programme"])


def _programme_settings(mine):
    Programme.objects.filter(pk=mine["programme"].pk).update(rag_green_threshold=Decimal("80"))


def _measure_value(mine):
    MeasureValueFactory(measure=mine["measure"], period=mine["period"])


def _risk_review(mine):
    RiskReviewFactory(risk=mine["risk"])


def _board_link(mine):
    BoardFactory().objectives.add(mine["objective"])


def _objective_org_unit(mine):
    mine["objective"].org_units.add(OrgUnitFactory())


def _deleted_action(mine):
    mine["action"].delete()


@pytest.mark.parametrize("write", [
    _bulk_update_of_the_action, _progress_update, _objective_lead, _action_delegate, _new_objective,
    _programme_settings, _measure_value, _risk_review, _board_link, _objective_org_unit, _deleted_action,
])
def test_a_write_changes_the_version_of_its_programme_only(two, write):
    mine, other = two
    before = versions.figures_versions()

    write(mine)

    assert _changed(before) == {mine["programme"].pk}
    assert other["programme"].pk in versions.figures_versions().programme_ids


def test_a_measure_linked_to_another_programmes_objective_changes_both(two):
    mine, other = two
    mine["measure"].objectives.add(other["objective"])
    before = versions.figures_versions()

    Measure.objects.filter(pk=mine["measure"].pk).update(title="Renamed")

    assert _changed(before) == {mine["programme"].pk, other["programme"].pk}


def test_a_bulk_update_across_programmes_changes_each_once_in_one_statement(two):
    mine, other = two
    before = versions.figures_versions()

    Action.objects.all().update(percent=10)

    after = versions.figures_versions()
    assert _changed(before) == {mine["programme"].pk, other["programme"].pk}
    assert after.shared == before.shared


def test_renaming_a_person_changes_the_shared_version_and_saving_them_unchanged_does_not(two):
    person = Person.objects.first()
    before = versions.figures_versions()

    person.save()
    assert _changed(before) == set()

    Person.objects.filter(pk=person.pk).update(name="Someone Else")
    assert _changed(before) == {"shared"}


@pytest.mark.parametrize("write", [
    lambda: ReportingPeriodFactory(),
    lambda: Board.objects.update(name="Renamed board"),
])
def test_what_every_programme_shows_changes_the_shared_version(two, write):
    BoardFactory()
    before = versions.figures_versions()

    write()

    assert _changed(before) == {"shared"}


def test_every_version_is_read_in_one_query_by_programme_name(two, django_assert_num_queries):
    Programme.objects.filter(pk=two[1]["programme"].pk).update(name="A first by name")

    with django_assert_num_queries(1):
        found = versions.figures_versions()

    assert found.programme_ids == [two[1]["programme"].pk, two[0]["programme"].pk]
    assert found.key([two[0]["programme"].pk]) == (found.shared, ((two[0]["programme"].pk,
                                                                   found.of(two[0]["programme"].pk)),))


def test_installing_the_triggers_again_changes_nothing():
    watches = versions.WATCHES + ACTIONPLANS_WATCHES + GOVERNANCE_WATCHES

    assert versions.install(watches) == 0


def test_an_objective_moved_to_another_programme_changes_both(two):
    mine, other = two
    before = versions.figures_versions()

    Objective.objects.filter(pk=mine["objective"].pk).update(programme=other["programme"])

    assert _changed(before) == {mine["programme"].pk, other["programme"].pk}
