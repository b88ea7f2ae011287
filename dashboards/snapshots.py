"""Snapshots: what a committee saw, frozen (ADR 0006).

    snapshot = snapshot_take(programme_id=3, as_at=date(2024, 6, 30), label="Q1 to Cabinet", by=user,
                             channel="browser")
    report = snapshot_report(snapshot, "exceptions")   # the same content next year, whatever changed since

A snapshot keeps every report of the programme for its date exactly as the writers read it (model.Report
as JSON), the engine's whole tree (every figure and colour) and the roll-up settings in force, with a
SHA-256 of it all. Nothing can change a snapshot: the model refuses a second save and, on PostgreSQL, a
trigger refuses UPDATE and DELETE. A correction is a restatement: a new version built from today's records
for the same date, with who, when and why, and the differences from the version before listed in words;
every version stays exportable.

Snapshots are taken when a reporting period is closed (period_close) and when a meeting's cut-off date
passes (take_due_snapshots, run daily by Celery beat, or `manage.py snapshot_take`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actionplans.rollup import tree_as_dict
from governance.models import Board, Meeting
from programmes.audit import audit_record
from programmes.models import AuditEntry, Programme, ReportingPeriod
from programmes.rules import uk_date
from programmes.services import record_save

from . import selectors
from .models import Snapshot
from .reports.model import (
    ACTION_PLAN,
    EXCEPTIONS,
    HIGHLIGHT,
    KIND_TITLES,
    MOVEMENT,
    Report,
    report_as_json,
    report_from_json,
)
from .reports.report import build_report

Channel = AuditEntry.Channel
# The daily task freezes meetings and closed periods whose cut-off passed this recently, not older ones.
CATCH_UP_DAYS = 31
KINDS = (ACTION_PLAN, EXCEPTIONS, HIGHLIGHT, MOVEMENT)
LABEL_MAX = Snapshot._meta.get_field("label").max_length


def _frozen(programme_id: int, as_at: date) -> dict | None:
    """Every report of the programme for the date (as a reader sees it), its tree and its settings."""
    version = selectors.data_version()
    tree = selectors.programme_tree(programme_id, as_at=as_at, version=version)
    if tree is None:
        return None
    reports = {kind: report_as_json(build_report(kind, programme_id, as_at=as_at, user=None, version=version))
               for kind in KINDS}
    settings = tree.facts.settings
    content = {
        "settings": {name: _plain(getattr(settings, name)) for name in settings.__dataclass_fields__},
        "tree": tree_as_dict(tree),
        "reports": reports,
    }
    content["digest"] = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
    return content


def _plain(value):
    if isinstance(value, frozenset | set):
        return sorted(str(item) for item in value)
    return value if isinstance(value, int | float | str | bool | type(None)) else str(value)


def _check(programme_id: int, as_at: date, label: str, today: date) -> None:
    errors = {}
    if as_at > today:
        errors["as_at"] = "The snapshot's date must be today or in the past."
    if not label.strip():
        errors["label"] = "Enter a label, for example “Quarter 1 report to Cabinet”."
    elif len(label) > LABEL_MAX:
        errors["label"] = f"The label must be {LABEL_MAX} characters or fewer."
    if not Programme.objects.filter(pk=programme_id).exists():
        errors["programme"] = "There is no such programme."
    if errors:
        raise ValidationError(errors)


def snapshot_take(*, programme_id: int, as_at: date, label: str, by=None, channel: str = Channel.BROWSER,
                  meeting: Meeting | None = None, period: ReportingPeriod | None = None) -> Snapshot:
    """Freeze the programme's reports for the date. Audited; raises ValidationError on bad input."""
    _check(programme_id, as_at, label, timezone.localdate())
    content = _frozen(programme_id, as_at)
    with transaction.atomic():
        snapshot = Snapshot(programme_id=programme_id, as_at=as_at, label=label.strip(), meeting=meeting,
                            period=period, taken_by=by if by is not None and by.is_authenticated else None,
                            **content)
        snapshot.save()
        audit_record(instance=snapshot, action="created", by=by, channel=channel,
                     changes={"label": [None, snapshot.label], "as_at": [None, as_at.isoformat()],
                              "digest": [None, snapshot.digest]})
    return snapshot


