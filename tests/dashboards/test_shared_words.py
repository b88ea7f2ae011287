"""Each app owns the words of its own records: one explanation, one date, one label per colour and status.

The officer's action page and the dashboard explain an objective with the same adapter and template;
a colour and a status are worded the same on the pages, in the admin's choices, the charts, the
engine's text and the workbook export.
"""

from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from actionplans.forms import DECLARABLE_RAGS
from actionplans.models import Action
from actionplans.rollup import compute_tree
from actionplans.selectors import action_history
from actionplans.services import action_record_progress
from dashboards import charts, selectors
from dashboards.filters import RAG_CHOICES
from governance.imports.export import HEADINGS, export_rows
from programmes import choices, rules
from programmes.admin import uk_date as admin_uk_date
from programmes.templatetags.ui import rag_label, rag_tag
from programmes.templatetags.ui import uk_date as uk_date_filter
from tests.dashboards.builders import council_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return council_plan()


class _Fragment(HTMLParser):
    """The markup inside every element whose class list holds `css_class`, as written."""

    def __init__(self, css_class):
        super().__init__(convert_charrefs=False)
        self.css_class, self.depth, self.found, self._parts = css_class, 0, [], []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            self._parts.append(self.get_starttag_text())
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        self.depth -= 1
        if self.depth:
            self._parts.append(f"</{tag}>")
        else:
            self.found.append("".join(self._parts).strip())
            self._parts = []

    def handle_data(self, data):
        if self.depth:
            self._parts.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def explanations(html: str) -> list[str]:
    parser = _Fragment("app-explanation")
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("objective,action", [("safeguarding", "audit"), ("front_door", "triage")])
def test_an_objective_is_explained_the_same_on_the_officers_page_and_the_dashboard(director, plan,
                                                                                   objective, action):
    objective = getattr(plan, objective)
    officer_page = director.get(reverse("action_detail", args=[plan.actions[action].pk])).content.decode()
    refetched = director.get(reverse("action_explanation", args=[plan.actions[action].pk]),
                             headers={"HX-Request": "true"}).content.decode()
    dashboard = director.get(reverse("explanation", args=[plan.programme.pk, "objective", objective.pk]))
    dashboard_page = dashboard.content.decode()

    [on_the_action_page] = explanations(officer_page)
    [after_a_save] = explanations(refetched)
    [on_the_dashboard] = explanations(dashboard_page)
    assert on_the_action_page == after_a_save == on_the_dashboard

    # And it is the engine's explanation: every child with its figures, weight and whether it counts.
    engine = compute_tree(plan.programme.pk).results_by_key()[("objective", objective.pk)].explanation
    assert engine.children
    for child in engine.children:
        percent = rules.display_percent(child.percent)
        assert (f'data-ref="{child.ref}" data-percent="{"" if percent is None else percent}" '
                f'data-rag="{child.rag.value}" data-weight="{rules.plain_number(child.weight)}"') in on_the_dashboard
    assert engine.percent_formula in on_the_dashboard and engine.rag_reason in on_the_dashboard
    assert f"What counts towards {objective.reference}" in on_the_dashboard


def test_a_child_left_out_says_why_in_the_one_explanation(director, plan):
    html = director.get(reverse("action_detail", args=[plan.actions["triage"].pk])).content.decode()
    [explanation] = explanations(html)
    assert "No: Cancelled" in explanation
    assert "Actions that are cancelled or deferred are left out" in explanation


# ---------------------------------------------------------------- one label per colour


def tag_word(rag) -> str:
    return str(rag_tag(rag)).rsplit('">', 1)[1].removesuffix("</strong>")


@pytest.mark.parametrize("rag", list(rules.Rag))
def test_a_colour_is_worded_the_same_in_the_admin_the_charts_the_engine_and_the_export(rag):
    label = rag.label
    assert choices.Rag(rag.value).label == label  # the admin and every model choice
    assert rag_label(rag) == rag_label(rag.value) == label  # announcements and pages
    bar = charts.rag_distribution_bar({rag: 1}, cid="c", subject="plan")
    assert label in bar.headers and f"{label} 1" in bar.description
    engine_text = rules.Explanation(  # the engine's account, as the rollup command and exports write it
        method=rules.PercentMethod.MEAN_OF_CHILDREN, policy=rules.RagPolicy.PROPORTION, thresholds={},
        children=(), percent_formula="", rag_reason="", distribution={rag: 2},
    ).as_text()
    assert f"{label} 2" in engine_text


@pytest.mark.parametrize("rag", list(rules.Rag))
def test_a_rag_tag_carries_the_colours_label(rag):
    assert tag_word(rag) == rag.label


def test_forms_and_filters_offer_each_colour_by_its_label():
    for value, text in DECLARABLE_RAGS + RAG_CHOICES:
        label = rules.Rag(value).label
        assert text == label or text.startswith(f"{label} (")


def test_the_workbook_export_words_a_declared_colour_and_a_status_by_their_labels(plan):
    training = plan.actions["training"]  # declared green
    Action.objects.filter(pk=plan.actions["triage"].pk).update(declared_rag="blue", status="on_hold")
    rows = export_rows(plan.programme)
    column = {name: i for i, name in enumerate(HEADINGS)}
    by_ref = {row[0]: row for row in rows[1:]}
    assert by_ref[training.reference][column["RAG"]] == rules.Rag.GREEN.label
    triage = by_ref[plan.actions["triage"].reference]
    assert triage[column["RAG"]] == rules.Rag.BLUE.label
    assert triage[column["Status"]] == rules.Status.ON_HOLD.label


# ---------------------------------------------------------------- one label per status


@pytest.mark.parametrize("status", list(rules.Status))
def test_a_status_is_worded_the_same_in_the_admin_the_dashboards_and_the_history(plan, status):
    assert choices.Status(status.value).label == status.label
    assert selectors.STATUS_LABELS[status.value] == status.label
    action = plan.actions["triage"]
    # Completed and Not started carry their own percent (a different one typed is refused).
    typed = None if status in (rules.Status.COMPLETED, rules.Status.NOT_STARTED) else 50
    action_record_progress(action=Action.objects.get(pk=action.pk), percent=typed, status=status.value,
                           channel="command", effective_date=date(2024, 7, 1))
    [newest, *_] = action_history(action.pk)
    changed = dict((what, after) for what, _, after in newest.changes)
    assert changed.get("Status", status.label) == status.label


# ---------------------------------------------------------------- one way to write a date


def test_every_date_is_written_by_the_one_formatter():
    day = date(2025, 3, 30)
    assert rules.uk_date(day) == uk_date_filter(day) == admin_uk_date(day) == "30 March 2025"
    # A datetime is the council's local date first: 23:30 UTC on 29 June is 30 June in London.
    late = datetime(2024, 6, 29, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert uk_date_filter(late) == admin_uk_date(late) == "30 June 2024"
    assert rules.uk_date(None) == uk_date_filter(None) == "" and admin_uk_date(None) == "–"
