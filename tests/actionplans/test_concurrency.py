"""No lost updates: two officers on the same action, and many threads saving at once on PostgreSQL."""

import contextlib
import os
import random
import re
import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from actionplans.models import Action, ProgressUpdate
from actionplans.rollup import stored_matches_fresh
from actionplans.services import (
    ActionConflict,
    action_create,
    action_record_progress,
    objective_create,
)
from programmes.services import programme_create

HTMX = {"HX-Request": "true"}

THREADS = 8
UPDATES_PER_THREAD = 200
ACTIONS = 20


def version_in(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def form(version, percent, **extra):
    return {"status": "in_progress", "percent": str(percent), "declared_rag": "", "declared_rag_reason": "",
            "commentary": "", "effective_date": "", "version": version} | extra


@pytest.mark.django_db
def test_two_officers_on_one_action_neither_overwrites_the_other_silently(client, officer, colleague, plan):
    from django.test import Client

    olly, cara = client, Client()
    olly.force_login(officer)
    cara.force_login(colleague)
    action = plan.delegated  # Cara's, delegated to Olly
    url = reverse("action_update", args=[action.pk])

    olly_version = version_in(olly.get(url, headers=HTMX).content.decode())
    cara_version = version_in(cara.get(url, headers=HTMX).content.decode())
    assert olly_version == cara_version == "1"

    saved = cara.post(url, form(cara_version, 80, commentary="Protocol signed by health"), headers=HTMX)
    assert saved.status_code == 200

    conflict = olly.post(url, form(olly_version, 55, commentary="Waiting for legal"), headers=HTMX)
    html = conflict.content.decode()
    assert conflict.status_code == 409
    assert "Cara saved an update" in html
    assert "80%" in html and "55%" in html
    assert "Protocol signed by health" in html and "Waiting for legal" in html
    assert Action.objects.get(pk=action.pk).percent == 80

    again = olly.post(url, form(version_in(html), 55, commentary="Waiting for legal"), headers=HTMX)
    assert again.status_code == 200
    final = Action.objects.get(pk=action.pk)
    assert (final.percent, final.version) == (55, 3)
    assert [u.percent for u in ProgressUpdate.objects.filter(action=action).order_by("recorded_at")] == [80, 55]


def in_ci() -> bool:
    """.ci/run exports REQUIRE_BROWSER=1 (and DATABASE_URL for PostgreSQL); hosted runners set CI."""
    return os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() not in ("", "0", "false")


def require_postgresql_in_ci() -> None:
    """The threaded tests prove the row locks and the lock on the programme: only PostgreSQL has them.

    On SQLite they still run (and pass, as writes are serialised), but in CI passing there would
    prove nothing, so there they fail instead of quietly testing the wrong database.
    """
    assert connection.vendor == "postgresql" or not in_ci(), (
        f"The threaded concurrency tests must run on PostgreSQL in CI, not {connection.vendor}: "
        "set DATABASE_URL=postgres://..."
    )


_sqlite_writer = threading.Lock()


def one_save_at_a_time_on_sqlite():
    """On PostgreSQL nothing: a second writer waits for the row and programme locks, as in production.

    SQLite's shared-cache test database refuses a second writer at once ("table is locked") and
    even a read just after another thread's commit, so there the saves take turns here instead.
    """
    return _sqlite_writer if connection.vendor == "sqlite" else contextlib.nullcontext()


def build_actions():
    """20 actions over two programmes, so threads contend within a programme and across them."""
    actions = []
    for p in range(2):
        programme = programme_create(name=f"Stress {p}", short_name=f"STRESS{p}", start_date=date(2024, 4, 1),
                                     channel="command")
        theme = objective_create(programme=programme, reference=f"S{p}", title="Theme", channel="command")
        objective = objective_create(programme=programme, reference=f"S{p}.1", title="Objective",
                                     parent=theme, channel="command")
        for i in range(ACTIONS // 2):
            actions.append(action_create(objective=objective, reference=f"S{p}.1.{i}", title=f"Action {i}",
                                         start_date=date(2024, 4, 1), due_date=date(2030, 3, 31),
                                         channel="command"))
    return actions


@pytest.mark.django_db(transaction=True)
def test_many_threads_saving_at_once_lose_nothing_and_the_roll_ups_stay_true():
    require_postgresql_in_ci()
    actions = build_actions()
    ids = [a.pk for a in actions]
    start_versions = dict(Action.objects.filter(pk__in=ids).values_list("pk", "version"))
    successes, conflicts, errors = Counter(), Counter(), []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def officer(number: int):
        rng = random.Random(number)
        seen = dict(start_versions)  # the version each action was at when this thread last looked
        try:
            barrier.wait()
            for _ in range(UPDATES_PER_THREAD):
                pk, percent = rng.choice(ids), rng.randint(1, 99)

                action = Action(pk=pk, is_milestone=False)
                try:
                    with one_save_at_a_time_on_sqlite():
                        action_record_progress(action=action, percent=percent, status="in_progress",
                                               expected_version=seen[pk], channel="command")
                except ActionConflict as conflict:
                    seen[pk] = conflict.action.version
                    with lock:
                        conflicts[pk] += 1
                else:
                    seen[pk] = action.version
                    with lock:
                        successes[pk] += 1
        except Exception as error:  # noqa: BLE001 - a failure in a thread must fail the test
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sum(successes.values()) + sum(conflicts.values()) == THREADS * UPDATES_PER_THREAD
    final = dict(Action.objects.filter(pk__in=ids).values_list("pk", "version"))
    for pk in ids:
        # action_create starts at 1; each successful save adds exactly one, a conflict none.
        assert start_versions[pk] == 1
        assert final[pk] == 1 + successes[pk]
        assert ProgressUpdate.objects.filter(action_id=pk).count() == successes[pk]
    assert sum(successes.values()) > 0 and sum(conflicts.values()) > 0
    assert stored_matches_fresh() == []


@pytest.mark.django_db(transaction=True)
def test_two_saves_in_one_programme_at_the_same_moment_leave_the_roll_ups_true(monkeypatch):
    """Both saves read the tree before either commits, unless the refresh makes the second wait.

    The hook holds each save just after it has read the tree, until the other has read it too
    (or two seconds pass, which is what happens when the second save is made to wait its turn).
    """
    from actionplans import rollup

    require_postgresql_in_ci()
    first, second = build_actions()[:2]
    both_read = threading.Barrier(2, timeout=2)
    # The refresh after a save reads the tree with its own lean loader, not compute_trees.
    real_compute_trees = rollup.compute_refresh_trees
    reads = []

    def compute_then_wait(*args, **kwargs):
        trees = real_compute_trees(*args, **kwargs)
        reads.append(threading.get_ident())
        try:
            both_read.wait()
        except threading.BrokenBarrierError:
            pass
        return trees

    monkeypatch.setattr(rollup, "compute_refresh_trees", compute_then_wait)
    errors = []

    def save(action, percent):
        try:
            with one_save_at_a_time_on_sqlite():
                action_record_progress(action=Action(pk=action.pk, is_milestone=False), percent=percent,
                                       status="in_progress", expected_version=1, channel="command")
        except Exception as error:  # noqa: BLE001 - a failure in a thread must fail the test
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(first, 90)), threading.Thread(target=save, args=(second, 10))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(set(reads)) == 2, "the hook never held the saves' refreshes: it tests nothing"
    monkeypatch.setattr(rollup, "compute_refresh_trees", real_compute_trees)
    assert stored_matches_fresh() == []
