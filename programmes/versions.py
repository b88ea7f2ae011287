"""Every programme's figures version, kept by the database itself (ADR 12).

A programme's version changes in the same transaction as any write to a record its dashboards
show, whoever writes (a service, the admin, an import, a bulk `.update()`, a SQL console): each
app names, in `Watch`es, which of its tables hold such records and how a row leads to its
programme, and triggers on those tables bump the version. What every programme shows (reporting
periods, people's names, boards' and org units' names) bumps the shared version, row 0.

The triggers are (re)installed after every `migrate` (post_migrate, per app), not by a migration:
SQLite remakes a table to alter it, which drops its triggers, and the definitions stay next to
the models they watch. Installing is idempotent: a trigger's name carries a digest of its SQL.

Each programme also has a *past* version (ADR 15): what its figures as at an earlier day than
today depend on. A write that tells only of the present leaves it as it was, so the trees of
past dates (a portfolio's comparison date, the date a committee chose) stay cached through the
month-end rush: an update dated today (a new row whose `present_from` date is today or later,
in the site's time zone), or an UPDATE that changes nothing but a table's `present` columns
(an action's current percent, status and stored colour; the stored roll-ups). A Watch names
those columns only where the loaders of past dates never read them (actionplans.rollup takes a
past date's progress from the history). Every other write moves both versions together.

PostgreSQL: statement-level triggers over transition tables (a bulk update of 500 actions bumps
its programme once) and versions from one sequence, so a version is never reused, even after
the table is emptied. SQLite (`make run`): row-level triggers, each new version one more than
the largest; both versions always move together there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections

TABLE = "programmes_figuresversion"
SEQUENCE = "programmes_figuresversion_seq"
SHARED = 0  # the row of what every programme shows
PREFIX = "fver_"  # trigger names: PostgreSQL keeps 63 characters
EVENTS = ("INSERT", "UPDATE", "DELETE")

# How a changed row leads to programme ids: SQL selecting one column named pid, where {ids} is a
# query of the changed rows' values of the watched column (named id).
ITSELF = "SELECT id AS pid FROM ({ids}) AS changed"


def programme_of(table: str) -> str:
    """A changed row's `column` is the id of a row of `table`, which has the programme_id."""
    return f"SELECT programme_id AS pid FROM {table} WHERE id IN ({{ids}})"


OF_OBJECTIVES = programme_of("programmes_objective")
EVERY_PROGRAMME = f"SELECT {SHARED} AS pid"


@dataclass(frozen=True)
class Watch:
    """A table whose rows a dashboard shows: `column` of a changed row goes through `programmes` (SQL,
    see ITSELF) to the programme ids whose version changes. `changed`: only when this column's value
    changes (an UPDATE; people are saved often, their names rarely).

    The past version (module docstring) is left as it was by an UPDATE that changes only `present`
    columns (the table's primary key must be `id`), and by an INSERT of rows whose `present_from`
    date is today or later."""

    table: str
    column: str = "programme_id"
    programmes: str = ITSELF
    events: tuple = EVENTS
    changed: str = ""
    present: tuple = ()
    present_from: str = ""


@dataclass(frozen=True)
class FiguresVersions:
    """What a cache key needs: the shared version, and each programme's (by programme name).

    Two requests that read the same versions read the same figures."""

    shared: int
    programmes: tuple  # ((programme id, version), ...) by name
    past: tuple = ()  # ((programme id, past version), ...): what figures as at an earlier day show
    _by_id: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _past_by_id: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self):
        self._by_id.update(self.programmes)
        self._past_by_id.update(self.past)

    @property
    def programme_ids(self) -> list[int]:
        return [pk for pk, _ in self.programmes]

    def of(self, programme_id: int) -> int | None:
        return self._by_id.get(programme_id)

    def past_of(self, programme_id: int) -> int | None:
        """The programme's past version (ADR 15); its version where none was read."""
        return self._past_by_id.get(programme_id, self._by_id.get(programme_id))

    def key(self, programme_ids=None) -> tuple:
        """The versions of what a page of these programmes shows (None: of every programme)."""
        if programme_ids is None:
            return self.shared, self.programmes
        return self.shared, tuple((pk, self._by_id.get(pk)) for pk in sorted(programme_ids))


