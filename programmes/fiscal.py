"""The UK financial year (1 April to 31 March), its quarters and months, and what a reporting period's
name must say for its dates. Pure Python: the model's validation and any loader use it."""

from __future__ import annotations

import calendar
from datetime import date

MONTH_NAMES = [calendar.month_name[m] for m in range(1, 13)]
YEAR, QUARTER, MONTH = "year", "quarter", "month"


def financial_year_start(day: date) -> date:
    """1 April of the financial year a day falls in (30 June 2024 -> 1 April 2024)."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def financial_year_name(start_year: int) -> str:
    """ "2024/25" for the financial year starting 1 April 2024."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_of(day: date) -> str:
    """ "2024/25" for any day from 1 April 2024 to 31 March 2025."""
    return financial_year_name(financial_year_start(day).year)


def quarter_of(day: date) -> int:
    """1 for April to June, ... 4 for January to March."""
    return ((day.month - 4) % 12) // 3 + 1


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def period_problems(*, kind: str, name: str, financial_year: str, quarter: int | None, start: date | None,
                    end: date | None) -> dict[str, str]:
    """What is wrong with a period, by field, in plain English: its dates must be a whole financial year,
    quarter or month, its financial year and quarter must be the dates', and its name must say them
    ("2024/25", "2024/25 Q1", "April 2024"). Empty when it is right."""
    problems: dict[str, str] = {}
    if start is None or end is None or kind not in (YEAR, QUARTER, MONTH):
        return problems
    if kind == YEAR:
        expected_start, months = financial_year_start(start), 12
    elif kind == QUARTER:
        expected_start, months = _add_months(date(start.year, start.month, 1), -((start.month - 4) % 3)), 3
    else:
        expected_start, months = date(start.year, start.month, 1), 1
    expected_end = _add_months(expected_start, months - 1)
    expected_end = month_end(expected_end.year, expected_end.month)
    what = {YEAR: "a financial year", QUARTER: "a quarter", MONTH: "a month"}[kind]
    if (start, end) != (expected_start, expected_end):
        problems["end" if start == expected_start else "start"] = (
            f"The dates of {what} run from {expected_start.day} {MONTH_NAMES[expected_start.month - 1]} "
            f"{expected_start.year} to {expected_end.day} {MONTH_NAMES[expected_end.month - 1]} {expected_end.year}: "
            f"change the start or end date, or the kind of period.")
        return problems
    year = financial_year_of(start)
    if financial_year != year:
        problems["financial_year"] = f"These dates are in the financial year {year}, not {financial_year or 'none'}."
    if kind == YEAR and quarter is not None:
        problems["quarter"] = "A financial year has no quarter: leave it empty."
    elif kind != YEAR and quarter != quarter_of(start):
        problems["quarter"] = f"These dates are in quarter {quarter_of(start)} of {year}."
    folded = " ".join(name.split()).casefold()
    if kind == MONTH:
        month = MONTH_NAMES[start.month - 1]
        if str(start.year) not in folded or not (month.casefold() in folded or month[:3].casefold() in folded):
            problems["name"] = f"The name must say the month, for example “{month} {start.year}”."
    else:
        wanted = year if kind == YEAR else f"{year} Q{quarter_of(start)}"
        if year.casefold() not in folded or (kind == QUARTER and f"q{quarter_of(start)}" not in folded.replace(" ", "")):
            problems["name"] = f"The name must say the period its dates are, for example “{wanted}”."
        elif kind == YEAR and any(f"q{n}" in folded.replace(" ", "") for n in range(1, 5)):
            problems["name"] = f"A financial year's name names no quarter, for example “{wanted}”."
    return problems
