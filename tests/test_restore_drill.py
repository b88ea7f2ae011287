"""The restore drill (README "Backups"): a database with the demo programmes in it is dumped as the
nightly backup is (`pg_dump -Fc`), restored with `pg_restore` into a new database, and the restored
database must give the same figures for every programme, objective and action, hold the same rows,
carry on its id sequences where the original stopped, and still refuse to rewrite the audit trail.

It runs with every test (`make test`, so in CI); by hand: `pytest -m restore_drill` with
DATABASE_URL set to a PostgreSQL server whose user may create databases.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote
from uuid import uuid4

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

pytestmark = [
    pytest.mark.restore_drill,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is PostgreSQL's; CI runs on PostgreSQL"),
]

ROOT = Path(__file__).resolve().parent.parent


def server() -> dict:
    """How to reach the server of the test database, for the PostgreSQL tools and psycopg."""
    s = connection.settings_dict
    return {"host": s["HOST"] or "localhost", "port": str(s["PORT"] or 5432), "user": s["USER"],
            "password": s["PASSWORD"] or ""}


def tool(*args) -> None:
    """Run pg_dump, pg_restore, createdb or dropdb against the test database's server."""
    s = server()
    env = os.environ | {"PGHOST": s["host"], "PGPORT": s["port"], "PGUSER": s["user"]}
    if s["password"]:
        env["PGPASSWORD"] = s["password"]
    subprocess.run(args, env=env, check=True, capture_output=True, text=True)


def connect(database: str) -> psycopg.Connection:
    s = server()
    return psycopg.connect(dbname=database, host=s["host"], port=s["port"], user=s["user"],
                           password=s["password"] or None, autocommit=True)


def database_url(database: str) -> str:
    s = server()
    password = f":{quote(s['password'], safe='')}" if s["password"] else ""
    return f"postgres://{quote(s['user'], safe='')}{password}@{s['host']}:{s['port']}/{database}"


def inventory(database: str) -> dict:
    """Every table's row count, every sequence's last value and every trigger, by name."""
    with connect(database) as db:
        tables = [t for (t,) in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        rows = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        sequences = dict(db.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'").fetchall())
        triggers = sorted(f"{table}.{name}" for table, name in db.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal").fetchall())
    return {"rows": rows, "sequences": sequences, "triggers": triggers}


def figures_of(database_url_or_none, as_at) -> list:
    """Every programme's tree of figures from the rules engine (`manage.py rollup --format json`):
    here in this process, or in another one pointed at another database."""
    args = ["rollup", "--format", "json", "--as-at", as_at.isoformat()]
    if database_url_or_none is None:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return json.loads(out.getvalue())
    env = os.environ | {"DATABASE_URL": database_url_or_none}
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def kinds(tree) -> list[str]:
    return [tree["kind"], *(kind for child in tree["children"] for kind in kinds(child))]


@pytest.fixture
def new_database():
    """A database name no one uses, dropped afterwards whatever happens."""
    name = f"restore_drill_{uuid4().hex[:12]}"
    yield name
    tool("dropdb", "--if-exists", "--force", name)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_gives_the_same_figures(tmp_path, new_database):
    call_command("load_demo", stdout=io.StringIO())
    source = connection.settings_dict["NAME"]
    backup = tmp_path / "actionplans.dump"

    tool("pg_dump", "--format=custom", "--no-owner", f"--file={backup}", source)
    tool("createdb", new_database)
    tool("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={new_database}", str(backup))

    as_at = timezone.localdate()
    before, after = figures_of(None, as_at), figures_of(database_url(new_database), as_at)
    assert len(before) == 2 and sum(kinds(tree).count("action") for tree in before) > 50
    assert after == before  # every figure, and each record's owners in the order they were added

    original, restored = inventory(source), inventory(new_database)
    assert original["rows"]["actionplans_action"] > 50 and original["rows"]["programmes_auditentry"] > 0
    assert restored == original
    assert "programmes_auditentry.audit_entry_append_only" in restored["triggers"]

    with connect(new_database) as db, pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        db.execute("UPDATE programmes_auditentry SET object_repr = 'rewritten' "
                   "WHERE id = (SELECT min(id) FROM programmes_auditentry)")