def figures_versions(using: str = "default") -> FiguresVersions:
    """Every programme's version and the shared one: one query on two small tables."""
    sql = (
        f"SELECT 0, version, version, '' FROM {TABLE} WHERE programme_id = {SHARED} "
        f"UNION ALL SELECT p.id, COALESCE(v.version, 0), COALESCE(v.past_version, 0), p.name "
        f"FROM programmes_programme p LEFT JOIN {TABLE} v ON v.programme_id = p.id ORDER BY 4, 1"
    )
    shared, programmes, past = 0, [], []
    with connections[using].cursor() as cursor:
        cursor.execute(sql)
        for pk, version, past_version, _ in cursor.fetchall():
            if pk == SHARED:
                shared = version
            else:
                programmes.append((pk, version))
                past.append((pk, past_version))
    return FiguresVersions(shared, tuple(programmes), tuple(past))


# ---------------------------------------------------------------- the triggers


# The programmes app's own tables. Objectives' owners and the programme's owner are columns of
# their rows; people and org units show by name on every programme that links them.
# The stored roll-ups: written by every save's refresh, read only for today's figures.
STORED_ROLLUP = ("rollup_percent", "rollup_rag", "rollup_counts", "rollup_at")
WATCHES = (
    Watch("programmes_programme", column="id", present=STORED_ROLLUP),
    Watch("programmes_objective", present=(*STORED_ROLLUP, "rollup_calculated_percent")),
    Watch("programmes_objective_leads", column="objective_id", programmes=OF_OBJECTIVES),
    Watch("programmes_objective_org_units", column="objective_id", programmes=OF_OBJECTIVES),
    Watch("programmes_reportingperiod", column="id", programmes=EVERY_PROGRAMME),
    Watch("programmes_person", column="name", programmes=EVERY_PROGRAMME, events=("UPDATE",), changed="name"),
    Watch("programmes_orgunit", column="id", programmes=EVERY_PROGRAMME, events=("UPDATE",)),
)


def _local_today() -> str:
    """SQL for today's date in the site's time zone (the day the dashboards call today)."""
    zone = settings.TIME_ZONE.replace("'", "''")
    return f"(now() AT TIME ZONE '{zone}')::date"


def _postgresql(watch: Watch) -> tuple[str, list[str]]:
    """(the trigger function's name, the statements that create it and its triggers)."""

    def found(ids: str) -> str:
        return f"ARRAY(SELECT pid FROM ({watch.programmes.format(ids=ids)}) AS found)"

    def bump(ids: str, past: str | None = None) -> str:
        """Both versions of the programmes of `ids`; the past one only of those of `past`, when given."""
        if past is None:
            return f"PERFORM figures_version_bump({found(ids)});"
        return f"PERFORM figures_version_bump({found(ids)}, {found(past)});"

    new = f"SELECT {watch.column} AS id FROM new_rows"
    old = f"SELECT {watch.column} AS id FROM old_rows"
    inserted = bump(new)
    if watch.present_from:
        inserted = bump(new, f"{new} WHERE NOT ({watch.present_from} >= {_local_today()})")
    updated = bump(f"{new} UNION {old}")
    if watch.present:
        # The rows that changed more than their present columns, before and after.
        present = "ARRAY[" + ", ".join(f"'{column}'" for column in watch.present) + "]::text[]"
        moved = (f"FROM new_rows n JOIN old_rows o ON o.id = n.id "
                 f"WHERE to_jsonb(n) - {present} IS DISTINCT FROM to_jsonb(o) - {present}")
        updated = bump(f"{new} UNION {old}",
                       f"SELECT n.{watch.column} AS id {moved} UNION SELECT o.{watch.column} AS id {moved}")
    body = (f"IF TG_OP = 'INSERT' THEN {inserted} ELSIF TG_OP = 'DELETE' THEN {bump(old)} "
            f"ELSE {updated} END IF;")
    if watch.changed:  # row by row, only when the column changed: OLD and NEW are rows here
        body = bump(f"SELECT NEW.{watch.column} AS id")
    name = _name(watch, body)
    statements = [f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                  f"BEGIN {body} RETURN NULL; END $$"]
    for event in watch.events:
        trigger = f"CREATE TRIGGER {name}_{event[:3].lower()} AFTER {event} ON {watch.table} "
        if watch.changed:
            trigger += (f"FOR EACH ROW WHEN (OLD.{watch.changed} IS DISTINCT FROM NEW.{watch.changed}) "
                        f"EXECUTE FUNCTION {name}()")
        else:
            tables = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                      "DELETE": "OLD TABLE AS old_rows"}[event]
            trigger += f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        statements.append(trigger)
    return name, statements


