"""The one import service behind every door: the browser, the admin, the command and the task.

    result = import_preview(data=..., file_name="plan.xlsx", programme=programme)
    result = import_commit(data=..., file_name="plan.xlsx", programme=programme, by=request.user)
    result.summary()  # the JSON summary (summary.py)

Options (the admin's choices in the preview, kept on the run): "start_date" (the programme's
start, ISO; default: the programme's own, else 1 April of the financial year of the as-at date,
so that RAG is never measured from the day of the import), "objective_title" (the name of a flat
plan's one objective) and "people" ({name as written: the name to use instead}: merges).

The preview writes nothing. The commit reads the file, then in ONE transaction locks the
programme and its actions, plans again against what is there now, and writes everything or
nothing (an error anywhere, even in the last row, writes nothing), then refreshes the
programme's stored figures once.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from actionplans.rollup import refresh_programmes, settings_for
from programmes import rules
from programmes.audit import Channel, audit_upload
from programmes.choices import PercentMethod
from programmes.fiscal import financial_year_start
from programmes.models import ImportMapping, ImportRun, Programme
from programmes.services import programme_create, save_with_audit

from .existing import load_existing
from .issues import Issue, Issues
from .layouts import read_layout
from .plan import Plan, build_plan
from .readers import ImportRejected, check_size, file_format, read_file
from .summary import import_summary
from .writes import Writer

Progress = Callable[[int, int, int], None]  # (percent, rows done, rows total)
PROGRESS_CACHE_SECONDS = 60 * 60
log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    ok: bool
    dry_run: bool
    file_name: str
    file_size: int
    as_at: date
    plan: Plan | None = None
    committed: bool = False
    programme: Programme | None = None
    programme_created: bool = False
    new_programme_name: str = ""
    failure: list[Issue] = field(default_factory=list)  # refused before planning, or the write failed

    @property
    def errors(self) -> list[Issue]:
        return self.failure + (self.plan.issues.errors if self.plan else [])

    @property
    def warnings(self) -> list[Issue]:
        return self.plan.issues.warnings if self.plan else []

    def summary(self) -> dict:
        return import_summary(self)


class _NothingWritten(Exception):
    """Raised inside the transaction to leave it with nothing written."""


def _no_progress(percent: int, done: int, total: int) -> None:
    return None


def import_preview(*, data: bytes, file_name: str, programme: Programme | None = None,
                   new_programme_name: str = "", mapping: dict | None = None, as_at: date | None = None,
                   progress: Progress | None = None, options: dict | None = None) -> ImportResult:
    """The dry run: what the import would do, and every error and warning. Writes nothing."""
    progress = progress or _no_progress
    result, layout, issues = _read(data, file_name, programme, new_programme_name, mapping, as_at, progress)
    if layout is None:
        return result
    result.plan = _plan(layout, issues, programme, result.as_at, lock=False, options=options)
    result.ok = result.plan.ok
    progress(100, result.plan.rows, result.plan.rows)
    return result


def import_commit(*, data: bytes, file_name: str, programme: Programme | None = None,
                  new_programme_name: str = "", by=None, mapping: dict | None = None,
                  as_at: date | None = None, progress: Progress | None = None,
                  remember_mapping: bool = True, options: dict | None = None) -> ImportResult:
    """Write everything or nothing. A programme is created (by name) only if the import succeeds."""
    progress = progress or _no_progress
    result, layout, issues = _read(data, file_name, programme, new_programme_name, mapping, as_at, progress,
                                   dry_run=False)
    if layout is None:
        return result
    try:
        with transaction.atomic():
            _commit(result, layout, issues, programme, by, progress, options)
            if remember_mapping and mapping and result.programme:
                mapping_save(programme=result.programme, mapping=mapping, by=by)
    except _NothingWritten:
        result.ok, result.committed, result.programme_created = False, False, False
        if programme is None:
            result.programme = None
    except (DatabaseError, ValidationError) as error:
        result.ok, result.committed, result.programme_created = False, False, False
        result.programme = programme
        result.failure.append(Issue("", None, "", f"Nothing was imported: the database refused a write "
                                    f"({_first_line(error)}). Check the file, or ask for help."))
    return result


def _commit(result: ImportResult, layout, issues: Issues, programme, by, progress: Progress,
            options: dict | None) -> None:
    if programme is not None:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
    plan = _plan(layout, issues, programme, result.as_at, lock=True, options=options)
    result.plan = plan
    rows = plan.rows
    progress(50, rows // 2, rows)
    if not plan.ok:
        raise _NothingWritten
    start = date.fromisoformat(plan.start_date["date"])
    if programme is None:
        programme = programme_create(name=result.new_programme_name,
                                     short_name=unique_short_name(result.new_programme_name),
                                     by=by, channel=Channel.IMPORT, start_date=start)
        result.programme_created = True
    elif plan.start_date["changes"]:
        programme.start_date = start
        save_with_audit(programme, by=by, channel=Channel.IMPORT)  # the figures are refreshed below
    result.programme = programme
    plan.programme_id = programme.pk

    def step(number: int, total: int) -> None:
        progress(50 + 40 * number // total, rows // 2 + rows * number // (2 * total), rows)

    Writer(plan, programme=programme, by=by, progress=step).write()
    refresh_programmes([programme.pk])
    result.ok, result.committed = True, True
    progress(100, rows, rows)


def _read(data, file_name, programme, new_programme_name, mapping, as_at, progress, *, dry_run=True):
    """Check and parse the file. (result, layout or None when refused, issues)."""
    today = timezone.localdate()
    result = ImportResult(ok=False, dry_run=dry_run, file_name=file_name, file_size=len(data),
                          as_at=as_at or today, programme=programme,
                          new_programme_name=new_programme_name.strip())
    refusal = _refusal(programme, result.new_programme_name, result.as_at, today)
    if refusal:
        result.failure.append(Issue("", None, "", refusal))
        return result, None, None
    try:
        workbook = read_file(data, file_name)
    except ImportRejected as rejected:
        result.failure.append(Issue("", None, "", str(rejected)))
        return result, None, None
    progress(20, 0, workbook.row_count)
    issues = Issues()
    for problem in workbook.warnings:
        issues.warning(problem.sheet, problem.row, problem.column, problem.message)
    for problem in workbook.problems:
        issues.error(problem.sheet, problem.row, problem.column, problem.message)
    layout = read_layout(workbook, issues, mappings_for(programme, mapping))
    progress(30, 0, len(layout.rows))
    return result, layout, issues


def _refusal(programme, new_programme_name: str, as_at: date, today: date) -> str:
    if programme is None and not new_programme_name:
        return "Choose the programme to import into, or give a name for a new one."
    if programme is None and Programme.objects.filter(name__iexact=new_programme_name).exists():
        return f"A programme called “{new_programme_name}” already exists: import into it instead."
    if as_at > today:
        return "The as-at date cannot be in the future."
    return ""


def _plan(layout, issues: Issues, programme: Programme | None, as_at: date, *, lock: bool,
          options: dict | None = None) -> Plan:
    options = options or {}
    existing = load_existing(programme.pk if programme else None, lock=lock, as_at=as_at)
    settings = rules.DEFAULT_SETTINGS if programme is None else settings_for(_setting_values(programme))
    manual = programme is not None and programme.percent_method == PercentMethod.MANUAL
    plan = build_plan(layout, existing=existing, as_at=as_at, issues=issues, settings=settings,
                      manual_percent=manual, options=options)
    plan.programme_id = programme.pk if programme else None
    plan.start_date = start_date_choice(programme, as_at, options.get("start_date"), issues)
    return plan


def start_date_choice(programme: Programme | None, as_at: date, chosen, issues: Issues) -> dict:
    """The programme's start date the import uses: the one chosen in the preview, else the
    programme's own, else 1 April of the as-at date's financial year. An action with no start date
    of its own is measured from it (rules.md), never from the day of the import."""
    own = programme.start_date if programme is not None else None
    if chosen:
        day = chosen if isinstance(chosen, date) else date.fromisoformat(str(chosen))
        source = "chosen"
    elif own is not None:
        day, source = own, "programme"
    else:
        day, source = financial_year_start(as_at), "default"
    end = programme.end_date if programme is not None else None
    if end is not None and day > end:
        issues.error("", None, "", f"The programme's start date ({rules.uk_date(day)}) would be after its end "
                     f"date ({rules.uk_date(end)}). Choose an earlier start date.")
    return {"date": day.isoformat(), "source": source, "changes": day != own}


def _setting_values(programme: Programme) -> dict:
    names = ("percent_method", "rag_policy", "rag_green_threshold", "rag_red_threshold", "excluded_statuses",
             "stale_after_days", "manual_difference_points", "risk_amber_from", "risk_red_from")
    return {name: getattr(programme, name) for name in names}


def _first_line(error: Exception) -> str:
    text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def unique_short_name(name: str) -> str:
    """"Adult social care action plan 2024/25" -> "ASCAP202425"; "-2", "-3"... if it is taken."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    base = "".join(w if w.isdigit() else w[0] for w in words).upper()[:30] or "IMPORT"
    taken = set(Programme.objects.filter(short_name__istartswith=base).values_list("short_name", flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


# ---------------------------------------------------------------- remembered mappings


def mappings_for(programme: Programme | None, explicit: dict | None) -> dict:
    """The programme's remembered mappings, with the ones given now on top (sheet key by key)."""
    remembered = {}
    if programme is not None:
        remembered = dict(ImportMapping.objects.filter(programme=programme)
                          .values_list("sheet_key", "mapping"))
    for key, mapping in (explicit or {}).items():
        remembered[key] = {**remembered.get(key, {}), **mapping}
    return remembered


def mapping_save(*, programme: Programme, mapping: dict, by=None, channel: str = Channel.IMPORT) -> None:
    """Remember the admin's corrections: {sheet key: {heading: field}}, each sheet's audited."""
    user = by if getattr(by, "is_authenticated", False) else None
    for key, columns in mapping.items():
        current = ImportMapping.objects.filter(programme=programme, sheet_key=key).first()
        remembered = current or ImportMapping(programme=programme, sheet_key=key)
        merged = {**remembered.mapping, **columns}
        if current is not None and merged == current.mapping:
            continue
        remembered.mapping, remembered.updated_by = merged, user
        save_with_audit(remembered, by=by, channel=channel)


# ---------------------------------------------------------------- runs (the browser and the admin)


def import_upload_refused(*, upload, by, channel: str, reasons, file_name: str | None = None) -> None:
    """A file refused at the door (its kind, its size, or the choices sent with it) is audited as an
    upload too, with why: a hostile file leaves a trace even though nothing keeps it. `upload` is the
    uploaded file or its bytes (then give `file_name`)."""
    audit_upload(by=by, channel=channel, file_name=getattr(upload, "name", "") if file_name is None else file_name,
                 data=upload, outcome="refused: " + " ".join(str(reason) for reason in reasons))


def import_run_create(*, data: bytes, file_name: str, by=None, programme: Programme | None = None,
                      new_programme_name: str = "", as_at: date | None = None,
                      mapping: dict | None = None, channel: str = Channel.ADMIN) -> ImportRun:
    """Keep the upload, audit it and queue its preview. The size limit is checked here, before anything
    else."""
    refusal = None
    try:
        check_size(data)
    except ImportRejected as rejected:
        refusal = str(rejected)
    if refusal is None and programme is None and not new_programme_name.strip():
        refusal = "Choose the programme to import into, or give a name for a new one."
    if refusal:
        import_upload_refused(upload=data, file_name=file_name, by=by, channel=channel, reasons=[refusal])
        raise ValidationError(refusal)
    user = by if getattr(by, "is_authenticated", False) else None
    run = ImportRun.objects.create(
        programme=programme, new_programme_name=new_programme_name.strip(), created_by=user,
        file_name=file_name[:255], file_size=len(data), data=data, as_at=as_at, mapping=mapping or {},
    )
    audit_upload(by=by, channel=channel, file_name=file_name, data=data, run=run,
                 outcome=f"kept as import {run.pk}, to be checked")
    import_run_queue(run, commit=False)
    return run


def import_run_update(run: ImportRun, *, as_at: date | None, mapping: dict | None,
                      options: dict | None = None) -> ImportRun:
    """The admin corrected the as-at date, the mapping or the choices (options): preview again with
    them. An imported file stays as it was imported: it is uploaded again to be changed."""
    if run.status == ImportRun.Status.COMMITTED:
        raise ValidationError("This file has been imported, so its date and columns cannot change now. "
                              "Upload it again to import it with other choices.")
    run.as_at, run.mapping = as_at, mapping or {}
    if options is not None:
        run.options = options
    run.save(update_fields=["as_at", "mapping", "options"])
    import_run_queue(run, commit=False)
    return run


def import_run_queue(run: ImportRun, *, commit: bool) -> None:
    """Queue the task once the run is saved (never from inside an open transaction)."""
    # The task module imports this service: importing it at the top would be a cycle.
    from .tasks import run_import

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED, progress=0)
    transaction.on_commit(lambda: run_import.delay(run.pk, commit))


def import_run_execute(run_id: int, *, commit: bool) -> ImportRun:
    """What the task does: the preview or the commit of a stored upload, with progress saved."""
    run = ImportRun.objects.select_related("programme", "created_by").get(pk=run_id)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, progress=1)

    def progress(percent: int, done: int, total: int) -> None:
        # Inside the commit's transaction the row update is invisible until the end: the cache is not.
        cache.set(progress_cache_key(run.pk), (min(percent, 100), done, total), PROGRESS_CACHE_SECONDS)
        ImportRun.objects.filter(pk=run.pk).update(progress=min(percent, 100), rows_done=done,
                                                   rows_total=total)

    options = dict(data=bytes(run.data), file_name=run.file_name, programme=run.programme,
                   new_programme_name=run.new_programme_name, mapping=run.mapping or None,
                   as_at=run.as_at, progress=progress, options=run.options or None)
    try:
        if commit:
            result = import_commit(by=run.created_by, **options)
        else:
            result = import_preview(**options)
    except Exception:
        # Nothing was written (the commit's transaction rolled back); the run must not stay "running".
        log.exception("Import run %s stopped unexpectedly", run.pk)
        result = ImportResult(ok=False, dry_run=not commit, file_name=run.file_name, file_size=run.file_size,
                              as_at=run.as_at or timezone.localdate(), programme=run.programme,
                              failure=[Issue("", None, "", "The import stopped unexpectedly and nothing was "
                                             "written. Try again, or ask for help if it happens again.")])
    cache.delete(progress_cache_key(run.pk))
    ImportRun.objects.filter(pk=run.pk).update(
        status=_run_status(result, commit=commit), progress=100, summary=result.summary(),
        finished_at=timezone.now(), programme=result.programme or run.programme,
    )
    run.refresh_from_db()
    return run


