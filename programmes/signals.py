"""Sign-ins, sign-outs and failed sign-ins go in the audit trail.

Django announces them only as signals (from the sign-in form, the admin's, OpenID Connect
and the session limits alike), so these receivers are the one place that hears all of them.
"""

from axes.helpers import get_client_ip_address
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit_failed_sign_in, audit_sign_in, audit_sign_out
from .middleware import start_session_clock


@receiver(user_logged_in, dispatch_uid="programmes.audit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)
    backend = getattr(user, "backend", "") or ""
    audit_sign_in(user=user, method="single sign-on" if "OIDC" in backend else "password")


@receiver(user_logged_out, dispatch_uid="programmes.audit_sign_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        reason = getattr(request, "session_end_reason", "signed out")
        audit_sign_out(user=user, reason=reason)


@receiver(user_login_failed, dispatch_uid="programmes.audit_failed_sign_in")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    address = (get_client_ip_address(request) or "") if request is not None else ""
    audit_failed_sign_in(
        username=str(credentials.get("username", "")),
        address=address,
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )
