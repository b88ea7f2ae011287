"""gunicorn.conf.py is what the Dockerfile, docker-compose and the bench serve with."""

import os
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def test_one_sync_worker_per_core_the_process_may_use(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    conf = runpy.run_path(str(CONF))
    assert conf["workers"] == len(os.sched_getaffinity(0))
    assert conf["worker_class"] == "sync" and conf["bind"] == "0.0.0.0:8000"


def test_web_concurrency_sets_the_workers(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    assert runpy.run_path(str(CONF))["workers"] == 7


def test_each_worker_freezes_what_the_app_made_at_start_and_collects_young_objects_less_often():
    import gc

    saved = gc.get_threshold()
    try:
        gc.unfreeze()
        runpy.run_path(str(CONF))["post_worker_init"](worker=None)

        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (10_000, *saved[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)