def snapshot_restate(snapshot: Snapshot, *, reason: str, by=None, channel: str = Channel.BROWSER) -> Snapshot:
    """A new version of the snapshot, from today's records for the same date, saying why and what changed.
    The versions before stay as they were."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the snapshot is restated: the committee will read it."})
    first = snapshot.first or snapshot
    with transaction.atomic():
        latest = (Snapshot.objects.select_for_update().filter(Q(pk=first.pk) | Q(first=first))
                  .order_by("-version").first())
        content = _frozen(first.programme_id, first.as_at)
        restated = Snapshot(programme_id=first.programme_id, as_at=first.as_at, label=first.label,
                            version=latest.version + 1, first=first, reason=reason.strip(),
                            meeting=first.meeting, period=first.period,
                            taken_by=by if by is not None and by.is_authenticated else None,
                            differences=differences(latest, content), **content)
        restated.save()
        audit_record(instance=restated, action="created", by=by, channel=channel,
                     changes={"restates": [None, first.pk], "version": [None, restated.version],
                              "reason": [None, restated.reason]})
    return restated


def versions(snapshot: Snapshot) -> list[Snapshot]:
    """Every version of the snapshot, first first (without their content)."""
    first = snapshot.first_id or snapshot.pk
    return list(Snapshot.objects.filter(Q(pk=first) | Q(first_id=first)).order_by("version")
                .defer("tree", "reports", "settings"))


def differences(before: Snapshot, after: dict) -> list[str]:
    """What a restatement changes, in words: each objective's and action's percent, RAG, status, due date
    and latest commentary in the action plan, and rows added or removed."""
    def rows(reports: dict) -> dict:
        plan = report_from_json(reports[ACTION_PLAN])
        return {(row.kind, row.ref): row for row in plan.sections[0].rows}

    old, new = rows(before.reports), rows(after["reports"])
    found = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: k[1]):
        was, now = old.get(key), new.get(key)
        name = f"{key[0].capitalize()} {key[1]}"
        if was is None:
            found.append(f"{name} added")
            continue
        if now is None:
            found.append(f"{name} removed")
            continue
        for label, attr in (("percent", "percent_shown"), ("RAG", "rag_label"), ("status", "status_label"),
                            ("due date", "due_shown")):
            if getattr(was, attr) != getattr(now, attr):
                found.append(f"{name}: {label} {getattr(was, attr) or 'none'} → {getattr(now, attr) or 'none'}")
        if was.commentary_text != now.commentary_text:
            found.append(f"{name}: latest commentary changed")
    if before.settings != after["settings"]:
        found.append("The roll-up settings changed")
    return found


def snapshot_report(snapshot: Snapshot, kind: str) -> Report:
    """One report as the snapshot froze it, titled with the snapshot's label and version."""
    if kind not in snapshot.reports:
        raise ValidationError(f"Choose one of: {', '.join(KIND_TITLES[k] for k in KINDS)}.")
    report = report_from_json(snapshot.reports[kind])
    restated = f", restated (version {snapshot.version})" if snapshot.version > 1 else ""
    return replace(report, title=f"{report.title}: {snapshot.label}{restated}")


# ---------------------------------------------------------------- when snapshots are taken


def board_programme_ids(board: Board) -> list[int]:
    """The programmes that report to the board, directly or through one of their objectives."""
    direct = set(board.programmes.values_list("pk", flat=True))
    through = set(board.objectives.values_list("programme_id", flat=True))
    return sorted(direct | through)


def meeting_snapshots(meeting: Meeting) -> list[Snapshot]:
    """The latest version of each snapshot taken for the meeting, by programme name."""
    taken = (Snapshot.objects.filter(meeting=meeting).select_related("programme")
             .order_by("programme__name", "-version"))
    latest: dict = {}
    for snapshot in taken:
        latest.setdefault(snapshot.programme_id, snapshot)
    return list(latest.values())


def meeting_freeze(meeting: Meeting, *, by=None, channel: str = Channel.TASK) -> list[Snapshot]:
    """Snapshots of every programme reporting to the meeting's board, at its cut-off date (the meeting's
    date when it has none); programmes already frozen for it are left as they are."""
    as_at = meeting.updates_due_by or meeting.date
    done = set(Snapshot.objects.filter(meeting=meeting).values_list("programme_id", flat=True))
    label = f"{meeting.board.name}, {uk_date(meeting.date)}"[:LABEL_MAX]
    return [snapshot_take(programme_id=pk, as_at=as_at, label=label, by=by, channel=channel, meeting=meeting)
            for pk in board_programme_ids(meeting.board) if pk not in done]


