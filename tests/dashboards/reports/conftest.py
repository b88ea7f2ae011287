"""Fixtures the reports' tests share: Chloe the clerk and a small programme."""

from datetime import date

import pytest

from programmes.roles import CLERK
from tests.factories import ActionFactory, ObjectiveFactory, ProgrammeFactory, UserFactory


@pytest.fixture
def clerk(db):
    """Chloe clerks the scrutiny committee and takes the report to it."""
    return UserFactory(username="chloe", role=CLERK)


@pytest.fixture
def plan(db):
    """A programme of two actions (one titled with a formula), and another of one."""
    programme = ProgrammeFactory(name="Council plan 2024/25", short_name="CP2425", start_date=date(2024, 4, 1))
    theme = ObjectiveFactory(programme=programme, reference="CP1", title="Thriving places")
    ActionFactory(objective=theme, reference="CP1.A", title="Open the library hub", percent=40)
    ActionFactory(objective=theme, reference="CP1.B", title="=HYPERLINK(\"http://x\",\"y\")", percent=100,
                  status="completed")
    other = ProgrammeFactory(name="Another programme", short_name="OTHER")
    ActionFactory(objective=ObjectiveFactory(programme=other, reference="OT1"), reference="OT1.A")
    return programme, other
