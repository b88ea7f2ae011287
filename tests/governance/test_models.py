"""Boards, meetings, reporting periods, risks and assurance: what the database refuses."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from governance.models import Board, Meeting, Risk
from programmes.models import AuditEntry, ReportingPeriod
from programmes.services import record_delete, record_save
from tests.factories import (
    AssuranceFactory,
    BoardFactory,
    BoardMembershipFactory,
    MeetingFactory,
    ReportingPeriodFactory,
    RiskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

RISK_SCORES = [
    f"{stage}_{axis}"
    for stage in ("inherent", "current", "target")
    for axis in ("likelihood", "impact")
]
MEETING_DAY = date(2024, 7, 18)


# Risks: likelihood and impact from 1 to 5


@pytest.mark.parametrize("field", RISK_SCORES)
@pytest.mark.parametrize("value", [0, 6])
def test_a_risk_score_outside_1_to_5_is_refused(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFactory(**{field: value})


@pytest.mark.parametrize("field", RISK_SCORES)
@pytest.mark.parametrize("value", [1, 5])
def test_a_risk_score_of_1_or_5_is_kept(field, value):
    risk = RiskFactory(**{field: value})
    assert getattr(Risk.objects.get(pk=risk.pk), field) == value


def test_a_risk_reference_is_unique_within_its_programme():
    first = RiskFactory(reference="R01")
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFactory(programme=first.programme, reference="R01")


def test_another_programme_may_use_the_same_risk_reference():
    first = RiskFactory(reference="R01")
    other = RiskFactory(reference="R01")
    assert first.programme_id != other.programme_id


# Reporting periods


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriodFactory(start=date(2024, 4, 1), end=date(2024, 3, 31))


def test_a_period_may_be_a_single_day():
    period = ReportingPeriodFactory(
        kind=ReportingPeriod.Kind.MONTH, quarter=None, start=date(2024, 4, 1), end=date(2024, 4, 1)
    )
    assert ReportingPeriod.objects.get(pk=period.pk).end == date(2024, 4, 1)


@pytest.mark.parametrize("quarter", [0, 5])
def test_a_quarter_is_numbered_1_to_4(quarter):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriodFactory(quarter=quarter, start=date(2024, 4, 1), end=date(2024, 6, 30))


def test_the_period_factory_makes_quarters_of_2024_25_with_unique_names():
    periods = ReportingPeriodFactory.create_batch(5)
    assert len({p.name for p in periods}) == 5
    first_quarter = next(p for p in periods if p.quarter == 1)
    assert (first_quarter.start, first_quarter.end) == (date(2024, 4, 1), date(2024, 6, 30))


# Meetings: updates are due on or before the meeting


def test_the_cut_off_for_updates_cannot_be_after_the_meeting():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(date=MEETING_DAY, updates_due_by=date(2024, 7, 19))


@pytest.mark.parametrize("cut_off", [MEETING_DAY, date(2024, 7, 4), None])
def test_the_cut_off_may_be_on_or_before_the_meeting_or_not_set(cut_off):
    meeting = MeetingFactory(date=MEETING_DAY, updates_due_by=cut_off)
    assert Meeting.objects.get(pk=meeting.pk).updates_due_by == cut_off


# Boards and the assurance matrix


def test_a_board_cannot_report_to_itself():
    board = BoardFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Board.objects.filter(pk=board.pk).update(reports_to=board.pk)


def test_a_person_sits_on_a_board_once():
    membership = BoardMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardMembershipFactory(board=membership.board, person=membership.person, role="chair")


def test_an_objective_is_assured_by_a_source_once():
    cell = AssuranceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AssuranceFactory(objective=cell.objective, source=cell.source)


def test_board_short_names_are_unique():
    BoardFactory(short_name="DMT")
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardFactory(short_name="DMT")


# Simple records are saved and deleted through record_save and record_delete, audited


def test_saving_and_deleting_a_board_is_audited_with_its_channel():
    clerk = UserFactory(username="clerk")
    board = record_save(
        Board(name="Adult social care change board", short_name="ASCCB"),
        by=clerk,
        channel="browser",
    )
    board_id = board.pk
    record_delete(board, by=clerk, channel="admin")

    entries = AuditEntry.objects.filter(model="governance.board", object_id=str(board_id)).order_by(
        "pk"
    )
    assert [(e.action, e.channel, e.user) for e in entries] == [
        ("created", "browser", clerk),
        ("deleted", "admin", clerk),
    ]
