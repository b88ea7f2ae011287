"""Governance's reads: risks as they stood on a date (their reviews: scores, review dates, owner and
status on that date, so the heat map and the risk list follow the as-at date like every other
figure), and the boards a programme reports to."""

from datetime import date

import pytest
from django.utils import timezone

from governance.models import Board
from governance.selectors import programme_boards, risk_counts, risk_list, risks_as_at
from programmes import rules
from programmes.services import record_save
from tests.dashboards.builders import council_plan
from tests.factories import ObjectiveFactory, ProgrammeFactory

from .builders import risk_register

pytestmark = pytest.mark.django_db
Rag = rules.Rag

JULY_15 = date(2024, 7, 15)


@pytest.fixture
def register():
    return risk_register()


def today():
    return timezone.localdate()


def scores(rows) -> dict:
    return {row.ref: (row.likelihood, row.impact) for row in rows}


# ---------------------------------------------------------------- risks as at a date


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


def test_the_heat_map_links_filter_the_risks_of_that_date(register):
    assert [row["reference"] for row in risks_as_at(register.pk, JULY_15, "reference")] == ["R1", "R2", "R3", "R4"]
    assert scores(risk_list(register.pk, as_at=JULY_15, likelihood=2, impact=3)) == {"R1": (2, 3)}
    assert scores(risk_list(register.pk, as_at=JULY_15, likelihood=5, impact=4)) == {}


def test_the_heat_map_counts_are_of_the_open_risks_of_that_date(register):
    # R1's review (30 September then, 1 July now) is overdue today and was not on 15 July.
    assert risk_counts(register.pk, JULY_15) == ({(2, 3): 1, (4, 4): 1, (3, 3): 1, (1, 1): 1}, 0)
    assert risk_counts(register.pk, today()) == ({(5, 4): 1, (4, 4): 1, (1, 1): 1}, 1)


def test_the_risk_list_filters_by_likelihood_and_impact():
    plan = council_plan()
    rows = risk_list(plan.programme.pk, as_at=today(), likelihood=4, impact=5)
    assert [(r.ref, r.score, r.band) for r in rows] == [("R1", 20, Rag.RED), ("R2", 20, Rag.RED)]
    assert rows[0].review_overdue and not rows[1].review_overdue


# ---------------------------------------------------------------- boards


def test_the_boards_of_a_programme_by_name_with_the_objectives_each_is_linked_to():
    programme = ProgrammeFactory()
    first, second = ObjectiveFactory(programme=programme), ObjectiveFactory(programme=programme)
    elsewhere = ObjectiveFactory()
    care = record_save(Board(name="Care Improvement Board", short_name="CIB"), channel="command",
                       m2m={"objectives": [first, second, elsewhere]})
    assurance = record_save(Board(name="Adults Assurance Board", short_name="AAB"), channel="command",
                            m2m={"programmes": [programme], "objectives": [second]})
    record_save(Board(name="Unrelated Board", short_name="UB"), channel="command", m2m={"objectives": [elsewhere]})

    labels, linked = programme_boards(programme.pk)

    assert labels == ((assurance.pk, "Adults Assurance Board (AAB)"), (care.pk, "Care Improvement Board (CIB)"))
    assert linked == {care.pk: {first.pk, second.pk}, assurance.pk: {None, second.pk}}
