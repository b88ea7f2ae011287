"""The nightly recompute through a real Celery worker and Redis, as production runs it."""

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from actionplans.tasks import recompute_all_programmes
from config.celery_app import app
from programmes.models import Objective
from tests.factories import ActionFactory

ROOT = Path(__file__).resolve().parents[2]


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set in CI: this test needs a real Redis")
        pytest.skip("needs REDIS_URL (CI sets it)")
    return url


@pytest.fixture
def worker(settings):
    url = redis_url()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "REDIS_URL": url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "-Q", queue, "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app.conf.result_backend = url
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = saved
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.skipif(connection.vendor != "postgresql" and not os.environ.get("CI"),
                    reason="the worker shares the test database over PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_corrects_drift_in_the_stored_figures(worker):
    action = ActionFactory(percent=40, status="in_progress", due_date=date(2099, 3, 31))
    Objective.objects.filter(pk=action.objective_id).update(rollup_percent=99.0)

    outcome = recompute_all_programmes.apply_async(queue=worker).get(timeout=60)

    assert outcome["drift"] >= 1
    assert Objective.objects.get(pk=action.objective_id).rollup_percent == 40
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the other tests still run tasks in-process
