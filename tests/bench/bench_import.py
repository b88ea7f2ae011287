"""Bench: importing a 10,000-action workbook. Targets: preview within 10 s, commit within 10 s, and
at least 4 times faster than django-import-export's default ModelResource on the same rows.

The workbook (100 objectives of 100 actions, 50 owners, dates, statuses, percents and notes) is
built in a temporary folder. The preview and the commit run into a fresh programme through
governance.imports.service, as the browser and the command do; the commit writes objectives,
actions, people, 10,000 progress updates and the audit, then refreshes the roll-up. Then a plain
`modelresource_factory(Action)` imports the same 10,000 action rows (dry_run=False) into a
second fresh programme holding the same objectives. Everything the bench made is deleted after.

Peak memory is the peak resident size of a worker process of its own (a fresh Python, as a Celery
worker is), read from the kernel (ru_maxrss), so it counts the XML parser's memory as well as
Python's: while it previews and commits the 10,000-action workbook, and while it previews a
100 KB workbook whose 6,000 rows each use a cell in column XFD (the last of 16,384), which once
cost 2.6 GB. Targets: both under 300 MB.

`run(context) -> dict` is called by tests/bench/run.py; `python -m tests.bench.bench_import`
runs it on $DATABASE_URL.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACTIONS = 10_000
SMALL_ACTIONS = 500  # `make bench --small`: checks the harness, says nothing about the targets
PER_OBJECTIVE = 100
OWNERS = 50
SHORT_NAME = "BENCHIMPORT"
HEADINGS = ["Ref.", "Name", "Due Date", "Status", "% Complete", "Responsible Officer", "Latest Note"]
STATUSES = ["Not started", "In progress", "In progress", "Completed", "On hold"]


def workbook_rows(actions: int = ACTIONS):
    yield HEADINGS
    for number in range(actions):
        objective, action = divmod(number, PER_OBJECTIVE)
        if action == 0:
            yield [f"BI{objective:03d}", f"Bench objective {objective}", "31 March 2025", None, None, None,
                   None]
        status = STATUSES[number % len(STATUSES)]
        percent = {"Not started": 0, "Completed": 100}.get(status, number % 97 + 1)
        yield [f"BI{objective:03d}.{action + 1}", f"Bench action {number} with a title of a usual length",
               f"{number % 28 + 1}/{number % 12 + 1}/2024", status, f"{percent}%",
               f"Bench Owner {number % OWNERS}",
               f"<p>Update {number}: on track, <strong>no</strong> issues.</p>"]


def build_workbook(folder: Path, actions: int = ACTIONS) -> Path:
    from openpyxl import Workbook

    # Not write-only: Excel and openpyxl's normal mode both write the <dimension> that readers use.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action Plan"
    for row in workbook_rows(actions):
        sheet.append(row)
    path = folder / "bench_action_plan.xlsx"
    workbook.save(path)
    return path


WIDE_ROWS = 6000  # about 100 KB


def build_wide_sparse_workbook(folder: Path, rows: int = WIDE_ROWS) -> Path:
    """A small plan whose every row also holds a cell in column XFD, as a stray format leaves."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Ref.", "Name"])
    sheet.cell(row=1, column=16384, value="Far away")
    for number in range(rows):
        sheet.cell(row=number + 2, column=1, value=f"W{number}")
        sheet.cell(row=number + 2, column=2, value=f"Objective {number}")
        sheet.cell(row=number + 2, column=16384, value="x")
    path = folder / "bench_wide_sparse.xlsx"
    workbook.save(path)
    return path


def peak_memory_mb(path: Path, *, commit: bool) -> float:
    """The peak resident memory of a fresh worker process that previews (and commits) the file."""
    command = [sys.executable, "-m", "tests.bench.bench_import", "--peak", str(path)]
    if commit:
        command.append("--commit")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"]


def _peak_child(path: Path, commit: bool) -> dict:
    """In the worker process: preview (and commit) into a fresh programme, then report the peak."""
    import resource

    from governance.imports.service import import_commit, import_preview

    data = path.read_bytes()
    programme = _fresh_programme("P")
    preview = import_preview(data=data, file_name=path.name, programme=programme)
    ok = preview.ok
    if commit:
        ok = import_commit(data=data, file_name=path.name, programme=programme).committed
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {"peak_mb": round(peak_kb / 1024, 1), "ok": ok}


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _fresh_programme(suffix: str):
    from programmes.audit import Channel
    from programmes.models import Programme
    from programmes.services import programme_create

    Programme.objects.filter(short_name=f"{SHORT_NAME}{suffix}").delete()
    return programme_create(name=f"Import bench {suffix}", short_name=f"{SHORT_NAME}{suffix}",
                            channel=Channel.COMMAND)


