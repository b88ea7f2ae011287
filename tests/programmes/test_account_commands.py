"""Django's account commands are a door like any other: the account createsuperuser makes and the password
changepassword changes are in the audit trail (door: command line), never the password itself."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands

from programmes.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_manage_py_runs_the_audited_commands():
    assert get_commands()["createsuperuser"] == "programmes.accounts"
    assert get_commands()["changepassword"] == "programmes.accounts"


def test_createsuperuser_is_audited(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long and unusual passphrase 42")

    call_command("createsuperuser", interactive=False, username="root.admin", email="root@example.org",
                 stdout=io.StringIO())

    user = get_user_model().objects.get(username="root.admin")
    entry = AuditEntry.objects.get(model="auth.user", object_id=str(user.pk))
    assert (entry.action, entry.channel) == ("created", "command")
    assert entry.changes["username"] == [None, "root.admin"] and entry.changes["is_superuser"] == [None, True]
    assert "passphrase" not in str(entry.changes)


def test_changepassword_is_audited_without_the_password(monkeypatch, office_admin):
    answers = iter(["a new and unusual passphrase 43"] * 2)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    call_command("changepassword", office_admin.username, stdout=io.StringIO())

    entry = AuditEntry.objects.get(model="auth.user", object_id=str(office_admin.pk), action="updated")
    assert entry.channel == "command" and entry.changes == {"password": ["(hidden)", "(changed)"]}
    office_admin.refresh_from_db()
    assert office_admin.check_password("a new and unusual passphrase 43")
