"""Reports of the whole estate: every programme the user may report on, from one load of every tree,
each programme's figures the same as its own report's."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from actionplans.models import Action
from dashboards.models import ReportRun
from dashboards.reports.report import (
    ESTATE_NAME,
    action_plan_report,
    build_report,
    exception_report,
)
from programmes.models import Person
from programmes.roles import CLERK, OFFICER
from tests.dashboards.builders import JULY_15, council_plan
from tests.dashboards.reports.builders import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_plans(db):
    return council_plan("ASC"), council_plan("CSC")


def plan_rows(report):
    return [(r.level, r.kind, r.ref, r.parent_ref, r.percent_shown, r.rag) for r in report.sections[0].rows]


def test_the_estate_action_plan_is_each_programme_under_a_row_of_its_own(two_plans, clerk):
    estate = action_plan_report(None, as_at=JULY_15, user=clerk)

    expected = []
    for plan in sorted(two_plans, key=lambda p: p.programme.name):
        own = action_plan_report(plan.programme.pk, as_at=JULY_15, user=clerk)
        expected.append((0, "programme", own.programme_ref, "", own.percent_shown, own.rag))
        expected += [(level, kind, ref, parent or own.programme_ref, percent, rag)
                     for level, kind, ref, parent, percent, rag in plan_rows(own)]
    assert plan_rows(estate) == expected
    assert estate.programme == f"{ESTATE_NAME} (2)"
    counts = {c.rag: c.count for c in estate.distribution}
    assert sum(counts.values()) == sum(1 for r in estate.sections[0].rows if r.kind == "action")


def test_the_estate_exceptions_are_every_programmes_worst_first(two_plans, clerk):
    estate = exception_report(None, as_at=JULY_15, user=clerk)
    singles = [exception_report(p.programme.pk, as_at=JULY_15, user=clerk) for p in two_plans]

    assert sorted(r.ref for r in estate.sections[0].rows) == sorted(
        r.ref for report in singles for r in report.sections[0].rows)
    reds = [r.rag == "red" for r in estate.sections[0].rows]
    assert reds == sorted(reds, reverse=True)  # every red before anything else


def test_an_officer_s_estate_is_their_own_actions_across_programmes(two_plans):
    officer = UserFactory(username="gill", role=OFFICER)
    gill = Person.objects.filter(name="Gill Kerr").order_by("pk").first()
    Person.objects.filter(pk=gill.pk).update(user=officer)
    Action.objects.filter(responsible__name="Gill Kerr").update(responsible=gill)

    estate = action_plan_report(None, as_at=JULY_15, user=officer, with_movement=False)

    actions = {r.ref for r in estate.rows if r.kind == "action"}
    singles = {r.ref for plan in two_plans for r in action_plan_report(
        plan.programme.pk, as_at=JULY_15, user=officer, with_movement=False).rows if r.kind == "action"}
    assert actions == singles
    assert {ref[:3] for ref in actions} == {"ASC", "CSC"} and "ASC1.2.A" not in actions


def test_a_highlight_report_of_every_programme_is_refused(two_plans, clerk):
    with pytest.raises(ValueError, match="one programme"):
        build_report("highlight", None, as_at=JULY_15, user=clerk)


def test_the_reports_page_makes_an_estate_report_in_the_background(client, two_plans,
                                                                  django_capture_on_commit_callbacks):
    signed_in(client, CLERK)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports"), {"programme": "all", "kind": "action-plan", "file_format": "csv",
                                                    "as_at": JULY_15.isoformat()})

    run = ReportRun.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse("report_run", args=[run.pk])
    assert (run.programme_id, run.status) == (None, "done")
    page = client.get(response["Location"]).content.decode()
    assert "All programmes" in page
    rows = list(csv.DictReader(io.StringIO(bytes(run.content).decode("utf-8-sig"))))
    assert {row["Reference"] for row in rows if row["Kind"] == "Programme"} == {"ASC", "CSC"}


def test_the_reports_page_refuses_a_highlight_of_every_programme_next_to_the_field(client, two_plans):
    signed_in(client, CLERK)

    response = client.post(reverse("reports"), {"programme": "all", "kind": "highlight", "file_format": "csv"})

    body = response.content.decode()
    assert response.status_code == 200 and not ReportRun.objects.exists()
    assert "A highlight report is of one programme or objective" in body
    assert 'href="#id_kind' in body  # the error summary links to the field


def test_the_command_writes_the_estate(two_plans, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "estate.csv"
    out = io.StringIO()
    call_command("export_report", "--all-programmes", "--kind", "exceptions", "--format", "csv",
                 "--as-at", JULY_15.isoformat(), "--output", str(path), stdout=out)

    assert "All programmes (2)" in out.getvalue()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert {row["Reference"][:3] for row in rows} == {"ASC", "CSC"}


def test_the_estate_action_plan_adds_what_moved_only_when_a_date_is_given(two_plans, clerk):
    plain = action_plan_report(None, as_at=JULY_15, user=clerk)
    compared = action_plan_report(None, as_at=JULY_15, user=clerk, compare=date(2024, 6, 30))

    assert [s.title for s in plain.sections] == ["Objectives and actions"]
    assert [s.title for s in compared.sections][1:] == ["Changed colour", "Completed", "Due dates moved",
                                                       "Not updated", "Added"]
    assert plain.sections[0] == compared.sections[0]
