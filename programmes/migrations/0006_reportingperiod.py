# Reporting periods move from governance to programmes (ADR 0005): the stale rule and the
# measures' targets read them, and both sit below governance. The table stays where it is
# here (state only); 0007 gives it this app's name.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0005_import"),
        ("governance", "0002_plain_english_constraint_messages"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReportingPeriod",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text='For example "2024/25 Q1".', max_length=60, unique=True)),
                        ("kind", models.CharField(choices=[("year", "Financial year"), ("quarter", "Quarter"), ("month", "Month")], max_length=10)),
                        ("financial_year", models.CharField(help_text='For example "2024/25".', max_length=7)),
                        ("quarter", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("start", models.DateField()),
                        ("end", models.DateField()),
                        ("is_closed", models.BooleanField(default=False)),
                    ],
                    options={
                        "db_table": "governance_reportingperiod",
                        "ordering": ["start", "-end"],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("end__gte", models.F("start"))), name="period_end_not_before_start", violation_error_message="The end date must be on or after the start date."),
                            models.CheckConstraint(condition=models.Q(("quarter__isnull", True), models.Q(("quarter__gte", 1), ("quarter__lte", 4)), _connector="OR"), name="period_quarter_1_4", violation_error_message="The quarter must be 1, 2, 3 or 4."),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
