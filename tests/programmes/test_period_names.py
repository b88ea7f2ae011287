"""A reporting period's name always agrees with its dates, and its dates are a whole UK financial year,
quarter or month (programmes.fiscal, checked by the model's validation and so by every service)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from programmes.fiscal import financial_year_of, period_problems, quarter_of
from programmes.models import ReportingPeriod
from programmes.services import record_save

pytestmark = pytest.mark.django_db

GOOD = [
    ("year", "2024/25", "2024/25", None, date(2024, 4, 1), date(2025, 3, 31)),
    ("quarter", "2024/25 Q1", "2024/25", 1, date(2024, 4, 1), date(2024, 6, 30)),
    ("quarter", "2024/25 Q4", "2024/25", 4, date(2025, 1, 1), date(2025, 3, 31)),
    ("month", "April 2024", "2024/25", 1, date(2024, 4, 1), date(2024, 4, 30)),
    ("month", "February 2028", "2027/28", 4, date(2028, 2, 1), date(2028, 2, 29)),  # a leap year
    ("month", "Mar 2025", "2024/25", 4, date(2025, 3, 1), date(2025, 3, 31)),
    ("quarter", "Quarter 3 (2026/27 Q3)", "2026/27", 3, date(2026, 10, 1), date(2026, 12, 31)),
]


@pytest.mark.parametrize(("kind", "name", "year", "quarter", "start", "end"), GOOD)
def test_a_period_named_for_its_dates_is_accepted(kind, name, year, quarter, start, end):
    assert period_problems(kind=kind, name=name, financial_year=year, quarter=quarter, start=start, end=end) == {}


@pytest.mark.parametrize(("kind", "name", "year", "quarter", "start", "end", "field"), [
    # The name of one quarter on the dates of another: what a shift by days did to the demo.
    ("quarter", "2024/25 Q1", "2024/25", 1, date(2024, 7, 1), date(2024, 9, 30), "quarter"),
    ("quarter", "2024/25 Q2", "2024/25", 2, date(2024, 7, 1), date(2024, 9, 30), None),
    ("quarter", "2023/24 Q2", "2024/25", 2, date(2024, 7, 1), date(2024, 9, 30), "name"),
    ("quarter", "2024/25 Q2", "2023/24", 2, date(2024, 7, 1), date(2024, 9, 30), "financial_year"),
    ("quarter", "2024/25 Q2", "2024/25", 2, date(2024, 7, 3), date(2024, 9, 30), "start"),
    ("quarter", "2024/25 Q2", "2024/25", 2, date(2024, 7, 1), date(2024, 10, 1), "end"),
    ("year", "2024/25", "2024/25", None, date(2024, 1, 1), date(2024, 12, 31), "start"),  # a calendar year
    ("year", "2024/25 Q1", "2024/25", None, date(2024, 4, 1), date(2025, 3, 31), "name"),
    ("month", "May 2024", "2024/25", 1, date(2024, 4, 1), date(2024, 4, 30), "name"),
    ("month", "April 2023", "2024/25", 1, date(2024, 4, 1), date(2024, 4, 30), "name"),
])
def test_a_period_whose_name_or_numbers_disagree_with_its_dates_is_refused(kind, name, year, quarter, start, end,
                                                                            field):
    problems = period_problems(kind=kind, name=name, financial_year=year, quarter=quarter, start=start, end=end)
    if field is None:
        assert problems == {}
    else:
        assert field in problems and problems[field].endswith(".")


def test_financial_years_and_quarters_turn_on_1_april():
    assert financial_year_of(date(2025, 3, 31)) == "2024/25" and financial_year_of(date(2025, 4, 1)) == "2025/26"
    assert financial_year_of(date(1999, 12, 31)) == "1999/00"
    assert [quarter_of(date(2024, m, 1)) for m in (4, 6, 7, 9, 10, 12, 1, 3)] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_the_service_refuses_a_misnamed_period_with_a_message_by_field():
    with pytest.raises(ValidationError) as refused:
        record_save(ReportingPeriod(name="2024/25 Q1", kind="quarter", financial_year="2024/25", quarter=1,
                                    start=date(2024, 10, 1), end=date(2024, 12, 31)), channel="command")

    assert set(refused.value.message_dict) == {"quarter", "name"}
    assert not ReportingPeriod.objects.exists()
