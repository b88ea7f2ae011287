"""One audit trail for every door: browser, import, admin, task, command line, sign-in.

Every entry carries the id of the request it was written in (its default, from
programmes.middleware), so an entry can be matched with the log lines of the same request, whoever
builds it. Entries are append-only.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import connection, models
from django.utils import timezone

from .models import AuditEntry

Channel = AuditEntry.Channel

# Never written to the trail, only that they changed.
SECRET_FIELDS = {"password"}
HIDDEN = "(hidden)"


def plain(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        # 1 and 1.00 are the same weight: don't audit a change that isn't one.
        return format(value.normalize(), "f")
    return value


def field_values(instance) -> dict:
    """The concrete field values of an instance, JSON-ready, for diffing before and after."""
    return {
        f.attname: plain(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if not f.primary_key
    }


def related_ids(values) -> list:
    """A many-to-many field's value, for diffing: its ids in order."""
    return sorted(getattr(v, "pk", v) for v in values)


def diff(before: dict, after: dict) -> dict:
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    for name in SECRET_FIELDS & changes.keys():
        changes[name] = [HIDDEN, "(changed)"]
    return changes


def audit_event(*, action: str, channel: str, by=None, model: str = "", object_id="", object_repr: str = "",
                changes: dict | None = None) -> AuditEntry:
    """One entry of any kind: the service every other audit_* function and every door without a
    saved record (a download, a refused upload) writes through."""
    return AuditEntry.objects.create(
        user=by if getattr(by, "is_authenticated", False) else None,
        channel=channel,
        action=action,
        model=model,
        object_id="" if object_id is None else str(object_id),
        object_repr=str(object_repr)[:300],
        changes=changes or {},
    )


def audit_record(*, instance, action: str, by=None, channel: str, changes: dict | None = None) -> AuditEntry:
    """One record's entry. A deletion keeps what the record held (each field old -> nothing), unless
    `changes` says otherwise: so its parent's history still finds it (programmes.selectors.history_entries)."""
    if action == "deleted" and changes is None:
        changes = {name: [value, None] for name, value in field_values(instance).items()
                   if value not in (None, "", [], {})}
    return audit_event(action=action, channel=channel, by=by, model=instance._meta.label_lower,
                       object_id=instance.pk, object_repr=str(instance), changes=changes)


UPLOADED = "uploaded"
DOWNLOADED = "downloaded"
# Every word an entry's action is written with (the audit page filters by them).
ACTIONS = ("created", "updated", "deleted", UPLOADED, DOWNLOADED, "signed in", "signed out", "sign-in failed",
           "pseudonymised", "redacted")


def _size_and_digest(data) -> tuple[int, str]:
    """Bytes, or an uploaded file read in chunks (a refused file may be far bigger than we keep)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return len(data), hashlib.sha256(data).hexdigest()
    digest, size = hashlib.sha256(), 0
    data.seek(0)
    for chunk in data.chunks():
        digest.update(chunk)
        size += len(chunk)
    data.seek(0)
    return size, digest.hexdigest()


def audit_upload(*, by, channel: str, file_name: str, data, outcome: str, run=None) -> AuditEntry:
    """A file someone sent in, kept or refused: who, its name, size and SHA-256, and what became of
    it. `data` is its bytes or the uploaded file; `run` is the ImportRun that keeps it (None when it
    was refused)."""
    size, sha256 = _size_and_digest(data)
    return audit_event(
        action=UPLOADED, channel=channel, by=by, model="programmes.importrun",
        object_id=run.pk if run is not None else "", object_repr=file_name,
        changes={"file name": file_name[:255], "size": size, "sha256": sha256, "outcome": outcome},
    )


def audit_download(*, by, channel: str, what: str, file_format: str, file_name: str = "", model: str = "",
                   object_id="", programme: str = "", details: dict | None = None) -> AuditEntry:
    """A file someone took away (a report, a snapshot's file, a board pack, the audit trail itself):
    who, what, its format and programme. `model` and `object_id` name the record it came from."""
    details = {"what": what, "format": file_format, "file name": file_name, **(details or {})}
    if programme:
        details["programme"] = programme
    return audit_event(action=DOWNLOADED, channel=channel, by=by, model=model, object_id=object_id,
                       object_repr=file_name or what, changes=details)


def audit_sign_in(*, user, method: str) -> AuditEntry:
    return audit_record(instance=user, action="signed in", by=user, channel=Channel.BROWSER,
                        changes={"method": method})


def audit_sign_out(*, user, reason: str = "signed out") -> AuditEntry:
    return audit_record(instance=user, action="signed out", by=user, channel=Channel.BROWSER,
                        changes={"reason": reason})


def audit_failed_sign_in(*, username: str, address: str, locked_out: bool) -> AuditEntry:
    """A failed sign-in names the username that was tried, which may be nobody's."""
    username = (username or "")[:150]
    return audit_event(action="sign-in failed", channel=Channel.BROWSER, model="auth.user", object_repr=username,
                       changes={"username": username, "address": address, "locked_out": locked_out})


def audit_bulk_created(*, instances, by=None, channel: str) -> None:
    """One INSERT for many creations (imports, demo data)."""
    user = by if getattr(by, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=user, channel=channel, action="created", model=i._meta.label_lower,
                object_id=str(i.pk), object_repr=str(i)[:300], changes={},
            )
            for i in instances
        ],
        batch_size=1000,
    )


