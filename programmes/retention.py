"""Retention (ADR 0014): how long personal data are kept, and the writes that end their keeping.

The schedule is in settings (RETENTION_*, from the environment). Everything here is idempotent: the
nightly task and `manage.py pseudonymise_leavers` may run any number of times.

People who left longer ago than RETENTION_LEFT_PEOPLE_DAYS are pseudonymised: their name becomes a
stable pseudonym ("Former officer 1A2B"), their e-mail, job title and initials go, and their account
is closed and renamed the same way. The records they owned and their audit entries stay, under the
pseudonym. The apps above keep copies of a name of their own (an update's author, a message's
address); governance.retention asks each to rewrite its copies, in the same transaction.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audit import (
    HIDDEN,
    REMOVED,
    Channel,
    Redaction,
    audit_event,
    audit_record,
    audit_redact,
    end_of_day,
)
from .models import AuditEntry, ImportRun, Objective, Person

PSEUDONYM_PREFIX = "Former officer"
USERNAME_PREFIX = "former-officer-"
# A name shorter than this is only replaced where it is the whole value, and only in the entries
# about the person or their account: "Sam" must not be taken out of "Samuel" or "Sample".
SHORTEST_NAME_REPLACED_INSIDE_TEXT = 5
# django-axes' records of sign-ins and failures: a username, a network address, a browser.
SIGN_IN_LOGS = (AccessAttempt, AccessFailureLog, AccessLog)


def left_people_cut(today: date) -> date:
    """Someone who left on or before this day is pseudonymised today."""
    return today - timedelta(days=settings.RETENTION_LEFT_PEOPLE_DAYS)


def leavers_due(today: date):
    """The people to pseudonymise today, longest gone first: not groups, not already done. A queryset."""
    return (Person.objects.filter(is_group=False, pseudonymised_on__isnull=True, left_on__isnull=False,
                                  left_on__lte=left_people_cut(today))
            .select_related("user").order_by("left_on", "pk"))


def pseudonym_code(person_id: int, length: int = 4) -> str:
    """Four hex digits of a keyed hash of the person's id: stable, and not the id itself."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"programmes.person:{person_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:length].upper()


def _pseudonym_taken(person, code: str) -> bool:
    users = get_user_model().objects.filter(username=USERNAME_PREFIX + code.lower())
    if person.user_id:
        users = users.exclude(pk=person.user_id)
    return (Person.objects.filter(name=f"{PSEUDONYM_PREFIX} {code}").exclude(pk=person.pk).exists()
            or users.exists())


def pseudonym_code_for(person) -> str:
    """The person's code, longer when a shorter one is already someone else's."""
    for length in range(4, 65, 2):
        code = pseudonym_code(person.pk, length)
        if not _pseudonym_taken(person, code):
            return code
    raise ValueError(f"No free pseudonym for person {person.pk}")


@dataclass(frozen=True)
class Pseudonymised:
    person_id: int
    pseudonym: str
    left_on: date
    audit_entries_redacted: int


@dataclass(frozen=True)
class Leaver:
    """What the apps above need to rewrite their own copies of a leaver's name and address."""

    user_id: int | None
    names: tuple  # the person's name and their account's full name, as written
    emails: tuple
    pseudonym: str


def leaver(person) -> Leaver:
    """The leaver's names and addresses as they are now, and the pseudonym they will have."""
    user = person.user
    names = (person.name, user.get_full_name() if user else "")
    emails = (person.email, user.email if user else "")
    return Leaver(user_id=person.user_id, names=tuple(n for n in names if n),
                  emails=tuple(e for e in emails if e),
                  pseudonym=f"{PSEUDONYM_PREFIX} {pseudonym_code_for(person)}")


def _old_names(who: Leaver) -> dict:
    """The leaver's full names (to become the pseudonym) and addresses (to be removed)."""
    return dict.fromkeys(who.names, who.pseudonym) | dict.fromkeys(who.emails, REMOVED)


def _inside_text(old_names: dict) -> dict:
    """Those long enough to look for inside other records' text."""
    return {k: v for k, v in old_names.items() if len(k) >= SHORTEST_NAME_REPLACED_INSIDE_TEXT}


def mentioning(fields, values) -> Q:
    """Rows where any of these text fields contains any of these values, in any case."""
    found = Q(pk__in=[])
    for value in values:
        for name in fields:
            found |= Q(**{f"{name}__icontains": value})
    return found


