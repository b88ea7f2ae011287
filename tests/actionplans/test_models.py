"""Actions, progress updates and measures: what the database refuses, what services record."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplans.models import Action, ProgressUpdate
from actionplans.services import (
    action_create,
    action_record_progress,
    action_save,
    measure_record_value,
    update_becomes_current,
)
from programmes.models import AuditEntry
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureTargetFactory,
    MeasureValueFactory,
    ObjectiveFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

APRIL_1 = date(2024, 4, 1)
MARCH_31 = date(2024, 3, 31)


# Percent complete: whole numbers from 0 to 100


@pytest.mark.parametrize("percent", [-1, 101])
def test_an_action_percent_outside_0_to_100_is_refused(percent):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(percent=percent)


@pytest.mark.parametrize("percent", [0, 100])
def test_an_action_percent_of_0_or_100_is_kept(percent):
    action = ActionFactory(percent=percent)
    assert Action.objects.get(pk=action.pk).percent == percent


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_progress_update_percent_outside_0_to_100_is_refused(percent):
    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(action=action, percent=percent)


@pytest.mark.parametrize("percent", [0, 100])
def test_a_progress_update_percent_of_0_or_100_is_kept(percent):
    update = ProgressUpdateFactory(percent=percent)
    assert ProgressUpdate.objects.get(pk=update.pk).percent == percent


def test_an_action_weight_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(weight=Decimal("-0.5"))


# References are unique within a programme


def test_an_action_reference_is_unique_within_its_programme_even_under_another_objective():
    first = ActionFactory(reference="ASC2401.A")
    sibling_objective = ObjectiveFactory(programme=first.programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(objective=sibling_objective, reference="ASC2401.A")


def test_another_programme_may_use_the_same_action_reference():
    first = ActionFactory(reference="ASC2401.A")
    other = ActionFactory(reference="ASC2401.A")
    assert first.programme_id != other.programme_id


def test_the_action_factory_puts_the_action_in_its_objectives_programme():
    action = ActionFactory()
    assert action.programme_id == action.objective.programme_id


def test_a_measure_reference_is_unique_within_its_programme():
    first = MeasureFactory(reference="KPI01")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureFactory(programme=first.programme, reference="KPI01")


def test_another_programme_may_use_the_same_measure_reference():
    first = MeasureFactory(reference="KPI01")
    other = MeasureFactory(reference="KPI01")
    assert first.programme_id != other.programme_id


# Dates


def test_an_action_cannot_be_due_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(start_date=APRIL_1, due_date=MARCH_31)


def test_an_action_revised_due_date_cannot_be_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(start_date=APRIL_1, due_date=APRIL_1, revised_due_date=MARCH_31)


def test_an_action_may_be_due_on_the_day_it_starts_or_have_no_start():
    ActionFactory(start_date=APRIL_1, due_date=APRIL_1, revised_due_date=APRIL_1)
    ActionFactory(start_date=None, due_date=MARCH_31, revised_due_date=MARCH_31)
    assert Action.objects.count() == 2


def test_the_service_refuses_a_due_date_before_the_start_and_writes_nothing():
    action = ActionFactory(start_date=APRIL_1, due_date=date(2025, 3, 31))
    action.due_date = MARCH_31
    with pytest.raises(ValidationError):
        action_save(action, channel="browser")
    assert Action.objects.get(pk=action.pk).due_date == date(2025, 3, 31)


# Measures: one target and one value per period, bands in order


def test_a_measure_has_one_target_per_period():
    target = MeasureTargetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureTargetFactory(measure=target.measure, period=target.period)


def test_a_measure_has_one_value_per_period():
    value = MeasureValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureValueFactory(measure=value.measure, period=value.period)


def test_a_target_band_cannot_be_upside_down():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureTargetFactory(value=None, band_low=Decimal("90"), band_high=Decimal("80"))


def test_a_target_may_be_tbc_with_no_value():
    target = MeasureTargetFactory(value=None, text="TBC")
    assert str(target).endswith(": TBC")


# The services audit each write with its channel


def test_creating_an_action_is_audited_with_its_channel():
    jo = UserFactory(username="jo")
    objective = ObjectiveFactory()

    action = action_create(
        objective=objective,
        reference="ASC2401.A",
        title="Review carers' assessments",
        by=jo,
        channel="import",
    )

    assert action.programme_id == objective.programme_id
    entry = AuditEntry.objects.get(model="actionplans.action")
    assert (entry.action, entry.channel, entry.user, entry.object_id) == (
        "created",
        "import",
        jo,
        str(action.pk),
    )


def test_saving_an_action_bumps_its_version_and_audits_what_changed():
    action = ActionFactory(title="Old title")
    action = Action.objects.get(pk=action.pk)

    action.title = "Review carers' assessments"
    action_save(action, channel="admin")

    assert action.version == 2
    entry = AuditEntry.objects.get(model="actionplans.action")
    assert (entry.action, entry.channel) == ("updated", "admin")
    assert entry.changes["title"] == ["Old title", "Review carers' assessments"]


def test_recording_progress_keeps_an_update_and_audits_it_with_its_channel():
    sam = UserFactory(username="sam")
    action = ActionFactory(percent=0, status="not_started")

    update = action_record_progress(
        action=action,
        by=sam,
        percent=40,
        status="in_progress",
        effective_date=date(2024, 6, 30),
        commentary="Recruiting.",
        channel="browser",
    )

    assert (update.percent, update.channel, update.author) == (40, "browser", sam)
    assert (action.percent, action.version) == (40, 2)
    entry = AuditEntry.objects.get(model="actionplans.action")
    assert (entry.channel, entry.user, entry.changes["percent"]) == ("browser", sam, [0, 40])


def test_only_an_update_dated_before_the_latest_is_back_dated():
    july_10 = date(2024, 7, 10)
    assert update_becomes_current(july_10, None)
    assert update_becomes_current(july_10, july_10)  # the same day: the later one is current
    assert update_becomes_current(date(2024, 7, 11), july_10)
    assert not update_becomes_current(date(2024, 6, 30), july_10)


def test_a_back_dated_update_joins_the_history_and_leaves_the_current_figures():
    action = ActionFactory(percent=0, status="not_started")
    action_record_progress(action=action, percent=60, status="in_progress", effective_date=date(2024, 7, 10))

    update = action_record_progress(action=action, percent=40, status="on_hold", effective_date=date(2024, 6, 30),
                                    declared_rag="amber", declared_rag_reason="Waiting", commentary="On hold for now.")

    assert (update.effective_date, update.percent, update.status) == (date(2024, 6, 30), 40, "on_hold")
    assert (action.percent, action.status, action.declared_rag, action.last_updated_on, action.version) == (
        60, "in_progress", "", date(2024, 7, 10), 3)
    assert action.updates.count() == 2
    assert AuditEntry.objects.filter(model="actionplans.action").latest("id").changes == {}


def test_recording_a_measure_value_is_audited_with_its_channel():
    measure = MeasureFactory()
    period = ReportingPeriodFactory(quarter=1)

    entry = measure_record_value(
        measure=measure, period=period, value=Decimal("72.5"), channel="import"
    )

    assert entry.created
    audit = AuditEntry.objects.get(model="actionplans.measurevalue")
    assert (audit.action, audit.channel) == ("created", "import")
