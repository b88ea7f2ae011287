"""Who may see what: the refusal every view uses, and the roles that read everything.

Who may change an action or a measure is in actionplans/permissions.py. Every view and htmx
fragment calls these itself.

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
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from .models import Person, Programme
from .roles import ADMIN, CLERK, LEADERSHIP, PROGRAMME_MANAGER, has_role

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
        user._person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    return user._person_id


def can_read_everything(user) -> bool:
    return has_role(user, *READERS)


def require_reader(request) -> None:
    """Dashboards, exceptions and reports: leadership, managers, admins and clerks."""
    if not can_read_everything(request.user):
        deny(request, "dashboards are for leadership, programme managers, admins and clerks")


def require_role(request, *roles: str) -> None:
    if not has_role(request.user, *roles):
        deny(request, f"needs one of the roles: {', '.join(roles)}")


# --- Setting programmes up: admins for every programme, programme managers for their own ---------


def can_set_up(user) -> bool:
    """May use the set-up pages at all: admins, and programme managers (for their own programmes)."""
    return has_role(user, ADMIN, PROGRAMME_MANAGER)


def can_set_up_programme(user, programme) -> bool:
    """Admins set up every programme; a programme manager only those they are named a manager of.
    `programme` is a Programme or its id."""
    if has_role(user, ADMIN):
        return True
    if not has_role(user, PROGRAMME_MANAGER):
        return False
    person_id = person_id_for(user)
    return person_id is not None and Programme.managers.through.objects.filter(
        programme_id=getattr(programme, "pk", programme), person_id=person_id).exists()


def require_set_up(request) -> None:
    if not can_set_up(request.user):
        deny(request, "setting up programmes is for admins and programme managers")


def require_programme_set_up(request, programme) -> None:
    if not can_set_up_programme(request.user, programme):
        deny(request, f"may not set up programme {programme.short_name}")


def require_account_linking(request) -> None:
    """Linking a person to a sign-in account decides what that account may update: admins only."""
    if not has_role(request.user, ADMIN):
        deny(request, "only admins link people to accounts")
