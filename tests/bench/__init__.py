"""Benchmarks: `make bench` (python -m tests.bench.run) builds the scale data set and runs each module.

A benchmark module exposes `run(context) -> dict[str, float | int]`; run.py merges the figures
into bench.json and bench.txt. These helpers keep the modules short and their statistics alike.
"""

import statistics


def percentile(values, pct: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default), so p50 is the median."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("No values to take a percentile of.")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values) -> float:
    return statistics.median(values)


def timings_summary(timings, count: str = "requests") -> dict:
    """How many, p50, p95 and the slowest, in ms to one decimal place: the statistics of every benchmark."""
    if not timings:
        return {count: 0}
    return {count: len(timings), "p50_ms": round(percentile(timings, 50), 1),
            "p95_ms": round(percentile(timings, 95), 1), "max_ms": round(max(timings), 1)}


def context_value(context, name, default=None):
    """A setting of the run: from run.py's context object, a dict given by hand, or nothing."""
    if context is None:
        return default
    if isinstance(context, dict):
        return context.get(name, default)
    return getattr(context, name, default)


def updatable_actions():
    """Actions an update dated today is valid on (for the benches' saves, run inside Django): open, not
    milestones (their percent is 0 or 100), and started."""
    from django.db.models import Q
    from django.utils import timezone

    from actionplans.models import Action

    today = timezone.localdate()
    return (Action.objects.exclude(status__in=["completed", "cancelled", "deferred"]).filter(is_milestone=False)
            .filter(Q(start_date__isnull=True) | Q(start_date__lte=today)))
