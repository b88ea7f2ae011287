"""Each programme's figures version (ADR 12). The triggers that keep it are installed after every
migrate by programmes.versions (post_migrate), not here: SQLite drops a table's triggers when it
remakes the table for a later migration."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0013_person_pseudonymised_on_audit_redaction'),
    ]

    operations = [
        migrations.CreateModel(
            name='FiguresVersion',
            fields=[
                ('programme_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('version', models.BigIntegerField()),
            ],
        ),
    ]
