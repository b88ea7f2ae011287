"""`manage.py export_report`: the Reports page's files from the command line."""

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.factories import ActionFactory, ObjectiveFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    programme = ProgrammeFactory(name="Council plan 2024/25", short_name="CP2425", start_date=date(2024, 4, 1))
    theme = ObjectiveFactory(programme=programme, reference="CP1")
    ActionFactory(objective=theme, reference="CP1.A", percent=40, due_date=date(2024, 5, 1))
    return programme


def test_it_writes_the_report_for_a_programme_named_by_its_short_name(plan, tmp_path):
    out = io.StringIO()
    path = tmp_path / "q1.xlsx"

    call_command("export_report", "--programme", "cp2425", "--format", "xlsx", "--as-at", "2024-06-30",
                 "--output", str(path), stdout=out)

    assert "as at 30 June 2024 (" in out.getvalue()
    assert "Objectives and actions: 2;" in out.getvalue()
    sheet = load_workbook(path).worksheets[0]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["CP1", "CP1.A"]


def test_it_writes_the_exception_report_too(plan, tmp_path):
    path = tmp_path / "exceptions.csv"

    call_command("export_report", "--programme", "Council plan 2024/25", "--kind", "exceptions", "--format",
                 "csv", "--as-at", "2024-06-30", "--output", str(path), stdout=io.StringIO())

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [row["Reference"] for row in rows if row["Section"] == "Actions"] == ["CP1.A"]


def test_an_unknown_programme_is_refused_in_plain_english(plan, tmp_path):
    with pytest.raises(CommandError, match="There is no programme called 'Nope'"):
        call_command("export_report", "--programme", "Nope", "--format", "csv", "--output", str(tmp_path / "x"))


def test_a_future_date_is_refused(plan, tmp_path):
    with pytest.raises(CommandError, match="today or in the past"):
        call_command("export_report", "--programme", "CP2425", "--format", "csv", "--as-at", "2999-01-01",
                     "--output", str(tmp_path / "x"))


def test_it_writes_the_report_of_one_objective(plan, tmp_path):
    other = ObjectiveFactory(programme=plan, reference="CP2")
    ActionFactory(objective=other, reference="CP2.A")
    path = tmp_path / "cp2.csv"

    call_command("export_report", "--programme", "CP2425", "--objective", "cp2", "--format", "csv",
                 "--output", str(path), stdout=io.StringIO())

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [row["Reference"] for row in rows if row["Section"] == "Objectives and actions"] == ["CP2", "CP2.A"]


def test_an_unknown_objective_is_refused(plan, tmp_path):
    with pytest.raises(CommandError, match="no objective 'CP9'"):
        call_command("export_report", "--programme", "CP2425", "--objective", "CP9", "--format", "csv",
                     "--output", str(tmp_path / "x"))
