"""Middleware of the site shell: a request id, the headers every response carries, session limits."""

import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers, patch_vary_headers

# The id of the request being served, for the audit trail and the logs; empty outside a request.
request_id_var: ContextVar[str] = ContextVar("request_id", default="")

# A proxy's id is kept when it looks like one (no spaces, no control characters, not too long).
ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@-]{1,100}")
REQUEST_ID_HEADER = "X-Request-ID"


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    """Honour the proxy's X-Request-ID or make one; every audit entry and log line carries it,
    and so does the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if ACCEPTABLE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _is_static(request) -> bool:
    return request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/"))


def as_attachment(response, file_name: str):
    """Make a response a file for the browser to save, never kept by a shared cache: what a person may
    read is theirs alone. Every download goes through here."""
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ResponseHeadersMiddleware:
    """What Django's own middleware does not add.

    - Signed-in pages and every download are never stored by a browser or a proxy.
    - A URL may answer with a whole page or, to htmx, a fragment: caches must tell them apart.
    - nosniff and the referrer policy even when SecurityMiddleware did not run (a bad host
      refused on a plain-HTTP request in production).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.get("Content-Disposition", "").startswith("attachment")
        already = "no-store" in response.get("Cache-Control", "")
        if (signed_in or download) and not already:
            add_never_cache_headers(response)
        if not _is_static(request):
            patch_vary_headers(response, ("HX-Request",))
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if settings.SECURE_REFERRER_POLICY:
            response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        return response


SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"


def start_session_clock(session) -> None:
    """Called on every sign-in (programmes.signals): the 12-hour limit counts from here."""
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now


class SessionLimitsMiddleware:
    """30 minutes idle, 12 hours in all.

    The idle limit is the session's own expiry (SESSION_COOKIE_AGE), moved on by touching the
    session at most once a minute rather than saving it on every request. The absolute limit
    counts from the sign-in, however busy the session has been.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                # Signed in before these limits existed: the clock starts now.
                start_session_clock(session)
            elif now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
                request.session_end_reason = "12 hours since signing in"
                logout(request)
            elif now - session.get(LAST_SEEN, 0) >= settings.SESSION_IDLE_REFRESH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)
