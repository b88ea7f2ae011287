"""The commit writes everything or nothing, however big the file and wherever the error."""

import pytest
from django.db import DatabaseError

from actionplans.models import Action, ProgressUpdate
from governance.imports import writes
from governance.imports.service import import_commit
from programmes.models import AuditEntry, Objective, Person, Programme

from .builders import big_plan_rows, csv_bytes, seed_001, xlsx
from .conftest import AS_AT

pytestmark = pytest.mark.django_db

MODELS = (Programme, Objective, Action, ProgressUpdate, Person, AuditEntry)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_an_error_in_the_last_row_of_a_10000_row_workbook_writes_nothing(programme, priya):
    rows = big_plan_rows(10_000)
    rows[-1][4] = "150%"
    data = xlsx({"Action Plan": rows})
    before = counts()

    result = import_commit(data=data, file_name="big.xlsx", programme=programme, by=priya, as_at=AS_AT)

    assert result.ok is False and result.committed is False
    assert [(e.row, e.column) for e in result.errors] == [(len(rows), "% Complete")]
    assert result.summary()["created"]["actions"] == 10_000  # what would have been written
    assert counts() == before


def test_the_same_10000_row_file_without_the_error_is_written_whole(programme, priya):
    rows = big_plan_rows(10_000)

    result = import_commit(data=csv_bytes(rows), file_name="big.csv", programme=programme, by=priya,
                           as_at=AS_AT)

    assert result.ok, result.errors
    assert Action.objects.filter(programme=programme).count() == 10_000
    assert Objective.objects.filter(programme=programme).count() == 100
    assert ProgressUpdate.objects.filter(action__programme=programme).count() == 10_000
    assert Person.objects.count() == 40


def test_a_write_the_database_refuses_part_way_leaves_nothing_written(programme, priya, monkeypatch):
    def refuse(self):
        raise DatabaseError("disk full")

    monkeypatch.setattr(writes.Writer, "audit", refuse)
    data, name = seed_001("csv")
    before = counts()

    result = import_commit(data=data, file_name=name, programme=programme, by=priya, as_at=AS_AT)

    assert result.ok is False and result.committed is False
    assert "Nothing was imported" in result.errors[0].message
    assert counts() == before


def test_a_failed_import_into_a_new_programme_leaves_no_programme(priya):
    rows = big_plan_rows(50)
    rows[-1][2] = "31/02/2024"

    result = import_commit(data=csv_bytes(rows), file_name="plan.csv", new_programme_name="Fresh", by=priya,
                           as_at=AS_AT)

    assert result.ok is False
    assert not Programme.objects.filter(name="Fresh").exists()


def test_an_as_at_date_in_the_future_is_refused(programme):
    from datetime import timedelta

    from django.utils import timezone

    data, name = seed_001("csv")

    result = import_commit(data=data, file_name=name, programme=programme,
                           as_at=timezone.localdate() + timedelta(days=1))

    assert result.ok is False and "future" in result.errors[0].message
    assert Action.objects.count() == 0


@pytest.mark.parametrize("step", ["preview", "commit"])
def test_the_number_of_queries_does_not_grow_with_the_file(step, priya):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.imports.service import import_preview
    from tests.factories import ProgrammeFactory

    def queries(actions: int) -> int:
        programme = ProgrammeFactory()
        run = import_preview if step == "preview" else import_commit
        extra = {} if step == "preview" else {"by": priya}
        data = csv_bytes(big_plan_rows(actions, per_objective=10))
        with CaptureQueriesContext(connection) as captured:
            assert run(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT, **extra).ok
        return len(captured)

    small, big = queries(20), queries(600)
    if connection.vendor == "sqlite":
        # SQLite takes at most 999 values a statement, so Django splits each bulk INSERT of the
        # bigger file into a few; one query a row would add hundreds.
        assert big - small <= 30
    else:
        assert small == big
