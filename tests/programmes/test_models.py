"""Programmes, objectives and the audit trail: what the database refuses, what services record."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from actionplans.services import objective_create, objective_save, programme_update
from programmes.models import AuditEntry, Objective, OrgUnit, Programme
from programmes.services import person_create, programme_create, record_delete, record_save
from tests.factories import ObjectiveFactory, OrgUnitFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


# Programmes


def test_a_programme_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(start_date=date(2024, 4, 1), end_date=date(2024, 3, 31))


def test_a_programme_may_end_on_the_day_it_starts_or_have_no_dates():
    ProgrammeFactory(start_date=date(2024, 4, 1), end_date=date(2024, 4, 1))
    ProgrammeFactory(start_date=None, end_date=date(2024, 4, 1))
    ProgrammeFactory(start_date=date(2024, 4, 1), end_date=None)
    assert Programme.objects.count() == 3


def test_a_programme_red_threshold_cannot_be_above_its_green_threshold():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(rag_green_threshold=70, rag_red_threshold=90)


# Objectives: references, percent


def test_an_objective_reference_is_unique_within_its_programme():
    first = ObjectiveFactory(reference="ASC2401")
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveFactory(programme=first.programme, reference="ASC2401")


def test_another_programme_may_use_the_same_objective_reference():
    first = ObjectiveFactory(reference="ASC2401")
    other = ObjectiveFactory(reference="ASC2401")
    assert first.programme_id != other.programme_id


@pytest.mark.parametrize("percent", ["-1", "101", "100.01"])
def test_a_manual_percent_outside_0_to_100_is_refused(percent):
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveFactory(manual_percent=Decimal(percent))


@pytest.mark.parametrize("percent", ["0", "100", "47.5"])
def test_a_manual_percent_from_0_to_100_is_kept(percent):
    objective = ObjectiveFactory(manual_percent=Decimal(percent))
    objective.refresh_from_db()
    assert objective.manual_percent == Decimal(percent)


def test_an_objective_weight_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveFactory(weight=Decimal("-1"))


# Objectives: no cycles. The service refuses everywhere; PostgreSQL's trigger refuses too,
# even for a write that skips the service. CI runs on PostgreSQL, so both are checked there.


def test_an_objective_cannot_be_its_own_parent():
    objective = ObjectiveFactory()
    objective.parent = objective
    with pytest.raises(ValidationError):
        objective_save(objective)

    # A check constraint, so every database refuses this one.
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.filter(pk=objective.pk).update(parent=objective.pk)
    assert Objective.objects.get(pk=objective.pk).parent_id is None


def test_an_objective_cannot_sit_under_its_own_grandchild():
    theme = ObjectiveFactory(reference="T1")
    project = ObjectiveFactory(programme=theme.programme, parent=theme, reference="T1.1")
    task = ObjectiveFactory(programme=theme.programme, parent=project, reference="T1.1.1")

    theme.parent = task
    with pytest.raises(ValidationError, match="under itself or its own children"):
        objective_save(theme)

    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Objective.objects.filter(pk=theme.pk).update(parent=task.pk)
    assert Objective.objects.get(pk=theme.pk).parent_id is None


def test_an_objective_parent_must_be_in_the_same_programme():
    objective = ObjectiveFactory()
    elsewhere = ObjectiveFactory()

    objective.parent = elsewhere
    with pytest.raises(ValidationError, match="same programme"):
        objective_save(objective)

    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Objective.objects.filter(pk=objective.pk).update(parent=elsewhere.pk)
    assert Objective.objects.get(pk=objective.pk).parent_id is None


def test_an_objective_may_move_to_another_branch_of_its_own_tree():
    theme = ObjectiveFactory(reference="T1")
    project = ObjectiveFactory(programme=theme.programme, parent=theme, reference="T1.1")
    task = ObjectiveFactory(programme=theme.programme, parent=project, reference="T1.1.1")

    task.parent = theme
    objective_save(task)
    # And the trigger lets a raw write through when there is no cycle.
    Objective.objects.filter(pk=task.pk).update(parent=project.pk)

    assert Objective.objects.get(pk=task.pk).parent_id == project.pk


def test_an_organisational_unit_cannot_be_its_own_parent():
    unit = OrgUnitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.filter(pk=unit.pk).update(parent=unit.pk)


# The services audit every write with the door it came through.


def test_creating_a_programme_is_audited_with_its_channel():
    alex = UserFactory(username="alex")
    programme = programme_create(
        name="Adult social care action plan 2024/25",
        short_name="ASC2425",
        by=alex,
        channel="import",
    )

    entry = AuditEntry.objects.get(model="programmes.programme", object_id=str(programme.pk))
    assert (entry.action, entry.channel, entry.user) == ("created", "import", alex)


def test_changing_a_programme_records_what_changed():
    programme = ProgrammeFactory(name="Old name")
    programme_update(
        programme=programme, name="Adult social care improvement programme", channel="browser"
    )

    entry = AuditEntry.objects.get(model="programmes.programme", action="updated")
    assert entry.channel == "browser"
    assert entry.changes["name"] == ["Old name", "Adult social care improvement programme"]


def test_creating_an_objective_is_audited_and_sets_its_leads():
    programme = ProgrammeFactory()
    lead = person_create(name="Gill Kay", channel="command")

    objective = objective_create(
        programme=programme,
        reference="ASC2401",
        title="Safeguarding",
        channel="task",
        m2m={"leads": [lead]},
    )

    assert list(objective.leads.all()) == [lead]
    entry = AuditEntry.objects.get(model="programmes.objective")
    assert (entry.action, entry.channel, entry.object_repr) == (
        "created",
        "task",
        "ASC2401 Safeguarding",
    )


def test_a_save_that_changes_nothing_is_not_audited():
    ObjectiveFactory()
    objective = Objective.objects.get()
    record_save(objective, channel="admin")
    assert not AuditEntry.objects.exists()


def test_a_deletion_is_audited_before_the_record_goes():
    unit = OrgUnitFactory(name="Reablement")
    unit_id = unit.pk
    record_delete(unit, channel="admin")

    assert not OrgUnit.objects.filter(pk=unit_id).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.channel, entry.object_id, entry.object_repr) == (
        "deleted",
        "admin",
        str(unit_id),
        "Reablement",
    )


def test_an_invalid_save_writes_nothing_and_audits_nothing():
    programme = ProgrammeFactory()
    programme.end_date = date(2020, 1, 1)
    with pytest.raises(ValidationError):
        record_save(programme, channel="admin")

    assert Programme.objects.get(pk=programme.pk).end_date == date(2025, 3, 31)
    assert not AuditEntry.objects.exists()
