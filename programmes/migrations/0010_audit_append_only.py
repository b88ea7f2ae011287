"""The audit trail is append-only: PostgreSQL refuses UPDATE and DELETE on its rows, whoever asks.

Each entry also records the request it was written in. A person with a history can no longer be
deleted (PROTECT): nulling their entries would be an UPDATE. SQLite (only for `make run` on a bare
machine) has no trigger.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import programmes.middleware

CREATE = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of audit entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON programmes_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON programmes_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0009_person_left_on"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="request_id",
            field=models.CharField(
                blank=True, default=programmes.middleware.current_request_id, max_length=100
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="channel",
            field=models.CharField(
                choices=[
                    ("browser", "Browser"),
                    ("import", "Import"),
                    ("admin", "Admin"),
                    ("task", "Scheduled task"),
                    ("command", "Command line"),
                    ("sign-in", "Single sign-on"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="user",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        # The new column is filled by its default before the trigger exists.
        migrations.RunPython(forwards, backwards),
    ]
