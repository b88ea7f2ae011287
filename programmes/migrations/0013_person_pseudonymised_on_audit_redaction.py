"""People who left long ago are pseudonymised (programmes.retention, ADR 0014): a date says it was done.

The audit trail stays append-only, with one narrow exception: inside a transaction that has set
`programmes.audit_redaction` to 'on' (programmes.audit.audit_redact, and nothing else, does), an
UPDATE may change an entry's `object_repr` and `changes`, the two columns that can hold a name,
and nothing else. DELETE is still refused, whoever asks.
"""

from django.db import migrations, models

REDACTABLE = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('programmes.audit_redaction', true) = 'on'
       AND NEW.id = OLD.id
       AND NEW.at = OLD.at
       AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id
       AND NEW.channel = OLD.channel
       AND NEW.action = OLD.action
       AND NEW.model = OLD.model
       AND NEW.object_id = OLD.object_id
       AND NEW.request_id = OLD.request_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % of audit entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of audit entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REDACTABLE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0012_programme_commentary_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="pseudonymised_on",
            field=models.DateField(
                blank=True, editable=False, null=True,
                help_text="The day their name and details were replaced by a pseudonym (programmes.retention).",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
