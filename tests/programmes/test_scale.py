"""seed_scale: the benchmark data set, built small."""

import hashlib
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import OuterRef, Subquery

from actionplans.models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate
from programmes.models import ReportingPeriod
from governance.models import Risk
from programmes.models import Objective, Person, Programme
from actionplans.rollup import stored_matches_fresh
from programmes.scale import ScaleRefused, ScaleSpec, build_scale, period_rows
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

SMALL = dict(programmes=3, objectives=12, actions=60, updates=300, measures=5, periods=6, risks=10, people=40)
SMALL_ARGS = [f"--{name}={value}" for name, value in SMALL.items()]


def seed(**overrides) -> str:
    out = StringIO()
    call_command("seed_scale", *SMALL_ARGS, *[f"--{k}={v}" for k, v in overrides.items()], stdout=out)
    return out.getvalue()


def digest() -> str:
    """Everything the data set says, by reference (ids differ between runs)."""
    rows = [
        list(Programme.objects.order_by("short_name").values_list(
            "short_name", "name", "start_date", "percent_method", "rag_policy", "owner__name", "rollup_percent",
            "rollup_rag")),
        list(Objective.objects.order_by("programme__short_name", "reference").values_list(
            "programme__short_name", "reference", "parent__reference", "title", "kind", "weight", "owner__name",
            "manual_percent", "rollup_percent", "rollup_rag")),
        list(Action.objects.order_by("programme__short_name", "reference").values_list(
            "programme__short_name", "reference", "objective__reference", "title", "responsible__name",
            "start_date", "due_date", "revised_due_date", "is_milestone", "status", "percent", "declared_rag",
            "last_updated_on", "computed_rag")),
        list(ProgressUpdate.objects.order_by("action__programme__short_name", "action__reference",
                                             "effective_date", "id").values_list(
            "action__reference", "effective_date", "percent", "status", "commentary", "author_name")),
        list(MeasureTarget.objects.order_by("measure__reference", "period__start").values_list(
            "measure__reference", "period__name", "value", "band_low", "band_high", "text")),
        list(MeasureValue.objects.order_by("measure__reference", "period__start").values_list(
            "measure__reference", "period__name", "value")),
        list(Risk.objects.order_by("programme__short_name", "reference").values_list(
            "reference", "objective__reference", "current_likelihood", "current_impact", "review_date")),
        list(Person.objects.order_by("name").values_list("name", "job_title", "user__username")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_builds_exactly_the_counts_asked_for():
    out = seed()

    assert Programme.objects.count() == 3
    assert Objective.objects.count() == 12
    assert Action.objects.count() == 60
    assert ProgressUpdate.objects.count() == 300
    assert Measure.objects.count() == 5
    assert ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH).count() == 6
    assert MeasureTarget.objects.count() == MeasureValue.objects.count() == 5 * 6
    assert Risk.objects.count() == 10
    assert Person.objects.count() == 40
    assert "progress updates" in out and "Seeded the scale data set" in out


def test_the_same_arguments_make_the_same_data():
    digests = []
    for _ in range(2):
        with transaction.atomic():
            seed(today="2026-11-23")
            digests.append(digest())
            transaction.set_rollback(True)

    assert Programme.objects.count() == 0
    assert digests[0] == digests[1]


def test_another_seed_makes_different_data():
    digests = []
    for seed_value in (42, 43):
        with transaction.atomic():
            seed(today="2026-11-23", seed=seed_value)
            digests.append(digest())
            transaction.set_rollback(True)

    assert digests[0] != digests[1]


def test_every_actions_current_state_is_its_latest_update():
    seed()
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-effective_date", "-recorded_at", "-id")
    actions = Action.objects.annotate(
        latest_percent=Subquery(latest.values("percent")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        latest_on=Subquery(latest.values("effective_date")[:1]),
        latest_declared=Subquery(latest.values("declared_rag")[:1]),
    )

    mismatched = [
        a.reference for a in actions
        if a.latest_on is not None and (a.percent, a.status, a.last_updated_on, a.declared_rag)
        != (a.latest_percent, a.latest_status, a.latest_on, a.latest_declared)
    ]
    never_updated = [a for a in actions if a.latest_on is None]
    assert mismatched == []
    assert all(a.status == "not_started" and a.percent == 0 and a.last_updated_on is None for a in never_updated)


def test_percent_never_falls_in_an_actions_history():
    seed()
    previous = {}
    for action_id, percent in ProgressUpdate.objects.order_by("action_id", "effective_date", "id").values_list(
        "action_id", "percent"
    ):
        assert percent >= previous.get(action_id, 0)
        previous[action_id] = percent


def test_no_update_is_dated_after_the_day_the_data_was_shaped_around():
    seed(today="2025-06-30")

    assert not ProgressUpdate.objects.filter(effective_date__gt=date(2025, 6, 30)).exists()
    assert ProgressUpdate.objects.exists()


def test_the_stored_figures_equal_a_fresh_recomputation():
    seed()

    assert stored_matches_fresh() == []
    assert Programme.objects.filter(rollup_at__isnull=False).count() == 3


def test_it_refuses_a_database_that_already_has_programmes():
    ProgrammeFactory(short_name="ASC")

    with pytest.raises(CommandError, match="already has 1 programme"):
        seed()
    assert Action.objects.count() == 0


def test_it_refuses_fewer_objectives_than_programmes():
    with pytest.raises(ScaleRefused, match="at least one objective per programme"):
        build_scale(ScaleSpec(programmes=5, objectives=4))


def test_periods_end_with_the_current_financial_year_and_name_months_from_april():
    rows = period_rows(13, date(2026, 11, 23))
    months = [r for r in rows if r["kind"] == ReportingPeriod.Kind.MONTH]

    assert [m["name"] for m in months[:2]] == ["2025/26 M12", "2026/27 M01"]
    assert months[-1]["name"] == "2026/27 M12"
    assert months[-1]["start"] == date(2027, 3, 1) and months[-1]["end"] == date(2027, 3, 31)
    assert {r["name"] for r in rows if r["kind"] == ReportingPeriod.Kind.QUARTER} == {
        "2025/26 Q4", "2026/27 Q1", "2026/27 Q2", "2026/27 Q3", "2026/27 Q4"}
    assert {r["name"] for r in rows if r["kind"] == ReportingPeriod.Kind.YEAR} == {"2025/26", "2026/27"}
