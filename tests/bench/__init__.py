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

