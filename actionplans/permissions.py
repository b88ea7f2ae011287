"""Who may see and change actions and measures. Every view and htmx fragment calls these itself.

Officers see and update the actions they own (responsible or lead) or are delegated.
Programme managers update every action in the programmes they manage. Leadership and
clerks read everything and write nothing. Admins do everything.
"""

from django.db.models import Q

from programmes.permissions import can_read_everything, deny, person_id_for
from programmes.roles import ADMIN, OFFICER, PROGRAMME_MANAGER, has_role

from .models import Action, Measure


def owned_actions_q(person_id: int | None = None, *, user=None) -> Q:
    """Actions a person owns (responsible or lead) or is delegated: the person by id, or by their
    user account (a join instead of looking the person up first)."""
    who, via = (user, "__user") if user is not None else (person_id, "")
    if who is None:
        return Q(pk__in=[])
    return Q(**{f"responsible{via}": who}) | Q(**{f"leads{via}": who}) | Q(**{f"delegates{via}": who})


def can_update_action(user, action) -> bool:
    if has_role(user, ADMIN):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, PROGRAMME_MANAGER) and action.programme.managers.filter(user=user).exists():
        return True
    if not has_role(user, OFFICER, PROGRAMME_MANAGER):
        return False
    return Action.objects.filter(owned_actions_q(user=user), pk=action.pk).exists()


def can_view_action(user, action) -> bool:
    return can_read_everything(user) or can_update_action(user, action)


def require_action_view(request, action) -> None:
    if not can_view_action(request.user, action):
        deny(request, f"may not view action {action.reference}")


def require_action_update(request, action) -> None:
    if not can_update_action(request.user, action):
        deny(request, f"may not update action {action.reference}")


def owns_something_in(user, programme_id: int) -> bool:
    """Whether the user owns (responsible or lead) or is delegated an action of the programme, or reports
    one of its measures: one query each."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (Action.objects.filter(owned_actions_q(user=user), programme_id=programme_id).exists()
            or Measure.objects.filter(owner__user=user, programme_id=programme_id).exists())


def can_read_programme(user, programme_id: int) -> bool:
    """A programme's dashboards: whoever reads everything, and the officers who own an action or report a
    measure in it."""
    return can_read_everything(user) or owns_something_in(user, programme_id)


def require_programme_reader(request, programme_id: int) -> None:
    if not can_read_programme(request.user, programme_id):
        deny(request, "dashboards are for leadership, programme managers, admins, clerks and the officers "
                      "who own an action in the programme")


def can_enter_measure(user, measure) -> bool:
    if has_role(user, ADMIN):
        return True
    person_id = person_id_for(user)
    return person_id is not None and measure.owner_id == person_id


def require_measure_entry(request, measure) -> None:
    if not can_enter_measure(request.user, measure):
        deny(request, f"may not enter values for measure {measure.reference}")
