"""`manage.py import_plan`: the JSON summary's shape and the exit status."""

import csv
import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from actionplans.models import Action
from programmes.models import AuditEntry, Programme

from .builders import SEED_001, csv_bytes

pytestmark = pytest.mark.django_db

KINDS = {"objectives", "actions", "measures", "risks", "people"}
SEED = str(SEED_001.with_suffix(".csv"))


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_plan", *args, stdout=out)
    except SystemExit as stop:
        return stop.code, out.getvalue()
    return 0, out.getvalue()


def test_the_json_summary_is_one_object_with_every_key(programme):
    status, out = run(SEED, "--programme", programme.short_name, "--format", "json", "--as-at", "2024-06-30")

    summary = json.loads(out)
    assert status == 0
    assert {"ok", "created", "updated", "unchanged", "errors", "warnings", "reconciliation"} <= set(summary)
    for key in ("created", "updated", "unchanged"):
        assert set(summary[key]) == KINDS
    assert summary["created"]["objectives"] == 11 and summary["created"]["actions"] == 71
    assert summary["reconciliation"][0].keys() >= {"ref", "stated", "computed"}
    assert summary["errors"] == [] and isinstance(summary["warnings"], list)


def test_a_dry_run_writes_nothing_and_exits_0_when_clean(programme):
    status, out = run(SEED, "--programme", programme.name, "--dry-run", "--format", "json")

    assert status == 0 and json.loads(out)["ok"] is True
    assert Action.objects.count() == 0


def test_errors_exit_1_with_each_error_located(programme, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(csv_bytes([["Ref.", "Name", "% Complete"], ["A1", "Objective", None],
                                ["A1.1", "Action", "250%"]]))

    status, out = run(str(path), "--programme", programme.short_name, "--format", "json")

    summary = json.loads(out)
    assert status == 1 and summary["ok"] is False
    assert summary["errors"] == [{"sheet": "broken.csv", "row": 3, "column": "% Complete",
                                  "message": "The percentage complete must be between 0 and 100; the file says 250%."}]
    assert Action.objects.count() == 0


def test_a_dry_run_with_errors_exits_1(programme, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(csv_bytes([["Ref.", "Name", "Due"], ["A1.1", "Action", "31/02/2024"]]))

    status, _ = run(str(path), "--programme", programme.short_name, "--dry-run")

    assert status == 1


def test_a_missing_programme_is_an_error_unless_create_is_given(db):
    missing, out = run(SEED, "--programme", "Brand new plan", "--format", "json")
    created, _ = run(SEED, "--programme", "Brand new plan", "--create", "--as-at", "2024-06-30")

    assert missing == 1 and "--create" in json.loads(out)["errors"][0]["message"]
    assert created == 0
    assert Programme.objects.get(name="Brand new plan").objectives.count() == 11


def test_the_text_summary_reads_as_sentences(programme):
    status, out = run(SEED, "--programme", programme.short_name, "--dry-run", "--as-at", "2024-06-30")

    assert status == 0
    assert "no errors. Nothing was written." in out
    assert "To create: 11 objectives, 71 actions, 0 measures, 0 risks, 0 people" in out
    assert "ASC2401: the file says 47%, calculated 48%" in out


def test_the_text_dry_run_lists_each_changed_field_old_and_new(programme, tmp_path):
    run(SEED, "--programme", programme.short_name, "--as-at", "2024-06-30")
    rows = list(csv.reader(io.StringIO(SEED_001.with_suffix(".csv").read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["Ref.", "Name"]
    edited = next(row for row in rows if row[0] == "ASC2401.A")
    old_title, edited[1] = edited[1], "Rewrite the front door scripts"
    path = tmp_path / "edited.csv"
    path.write_bytes(csv_bytes(rows))

    status, out = run(str(path), "--programme", programme.short_name, "--dry-run", "--as-at", "2024-06-30")

    assert status == 0
    assert "To update: 0 objectives, 1 action," in out
    assert "Changed actions (1):" in out
    assert f"- ASC2401.A: title “{old_title}” → “Rewrite the front door scripts”" in out


def test_the_user_is_recorded_in_the_audit(programme, priya):
    run(SEED, "--programme", programme.short_name, "--user", "priya", "--as-at", "2024-06-30")

    entries = AuditEntry.objects.filter(model="actionplans.action", action="created")
    assert entries.count() == 71 and set(entries.values_list("user", "channel")) == {(priya.pk, "import")}


def test_an_unreadable_file_exits_1_with_the_reason(programme, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"Ref.,Name\nA1,Objective\n")

    status, out = run(str(path), "--programme", programme.short_name, "--format", "json")

    assert status == 1 and "not an Excel workbook" in json.loads(out)["errors"][0]["message"]


def test_the_process_exit_status_is_1_when_nothing_was_written(tmp_path):
    """The real command line, not call_command: the shell sees exit status 1. (A missing file is
    refused before the database is touched, so this runs whatever database the machine has.)"""
    path = tmp_path / "missing.xlsx"

    done = subprocess.run([sys.executable, "manage.py", "import_plan", str(path), "--programme", "Nope",
                           "--format", "json"], cwd=settings.BASE_DIR, capture_output=True, text=True,
                          timeout=120)

    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["ok"] is False


def test_the_command_takes_the_start_date_a_flat_plans_objective_and_merges(tmp_path, priya):
    path = tmp_path / "flat.csv"
    path.write_bytes(csv_bytes([["No.", "Action", "Owner", "Status"], [1, "Agree the plan", "Pete Kelleher", "Done"],
                                [2, "Publish it", "Peter Kelleher", "Not started"]]))

    status, out = run(str(path), "--programme", "Flat plan", "--create", "--as-at", "2024-06-30",
                      "--start-date", "2024-05-01", "--objective-name", "Workforce plan",
                      "--merge", "Pete Kelleher=Peter Kelleher")

    assert status == 0, out
    programme = Programme.objects.get(name="Flat plan")
    assert str(programme.start_date) == "2024-05-01"
    assert "Programme start date: 1 May 2024 (as chosen)" in out
    assert {a.objective.title for a in Action.objects.select_related("objective")} == {"Workforce plan"}
    assert {a.responsible.name for a in Action.objects.select_related("responsible")} == {"Peter Kelleher"}
