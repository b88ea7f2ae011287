"""Writes for programmes and people, and the audited save every service uses.

Writes that change a programme's figures (its settings, its objectives) are in
actionplans/services.py, which keeps the stored figures true. Every door (browser, import,
admin, task) calls these."""

from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from .audit import Channel, audit_record, diff, field_values, related_ids
from .models import Person, Programme
from .roles import ALL_ROLES


def save_with_audit(instance, *, by, channel, m2m: dict | None = None):
    """Validate, save, set many-to-many fields and audit one instance (create or update)."""
    creating = instance.pk is None
    before = {} if creating else field_values(type(instance).objects.get(pk=instance.pk))
    if not creating:
        before.update({name: related_ids(getattr(instance, name).all()) for name in m2m or {}})
    instance.full_clean(validate_constraints=True)
    instance.save()
    after = field_values(instance)
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
        after[name] = related_ids(values)
    changes = diff(before, after)
    if creating or changes or m2m:
        audit_record(
            instance=instance, action="created" if creating else "updated", by=by, channel=channel,
            changes={} if creating else changes,
        )
    return instance


def record_save(instance, *, by=None, channel=Channel.ADMIN, m2m: dict | None = None):
    """Save any simple record (a board, a person, a period) with validation and audit."""
    with transaction.atomic():
        return save_with_audit(instance, by=by, channel=channel, m2m=m2m)


def record_delete(instance, *, by=None, channel=Channel.ADMIN):
    with transaction.atomic():
        audit_record(instance=instance, action="deleted", by=by, channel=channel)
        instance.delete()


def person_create(*, name, by=None, channel=Channel.BROWSER, **fields) -> Person:
    return record_save(Person(name=name, **fields), by=by, channel=channel)


def programme_create(*, name, short_name, by=None, channel=Channel.BROWSER, **fields) -> Programme:
    return record_save(Programme(name=name, short_name=short_name, **fields), by=by, channel=channel)


def person_update(*, person: Person, by=None, channel=Channel.BROWSER, **fields) -> Person:
    """Change a person's name, job title, e-mail, initials or whether they are a group."""
    for name, value in fields.items():
        setattr(person, name, value)
    return record_save(person, by=by, channel=channel)


def person_mark_left(*, person: Person, left_on: date | None, by=None, channel=Channel.BROWSER) -> Person:
    """Record the day someone left (None: they have not). Their actions stay theirs until reassigned:
    actionplans.services.actions_reassign moves them."""
    if left_on is None:
        raise ValidationError({"left_on": "Enter the date they left."})
    person.left_on = left_on
    return record_save(person, by=by, channel=channel)


def person_link_user(*, person: Person, user, by=None, channel=Channel.BROWSER) -> Person:
    """Link a person to the account they sign in with (None: unlink). The account then sees and
    updates what the person owns, so one account is one person."""
    if user is not None:
        other = Person.objects.filter(user=user).exclude(pk=person.pk).values_list("name", flat=True).first()
        if other is not None:
            raise ValidationError({"user": f"That account is already linked to {other}. Unlink it there first."})
    person.user = user
    return record_save(person, by=by, channel=channel)


def user_set_roles(*, user, roles: set[str], by=None, channel=Channel.SIGN_IN) -> None:
    """Give a person exactly these roles (from an identity provider's groups), audited."""
    with transaction.atomic():
        before = sorted(user.groups.values_list("name", flat=True))
        managed = list(Group.objects.filter(name__in=ALL_ROLES))
        user.groups.remove(*[g for g in managed if g.name not in roles])
        user.groups.add(*[g for g in managed if g.name in roles])
        after = sorted(user.groups.values_list("name", flat=True))
        if before != after:
            audit_record(instance=user, action="updated", by=by, channel=channel,
                         changes={"groups": [before, after]})
