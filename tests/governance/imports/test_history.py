"""The programme's start date and each quarter's history: an imported action's RAG is measured from
the start of the programme (1 April of the as-at date's financial year unless the admin says
otherwise), never from the day of the import; quarters imported in date order each keep their date."""

from datetime import date

import pytest

from actionplans.models import Action, ProgressUpdate
from actionplans.rollup import compute_tree, tree_as_dict
from governance.imports.service import financial_year_start, import_commit, import_preview
from programmes.models import AuditEntry, Programme

from .builders import csv_bytes

pytestmark = pytest.mark.django_db

Q1, Q2 = date(2024, 6, 30), date(2024, 9, 30)
HEADINGS = ["Ref.", "Name", "Due Date", "Status", "% Complete"]


def quarter(percent: str) -> bytes:
    return csv_bytes([HEADINGS, ["P1", "Objective", None, None, None],
                      ["P1.1", "Recruit the team", "31/12/2024", "In progress", percent]])


def rag_of(programme, ref: str, as_at: date) -> str:
    def find(node):
        if node["ref"] == ref:
            return node
        return next((found for child in node["children"] if (found := find(child))), None)

    return find(tree_as_dict(compute_tree(programme.pk, as_at=as_at)))["rag"]


@pytest.mark.parametrize(("as_at", "start"), [(date(2024, 6, 30), date(2024, 4, 1)),
                                              (date(2025, 3, 31), date(2024, 4, 1)),
                                              (date(2025, 4, 1), date(2025, 4, 1))])
def test_the_default_start_is_1_april_of_the_financial_year_of_the_as_at_date(as_at, start):
    assert financial_year_start(as_at) == start


def test_the_preview_shows_the_start_date_it_will_give_the_programme(priya):
    summary = import_preview(data=quarter("50%"), file_name="q1.csv", new_programme_name="Recruitment plan",
                             as_at=Q1).summary()

    assert summary["start_date"] == {"date": "2024-04-01", "source": "default", "changes": True}


def test_last_quarters_report_is_measured_from_the_programmes_start_not_the_import_day(priya):
    result = import_commit(data=quarter("25%"), file_name="q1.csv", new_programme_name="Recruitment plan",
                           by=priya, as_at=Q1)

    programme = Programme.objects.get(name="Recruitment plan")
    assert result.ok, result.errors
    assert programme.start_date == date(2024, 4, 1)
    # 25% by 30 June of an action running 1 April to 31 December (33% expected) is behind: amber.
    # Measured from the day of the import (after the as-at date) nothing would be expected yet: green.
    assert rag_of(programme, "P1.1", Q1) == "amber"


def test_an_existing_programme_without_a_start_date_is_given_one_and_it_is_audited(programme, priya):
    Programme.objects.filter(pk=programme.pk).update(start_date=None, end_date=None)
    programme.refresh_from_db()

    import_commit(data=quarter("50%"), file_name="q1.csv", programme=programme, by=priya, as_at=Q1)

    programme.refresh_from_db()
    assert programme.start_date == date(2024, 4, 1)
    entry = AuditEntry.objects.get(model="programmes.programme", action="updated", object_id=str(programme.pk))
    assert entry.channel == "import" and entry.user == priya


def test_the_admin_may_choose_another_start_date(programme, priya):
    summary = import_commit(data=quarter("50%"), file_name="q1.csv", programme=programme, by=priya, as_at=Q1,
                            options={"start_date": "2024-06-01"}).summary()

    programme.refresh_from_db()
    assert summary["start_date"]["source"] == "chosen" and programme.start_date == date(2024, 6, 1)


def test_a_programmes_own_start_date_is_kept(programme, priya):
    programme.start_date = date(2024, 5, 1)
    programme.save()

    summary = import_preview(data=quarter("50%"), file_name="q1.csv", programme=programme, as_at=Q1).summary()

    assert summary["start_date"] == {"date": "2024-05-01", "source": "programme", "changes": False}


def test_a_start_after_the_programmes_end_is_refused_in_the_preview(programme, priya):
    Programme.objects.filter(pk=programme.pk).update(start_date=None, end_date=date(2024, 3, 31))
    programme.refresh_from_db()

    result = import_commit(data=quarter("50%"), file_name="q1.csv", programme=programme, by=priya, as_at=Q1)

    assert result.ok is False and not Action.objects.exists()
    assert "after its end date" in result.errors[0].message


def test_quarters_imported_in_date_order_build_each_quarters_history_at_its_own_date(programme, priya):
    for as_at, percent in ((Q1, "25%"), (Q2, "70%")):
        result = import_commit(data=quarter(percent), file_name="report.csv", programme=programme, by=priya,
                               as_at=as_at)
        assert result.ok, result.errors

    action = Action.objects.get(reference="P1.1")
    history = list(ProgressUpdate.objects.filter(action=action).order_by("effective_date")
                   .values_list("effective_date", "percent"))
    assert history == [(Q1, 25), (Q2, 70)]
    assert (action.percent, action.last_updated_on) == (70, Q2)
    # 25% by 30 June (33% expected) is amber; 70% by 30 September (67% expected) is green.
    assert rag_of(programme, "P1.1", Q1) == "amber"
    assert rag_of(programme, "P1.1", Q2) == "green"
