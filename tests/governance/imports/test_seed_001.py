"""Seed 001, the adult social care action plan as councils keep it, in and out of the import."""

import pytest

from actionplans.models import Action, ProgressUpdate
from governance.imports.service import import_commit, import_preview
from programmes.models import AuditEntry, Objective

from .builders import csv_bytes, seed_001
from .conftest import AS_AT

pytestmark = pytest.mark.django_db

KINDS_OF_NOTHING = {"objectives": 0, "actions": 0, "measures": 0, "risks": 0, "people": 0}


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_preview_finds_11_objectives_and_71_actions_and_writes_nothing(programme, extension):
    data, name = seed_001(extension)

    summary = import_preview(data=data, file_name=name, programme=programme, as_at=AS_AT).summary()

    assert summary["ok"] is True and summary["committed"] is False
    assert summary["created"] == {**KINDS_OF_NOTHING, "objectives": 11, "actions": 71}
    assert summary["errors"] == []
    assert Objective.objects.count() == 0 and Action.objects.count() == 0


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_only_asc2401_and_asc2410_state_a_percent_the_engine_does_not_give(programme, extension):
    data, name = seed_001(extension)

    summary = import_preview(data=data, file_name=name, programme=programme, as_at=AS_AT).summary()

    assert [(d["ref"], d["stated"], d["computed"]) for d in summary["reconciliation"]] == [
        ("ASC2401", 47, 48), ("ASC2410", 25, 26)]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_commit_builds_the_tree_from_the_references(programme, priya, extension):
    data, name = seed_001(extension)

    result = import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)

    assert result.ok and result.committed
    assert Objective.objects.filter(programme=programme).count() == 11
    assert Action.objects.filter(programme=programme).count() == 71
    action = Action.objects.select_related("objective").get(reference="ASC2401.A")
    assert action.objective.reference == "ASC2401"
    assert action.due_date.isoformat() == "2024-04-30"
    assert (action.percent, action.status, action.last_updated_on) == (75, "in_progress", AS_AT)
    assert Action.objects.get(reference="ASC2401.B").status == "completed"
    assert Action.objects.get(reference="ASC2401.G").status == "not_started"


def test_each_action_gets_one_progress_update_dated_the_as_at_day_with_its_note_sanitised(programme, priya):
    data, name = seed_001("csv")

    import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)

    assert ProgressUpdate.objects.filter(action__programme=programme).count() == 71
    update = ProgressUpdate.objects.get(action__reference="ASC2402.E")
    assert (update.effective_date, update.channel, update.author, update.percent) == (AS_AT, "import", priya, 40)
    assert update.commentary.startswith("<p>It is too early")
    assert "style=" not in update.commentary


def test_the_stored_figures_show_the_engines_percent_for_the_objectives(programme, priya):
    data, name = seed_001("csv")

    import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)

    stored = Objective.objects.get(reference="ASC2401").rollup_percent
    assert stored == pytest.approx(430 / 9)


def test_importing_the_same_file_again_changes_nothing(programme, priya):
    data, name = seed_001("csv")
    import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)
    audit_before, updates_before = AuditEntry.objects.count(), ProgressUpdate.objects.count()

    again = import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT).summary()

    assert again["ok"] is True
    assert again["created"] == KINDS_OF_NOTHING and again["updated"] == KINDS_OF_NOTHING
    assert again["unchanged"] == {**KINDS_OF_NOTHING, "objectives": 11, "actions": 71}
    assert ProgressUpdate.objects.count() == updates_before
    assert AuditEntry.objects.count() == audit_before


def test_the_workbook_and_the_csv_of_the_same_plan_are_the_same_import(programme, priya):
    data, name = seed_001("csv")
    import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)
    data, name = seed_001("xlsx")

    summary = import_preview(data=data, file_name=name, programme=programme, as_at=AS_AT).summary()

    assert summary["updated"] == KINDS_OF_NOTHING and summary["created"] == KINDS_OF_NOTHING


def test_an_edited_file_updates_the_records_in_place_by_reference(programme, priya):
    data, name = seed_001("csv")
    import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)
    ids = dict(Action.objects.values_list("reference", "pk"))
    edited = data.decode("utf-8-sig").replace(
        "ASC2401.C,Re-align the budget,30 June 2024,,75%", "ASC2401.C,Re-align the whole budget,31 July 2024,,90%")
    assert edited != data.decode("utf-8-sig")

    summary = import_commit(data=edited.encode(), file_name=name, programme=programme, by=priya,
                            as_at=AS_AT).summary()

    assert summary["updated"]["actions"] == 1 and summary["created"]["actions"] == 0
    change = summary["changes"]["actions"][0]
    assert change["ref"] == "ASC2401.C"
    assert change["fields"]["title"] == ["Re-align the budget", "Re-align the whole budget"]
    assert change["fields"]["due_date"] == ["2024-06-30", "2024-07-31"]
    assert change["fields"]["percent"] == [75, 90]
    action = Action.objects.get(reference="ASC2401.C")
    assert action.pk == ids["ASC2401.C"] and action.percent == 90 and action.version == 2
    assert action.updates.count() == 2
    assert Action.objects.count() == 71


def test_every_record_created_is_audited_with_the_import_channel_and_who_ran_it(programme, priya):
    data, name = seed_001("csv")

    import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)

    audited = set(AuditEntry.objects.filter(channel="import", user=priya, action="created")
                  .values_list("model", "object_id"))
    for model, label in ((Objective, "programmes.objective"), (Action, "actionplans.action")):
        ids = {(label, str(pk)) for pk in model.objects.values_list("pk", flat=True)}
        assert ids and ids <= audited
    # Each progress update records its own author and door.
    assert set(ProgressUpdate.objects.values_list("author", "channel")) == {(priya.pk, "import")}


def test_a_change_is_audited_with_its_old_and_new_values(programme, priya):
    data, name = seed_001("csv")
    import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)
    edited = data.decode("utf-8-sig").replace(",Re-align the budget,", ",Re-align the whole budget,")

    import_commit(data=edited.encode(), file_name=name, programme=programme, by=priya, as_at=AS_AT)

    entry = AuditEntry.objects.get(channel="import", action="updated")
    assert entry.user == priya and entry.model == "actionplans.action"
    assert entry.changes == {"title": ["Re-align the budget", "Re-align the whole budget"]}


def test_a_new_programme_is_created_only_when_the_import_succeeds(priya):
    data, name = seed_001("csv")
    broken = csv_bytes([["Ref.", "Name", "% Complete"], ["X1", "Objective", None], ["X1.A", "Action", "300%"]])

    failed = import_commit(data=broken, file_name="broken.csv", new_programme_name="New plan", by=priya)
    done = import_commit(data=data, file_name=name, new_programme_name="New plan", by=priya, as_at=AS_AT)

    assert failed.ok is False and failed.programme is None
    assert done.ok and done.programme.name == "New plan" and done.programme_created
    assert done.programme.objectives.count() == 11
