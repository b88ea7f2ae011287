"""Signing in: throttled, audited, and a session that ends when idle or old."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.signin import LOCKED_OUT
from programmes.auth import CouncilOIDCBackend, roles_from_claims
from programmes.models import AuditEntry
from programmes.roles import CLERK, LEADERSHIP, OFFICER, ensure_role_groups, user_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"


@pytest.fixture
def dana():
    user = UserFactory(username="dana.director", role=LEADERSHIP)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, password, username="dana.director", address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_correct_password_signs_in_and_is_audited_with_the_request_id(client, dana):
    response = client.post(LOGIN, {"username": "dana.director", "password": PASSWORD},
                           headers={"X-Request-ID": "req-42"})

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="signed in")
    assert (entry.user, entry.model, entry.object_id, entry.channel) == (dana, "auth.user", str(dana.pk), "browser")
    assert entry.changes == {"method": "password"}
    assert entry.request_id == "req-42"


def test_a_wrong_password_is_audited_with_the_username_and_address(client, dana):
    response = sign_in(client, "wrong")

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="sign-in failed")
    assert entry.user is None
    assert entry.changes == {"username": "dana.director", "address": "203.0.113.7", "locked_out": False}


def test_signing_out_is_audited(client, dana):
    client.force_login(dana)

    client.post(reverse("logout"))

    entry = AuditEntry.objects.get(action="signed out")
    assert (entry.user, entry.object_id) == (dana, str(dana.pk))


def test_after_5_wrong_passwords_even_the_right_one_is_refused_with_a_plain_message(client, dana):
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, "wrong").status_code == 429  # the fifth locks

    response = sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="sign-in failed", changes__locked_out=True).exists()


def test_4_wrong_passwords_do_not_lock_dana_out(client, dana):
    for _ in range(4):
        sign_in(client, "wrong")

    assert sign_in(client, PASSWORD).status_code == 302


def test_the_lock_is_per_username_and_address_together(client, dana):
    for _ in range(5):
        sign_in(client, "wrong")

    # Dana from her own desk, and someone else from the same address, are not locked out.
    assert sign_in(Client(), PASSWORD, address="198.51.100.20").status_code == 302
    UserFactory(username="cleo.clerk", role=CLERK).set_password(PASSWORD)
    assert sign_in(Client(), "wrong", username="cleo.clerk").status_code == 200


def test_the_lock_ends_after_15_minutes(client, dana):
    for _ in range(5):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, PASSWORD).status_code == 302


def test_a_session_ends_after_30_minutes_idle(client, dana):
    client.force_login(dana)
    assert client.get(reverse("portfolio")).status_code == 200

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get(reverse("portfolio"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_in_use_stays_open_past_30_minutes(client, dana):
    client.force_login(dana)
    start = timezone.now()

    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get(reverse("portfolio")).status_code == 200


def test_a_session_ends_12_hours_after_signing_in_however_busy(client, dana):
    client.force_login(dana)
    start = timezone.now()

    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get(reverse("portfolio")).status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=1)):
        response = client.get(reverse("portfolio"))

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="signed out", user=dana)
    assert entry.changes == {"reason": "12 hours since signing in"}


@pytest.mark.parametrize("password", ["password", "12345678901", "dana.director1", "short"])
def test_djangos_password_validators_refuse_weak_passwords(dana, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=dana)


def test_roles_come_from_the_groups_claim_only_when_a_mapping_is_configured(settings):
    settings.OIDC_GROUP_ROLES = {}
    assert roles_from_claims({"groups": ["g-1"]}) is None

    settings.OIDC_GROUP_ROLES = {"g-1": OFFICER, "g-2": LEADERSHIP, "g-3": "superuser"}
    assert roles_from_claims({"groups": ["g-1", "g-3", "g-9"]}) == {OFFICER}
    assert roles_from_claims({}) == set()


def test_single_sign_on_sets_the_mapped_roles_and_audits_the_change(settings):
    settings.OIDC_GROUP_ROLES = {"g-officers": OFFICER, "g-leaders": LEADERSHIP}
    ensure_role_groups()
    olly = UserFactory(username="olly", role=CLERK)
    backend = CouncilOIDCBackend.__new__(CouncilOIDCBackend)  # no provider settings needed here

    backend.update_user(olly, {"given_name": "Olly", "family_name": "Officer", "groups": ["g-officers"]})

    olly = type(olly).objects.get(pk=olly.pk)
    assert user_roles(olly) == {OFFICER}
    assert (olly.first_name, olly.last_name) == ("Olly", "Officer")
    entry = AuditEntry.objects.get(model="auth.user", action="updated")
    assert entry.channel == "sign-in"
    assert entry.changes == {"groups": [[CLERK], [OFFICER]]}


def test_the_sign_in_page_offers_single_sign_on_only_when_configured(client):
    assert "Sign in with your council account" not in client.get(LOGIN).content.decode()
