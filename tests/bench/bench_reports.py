"""Bench: committee reports on the scale data set, each read and written as the Reports page does.

(a) Word and PDF of the action plan of the programme whose size is nearest 250 actions (the
    targets' size), median of 3; and the PDF of the largest programme, once, without a target.
(b) Excel of every action in the estate: the action plan report of all programmes, as the Reports page
    makes it in the background (what moved across the estate is the movement report, (c)).
(c) The movement report for the whole estate, since the end of the period before today's.
Every timing starts with the dashboards' tree cache empty, so each includes its reads; each figure is
the median of 3 runs.
Peak memory is tracemalloc's peak of Python allocations during each export, in a run of its own
(tracing allocations slows the code it watches several times over, so no time is taken then).
"""

import time
import tracemalloc

from django.db.models import Count
from django.utils import timezone

from dashboards import selectors
from dashboards.reports.docx import render_docx
from dashboards.reports.files import report_file
from dashboards.reports.pdf import fewer_collections, render_pdf
from dashboards.reports.report import action_plan_report, movement_report
from programmes.models import Programme
from tests.bench import median

RUNS = 3


def _timed(fn):
    """(seconds, result) of one call, from cold: the dashboards' tree cache is emptied first."""
    selectors.clear_tree_cache()
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _peak_mb(fn) -> float:
    """The peak of Python allocations during one call, in MB."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def run(context) -> dict:
    today = timezone.localdate()
    sizes = list(Programme.objects.annotate(n=Count("actions")).order_by("pk").values_list("pk", "n"))
    typical = min(sizes, key=lambda size: (abs(size[1] - 250), size[0]))
    largest = max(sizes, key=lambda size: (size[1], -size[0]))
    figures = {"programme_actions": typical[1], "largest_programme_actions": largest[1]}
    peaks = []
    for name, render in (("docx", render_docx), ("pdf", render_pdf)):
        def export(render=render, pk=typical[0]):
            return render(action_plan_report(pk, as_at=today, user=None))

        figures[f"{name}_programme_s"] = round(median([_timed(export)[0] for _ in range(RUNS)]), 3)
        peaks.append(_peak_mb(export))
    figures["pdf_largest_programme_s"] = round(_timed(
        lambda: render_pdf(action_plan_report(largest[0], as_at=today, user=None)))[0], 3)

    def estate_workbook():
        # What the Reports page makes for "All programmes": every programme's action plan, from one load
        # of every tree.
        with fewer_collections():  # as the background run does (reports.runs)
            estate = action_plan_report(None, as_at=today, user=None)
        return len(estate.sections[0].rows), report_file(estate, "xlsx")

    timings = [_timed(estate_workbook) for _ in range(RUNS)]
    rows = timings[0][1][0]
    figures.update(xlsx_estate_s=round(median([t for t, _ in timings]), 3), xlsx_estate_rows=rows)
    peaks.append(_peak_mb(estate_workbook))

    def estate_movement():
        with fewer_collections():  # as the background run does (reports.runs)
            return len(movement_report(None, as_at=today, user=None).rows)

    timings = [_timed(estate_movement) for _ in range(RUNS)]
    moved = timings[0][1]
    figures.update(movement_estate_s=round(median([t for t, _ in timings]), 3), movement_estate_rows=moved)
    peaks.append(_peak_mb(estate_movement))
    figures["peak_memory_mb"] = round(max(peaks), 1)
    return figures
