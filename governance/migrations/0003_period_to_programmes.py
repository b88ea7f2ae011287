# Reporting periods now belong to programmes (ADR 0005): governance forgets the model, the
# table stays (programmes 0007 renames it).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0002_plain_english_constraint_messages"),
        ("actionplans", "0004_period_from_programmes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReportingPeriod")],
            database_operations=[],
        ),
    ]
