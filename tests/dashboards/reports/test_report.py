"""The action plan report's rows: seed 001 in its own layout, every figure the engine's, scoped."""

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from actionplans.rollup import compute_tree
from actionplans.services import action_record_progress
from dashboards.reports.report import action_plan_report
from governance.imports.service import import_commit
from programmes import rules
from programmes.html import rich_text_as_plain
from programmes.roles import OFFICER
from tests.factories import ActionFactory, PersonFactory, ProgrammeFactory, UserFactory
from tests.governance.imports.builders import seed_001

pytestmark = pytest.mark.django_db

AS_AT = date(2024, 6, 30)
SEED_001 = Path(settings.BASE_DIR) / "fixtures" / "asc_action_plan_2024_25.csv"



@pytest.fixture
def seed_plan(db):
    programme = ProgrammeFactory(name="Adult social care action plan 2024/25", short_name="ASC2425", owner=None,
                                 start_date=date(2024, 4, 1))
    data, name = seed_001("csv")
    assert import_commit(data=data, file_name=name, programme=programme, as_at=AS_AT).ok
    return programme


def engine_results(programme, as_at):
    tree = compute_tree(programme.pk, as_at=as_at)
    return {r.ref: r for r in rules.iter_results(tree.result)}


def test_the_seed_001_report_lists_its_11_objectives_and_71_actions_in_the_papers_order(seed_plan, clerk):
    report = action_plan_report(seed_plan.pk, as_at=AS_AT, user=clerk)

    with SEED_001.open(encoding="utf-8-sig", newline="") as f:
        papers_order = [row["Ref."] for row in csv.DictReader(f) if row["Ref."].strip()]
    assert [r.ref for r in report.sections[0].rows] == papers_order
    assert sum(r.kind == "objective" for r in report.sections[0].rows) == 11
    assert sum(r.kind == "action" for r in report.sections[0].rows) == 71
    assert report.as_at_shown == "30 June 2024"


def test_every_percent_and_colour_is_the_engines_for_the_same_date(seed_plan, clerk):
    report = action_plan_report(seed_plan.pk, as_at=AS_AT, user=clerk)
    results = engine_results(seed_plan, AS_AT)

    for row in report.sections[0].rows:
        result = results[row.ref]
        assert row.percent == result.percent, row.ref
        shown = rules.display_percent(result.percent)
        assert row.percent_shown == ("–" if shown is None else f"{shown}%"), row.ref
        assert (row.rag, row.rag_label) == (result.rag.value, result.rag.label), row.ref
    programme = results[seed_plan.short_name]
    assert report.rag == programme.rag.value
    assert {c.rag: c.count for c in report.distribution} == {
        rag.value: programme.distribution.get(rag, 0) for rag in rules.RAG_ORDER}
    # The papers' own stated percents for two objectives differ from the rule; the report gives the rule's.
    assert {r.ref: r.percent_shown for r in report.sections[0].rows if r.ref in ("ASC2401", "ASC2410")} == {
        "ASC2401": "48%", "ASC2410": "26%"}


def test_each_action_carries_its_latest_commentary_from_the_papers(seed_plan, clerk):
    report = action_plan_report(seed_plan.pk, as_at=AS_AT, user=clerk)

    with SEED_001.open(encoding="utf-8-sig", newline="") as f:
        notes = {row["Ref."]: row["Latest Note"] for row in csv.DictReader(f)}
    actions = [r for r in report.sections[0].rows if r.kind == "action"]
    assert sum(bool(r.commentary_text) for r in actions) == sum(bool(notes[r.ref].strip()) for r in actions)
    for row in actions:
        assert row.commentary_text == rich_text_as_plain(notes[row.ref]), row.ref
        assert "<script" not in row.commentary_html


def test_the_commentary_is_the_latest_written_on_or_before_the_date(clerk):
    action = ActionFactory(start_date=date(2024, 4, 1), due_date=date(2025, 3, 31))
    for day, words in ((date(2024, 5, 1), "<p>Scoping done.</p>"), (date(2024, 6, 10), ""),
                       (date(2024, 7, 15), "<p>Consultation open.</p>")):
        action_record_progress(action=action, percent=30, status="in_progress", effective_date=day,
                               commentary=words, channel="command")
        action.refresh_from_db()

    def note_on(day):
        report = action_plan_report(action.programme_id, as_at=day, user=clerk)
        return next(r.commentary_text for r in report.sections[0].rows if r.ref == action.reference)

    assert note_on(date(2024, 4, 30)) == ""
    assert note_on(AS_AT) == "Scoping done."  # the update of 10 June said nothing new
    assert note_on(date(2024, 7, 31)) == "Consultation open."


def test_an_officer_sees_only_their_actions_and_the_objectives_above_them(seed_plan):
    officer = UserFactory(username="olu", role=OFFICER)
    olu = PersonFactory(name="Olu Adeyemi", user=officer)
    mine = seed_plan.actions.get(reference="ASC2403.B")
    mine.responsible = olu
    mine.save()

    report = action_plan_report(seed_plan.pk, as_at=AS_AT, user=officer)

    assert [(r.kind, r.ref) for r in report.sections[0].rows] == [("objective", "ASC2403"), ("action", "ASC2403.B")]


def test_a_later_date_gives_the_figures_of_that_date(seed_plan, clerk):
    later = AS_AT + timedelta(days=120)
    report = action_plan_report(seed_plan.pk, as_at=later, user=clerk)
    results = engine_results(seed_plan, later)

    assert [(r.ref, r.rag) for r in report.sections[0].rows] == [(r.ref, results[r.ref].rag.value) for r in report.sections[0].rows]
    assert report.as_at_shown == rules.uk_date(later)


def test_no_report_for_a_programme_that_does_not_exist(clerk):
    assert action_plan_report(999_999, as_at=AS_AT, user=clerk) is None


def test_an_objectives_report_covers_it_and_what_sits_under_it(seed_plan, clerk):
    objective = seed_plan.objectives.get(reference="ASC2403")

    report = action_plan_report(seed_plan.pk, as_at=AS_AT, user=clerk, objective_id=objective.pk)

    results = engine_results(seed_plan, AS_AT)
    assert report.sections[0].rows[0].ref == "ASC2403"
    assert {r.ref for r in report.sections[0].rows[1:]} == {a.reference for a in objective.actions.all()}
    assert (report.programme_ref, report.rag) == ("ASC2403", results["ASC2403"].rag.value)
    assert report.programme.startswith("ASC2403 ") and report.file_stem.startswith("ASC2403-action-plan-")


def test_no_report_for_an_objective_of_another_programme(seed_plan, clerk):
    other = ProgrammeFactory(short_name="OTHER")
    stranger = other.objectives.create(reference="X1", title="Elsewhere")

    assert action_plan_report(seed_plan.pk, as_at=AS_AT, user=clerk, objective_id=stranger.pk) is None


def test_the_reports_page_says_when_it_reports_on_one_objective(seed_plan, clerk, client):
    objective = seed_plan.objectives.get(reference="ASC2403")
    client.force_login(clerk)

    page = client.get(reverse("reports"), {"programme": seed_plan.pk, "objective": objective.pk}).content.decode()
    csv_file = client.post(reverse("reports"), {"programme": seed_plan.pk, "objective": objective.pk,
                                               "kind": "exceptions", "file_format": "csv", "as_at": "2024-06-30"})

    assert f"Only objective <strong>ASC2403 {escape(objective.title)}</strong>" in page
    assert f'name="objective" value="{objective.pk}"' in page
    refs = {row["Reference"] for row in csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig")))}
    assert refs and all(ref.startswith("ASC2403") for ref in refs)
