"""Each programme's past figures version (ADR 15): what its figures as at an earlier day show. It
starts equal to the version; the triggers that keep both are (re)installed after migrate."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0014_figures_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="figuresversion",
            name="past_version",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.RunSQL(
            "UPDATE programmes_figuresversion SET past_version = version",
            migrations.RunSQL.noop,
        ),
    ]
