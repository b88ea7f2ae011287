# Measures' targets and values point at the reporting period's new home (ADR 0005). The
# foreign keys already reference the same table: state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("actionplans", "0003_plain_english_constraint_messages"),
        ("programmes", "0006_reportingperiod"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="measuretarget",
                    name="period",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="programmes.reportingperiod"),
                ),
                migrations.AlterField(
                    model_name="measurevalue",
                    name="period",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="programmes.reportingperiod"),
                ),
            ],
            database_operations=[],
        ),
    ]