def end_of_day(day: date) -> datetime:
    """The first moment after the day, in the council's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def updates_after(model, object_ids, day: date):
    """The audited updates of these records made after the end of `day`, newest first, as
    (object id, when, changes): to undo them one by one is to see the records as they stood at
    the end of that day (ADR 0004). One query."""
    return (AuditEntry.objects.filter(model=model._meta.label_lower, object_id__in=[str(pk) for pk in object_ids],
                                      action="updated", at__gte=end_of_day(day))
            .order_by("-at", "-id").values_list("object_id", "at", "changes"))



REMOVED = "(removed)"


@dataclass(frozen=True)
class Redaction:
    """What to take out of audit entries: `whole` replaces a string that is exactly a key (any case:
    initials, a username, an address); `within` replaces every occurrence of a key inside a string
    (a name, an e-mail address), in one pass, so that a replacement is never itself rewritten."""

    whole: dict = field(default_factory=dict)
    within: dict = field(default_factory=dict)

    def apply(self, value):
        """A JSON-ready value with every string rewritten. Keys are field names and headings: kept."""
        if isinstance(value, dict):
            return {k: self.apply(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.apply(v) for v in value]
        if not isinstance(value, str):
            return value
        if value.casefold() in self._whole_by_fold:
            return self._whole_by_fold[value.casefold()]
        if self._within_pattern is None:
            return value
        return self._within_pattern.sub(lambda match: self._within_by_fold[match.group(0).casefold()], value)

    # Worked out once per redaction, not once for every string of every entry it rewrites.
    @cached_property
    def _whole_by_fold(self) -> dict:
        return {old.casefold(): new for old, new in self.whole.items() if old}

    @cached_property
    def _within_by_fold(self) -> dict:
        return {old.casefold(): new for old, new in self.within.items() if old}

    @cached_property
    def _within_pattern(self):
        """The longest first, so that a name inside a longer one is not replaced on its own."""
        olds = sorted((old for old in self.within if old), key=len, reverse=True)
        return re.compile("|".join(re.escape(old) for old in olds), re.IGNORECASE) if olds else None


def audit_redact(entries, *, redaction: Redaction) -> int:
    """Take names out of these entries' `object_repr` and `changes`, and nothing else: the only
    change the append-only trigger lets through, and only inside a transaction that asks for it
    (migration 0013, ADR 0014). Returns how many entries changed. Call it inside transaction.atomic;
    the caller audits that it happened."""
    changed = []
    for pk, object_repr, changes in entries.values_list("pk", "object_repr", "changes"):
        new_repr, new_changes = redaction.apply(object_repr)[:300], redaction.apply(changes)
        if (new_repr, new_changes) != (object_repr, changes):
            changed.append((pk, new_repr, new_changes))
    if not changed:
        return 0
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT set_config('programmes.audit_redaction', 'on', true)")
        try:
            for pk, new_repr, new_changes in changed:
                AuditEntry.objects.filter(pk=pk).update(object_repr=new_repr, changes=new_changes)
        finally:
            if postgres:
                cursor.execute("SELECT set_config('programmes.audit_redaction', 'off', true)")
    return len(changed)
