from datetime import date

import pytest

from programmes.roles import ADMIN
from tests.factories import ProgrammeFactory, UserFactory

AS_AT = date(2024, 6, 30)


@pytest.fixture
def priya(db):
    """Priya runs the programme office and does the imports."""
    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=ADMIN)


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Adult social care action plan 2024/25", short_name="ASC2425", owner=None)
