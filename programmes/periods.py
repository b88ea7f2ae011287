"""Reads of the reporting calendar (UK financial years, quarters and months)."""

from datetime import date

from .models import ReportingPeriod


def current_period_start(as_at: date) -> date | None:
    """Start of the reporting period containing the date: a quarter if there is one, else any."""
    periods = ReportingPeriod.objects.filter(start__lte=as_at, end__gte=as_at).values_list("kind", "start")
    by_kind = dict(periods)
    return by_kind.get("quarter") or by_kind.get("month") or by_kind.get("year")