def _redact_programme_records(inside: dict) -> dict:
    """The leaver's name as written in an objective's leads and in what an import reported (its new
    people, duplicates and changes): rewritten to the pseudonym. Returns how many of each."""
    redaction = Redaction(within=inside)
    objectives = list(Objective.objects.filter(mentioning(["leads_note"], inside)).values_list("pk", "leads_note"))
    for pk, note in objectives:
        Objective.objects.filter(pk=pk).update(leads_note=redaction.apply(note))
    runs = list(ImportRun.objects.filter(mentioning(["summary", "options"], inside))
                .values_list("pk", "summary", "options"))
    for pk, summary, options in runs:
        ImportRun.objects.filter(pk=pk).update(summary=redaction.apply(summary), options=redaction.apply(options))
    return {"objectives' leads as written": len(objectives), "import reports": len(runs)}


def _redact_audit_trail(person, user, old_names: dict, username: str) -> int:
    """Take the person's old name, address and details out of the audit trail, keeping the entries."""
    about = Q(model=person._meta.label_lower, object_id=str(person.pk))
    whole = {person.job_title: REMOVED, person.initials: REMOVED}
    if user is not None:
        about |= Q(model=user._meta.label_lower, object_id=str(user.pk))
        for tried in filter(None, (user.username, user.email)):
            about |= Q(model=user._meta.label_lower, action="sign-in failed", object_repr__iexact=tried)
        whole |= {user.username: username, user.first_name: REMOVED, user.last_name: REMOVED}
    whole = {k: v for k, v in whole.items() if k}
    redacted = audit_redact(AuditEntry.objects.filter(about),
                            redaction=Redaction(whole=whole | old_names, within=old_names))
    # Elsewhere (a board membership, a message), only a full name or an address inside the text.
    inside = _inside_text(old_names)
    return redacted + audit_redact(
        AuditEntry.objects.filter(mentioning(["object_repr", "changes"], inside)).exclude(about),
        redaction=Redaction(within=inside))


def _sign_in_logs_delete(rows: Q) -> int:
    return sum(model.objects.filter(rows).delete()[0] for model in SIGN_IN_LOGS)


def _user_pseudonymise(user, code: str, *, by, channel) -> None:
    """Close the account and rename it: it can never sign in again, and it shows the pseudonym."""
    before = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
              "email": user.email}
    groups = sorted(user.groups.values_list("name", flat=True))
    user.username = USERNAME_PREFIX + code.lower()
    user.first_name, user.last_name, user.email = PSEUDONYM_PREFIX, code, ""
    user.set_unusable_password()
    changes = {name: [REMOVED, getattr(user, name)] for name, old in before.items() if old != getattr(user, name)}
    changes["password"] = [HIDDEN, "(changed)"]
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            changes[flag] = [True, False]
            setattr(user, flag, False)
    user.save()
    if groups:
        user.groups.clear()
        changes["groups"] = [groups, []]
    if user.user_permissions.exists():
        user.user_permissions.clear()
        changes["user_permissions"] = [REMOVED, []]
    audit_record(instance=user, action="pseudonymised", by=by, channel=channel, changes=changes)


def person_pseudonymise(*, person: Person, today: date, by=None, channel=Channel.TASK,
                        also: dict | None = None) -> Pseudonymised | None:
    """Replace a leaver's name, e-mail, job title and initials with a pseudonym, close and rename their
    account, take the old values out of the audit trail, and audit it without them ("(removed)").
    `also` says what the apps above rewrote, for the audit entry. None if it was already done.
    Call it inside the caller's transaction when the apps above rewrite their copies too."""
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
        if person.pseudonymised_on is not None:
            return None
        who = leaver(person)
        pseudonym, code = who.pseudonym, who.pseudonym.removeprefix(PSEUDONYM_PREFIX).strip()
        user = person.user
        old_names = _old_names(who)
        redacted = _redact_audit_trail(person, user, old_names, USERNAME_PREFIX + code.lower())
        records = _redact_programme_records(_inside_text(old_names))
        if user is not None:
            records["sign-in log rows deleted"] = _sign_in_logs_delete(
                Q(username__iexact=user.username) | Q(username__iexact=user.email or user.username))
        before = {"name": person.name, "job_title": person.job_title, "email": person.email,
                  "initials": person.initials}
        person.name, person.job_title, person.email, person.initials = pseudonym, "", "", ""
        person.pseudonymised_on = today
        person.save(update_fields=[*before, "pseudonymised_on"])
        changes = {name: [REMOVED, getattr(person, name)] for name, old in before.items() if old}
        changes["pseudonymised_on"] = [None, today.isoformat()]
        changes["audit entries redacted"] = redacted
        changes.update(records)
        changes.update(also or {})
        audit_record(instance=person, action="pseudonymised", by=by, channel=channel, changes=changes)
        if user is not None:
            _user_pseudonymise(user, code, by=by, channel=channel)
    return Pseudonymised(person_id=person.pk, pseudonym=pseudonym, left_on=person.left_on,
                         audit_entries_redacted=redacted)


