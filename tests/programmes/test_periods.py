"""Reads of the reporting calendar: the periods in order, and the quarter a figure is compared with."""

from datetime import date

import pytest

from programmes.models import ReportingPeriod
from programmes.periods import Comparison, previous_period, reporting_periods
from programmes.services import record_save
from tests.programmes.builders import financial_year_2024

pytestmark = pytest.mark.django_db

JUNE_30 = date(2024, 6, 30)
JULY_15 = date(2024, 7, 15)


def test_the_periods_come_oldest_first_and_a_year_before_the_quarter_it_starts_with():
    financial_year_2024()
    record_save(ReportingPeriod(name="2024/25", kind="year", financial_year="2024/25", start=date(2024, 4, 1),
                                end=date(2025, 3, 31)), channel="command")

    periods = reporting_periods()

    assert [p["name"] for p in periods] == ["2024/25", "2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]
    assert periods[1] == {"id": periods[1]["id"], "name": "2024/25 Q1", "kind": "quarter", "quarter": 1,
                          "start": date(2024, 4, 1), "end": JUNE_30}


# ---------------------------------------------------------------- comparison period


def test_the_comparison_is_the_end_of_the_previous_quarter():
    financial_year_2024()
    since = previous_period(JULY_15, reporting_periods())
    assert since == Comparison(JUNE_30, "2024/25 Q1")


def test_on_the_last_day_of_a_quarter_the_comparison_is_the_quarter_before():
    financial_year_2024()
    since = previous_period(date(2024, 9, 30), reporting_periods())
    assert since.label == "2024/25 Q1"


def test_without_an_earlier_quarter_the_comparison_is_ninety_days_back():
    financial_year_2024()
    since = previous_period(JUNE_30, reporting_periods())
    assert since == Comparison(date(2024, 4, 1), "1 April 2024")
    assert previous_period(JUNE_30, []) == since
