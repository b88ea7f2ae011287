"""Retention's own pieces: redacting audit entries (the one UPDATE the trigger lets through), the
pseudonym, and forgetting old import files, failed sign-ins' addresses and expired sessions."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from programmes.audit import REMOVED, Redaction, audit_failed_sign_in, audit_record, audit_redact
from programmes.models import AuditEntry, ImportRun
from programmes.retention import (
    expired_sessions_forget,
    import_files_forget,
    pseudonym_code,
    sign_in_addresses_forget,
    sign_in_logs_forget,
)
from tests.factories import ImportRunFactory, PersonFactory, UserFactory

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; CI runs on PostgreSQL"
)


def test_a_redaction_replaces_whole_values_and_names_inside_text_in_one_pass():
    redaction = Redaction(whole={"GK": REMOVED, "gill.kay": "former-officer-1a2b"},
                          within={"Gill Kay": "Former officer 1A2B", "gill@council.example": REMOVED})
    changes = {"name": ["Gill Kay", "Gill Kay-Smith"], "initials": ["gk", "GKS"], "username": "GILL.KAY",
               "note": "Ask GILL KAY (gill@council.example)", "Gill Kay": 3, "done": True}
    assert redaction.apply(changes) == {
        "name": ["Former officer 1A2B", "Former officer 1A2B-Smith"], "initials": [REMOVED, "GKS"],
        "username": "former-officer-1a2b", "note": "Ask Former officer 1A2B ((removed))", "Gill Kay": 3,
        "done": True}


def test_a_replacement_is_never_itself_rewritten():
    redaction = Redaction(within={"Officer": "Former officer 1A2B", "Former": "X"})
    assert redaction.apply("Sam Officer") == "Sam Former officer 1A2B"


def test_the_pseudonym_code_is_stable_and_keyed(settings):
    assert pseudonym_code(7) == pseudonym_code(7)
    assert len(pseudonym_code(7)) == 4 and pseudonym_code(7) == pseudonym_code(7).upper()
    assert pseudonym_code(7) != pseudonym_code(8)
    first = pseudonym_code(7, 16)
    settings.SECRET_KEY = "another-key-entirely-another-key-entirely"
    assert pseudonym_code(7, 16) != first


@pytest.fixture
def entry(db):
    gill = PersonFactory(name="Gill Kay")
    return audit_record(instance=gill, action="updated", channel="admin", by=UserFactory(),
                        changes={"name": ["Gill Kai", "Gill Kay"]})


@pytest.mark.django_db
def test_a_redaction_changes_only_the_names_and_keeps_the_entry(entry):
    with transaction.atomic():
        assert audit_redact(AuditEntry.objects.filter(pk=entry.pk),
                            redaction=Redaction(within={"Gill Kay": "Former officer 1A2B"})) == 1
    entry.refresh_from_db()
    assert entry.object_repr == "Former officer 1A2B"
    assert entry.changes == {"name": ["Gill Kai", "Former officer 1A2B"]}
    assert (entry.action, entry.model, entry.channel) == ("updated", "programmes.person", "admin")


@needs_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("statement", [
    "UPDATE programmes_auditentry SET action = 'created' WHERE id = %s",
    "UPDATE programmes_auditentry SET at = now() WHERE id = %s",
    "UPDATE programmes_auditentry SET user_id = NULL, object_repr = '' WHERE id = %s",
    "DELETE FROM programmes_auditentry WHERE id = %s",
])
def test_even_a_redaction_may_not_change_who_when_or_what_nor_delete(entry, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('programmes.audit_redaction', 'on', true)")
        cursor.execute(statement, [entry.pk])


@needs_postgresql
@pytest.mark.django_db
def test_once_a_redaction_is_over_the_trail_is_append_only_again(entry):
    with transaction.atomic():
        audit_redact(AuditEntry.objects.filter(pk=entry.pk), redaction=Redaction(within={"Gill": "G"}))
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten")


@pytest.mark.django_db
def test_import_files_are_deleted_a_set_time_after_the_import_finished(settings):
    settings.RETENTION_IMPORT_FILES_DAYS = 30
    today = date(2025, 5, 31)
    finished = timezone.make_aware(datetime(2025, 5, 1, 23, 59))  # 30 days before: due
    committed = ImportRunFactory(file_name="april.csv", data=b"Gill Kay", status="committed", finished_at=finished)
    preview = ImportRunFactory(file_name="draft.csv", data=b"Gill Kay", status="preview", finished_at=finished)
    recent = ImportRunFactory(file_name="may.csv", data=b"Gill Kay", status="committed",
                              finished_at=finished + timedelta(minutes=2))  # 29 days before
    assert import_files_forget(today, dry_run=True) == 2
    assert bytes(ImportRun.objects.get(pk=committed.pk).data) == b"Gill Kay"
    assert import_files_forget(today) == 2
    assert import_files_forget(today) == 0
    assert {(r.file_name, bytes(r.data), r.status) for r in ImportRun.objects.all()} == {
        ("april.csv", b"", "committed"), ("draft.csv", b"", "failed"), ("may.csv", b"Gill Kay", "committed")}
    audited = AuditEntry.objects.filter(model="programmes.importrun", object_id=str(preview.pk)).get()
    assert audited.changes == {"file": ["kept", "deleted"], "status": ["preview", "failed"]}
    assert not AuditEntry.objects.filter(model="programmes.importrun", object_id=str(recent.pk)).exists()


@pytest.mark.django_db
def test_a_failed_sign_ins_address_and_username_go_after_the_set_time_and_the_failure_stays(settings):
    settings.RETENTION_SIGN_IN_ADDRESSES_DAYS = 90
    with time_machine.travel(datetime(2025, 1, 1, 9, tzinfo=UTC), tick=False):  # 90 days before 1 April: due
        old = audit_failed_sign_in(username="gill.kay", address="192.0.2.7", locked_out=True)
    with time_machine.travel(datetime(2025, 1, 2, 9, tzinfo=UTC), tick=False):
        recent = audit_failed_sign_in(username="gill.kay", address="192.0.2.7", locked_out=False)
    assert sign_in_addresses_forget(date(2025, 4, 1), dry_run=True) == 1
    assert sign_in_addresses_forget(date(2025, 4, 1)) == 1
    assert sign_in_addresses_forget(date(2025, 4, 1)) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.object_repr, old.changes) == (REMOVED, {"username": REMOVED, "address": REMOVED,
                                                        "locked_out": True})
    assert (recent.object_repr, recent.changes["address"]) == ("gill.kay", "192.0.2.7")
    assert AuditEntry.objects.get(action="redacted").changes["entries"] == 1


@pytest.mark.django_db
def test_the_sign_in_logs_go_after_the_set_time(settings):
    settings.RETENTION_SIGN_IN_ADDRESSES_DAYS = 90
    for username, day in (("gill.kay", datetime(2025, 1, 1, 9, tzinfo=UTC)),
                          ("sam.officer", datetime(2025, 1, 2, 9, tzinfo=UTC))):
        log = AccessLog.objects.create(username=username, ip_address="192.0.2.7", user_agent="Firefox",
                                       http_accept="*/*", path_info="/accounts/login/")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=day)
    assert sign_in_logs_forget(date(2025, 4, 1), dry_run=True) == 1
    assert sign_in_logs_forget(date(2025, 4, 1)) == 1
    assert sign_in_logs_forget(date(2025, 4, 1)) == 0
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["sam.officer"]
    assert AuditEntry.objects.get(action="deleted", object_repr="Sign-in logs").changes["rows"] == 1


@pytest.mark.django_db
def test_expired_sessions_are_deleted():
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now - timedelta(minutes=1))
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=now + timedelta(minutes=30))
    assert expired_sessions_forget(dry_run=True) == 1
    assert expired_sessions_forget() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