def ours(path: Path, actions: int) -> dict:
    from actionplans.models import Action
    from governance.imports.service import import_commit, import_preview

    data = path.read_bytes()
    programme = _fresh_programme("A")
    preview, preview_s, preview_cpu = timed(
        lambda: import_preview(data=data, file_name=path.name, programme=programme))
    if not preview.ok:
        raise AssertionError(f"The bench workbook has errors: {preview.errors[:3]}")
    commit, commit_s, commit_cpu = timed(
        lambda: import_commit(data=data, file_name=path.name, programme=programme))
    written = Action.objects.filter(programme=programme).count()
    if not commit.ok or written != actions:
        raise AssertionError(f"The commit wrote {written} actions: {commit.errors[:3]}")
    again, again_s, _ = timed(lambda: import_preview(data=data, file_name=path.name, programme=programme))
    if set(again.summary()["updated"].values()) != {0}:
        raise AssertionError("Importing the same workbook again would change something.")
    return {"preview_s": preview_s, "preview_cpu_s": preview_cpu, "commit_s": commit_s,
            "commit_cpu_s": commit_cpu, "reimport_preview_s": again_s, "bytes": len(data)}


def import_export(actions: int) -> dict:
    """django-import-export's default ModelResource over the same 10,000 action rows."""
    import tablib
    from import_export import resources

    from actionplans.models import Action
    from programmes.models import Objective

    programme = _fresh_programme("B")
    objectives = Objective.objects.bulk_create(
        Objective(programme=programme, reference=f"BI{n:03d}", title=f"Bench objective {n}")
        for n in range(actions // PER_OBJECTIVE))
    fields = ("id", "programme", "objective", "reference", "title", "due_date", "status", "percent")
    dataset = tablib.Dataset(headers=list(fields))
    for number in range(actions):
        objective, action = divmod(number, PER_OBJECTIVE)
        dataset.append(["", programme.pk, objectives[objective].pk, f"BI{objective:03d}.{action + 1}",
                        f"Bench action {number} with a title of a usual length",
                        f"2024-{number % 12 + 1:02d}-{number % 28 + 1:02d}", "in_progress", number % 97 + 1])
    resource = resources.modelresource_factory(Action, meta_options={"fields": fields})()
    result, seconds, cpu = timed(lambda: resource.import_data(dataset, dry_run=False))
    written = Action.objects.filter(programme=programme).count()
    if result.has_errors() or written != actions:
        raise AssertionError(f"django-import-export wrote {written} actions")
    return {"import_export_s": seconds, "import_export_cpu_s": cpu}


def cleanup(marks: dict) -> None:
    from programmes.models import Person, Programme

    Programme.objects.filter(short_name__startswith=SHORT_NAME).delete()
    Person.objects.filter(pk__gt=marks["person"], name__startswith="Bench Owner").delete()
    # The import's audit entries stay: PostgreSQL refuses to delete audit rows (append-only).


def run(context=None) -> dict:
    from django.db.models import Max

    from programmes.models import Person

    actions = SMALL_ACTIONS if getattr(context, "small", False) else ACTIONS
    marks = {"person": Person.objects.aggregate(m=Max("pk"))["m"] or 0}
    try:
        with tempfile.TemporaryDirectory() as folder:
            path, build_s, _ = timed(lambda: build_workbook(Path(folder), actions))
            figures = {"actions": actions, "workbook_build_s": build_s}
            figures.update(ours(path, actions))
            figures["peak_memory_mb"] = peak_memory_mb(path, commit=True)
            wide = build_wide_sparse_workbook(Path(folder))
            figures["wide_sheet_bytes"] = wide.stat().st_size
            figures["wide_sheet_peak_memory_mb"] = peak_memory_mb(wide, commit=False)
        figures.update(import_export(actions))
    finally:
        cleanup(marks)
    figures["speedup_vs_import_export"] = figures["import_export_s"] / figures["commit_s"]
    # run.py's targets are upper limits: 4 times faster is a share of at most 0.25.
    figures["commit_share_of_import_export"] = figures["commit_s"] / figures["import_export_s"]
    return figures


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    if "--peak" in sys.argv:
        print(json.dumps(_peak_child(Path(sys.argv[sys.argv.index("--peak") + 1]), "--commit" in sys.argv)))
    else:
        print(json.dumps(run(), indent=2))
