"""`make run` uses SQLite: its triggers keep the figures versions too (ADR 12). The suite runs on
PostgreSQL, so this test migrates a SQLite file in a process of its own and writes to it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json
from datetime import date

import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
from actionplans.models import Action
from actionplans.services import action_create, action_record_progress, objective_create
from programmes.models import Person
from programmes.services import person_create, programme_create
from programmes.versions import figures_versions


def programme(short_name):
    made = programme_create(name=f"Programme {short_name}", short_name=short_name, start_date=date(2024, 4, 1),
                            channel="command")
    objective = objective_create(programme=made, reference=f"{short_name}1", title="One", channel="command")
    return made, action_create(objective=objective, reference=f"{short_name}1.A", title="A",
                               start_date=date(2024, 4, 1), due_date=date(2030, 3, 31), channel="command")


mine, action = programme("MINE")
other, _ = programme("OTHER")
person = person_create(name="Ann Lee", channel="command")
seen = {}


def step(name, write):
    before = figures_versions()
    write()
    after = figures_versions()
    seen[name] = sorted(["shared"] * (after.shared != before.shared)
                        + [("mine" if pk == mine.pk else "other") for pk, v in after.programmes if before.of(pk) != v])


step("save", lambda: action_record_progress(action=action, percent=40, status="in_progress", commentary="x",
                                            channel="command"))
step("bulk", lambda: Action.objects.filter(pk=action.pk).update(title="Renamed"))
step("unchanged person", lambda: Person.objects.get(pk=person.pk).save())
step("renamed person", lambda: Person.objects.filter(pk=person.pk).update(name="Ann Smith"))
# SQLite keeps no past version apart (ADR 15): it moves with the version.
seen["past is the version"] = figures_versions().past == figures_versions().programmes
print(json.dumps(seen))
"""


def test_sqlite_keeps_each_programmes_version_as_postgresql_does(tmp_path):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.pop("REDIS_URL", None)

    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)

    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "save": ["mine"], "bulk": ["mine"], "unchanged person": [], "renamed person": ["shared"],
        "past is the version": True,
    }
