"""Seed 001, the adult social care action plan 2024/25 Q1 report, against the engine."""

import csv
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from actionplans.rollup import compute_tree
from programmes.models import Objective
from programmes.rules import display_percent

pytestmark = pytest.mark.django_db

REPORT_DATE = date(2024, 6, 30)
LAST_ROUND = date(2024, 9, 30)  # the demo's last (illustrative) round of updates: the stored figures are today's


def stated_objective_percents() -> dict[str, int]:
    path = Path(settings.BASE_DIR) / "fixtures" / "asc_action_plan_2024_25.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return {
            row["Ref."]: int(row["% Complete"].rstrip("%"))
            for row in csv.DictReader(f)
            if "." not in row["Ref."]
        }


@pytest.fixture
def action_plan():
    call_command("load_demo", verbosity=0)
    return Objective.objects.get(reference="ASC2401").programme


def test_nine_objectives_show_the_councils_percent_and_two_are_a_point_higher(action_plan):
    stated = stated_objective_percents()
    tree = compute_tree(action_plan.pk, as_at=REPORT_DATE)
    shown = {
        result.ref: display_percent(result.percent)
        for key, result in tree.results_by_key().items()
        if key[0] == "objective"
    }

    assert len(stated) == 11 and set(shown) == set(stated)
    differences = {ref: (stated[ref], shown[ref]) for ref in stated if stated[ref] != shown[ref]}
    assert differences == {"ASC2401": (47, 48), "ASC2410": (25, 26)}


def test_the_stored_figures_agree_with_the_latest_updates_figures(action_plan):
    stored = dict(Objective.objects.filter(programme=action_plan).values_list("reference", "rollup_percent"))
    tree = compute_tree(action_plan.pk, as_at=LAST_ROUND)
    for key, result in tree.results_by_key().items():
        if key[0] == "objective":
            assert stored[result.ref] == pytest.approx(result.percent)