def _run_status(result: ImportResult, *, commit: bool) -> str:
    if result.committed:
        return ImportRun.Status.COMMITTED
    if commit or result.plan is None or result.failure:
        return ImportRun.Status.FAILED
    return ImportRun.Status.PREVIEW


def progress_cache_key(run_id: int) -> str:
    return f"imports:run:{run_id}:progress"


def import_run_progress(run: ImportRun) -> dict:
    """For the progress bar's polling: the live figures while a task runs, else the stored ones."""
    live = cache.get(progress_cache_key(run.pk)) if run.status == ImportRun.Status.RUNNING else None
    percent, done, total = live or (run.progress, run.rows_done, run.rows_total)
    return {"status": run.status, "progress": percent, "rows_done": done, "rows_total": total,
            "finished": run.status in (ImportRun.Status.PREVIEW, ImportRun.Status.COMMITTED,
                                       ImportRun.Status.FAILED)}


# ---------------------------------------------------------------- the browser's door


def _choice_refusal(*, programme: Programme | None, new_programme_name: str = "",
                    as_at: date | None = None) -> tuple[str, str] | None:
    """The first thing the preview would refuse about these choices, and the choice it is about
    ("programme", "new_programme_name" or "as_at"), so a form can say so beside the field."""
    name, today = new_programme_name.strip(), timezone.localdate()
    message = _refusal(programme, name, as_at or today, today)
    if not message:
        return None
    if programme is None and not name:
        return "programme", message
    if (as_at or today) > today and not _refusal(programme, name, today, today):
        return "as_at", message
    return "new_programme_name", message


