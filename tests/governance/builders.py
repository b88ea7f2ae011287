"""Test data for governance's records, written through the services like every other door."""

from datetime import date

from governance.models import Risk
from governance.services import risk_record_review, risk_save
from programmes.audit import Channel
from tests.factories import ProgrammeFactory


def recorded_on(day: date, risk: Risk) -> Risk:
    """Record a new risk as the admin does, its first review dated `day`."""
    return risk_save(risk, by=None, channel=Channel.ADMIN, reviewed_on=day)


def risk_register():
    """R1 was reviewed up from 2x3 to 5x4 on 1 August; R2 was recorded on 1 September; R3 was closed
    on 15 August; R4 never changed and has no review (the import's bulk writes make such risks).
    Returns the programme."""
    programme = ProgrammeFactory()
    r1 = recorded_on(date(2024, 5, 1), Risk(programme=programme, reference="R1", title="Demand",
                                            current_likelihood=2, current_impact=3, review_date=date(2024, 9, 30)))
    risk_record_review(risk=r1, by=None, reviewed_on=date(2024, 8, 1), current_likelihood=5, current_impact=4,
                       review_date=date(2024, 7, 1), note="Demand rose over the summer.")
    recorded_on(date(2024, 9, 1), Risk(programme=programme, reference="R2", title="Workforce", current_likelihood=4,
                                       current_impact=4))
    r3 = recorded_on(date(2024, 5, 1), Risk(programme=programme, reference="R3", title="Budget",
                                            current_likelihood=3, current_impact=3))
    risk_record_review(risk=r3, by=None, reviewed_on=date(2024, 8, 15), status=Risk.Status.CLOSED)
    Risk.objects.create(programme=programme, reference="R4", title="Systems", current_likelihood=1,
                        current_impact=1)
    return programme
