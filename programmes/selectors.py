"""Reads of programmes' own records that span relations."""

from collections import defaultdict

from django.db.models import Q

from .models import Objective, Person, Programme
from .roles import ADMIN, PROGRAMME_MANAGER, has_role


def programme_org_units(programme_id: int) -> tuple[tuple, dict]:
    """The org units linked to the programme's objectives, sorted by name, and which objectives each
    is linked to: one query."""
    rows = Objective.org_units.through.objects.filter(objective__programme_id=programme_id).values_list(
        "orgunit_id", "orgunit__name", "objective_id"
    )
    labels, linked = {}, defaultdict(set)
    for unit_id, name, objective_id in rows:
        labels[unit_id] = name
        linked[unit_id].add(objective_id)
    return tuple(sorted(labels.items(), key=lambda item: item[1])), dict(linked)


def programme_choices() -> list[tuple[int, str]]:
    """(id, name) of every programme, by name: one query."""
    return list(Programme.objects.order_by("name").values_list("pk", "name"))


def objective_label(objective_id) -> str:
    """"ASC2401 Deliver the strategy", or "" for no such objective: one query when given an id."""
    try:
        objective_id = int(objective_id)
    except (TypeError, ValueError):
        return ""
    found = Objective.objects.filter(pk=objective_id).values_list("reference", "title").first()
    return f"{found[0]} {found[1]}" if found else ""


def programmes_set_up_by(user):
    """The programmes this person may set up, by name: every one for an admin, a programme
    manager's own. A queryset, so a page can count or slice it."""
    programmes = Programme.objects.order_by("name")
    if has_role(user, ADMIN):
        return programmes
    if has_role(user, PROGRAMME_MANAGER):
        return programmes.filter(managers__user=user).distinct()
    return programmes.none()


def people_for_list():
    """Everyone, by name, with their account: one query (paginate it)."""
    return Person.objects.select_related("user").order_by("name", "pk")


def people_to_choose(*, keep=()):
    """The people a form offers (owners, leads, managers): those who have not left, and anyone
    already chosen (`keep`, ids) even if they have."""
    return Person.objects.filter(Q(left_on__isnull=True) | Q(pk__in=[pk for pk in keep if pk])).order_by("name")
