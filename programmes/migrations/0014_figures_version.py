"""Each programme's figures version (ADR 12). The triggers that keep it are installed after every
migrate by programmes.versions (post_migrate), not here: SQLite drops a table's triggers when it
remakes the table for a later migration. Unapplying this migration drops them with the table, so a
database taken back to before it keeps no trigger writing to a table that is gone."""

from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from programmes.versions import uninstall

    uninstall(using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0013_person_pseudonymised_on_audit_redaction'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, drop_triggers),
        migrations.CreateModel(
            name='FiguresVersion',
            fields=[
                ('programme_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('version', models.BigIntegerField()),
            ],
        ),
    ]
