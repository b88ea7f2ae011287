"""Who may see and change what. Every view and htmx fragment calls these itself.

Officers see and update the actions they own (responsible or lead) or are delegated.
Programme managers update every action in the programmes they manage. Leadership and
clerks read everything and write nothing. Admins do everything.
"""

import logging
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from .roles import ADMIN, CLERK, LEADERSHIP, OFFICER, PROGRAMME_MANAGER, has_role

log = logging.getLogger("programmes.permissions")

READERS = (LEADERSHIP, PROGRAMME_MANAGER, ADMIN, CLERK)


def deny(request, reason: str):
    """Refuse, and leave a trace: a 403 is either a bug in a link or someone probing."""
    log.warning("Refused %s %s for %s: %s", request.method, request.get_full_path(), request.user, reason)
    raise PermissionDenied(reason)


def signed_in_and(check):
    """A view decorator: send whoever is signed out to sign in (an htmx request by a client-side
    redirect, so the whole page goes), then run `check(request)`, which refuses by raising."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if request.htmx:
                    back = request.htmx.current_url_abs_path or request.get_full_path()
                    return HttpResponseClientRedirect(
                        f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}")
                return redirect_to_login(request.get_full_path())
            check(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def person_id_for(user) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_person_id"):
        from .models import Person

        user._person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    return user._person_id


def owned_actions_q(person_id: int | None = None, *, user=None) -> Q:
    """Actions a person owns (responsible or lead) or is delegated: the person by id, or by their
    user account (a join instead of looking the person up first)."""
    who, via = (user, "__user") if user is not None else (person_id, "")
    if who is None:
        return Q(pk__in=[])
    return Q(**{f"responsible{via}": who}) | Q(**{f"leads{via}": who}) | Q(**{f"delegates{via}": who})


def can_read_everything(user) -> bool:
    return has_role(user, *READERS)


def can_update_action(user, action) -> bool:
    from actionplans.models import Action

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


def require_reader(request) -> None:
    """Dashboards, exceptions and reports: leadership, managers, admins and clerks."""
    if not can_read_everything(request.user):
        deny(request, "dashboards are for leadership, programme managers, admins and clerks")


def require_role(request, *roles: str) -> None:
    if not has_role(request.user, *roles):
        deny(request, f"needs one of the roles: {', '.join(roles)}")


def can_enter_measure(user, measure) -> bool:
    if has_role(user, ADMIN):
        return True
    person_id = person_id_for(user)
    return person_id is not None and measure.owner_id == person_id


def require_measure_entry(request, measure) -> None:
    if not can_enter_measure(request.user, measure):
        deny(request, f"may not enter values for measure {measure.reference}")
