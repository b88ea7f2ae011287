"""Bench: snapshots, the board pack and an update round's digests, on the scale data set.

(a) Taking a snapshot of the largest programme (about 430 actions): every report kind built and kept.
(b) The board pack PDF of a meeting whose board oversees the three largest programmes, from their
    snapshots (the freeze is timed apart): the median of 3, in wall-clock and CPU seconds (the CPU figure
    moves less when other work shares the machine), until the file is handed over as the download view
    hands it over; the collection the worker makes after sending it is timed apart, and with it.
(c) An update round over every programme: each officer's digest built and rendered as an e-mail
    (plain text and HTML), not sent.
Each timing starts with the dashboards' tree cache empty.
"""

import time
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from dashboards import selectors
from dashboards.reports.compiled import compiled_modules
from dashboards.reports.files import report_file
from dashboards.reports.pdf import collector_paused
from dashboards.snapshots import board_pack, meeting_freeze, snapshot_take
from governance.models import Board, Meeting, UpdateRound
from governance.rounds.services import FIRST, digests, email_for
from programmes.models import Programme, ReportingPeriod
from tests.bench import median

RUNS = 3


def _timed(fn):
    selectors.clear_tree_cache()
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _timed_cpu(fn):
    """(wall seconds, CPU seconds of this process, result) of one call, from cold."""
    selectors.clear_tree_cache()
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _pack_handed_over(meeting):
    """(wall, CPU, collection afterwards, PDF) of the board pack as the download view makes it
    (`files.report_download`): built from the snapshots and written with the collector held, the file
    handed over, and only then (once the server has sent the response) the collection of what the layout
    left, timed apart."""
    collector_paused.hold()
    try:
        wall, cpu, pdf = _timed_cpu(lambda: report_file(board_pack(meeting), "pdf"))
    finally:
        started = time.perf_counter()
        collector_paused.release()
        after = time.perf_counter() - started
    return wall, cpu, after, pdf


def run(context) -> dict:
    today = timezone.localdate()
    sizes = list(Programme.objects.annotate(n=Count("actions")).order_by("-n", "pk").values_list("pk", "n"))
    largest = sizes[0]
    elapsed, _ = _timed(lambda: snapshot_take(programme_id=largest[0], as_at=today, label="Bench", channel="command"))
    figures = {"snapshot_actions": largest[1], "snapshot_s": round(elapsed, 3)}

    # A board of its own, kept between runs on a reused data set (a snapshot is never deleted); each run
    # freezes a new meeting of it.
    board, _ = Board.objects.get_or_create(short_name="BENCH", defaults={"name": "Bench board"})
    board.programmes.set([pk for pk, _ in sizes[:3]])
    meeting = Meeting.objects.create(board=board, date=today, updates_due_by=today - timedelta(days=1))
    elapsed, _ = _timed(lambda: meeting_freeze(meeting, channel="command"))
    figures["board_pack_freeze_s"] = round(elapsed, 3)
    figures["board_pack_actions"] = sum(n for _, n in sizes[:3])
    runs = [_pack_handed_over(meeting) for _ in range(RUNS)]
    pdf = runs[0][3]
    figures.update(board_pack_pdf_s=round(median([wall for wall, _, _, _ in runs]), 3),
                   board_pack_pdf_cpu_s=round(median([cpu for _, cpu, _, _ in runs]), 3),
                   board_pack_collect_after_s=round(median([after for _, _, after, _ in runs]), 3),
                   board_pack_pdf_with_collection_s=round(median([wall + after for wall, _, after, _ in runs]), 3),
                   board_pack_pdf_kb=round(len(pdf) / 1024),
                   # How many of WeasyPrint's modules (and its parsers') ran compiled (ADR 16); 0: pure Python.
                   board_pack_compiled_modules=len(compiled_modules()))

    period = ReportingPeriod.objects.filter(kind="quarter", start__lte=today).order_by("-start").first()
    round_ = UpdateRound.objects.create(title="Bench round", cut_off=today + timedelta(days=5), period=period)

    def build():
        built = digests(round_, FIRST)
        for digest in built:
            email_for(digest).message()
        return len(built)

    elapsed, count = _timed(build)
    figures.update(digests_s=round(elapsed, 3), digests_people=count)
    return figures
