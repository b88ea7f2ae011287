"""Bench: the roll-up engine over the whole scale data set, and the refresh after one update.

(a) Full recompute for today: `compute_trees()` (load + compute) and `refresh_programmes()` (load +
    compute + compare + write), median of 5 runs each; and the refresh when every stored figure is
    stale (the nightly recompute's worst case), median of 3.
(b) One action's percent changes through `action_record_progress(refresh=False)`, then
    `programme_refresh()` alone is timed inside the same transaction, as the service does it; 200
    actions picked with the seeded generator, each change rolled back. Then the end-to-end
    `action_record_progress` (with its refresh, committed as a request would) on the same action.
"""

import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actionplans.models import Action
from actionplans.rollup import (
    compute_trees,
    programme_refresh,
    refresh_programmes,
    stored_matches_fresh,
)
from actionplans.services import action_record_progress
from programmes.models import Objective, Programme
from tests.bench import median, percentile

FULL_RUNS = 5
REWRITE_RUNS = 3
SAMPLES = 200
WARMUP = 5


def run(context) -> dict:
    figures = {}
    figures.update(full_recompute())
    figures.update(refresh_after_one_update(context.rng("rollup"), samples=min(SAMPLES, Action.objects.count())))
    mismatched = stored_matches_fresh()
    if mismatched:
        raise AssertionError(f"Stored figures differ from a fresh computation after the bench: {mismatched[:10]}")
    return figures


def _timed(fn, **kwargs) -> tuple[float, int]:
    """Seconds taken by fn(**kwargs) and the number of queries it made."""
    elapsed, _, queries = _timed_cpu(fn, **kwargs)
    return elapsed, queries


def _timed_cpu(fn, **kwargs) -> tuple[float, float, int]:
    """Wall seconds, this process's CPU seconds (not PostgreSQL's) and the queries made.

    On a shared machine the wall time moves with the load; the CPU time much less.
    """
    with CaptureQueriesContext(connection) as queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        fn(**kwargs)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, cpu, len(queries.captured_queries)


def full_recompute() -> dict:
    compute_trees()  # warm: imports, query compilation, the database's caches
    computed = [_timed_cpu(compute_trees) for _ in range(FULL_RUNS)]
    refreshed = [_timed(refresh_programmes) for _ in range(FULL_RUNS)]
    rewritten = []
    for _ in range(REWRITE_RUNS):
        _forget_stored_figures()
        rewritten.append(_timed(refresh_programmes))
    return {
        "rollup_actions": Action.objects.count(),
        "rollup_full_recompute_s": median(t for t, _, _ in computed),
        "rollup_full_recompute_cpu_s": median(cpu for _, cpu, _ in computed),
        "rollup_full_recompute_queries": max(q for _, _, q in computed),
        "rollup_refresh_all_s": median(t for t, _ in refreshed),
        "rollup_refresh_all_rewrite_s": median(t for t, _ in rewritten),
        "rollup_refresh_all_rewrite_queries": max(q for _, q in rewritten),
    }


def _forget_stored_figures() -> None:
    """Make every stored figure wrong, so that the next refresh rewrites them all."""
    Action.objects.update(computed_rag="")
    Objective.objects.update(rollup_percent=-1, rollup_rag="")
    Programme.objects.update(rollup_percent=-1, rollup_rag="")


def _sample(rng, samples: int) -> list[int]:
    ids = sorted(Action.objects.values_list("pk", flat=True))
    return rng.sample(ids, samples)


def _record(*, action: Action, rng, refresh: bool):
    percent = min(100, action.percent + rng.randint(1, 15))
    return action_record_progress(action=action, percent=percent, status="in_progress", channel="command",
                                  refresh=refresh)


def refresh_after_one_update(rng, *, samples: int) -> dict:
    ids = _sample(rng, samples)
    refresh_ms, refresh_cpu_ms, refresh_queries, e2e_ms, e2e_queries = [], [], [], [], []
    for i, pk in enumerate(ids[:WARMUP] + ids):
        action = Action.objects.get(pk=pk)
        with transaction.atomic():
            _record(action=action, rng=rng, refresh=False)
            elapsed, cpu, queries = _timed_cpu(programme_refresh, programme_id=action.programme_id)
            transaction.set_rollback(True)
        # End to end as a request makes it: the service's own transaction, committed.
        action = Action.objects.get(pk=pk)
        e2e, e2e_count = _timed(_record, action=action, rng=rng, refresh=True)
        if i < WARMUP:
            continue
        refresh_ms.append(elapsed * 1000)
        refresh_cpu_ms.append(cpu * 1000)
        refresh_queries.append(queries)
        e2e_ms.append(e2e * 1000)
        e2e_queries.append(e2e_count)
    return {
        "rollup_refresh_samples": len(refresh_ms),
        "rollup_refresh_p50_ms": percentile(refresh_ms, 50),
        "rollup_refresh_p95_ms": percentile(refresh_ms, 95),
        "rollup_refresh_max_ms": max(refresh_ms),
        "rollup_refresh_cpu_p50_ms": percentile(refresh_cpu_ms, 50),
        "rollup_refresh_cpu_p95_ms": percentile(refresh_cpu_ms, 95),
        "rollup_refresh_queries": max(refresh_queries),
        "rollup_record_progress_p50_ms": percentile(e2e_ms, 50),
        "rollup_record_progress_p95_ms": percentile(e2e_ms, 95),
        "rollup_record_progress_queries": max(e2e_queries),
    }
