"""The health check a load balancer or monitor asks: no sign-in, no secrets, one word per part."""

import redis
from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# A probe must answer quickly even when a part is down.
TIMEOUT_SECONDS = 1.0
UP, DOWN, NOT_CONFIGURED = "up", "down", "not configured"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return DOWN
    return UP


def redis_state() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
        client.ping()
    except Exception:
        return DOWN
    return UP


def worker_state() -> str:
    """At least one Celery worker answers a ping. Without a broker, tasks run in the web process."""
    if current_app.conf.task_always_eager:
        return NOT_CONFIGURED
    try:
        replies = current_app.control.ping(timeout=TIMEOUT_SECONDS)
    except Exception:
        return DOWN
    return UP if replies else DOWN


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_state(), "redis": redis_state()}
    # The workers listen on Redis: with Redis down, asking them would only wait.
    checks["worker"] = DOWN if checks["redis"] == DOWN else worker_state()
    healthy = all(state != DOWN for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": checks},
                        status=200 if healthy else 503)
