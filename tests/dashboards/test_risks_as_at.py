"""The programme page's heat map and the risk list page follow the as-at date: they show the register
as governance.selectors reads it for that date (its reads are tested in tests/governance)."""

from datetime import date

import pytest
from django.urls import reverse

from dashboards.selectors import data_version, programme_page, reporting_periods
from tests.governance.builders import risk_register

pytestmark = pytest.mark.django_db

JULY_15 = date(2024, 7, 15)


@pytest.fixture
def register():
    return risk_register()


def heat(page) -> dict:
    return {(c.likelihood, c.impact): c.count for row in page.heat_map.grid for c in row if c.count}


def test_the_heat_map_counts_the_register_of_that_date(register):
    periods = reporting_periods()

    today = programme_page(register.pk, as_at=date.today(), periods=periods, version=data_version())
    july = programme_page(register.pk, as_at=JULY_15, periods=periods, version=data_version())

    assert heat(today) == {(5, 4): 1, (4, 4): 1, (1, 1): 1}
    assert heat(july) == {(2, 3): 1, (4, 4): 1, (3, 3): 1, (1, 1): 1}


def test_the_risk_list_page_follows_the_as_at_date(director, register):
    url = reverse("risk_list", args=[register.pk])

    july = director.get(url, {"as_at": JULY_15.isoformat()}).content.decode()
    today = director.get(url).content.decode()

    assert "Budget" in july and "Budget" not in today  # closed on 15 August
