"""Reads of the reporting calendar (UK financial years, quarters and months)."""

from dataclasses import dataclass
from datetime import date, timedelta

from . import rules
from .models import ReportingPeriod

FALLBACK_COMPARISON_DAYS = 90

# No council plan runs before the first or after the second: a date outside is a typing slip (year 1,
# 9999), refused with a message by every form and service that takes a date.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def last_closed_period() -> dict | None:
    """The closed reporting period that ends last (name and end), or None: one query.

    Its figures went to a board, so nothing may be dated on or before its end any more."""
    return ReportingPeriod.objects.filter(is_closed=True).order_by("-end").values("name", "end").first()


def current_period_start(as_at: date) -> date | None:
    """Start of the reporting period containing the date: a quarter if there is one, else any."""
    periods = ReportingPeriod.objects.filter(start__lte=as_at, end__gte=as_at).values_list("kind", "start")
    by_kind = dict(periods)
    return by_kind.get("quarter") or by_kind.get("month") or by_kind.get("year")


def reporting_periods() -> list[dict]:
    """Every reporting period, oldest first (the longer of two starting the same day first): one query."""
    return list(
        ReportingPeriod.objects.order_by("start", "-end").values("id", "name", "kind", "quarter", "start", "end")
    )


@dataclass(frozen=True)
class Comparison:
    on: date
    label: str  # "2024/25 Q1", or a date when there is no earlier quarter


def previous_period(as_at: date, periods: list[dict]) -> Comparison:
    """The end of the quarter before the one containing the date; 90 days earlier when there is none.

    `periods` are reporting_periods()' rows (a caller may keep them): no query here."""
    quarters = [p for p in periods if p["kind"] == ReportingPeriod.Kind.QUARTER]
    current = next((q for q in quarters if q["start"] <= as_at <= q["end"]), None)
    if current is not None:
        earlier = [q for q in quarters if q["end"] < current["start"]]
        if earlier:
            previous = max(earlier, key=lambda q: q["end"])
            return Comparison(previous["end"], previous["name"])
    day = as_at - timedelta(days=FALLBACK_COMPARISON_DAYS)
    return Comparison(day, rules.uk_date(day))
