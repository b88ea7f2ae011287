"""What a command line changes in people's accounts, written to the audit trail like any other door."""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save

from programmes.audit import HIDDEN, Channel, audit_record


@contextmanager
def accounts_saved():
    """The accounts saved while the block runs, each once, with whether it was created: [(user, created)]."""
    saved: list = []

    def note(sender, instance, created, **kwargs):
        if all(instance.pk != user.pk for user, _ in saved):
            saved.append((instance, created))

    model = get_user_model()
    post_save.connect(note, sender=model, weak=False, dispatch_uid="programmes.accounts.saved")
    try:
        yield saved
    finally:
        post_save.disconnect(sender=model, dispatch_uid="programmes.accounts.saved")


def audit_created(user) -> None:
    audit_record(instance=user, action="created", channel=Channel.COMMAND, changes={
        "username": [None, user.get_username()], "email": [None, user.email],
        "is_staff": [None, user.is_staff], "is_superuser": [None, user.is_superuser],
        "password": [None, HIDDEN if user.has_usable_password() else "(none)"],
    })


def audit_password_changed(user) -> None:
    audit_record(instance=user, action="updated", channel=Channel.COMMAND, changes={"password": [HIDDEN, "(changed)"]})