def period_close(period: ReportingPeriod, *, by=None, channel: str = Channel.BROWSER) -> list[Snapshot]:
    """Close the period and freeze every programme as at its last day."""
    with transaction.atomic():
        if not period.is_closed:
            period.is_closed = True
            record_save(period, by=by, channel=channel)
        return _freeze_period(period, by=by, channel=channel)


def _freeze_period(period: ReportingPeriod, *, by, channel) -> list[Snapshot]:
    done = set(Snapshot.objects.filter(period=period).values_list("programme_id", flat=True))
    return [snapshot_take(programme_id=pk, as_at=period.end, label=f"{period.name} (closed)", by=by,
                          channel=channel, period=period)
            for pk in Programme.objects.order_by("pk").values_list("pk", flat=True) if pk not in done]


def take_due_snapshots(today: date) -> list[Snapshot]:
    """What the daily task does: freeze each meeting whose cut-off has passed and each closed period that
    has no snapshots yet. Idempotent: a second run the same day takes nothing."""
    taken = []
    since = today - timedelta(days=CATCH_UP_DAYS)
    due = Meeting.objects.filter(Q(updates_due_by__lt=today, updates_due_by__gte=since)
                                 | Q(updates_due_by__isnull=True, date__lt=today, date__gte=since))
    for meeting in due.select_related("board").order_by("date", "pk"):
        taken += meeting_freeze(meeting)
    for period in ReportingPeriod.objects.filter(is_closed=True, end__lt=today, end__gte=since).order_by("end"):
        taken += _freeze_period(period, by=None, channel=Channel.TASK)
    return taken


# ---------------------------------------------------------------- the board pack

PACK_KINDS = (HIGHLIGHT, EXCEPTIONS, ACTION_PLAN)
# Said once in a pack: what moved is in the highlight report, and what was not updated in the exceptions.
PACK_LEAVES_OUT = {(HIGHLIGHT, "Not updated"), *((ACTION_PLAN, title) for title in (
    "Changed colour", "Completed", "Due dates moved", "Not updated", "Added"))}


def board_pack(meeting: Meeting) -> Report | None:
    """One document for the meeting: for each programme reporting to the board, from the meeting's
    snapshot, its highlight report (measures and top risks included), exception report and action plan,
    each section titled with the programme. None when nothing has been frozen for the meeting."""
    frozen = meeting_snapshots(meeting)
    if not frozen:
        return None
    sections, plans = [], []
    for snapshot in frozen:
        for kind in PACK_KINDS:
            report = report_from_json(snapshot.reports[kind])
            if kind == ACTION_PLAN:
                plans.append(report)
            name = f"{snapshot.programme.name}: {KIND_TITLES[kind].lower()}"
            sections += [replace(section, title=f"{name}: {section.title}") for section in report.sections
                         if (kind, section.title) not in PACK_LEAVES_OUT]
    cover = plans[0]
    cut_off = meeting.updates_due_by or meeting.date
    counts: dict = {}
    for plan in plans:
        for entry in plan.distribution:
            counts[entry.rag] = counts.get(entry.rag, 0) + entry.count
    restated = [s for s in frozen if s.version > 1]
    title = f"Board pack: {meeting.board.name}, {uk_date(meeting.date)}"
    if restated:
        title += " (restated)"
    names = ", ".join(s.programme.name for s in frozen)
    return replace(
        cover, kind="board-pack", title=title, programme=f"{meeting.board.name}: {names}",
        programme_ref=meeting.board.short_name or f"board-{meeting.board_id}", as_at=cut_off,
        as_at_shown=f"{uk_date(cut_off)} (the cut-off for updates)",
        percent_shown=cover.percent_shown if len(frozen) == 1 else "–",
        rag=cover.rag if len(frozen) == 1 else "grey",
        rag_label=cover.rag_label if len(frozen) == 1 else "See each programme",
        distribution=tuple(replace(entry, count=counts.get(entry.rag, 0)) for entry in cover.distribution),
        sections=tuple(sections), compared_with=None,
    )
