"""Writes for programmes, objectives and people. Every door (browser, import, admin, task) calls these."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .audit import Channel, audit_record, diff, field_values
from .models import Objective, OrgUnit, Person, Programme, objective_ancestor_ids


def _save_with_audit(instance, *, by, channel, m2m: dict | None = None):
    """Validate, save, set many-to-many fields and audit one instance (create or update)."""
    creating = instance.pk is None
    before = {} if creating else field_values(type(instance).objects.get(pk=instance.pk))
    instance.full_clean(validate_constraints=True)
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    changes = diff(before, field_values(instance))
    if creating or changes or m2m:
        audit_record(
            instance=instance, action="created" if creating else "updated", by=by, channel=channel,
            changes={} if creating else changes,
        )
    return instance


def record_save(instance, *, by=None, channel=Channel.ADMIN, m2m: dict | None = None):
    """Save any simple record (a board, a person, a period) with validation and audit."""
    with transaction.atomic():
        return _save_with_audit(instance, by=by, channel=channel, m2m=m2m)


def record_delete(instance, *, by=None, channel=Channel.ADMIN):
    with transaction.atomic():
        audit_record(instance=instance, action="deleted", by=by, channel=channel)
        instance.delete()


def person_create(*, name, by=None, channel=Channel.BROWSER, **fields) -> Person:
    return record_save(Person(name=name, **fields), by=by, channel=channel)


def org_unit_create(*, name, kind, parent=None, by=None, channel=Channel.BROWSER) -> OrgUnit:
    return record_save(OrgUnit(name=name, kind=kind, parent=parent), by=by, channel=channel)


def programme_create(*, name, short_name, by=None, channel=Channel.BROWSER, **fields) -> Programme:
    return record_save(Programme(name=name, short_name=short_name, **fields), by=by, channel=channel)


def programme_update(*, programme, by=None, channel=Channel.BROWSER, **fields) -> Programme:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(programme, name, value)
        _save_with_audit(programme, by=by, channel=channel)
        from .rollup import programme_refresh

        # Settings may change every figure.
        programme_refresh(programme_id=programme.pk)
    return programme


def objective_save(objective: Objective, *, by=None, channel=Channel.BROWSER, m2m=None) -> Objective:
    """Create or update an objective; refreshes its programme's figures (weights, tree shape)."""
    if objective.parent_id and objective.pk and objective.pk in objective_ancestor_ids(objective.parent_id):
        raise ValidationError({"parent": "An objective cannot sit under itself or its own children."})
    with transaction.atomic():
        _save_with_audit(objective, by=by, channel=channel, m2m=m2m)
        from .rollup import programme_refresh

        programme_refresh(programme_id=objective.programme_id)
    return objective


def objective_create(*, programme, reference, title, parent=None, by=None, channel=Channel.BROWSER,
                     m2m=None, **fields) -> Objective:
    objective = Objective(programme=programme, parent=parent, reference=reference, title=title, **fields)
    return objective_save(objective, by=by, channel=channel, m2m=m2m)
