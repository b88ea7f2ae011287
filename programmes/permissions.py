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

from .models import Person
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
