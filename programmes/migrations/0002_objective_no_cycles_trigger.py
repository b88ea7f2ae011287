"""No cycles in the objective tree, enforced by PostgreSQL itself.

A check constraint cannot see other rows, so a trigger walks up from the new parent.
SQLite (only for `make run` on a bare machine) relies on the service's check instead.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION objective_no_cycle() RETURNS trigger AS $$
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        WITH RECURSIVE up(id, parent_id) AS (
            SELECT id, parent_id FROM programmes_objective WHERE id = NEW.parent_id
            UNION
            SELECT o.id, o.parent_id FROM programmes_objective o JOIN up ON o.id = up.parent_id
        )
        SELECT 1 FROM up WHERE id = NEW.id
    ) THEN
        RAISE EXCEPTION 'objective % cannot sit under its own descendant %', NEW.id, NEW.parent_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF (SELECT programme_id FROM programmes_objective WHERE id = NEW.parent_id) <> NEW.programme_id THEN
        RAISE EXCEPTION 'objective % and its parent % are in different programmes', NEW.id, NEW.parent_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER objective_no_cycle
    BEFORE INSERT OR UPDATE OF parent_id, programme_id ON programmes_objective
    FOR EACH ROW EXECUTE FUNCTION objective_no_cycle();
"""

DROP = """
DROP TRIGGER IF EXISTS objective_no_cycle ON programmes_objective;
DROP FUNCTION IF EXISTS objective_no_cycle();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
