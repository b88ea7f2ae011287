"""The audit trail: append-only in PostgreSQL, and complete for people's accounts and roles."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from programmes.audit import HIDDEN, Channel, audit_record
from programmes.models import AuditEntry
from programmes.roles import OFFICER, ensure_role_groups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; CI runs on PostgreSQL"
)


@pytest.fixture
def entry():
    olly = UserFactory(username="olly.officer")
    return audit_record(instance=olly, action="updated", by=olly, channel=Channel.BROWSER,
                        changes={"first_name": ["Oli", "Olly"]})


@needs_postgresql
@pytest.mark.parametrize("statement", [
    "UPDATE programmes_auditentry SET changes = '{}' WHERE id = %s",
    "UPDATE programmes_auditentry SET user_id = NULL WHERE id = %s",
    "DELETE FROM programmes_auditentry WHERE id = %s",
])
def test_the_applications_database_user_cannot_rewrite_or_delete_an_entry(entry, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:  # the connection the application itself uses
            cursor.execute(statement, [entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).changes == {"first_name": ["Oli", "Olly"]}


@needs_postgresql
def test_the_orm_cannot_update_or_delete_entries_either(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="deleted")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk, action="updated").exists()


def test_new_entries_can_still_be_added(entry):
    audit_record(instance=entry.user, action="signed out", by=entry.user, channel=Channel.BROWSER)

    assert AuditEntry.objects.count() == 2


def test_a_person_with_a_history_cannot_be_deleted_only_made_inactive(admin_client, entry):
    olly = entry.user

    response = admin_client.post(reverse("admin:auth_user_delete", args=[olly.pk]), {"post": "yes"})

    assert User.objects.filter(pk=olly.pk).exists()
    assert "Cannot delete user" in response.content.decode()


def test_changing_a_persons_roles_in_the_admin_records_each_field_old_and_new(admin_client, admin_user):
    groups = ensure_role_groups()
    olly = UserFactory(username="olly.officer", first_name="Oli", last_name="Officer", role=OFFICER)
    url = reverse("admin:auth_user_change", args=[olly.pk])
    data = {
        "username": "olly.officer", "first_name": "Olly", "last_name": "Officer",
        "email": olly.email, "is_active": "on", "groups": [groups[OFFICER].pk, groups["leadership"].pk],
        "date_joined_0": "2024-04-01", "date_joined_1": "09:00:00",
    }

    response = admin_client.post(url, data, headers={"X-Request-ID": "admin-req-1"})

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(model="auth.user", object_id=str(olly.pk), action="updated")
    assert (entry.channel, entry.user, entry.request_id) == ("admin", admin_user, "admin-req-1")
    assert entry.changes["first_name"] == ["Oli", "Olly"]
    assert entry.changes["groups"] == [[groups[OFFICER].pk], sorted([groups[OFFICER].pk, groups["leadership"].pk])]
    assert "password" not in entry.changes


def test_adding_a_person_in_the_admin_is_audited_without_their_password(admin_client, admin_user):
    response = admin_client.post(reverse("admin:auth_user_add"), {
        "username": "new.officer", "password1": "a long passphrase 9081", "password2": "a long passphrase 9081",
        "usable_password": "true",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    new = User.objects.get(username="new.officer")
    entry = AuditEntry.objects.get(model="auth.user", object_id=str(new.pk))
    assert (entry.action, entry.channel, entry.user) == ("created", "admin", admin_user)
    assert "passphrase" not in str(entry.changes) and new.password not in str(entry.changes)


def test_changing_a_password_in_the_admin_is_audited_hidden(admin_client, admin_user):
    olly = UserFactory(username="olly.officer")
    url = reverse("admin:auth_user_password_change", args=[olly.pk])

    response = admin_client.post(url, {"password1": "another long phrase 5521",
                                       "password2": "another long phrase 5521", "usable_password": "true"})

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(model="auth.user", object_id=str(olly.pk), action="updated")
    assert entry.changes == {"password": [HIDDEN, "(changed)"]}
    assert entry.user == admin_user


def test_renaming_a_role_and_changing_its_permissions_is_audited(admin_client, admin_user):
    role = Group.objects.create(name="auditors")
    permission = Permission.objects.get(codename="view_auditentry")

    response = admin_client.post(reverse("admin:auth_group_change", args=[role.pk]),
                                 {"name": "internal audit", "permissions": [permission.pk]})

    assert response.status_code == 302
    entry = AuditEntry.objects.get(model="auth.group", object_id=str(role.pk))
    assert (entry.action, entry.channel, entry.user) == ("updated", "admin", admin_user)
    assert entry.changes == {"name": ["auditors", "internal audit"], "permissions": [[], [permission.pk]]}


def test_deleting_a_role_in_the_admin_is_audited(admin_client):
    role = Group.objects.create(name="auditors")

    admin_client.post(reverse("admin:auth_group_delete", args=[role.pk]), {"post": "yes"})

    assert not Group.objects.filter(pk=role.pk).exists()
    assert AuditEntry.objects.filter(model="auth.group", object_id=str(role.pk), action="deleted").exists()


def test_giving_a_person_a_permission_of_their_own_in_the_admin_is_audited(admin_client, admin_user):
    olly = UserFactory(username="olly.officer", first_name="Olly", last_name="Officer")
    permission = Permission.objects.get(codename="view_auditentry")
    data = {
        "username": "olly.officer", "first_name": "Olly", "last_name": "Officer", "email": olly.email,
        "is_active": "on", "user_permissions": [permission.pk],
        "date_joined_0": "2024-04-01", "date_joined_1": "09:00:00",
    }

    response = admin_client.post(reverse("admin:auth_user_change", args=[olly.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(model="auth.user", object_id=str(olly.pk), action="updated")
    assert entry.changes["user_permissions"] == [[], [permission.pk]]


def test_the_admins_entry_page_words_the_changes_as_the_history_panels_do(admin_client, entry):
    response = admin_client.get(reverse("admin:programmes_auditentry_change", args=[entry.pk]))

    assert "<strong>First name</strong>: Oli → Olly" in response.content.decode()