# A bump gives each programme a new version from the sequence, and its past version the same number
# where the write tells of the past too (`past`; the one-argument form: always).
POSTGRESQL_BUMP = f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE};
CREATE OR REPLACE FUNCTION figures_version_bump(ids bigint[], past bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO {TABLE} AS kept (programme_id, version, past_version)
    SELECT pid, version, version FROM (
        SELECT pid, nextval('{SEQUENCE}') AS version
        FROM (SELECT DISTINCT unnest(ids) AS pid) AS found WHERE pid IS NOT NULL ORDER BY pid
    ) AS bumped
    ON CONFLICT (programme_id) DO UPDATE SET version = EXCLUDED.version,
        past_version = CASE WHEN EXCLUDED.programme_id = ANY(past) THEN EXCLUDED.version
                            ELSE kept.past_version END
$$;
CREATE OR REPLACE FUNCTION figures_version_bump(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    SELECT figures_version_bump(ids, ids)
$$;
"""


def _sqlite(watch: Watch) -> tuple[str, list[str]]:
    statements = []
    name = _name(watch, repr(watch))
    for event in watch.events:
        rows = {"INSERT": ["NEW"], "UPDATE": ["NEW", "OLD"], "DELETE": ["OLD"]}[event]
        ids = " UNION ".join(f"SELECT {row}.{watch.column} AS id" for row in rows)
        when = f"WHEN OLD.{watch.changed} IS NOT NEW.{watch.changed} " if watch.changed else ""
        statements.append(
            f"CREATE TRIGGER {name}_{event[:3].lower()} AFTER {event} ON {watch.table} FOR EACH ROW {when}BEGIN "
            f"INSERT INTO {TABLE} (programme_id, version, past_version) "
            f"SELECT pid, next, next FROM (SELECT pid, (SELECT COALESCE(MAX(version), 0) + 1 FROM {TABLE}) AS next "
            f"FROM ({watch.programmes.format(ids=ids)}) WHERE pid IS NOT NULL) WHERE true "
            f"ON CONFLICT (programme_id) DO UPDATE SET version = excluded.version, "
            f"past_version = excluded.past_version; END"
        )
    return name, statements


def _name(watch: Watch, definition: str) -> str:
    digest = hashlib.sha256(f"{watch.table}|{definition}".encode()).hexdigest()[:10]
    return f"{PREFIX}{watch.table}_{digest}"[:63]


def install(watches, *, using: str = "default") -> int:
    """Create the triggers of these tables that are missing, dropping any older ones: how many tables changed."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No figures version triggers for {vendor}.")
    changed = 0
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(POSTGRESQL_BUMP)
        for watch in watches:
            name, statements = (_postgresql if vendor == "postgresql" else _sqlite)(watch)
            existing = _installed(cursor, vendor, watch.table)
            wanted = {f"{name}_{event[:3].lower()}" for event in watch.events}
            if existing == wanted:
                continue
            for trigger in existing:
                _drop(cursor, vendor, trigger, watch.table)
            for statement in statements:
                cursor.execute(statement)
            changed += 1
        # Every programme has a version from the start, and so has what they all show.
        cursor.execute(f"INSERT INTO {TABLE} (programme_id, version, past_version) SELECT {SHARED}, 1, 1 WHERE NOT EXISTS "
                       f"(SELECT 1 FROM {TABLE} WHERE programme_id = {SHARED})")
    return changed


def uninstall(*, using: str = "default") -> None:
    """Drop every figures version trigger and the function they call (migration 0014 unapplied)."""
    connection = connections[using]
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s", [f"{PREFIX}%"])
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                           [f"{PREFIX}%"])
        for trigger, table in cursor.fetchall():
            _drop(cursor, vendor, trigger, table)
        if vendor == "postgresql":
            cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE %s", [f"{PREFIX}%"])
            for (function,) in cursor.fetchall():
                cursor.execute(f"DROP FUNCTION {function}()")
            cursor.execute("DROP FUNCTION IF EXISTS figures_version_bump(bigint[])")
            cursor.execute("DROP FUNCTION IF EXISTS figures_version_bump(bigint[], bigint[])")


def _drop(cursor, vendor: str, trigger: str, table: str) -> None:
    cursor.execute(f"DROP TRIGGER {trigger} ON {table}" if vendor == "postgresql" else f"DROP TRIGGER {trigger}")


def _installed(cursor, vendor: str, table: str) -> set[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
                       [table, f"{PREFIX}%"])
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s",
                       [table, f"{PREFIX}%"])
    return {row[0] for row in cursor.fetchall()}


def installer(watches):
    """A post_migrate receiver installing these watches' triggers on the database just migrated."""

    def receiver(sender, using="default", **kwargs):
        install(watches, using=using)

    return receiver