def import_run_start(*, data: bytes, file_name: str, by, programme: Programme | None = None,
                     new_programme_name: str = "", as_at: date | None = None) -> ImportRun:
    """The browser's upload: refuse what the preview would refuse, keyed by the form field it is
    about (a ValidationError with an error dict), else keep the upload and queue its preview."""
    errors = {}
    try:
        file_format(file_name)
        check_size(data)
    except ImportRejected as rejected:
        errors["upload"] = str(rejected)
    if programme is not None and new_programme_name.strip():
        errors["new_programme_name"] = ("Choose an existing programme or give a name for a new one, "
                                        "not both.")
    else:
        refusal = _choice_refusal(programme=programme, new_programme_name=new_programme_name, as_at=as_at)
        if refusal:
            errors[refusal[0]] = refusal[1]
    if errors:
        import_upload_refused(upload=data, file_name=file_name, by=by, channel=Channel.BROWSER,
                              reasons=errors.values())
        raise ValidationError(errors)
    return import_run_create(data=data, file_name=file_name, by=by, programme=programme,
                             new_programme_name=new_programme_name, as_at=as_at, channel=Channel.BROWSER)


def import_run_confirm(run: ImportRun) -> bool:
    """Queue the commit of a preview with no errors, once: a second click, or a second admin,
    finds it already queued and nothing is queued again."""
    # The task module imports this service: importing it at the top would be a cycle.
    from .tasks import run_import

    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEW,
                                       summary__ok=True).update(status=ImportRun.Status.QUEUED, progress=0)
    if claimed:
        transaction.on_commit(lambda: run_import.delay(run.pk, True))
    return bool(claimed)
