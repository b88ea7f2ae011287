"""Risks as they stood on a past date: their scores, review dates and status are undone from the
audit trail, so the heat map and the risk list follow the as-at date like every other figure."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from dashboards.selectors import programme_page, reporting_periods, risk_list, risks_as_at
from governance.models import Risk
from programmes.audit import Channel
from programmes.models import AuditEntry
from programmes.services import record_save
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

JULY_15 = date(2024, 7, 15)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def saved_on(day: date, risk: Risk) -> Risk:
    """Save through the service as the admin does, and date the audit entry it writes."""
    record_save(risk, channel=Channel.ADMIN)
    AuditEntry.objects.filter(pk=AuditEntry.objects.latest("id").pk).update(at=at(day))
    return risk


@pytest.fixture
def register():
    """R1 rose from 2x3 to 5x4 on 1 August; R2 was recorded on 1 September; R3 was closed on 15 August;
    R4 never changed."""
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


def heat(page) -> dict:
    return {(c.likelihood, c.impact): c.count for row in page.heat_map.grid for c in row if c.count}


def scores(rows) -> dict:
    return {row.ref: (row.likelihood, row.impact) for row in rows}


def test_today_the_list_shows_the_register_as_it_is(register):
    rows = risk_list(register.pk, as_at=date.today())

    assert scores(rows) == {"R1": (5, 4), "R2": (4, 4), "R4": (1, 1)}


def test_on_a_past_date_changes_made_since_are_undone(register):
    rows = {row.ref: row for row in risk_list(register.pk, as_at=JULY_15)}

    # R2, recorded later, shows as first recorded (as an action added later does).
    assert scores(rows.values()) == {"R1": (2, 3), "R2": (4, 4), "R3": (3, 3), "R4": (1, 1)}
    assert rows["R1"].score == 6 and rows["R1"].review_date == date(2024, 9, 30)
    assert not rows["R1"].review_overdue


def test_a_change_on_the_as_at_date_itself_counts(register):
    assert scores(risk_list(register.pk, as_at=date(2024, 8, 1)))["R1"] == (5, 4)


def test_the_heat_map_counts_the_register_of_that_date(register):
    periods = reporting_periods()

    today = programme_page(register.pk, as_at=date.today(), periods=periods, version=("today",))
    july = programme_page(register.pk, as_at=JULY_15, periods=periods, version=("july",))

    assert heat(today) == {(5, 4): 1, (4, 4): 1, (1, 1): 1}
    assert heat(july) == {(2, 3): 1, (4, 4): 1, (3, 3): 1, (1, 1): 1}


def test_the_heat_map_links_filter_the_risks_of_that_date(register):
    assert [row["reference"] for row in risks_as_at(register.pk, JULY_15, "reference")] == ["R1", "R2", "R3", "R4"]
    assert scores(risk_list(register.pk, as_at=JULY_15, likelihood=2, impact=3)) == {"R1": (2, 3)}
    assert scores(risk_list(register.pk, as_at=JULY_15, likelihood=5, impact=4)) == {}


def test_the_risk_list_page_follows_the_as_at_date(director, register):
    url = reverse("risk_list", args=[register.pk])

    july = director.get(url, {"as_at": JULY_15.isoformat()}).content.decode()
    today = director.get(url).content.decode()

    assert "Budget" in july and "Budget" not in today  # closed on 15 August
