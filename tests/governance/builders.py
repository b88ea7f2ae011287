"""Test data for governance's records, written through the services like every other door."""

from datetime import UTC, date, datetime

import time_machine

from governance.models import Risk
from programmes.audit import Channel
from programmes.services import record_save
from tests.factories import ProgrammeFactory


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def saved_on(day: date, risk: Risk) -> Risk:
    """Save through the service as the admin does, on that day (the audit trail is append-only:
    an entry cannot be re-dated afterwards)."""
    with time_machine.travel(at(day), tick=False):
        record_save(risk, channel=Channel.ADMIN)
    return risk


def risk_register():
    """R1 rose from 2x3 to 5x4 on 1 August; R2 was recorded on 1 September; R3 was closed on 15 August;
    R4 never changed. Returns the programme."""
    programme = ProgrammeFactory()
    r1 = saved_on(date(2024, 5, 1), Risk(programme=programme, reference="R1", title="Demand",
                                         current_likelihood=2, current_impact=3, review_date=date(2024, 9, 30)))
    r1.current_likelihood, r1.current_impact, r1.review_date = 5, 4, date(2024, 7, 1)
    saved_on(date(2024, 8, 1), r1)
    saved_on(date(2024, 9, 1), Risk(programme=programme, reference="R2", title="Workforce", current_likelihood=4,
                                    current_impact=4))
    r3 = saved_on(date(2024, 5, 1), Risk(programme=programme, reference="R3", title="Budget",
                                         current_likelihood=3, current_impact=3))
    r3.status = Risk.Status.CLOSED
    saved_on(date(2024, 8, 15), r3)
    # Made without an audit entry (the synthetic data set does this): it has always been there.
    Risk.objects.create(programme=programme, reference="R4", title="Systems", current_likelihood=1,
                        current_impact=1)
    return programme
