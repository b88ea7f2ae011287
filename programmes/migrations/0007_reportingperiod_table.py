# The reporting period's table takes this app's name; past audit entries and the content type
# follow the model (ADR 0005).

from django.db import migrations

OLD, NEW = "governance.reportingperiod", "programmes.reportingperiod"


def relabel(apps, schema_editor, old=OLD, new=NEW):
    AuditEntry = apps.get_model("programmes", "AuditEntry")
    AuditEntry.objects.filter(model=old).update(model=new)
    ContentType = apps.get_model("contenttypes", "ContentType")
    old_app, old_model = old.split(".")
    new_app, new_model = new.split(".")
    if not ContentType.objects.filter(app_label=new_app, model=new_model).exists():
        ContentType.objects.filter(app_label=old_app, model=old_model).update(app_label=new_app)


def relabel_back(apps, schema_editor):
    relabel(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0006_reportingperiod"),
        ("governance", "0003_period_to_programmes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="reportingperiod", table=None),
        migrations.RunPython(relabel, relabel_back),
    ]