# The rest of the schedule: records that hold personal data only for a while.

def import_files_forget(today: date, *, dry_run: bool = False, channel=Channel.TASK) -> int:
    """Delete the uploaded files of imports finished more than RETENTION_IMPORT_FILES_DAYS ago (what
    was imported is in the records and the audit trail; the file held every name in it). A preview
    never confirmed by then expires: it is marked failed. Returns how many files went."""
    cut = end_of_day(today - timedelta(days=settings.RETENTION_IMPORT_FILES_DAYS))
    old = ImportRun.objects.filter(finished_at__lt=cut).exclude(data=b"")
    if dry_run:
        return old.count()
    forgotten = 0
    with transaction.atomic():
        for run in old.only("pk", "status", "file_name", "created_at"):
            changes = {"file": ["kept", "deleted"]}
            if run.status == ImportRun.Status.PREVIEW:
                changes["status"] = [run.status, ImportRun.Status.FAILED.value]
                run.status = ImportRun.Status.FAILED
            ImportRun.objects.filter(pk=run.pk).update(data=b"", status=run.status)
            audit_record(instance=run, action="updated", channel=channel, changes=changes)
            forgotten += 1
    return forgotten


def _audit_housekeeping(*, action: str, what: str, changes: dict, channel) -> None:
    """An entry for a night's forgetting of records that are nobody's in particular."""
    audit_event(action=action, channel=channel, model=AuditEntry._meta.label_lower, object_repr=what, changes=changes)


def sign_in_addresses_forget(today: date, *, dry_run: bool = False, channel=Channel.TASK) -> int:
    """Take the network address and the username tried out of failed sign-ins older than
    RETENTION_SIGN_IN_ADDRESSES_DAYS: that a sign-in failed, and when, stays. Returns how many."""
    cut = end_of_day(today - timedelta(days=settings.RETENTION_SIGN_IN_ADDRESSES_DAYS))
    old = AuditEntry.objects.filter(action="sign-in failed", at__lt=cut).exclude(object_repr=REMOVED)
    values = set()
    for repr_, changes in old.values_list("object_repr", "changes"):
        values.update(v for v in (repr_, changes.get("address"), changes.get("username")) if v)
    if not values:
        return 0
    if dry_run:
        return old.count()
    with transaction.atomic():
        redacted = audit_redact(old, redaction=Redaction(whole=dict.fromkeys(values, REMOVED)))
        _audit_housekeeping(action="redacted", what="Failed sign-ins", channel=channel,
                            changes={"entries": redacted, "before": cut.date().isoformat(),
                                     "fields": ["address", "username"]})
    return redacted


def sign_in_logs_forget(today: date, *, dry_run: bool = False, channel=Channel.TASK) -> int:
    """Delete django-axes' records of sign-ins and failures (username, address, browser) older than
    RETENTION_SIGN_IN_ADDRESSES_DAYS; the audit trail keeps who signed in when. Returns how many."""
    cut = end_of_day(today - timedelta(days=settings.RETENTION_SIGN_IN_ADDRESSES_DAYS))
    if dry_run:
        return sum(model.objects.filter(attempt_time__lt=cut).count() for model in SIGN_IN_LOGS)
    with transaction.atomic():
        deleted = _sign_in_logs_delete(Q(attempt_time__lt=cut))
        if deleted:
            _audit_housekeeping(action="deleted", what="Sign-in logs", channel=channel,
                                changes={"rows": deleted, "before": cut.date().isoformat()})
    return deleted


def expired_sessions_forget(*, dry_run: bool = False) -> int:
    """Sessions past their expiry (they hold who was signed in): Django keeps them until told."""
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    if dry_run:
        return expired.count()
    deleted, _ = expired.delete()
    return deleted
