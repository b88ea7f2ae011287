"""The dashboard pages and partials: who may see them, what they show, and what they cost."""

import logging
import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from actionplans.models import Action
from actionplans.rollup import compute_tree, compute_trees
from dashboards import selectors
from programmes.models import Person
from tests.dashboards.builders import JULY_15, council_plan, record
from tests.dashboards.pages import elements, engine_figures, figures
from tests.factories import (
    ActionFactory,
    BoardFactory,
    MeasureFactory,
    MeasureValueFactory,
    ObjectiveFactory,
    OrgUnitFactory,
    ProgrammeFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db
QUERY_BUDGET = 20


@pytest.fixture
def plan():
    return council_plan()


def every_url(plan):
    pk = plan.programme.pk
    return {
        "portfolio": reverse("portfolio"),
        "exceptions": reverse("exceptions"),
        "programme": reverse("programme_dashboard", args=[pk]),
        "objective": reverse("objective_dashboard", args=[pk, plan.theme.pk]),
        "explanation": reverse("explanation", args=[pk, "objective", plan.safeguarding.pk]),
        "action explanation": reverse("explanation", args=[pk, "action", plan.actions["training"].pk]),
        "risks": reverse("risk_list", args=[pk]),
    }


PAGES = ["portfolio", "exceptions", "programme", "objective", "explanation", "action explanation", "risks"]
PARTIALS = ["objective", "explanation", "action explanation"]


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("page", PAGES)
def test_an_officer_is_refused_every_dashboard_and_the_refusal_is_logged(client, officer, plan, page, caplog):
    client.force_login(officer)
    with caplog.at_level(logging.WARNING, logger="programmes.permissions"):
        response = client.get(every_url(plan)[page])
    assert response.status_code == 403
    assert "dashboards are for leadership" in caplog.text


PROGRAMME_PAGES = ["programme", "objective", "explanation", "action explanation", "risks"]


@pytest.mark.parametrize("page", PROGRAMME_PAGES)
def test_an_officer_reads_the_dashboards_of_a_programme_where_they_own_an_action(client, officer, plan, page):
    Action.objects.filter(pk=plan.actions["triage"].pk).update(responsible=Person.objects.get(user=officer))
    client.force_login(officer)
    assert client.get(every_url(plan)[page]).status_code == 200
    other = ActionFactory().programme  # a programme where Olly owns nothing
    refused = {"programme": reverse("programme_dashboard", args=[other.pk]),
               "risks": reverse("risk_list", args=[other.pk])}
    for url in refused.values():
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("page", ["portfolio", "exceptions"])
def test_an_officer_who_owns_an_action_still_cannot_read_the_whole_portfolio(client, officer, plan, page):
    plan.actions["triage"].delegates.add(Person.objects.get(user=officer))
    client.force_login(officer)
    assert client.get(every_url(plan)[page]).status_code == 403


@pytest.mark.parametrize("page", PARTIALS)
def test_an_officer_is_refused_every_partial_too(client, officer, plan, page):
    client.force_login(officer)
    assert client.get(every_url(plan)[page], headers={"HX-Request": "true"}).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, plan, page):
    url = every_url(plan)[page]
    response = client.get(url)
    assert response.status_code == 302
    target = urlparse(response.url)
    assert target.path == resolve_url(settings.LOGIN_URL)
    assert parse_qs(target.query)["next"] == [url]


@pytest.mark.parametrize("page", PARTIALS)
def test_a_partial_fetched_without_signing_in_sends_the_whole_page_to_sign_in(client, plan, page):
    response = client.get(every_url(plan)[page], headers={"HX-Request": "true", "HX-Current-URL": "/dashboards/"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    assert b"<" not in response.content


@pytest.mark.parametrize("reader", ["leadership", "clerk", "admin_user", "manager"])
@pytest.mark.parametrize("page", PAGES)
def test_leadership_managers_admins_and_clerks_can_read_every_dashboard(client, request, plan, reader, page):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(every_url(plan)[page]).status_code == 200


def test_a_user_with_no_role_is_refused(client, plan, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get(reverse("portfolio")).status_code == 403


# ---------------------------------------------------------------- home


def test_home_sends_a_visitor_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert urlparse(response.url).path == resolve_url(settings.LOGIN_URL)


def test_home_sends_leadership_to_the_portfolio(director):
    assert director.get(reverse("home")).url == reverse("portfolio")


def test_home_sends_an_officer_to_their_actions(client, officer):
    client.force_login(officer)
    try:
        expected = reverse("my_actions")
    except NoReverseMatch:
        expected = reverse("portfolio")
    assert client.get(reverse("home")).url == expected


# ---------------------------------------------------------------- the figures are the engine's


def test_the_portfolio_shows_the_engines_figures_for_every_programme(director, plan):
    ProgrammeFactory(name="An empty programme")
    shown = figures(director.get(reverse("portfolio")).content.decode())
    expected = {}
    for tree in compute_trees():
        expected.update({k: v for k, v in engine_figures(tree).items() if k[0] == "programme"})
    assert shown == expected
    assert ("programme", plan.programme.short_name) in shown


def expand_everything(client, html: str, query: str = "") -> dict:
    """Open every level of the tree through its htmx URL, as a reader clicking each row would."""
    shown, pending = figures(html), [a["hx-get"] for _, a in elements(html) if "data-tree-toggle" in a]
    while pending:
        url = pending.pop()
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        part = response.content.decode()
        assert "<html" not in part
        shown.update(figures(part))
        pending += [a["hx-get"] for _, a in elements(part) if "data-tree-toggle" in a]
    return shown


def test_the_programme_tree_shows_the_engines_figures_down_to_every_action(director, plan):
    html = director.get(reverse("programme_dashboard", args=[plan.programme.pk])).content.decode()
    assert expand_everything(director, html) == engine_figures(compute_tree(plan.programme.pk))


def test_as_at_a_past_date_every_figure_is_recomputed_for_that_date(director, plan):
    pk = plan.programme.pk
    now = figures(director.get(reverse("programme_dashboard", args=[pk])).content.decode())
    html = director.get(reverse("programme_dashboard", args=[pk]), {"as_at": "2024-07-15"}).content.decode()
    then = expand_everything(director, html)

    assert then == engine_figures(compute_tree(pk, as_at=JULY_15))
    assert then[("programme", "ASC")] != now[("programme", "ASC")]
    toggles = [a["hx-get"] for _, a in elements(html) if "data-tree-toggle" in a]
    assert toggles and all(url.endswith("?as_at=2024-07-15") for url in toggles)


def test_choosing_a_period_end_shows_the_figures_for_its_last_day(director, plan):
    response = director.get(reverse("portfolio"), {"as_at": "", "period_end": "2024-06-30"})
    shown = figures(response.content.decode())
    [tree] = compute_trees(as_at=JULY_15.replace(day=1) - timezone.timedelta(days=1))
    assert shown[("programme", "ASC")] == engine_figures(tree)[("programme", "ASC")]
    assert 'data-as-at="2024-06-30"' in response.content.decode()


def test_the_portfolio_says_what_moved_since_the_previous_quarter(director, plan):
    html = director.get(reverse("portfolio"), {"as_at": "2024-07-15"}).content.decode()
    assert "Since 2024/25 Q1" in html
    moves = next(a["data-moves"] for _, a in elements(html) if "data-moves" in a)
    assert moves == "red:1"
    assert "1 moved to Red" in html


@pytest.mark.parametrize("page", PAGES)
def test_year_1_is_answered_with_an_error_beside_the_field_not_a_server_error(director, plan, page):
    response = director.get(every_url(plan)[page], {"as_at": "0001-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    beside = html.split('id="id_as_at-error"')[1].split("</p>")[0]
    assert "The as-at date must be the same as or after 1 January 2000." in beside
    assert 'href="#id_as_at-day"' in html  # the error summary links to the first box
    assert f'data-as-at="{timezone.localdate():%Y-%m-%d}"' in html


def test_a_date_typed_in_three_boxes_shows_the_figures_for_that_day(director, plan):
    html = director.get(reverse("portfolio"), {"as_at-day": "15", "as_at-month": "7", "as_at-year": "2024"}).content.decode()
    assert 'data-as-at="2024-07-15"' in html and "Figures as at 15 July 2024" in html
    assert 'name="as_at-day" type="text" inputmode="numeric" value="15"' in html


def test_a_future_date_is_refused_and_todays_figures_are_shown(director, plan):
    response = director.get(reverse("portfolio"), {"as_at": "2099-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The as-at date must be today or in the past." in html
    assert f'data-as-at="{timezone.localdate():%Y-%m-%d}"' in html


def test_the_exceptions_page_shows_the_engines_figures_for_each_item(director, plan):
    html = director.get(reverse("exceptions")).content.decode()
    shown = figures(html)
    expected = engine_figures(compute_tree(plan.programme.pk))
    assert shown and all(expected[key] == value for key, value in shown.items())
    assert ("action", "ASC1.1.A") not in shown  # completed
    reasons = {a["data-ref"]: a["data-reasons"] for _, a in elements(html) if "data-reasons" in a}
    assert reasons["ASC1.1.B"] == "Red,Overdue,Not updated,Declared greener"


def test_the_exceptions_page_shows_the_worst_first_and_links_to_the_rest(director, plan, monkeypatch):
    monkeypatch.setattr("dashboards.views.EXCEPTIONS_PER_PROGRAMME", 3)
    html = director.get(reverse("exceptions")).content.decode()
    listed = [(a["data-kind"], a["data-ref"]) for _, a in elements(html) if "data-reasons" in a]
    assert [kind for kind, _ in listed] == ["action"] * 3  # what someone can act on comes first
    assert listed[0] == ("action", "ASC1.1.B")  # Red and overdue: the most serious
    assert "9 items, the 3 most serious shown" in html
    everything = f'{reverse("exceptions")}?programme={plan.programme.pk}'
    assert f'href="{everything}"' in html
    whole = director.get(everything).content.decode()
    kinds = [a["data-kind"] for _, a in elements(whole) if "data-reasons" in a]
    assert len(kinds) == 9 and kinds == sorted(kinds)  # every action, then every objective
    assert '<li class="govuk-breadcrumbs__list-item" aria-current="page">Adult social care' in whole


def test_each_exception_says_why_it_is_there_in_words_with_the_latest_commentary(director, plan):
    record(plan.actions["triage"], 15, JULY_15, commentary="<p>Two new call handlers start in August.</p>")
    record(plan.actions["triage"], 15, date(2024, 7, 20))  # no words: the ones before still stand
    html = director.get(reverse("exceptions"), {"as_at": "2024-07-31", "programme": plan.programme.pk}).content.decode()
    row = html.split('data-ref="ASC1.2.A"')[1].split("</tr>")[0]
    assert "Red: due 31 March 2025, 15% done, 33% expected" in row  # 121 of 364 days gone
    assert "Two new call handlers start in August." in row
    objective = html.split('data-ref="ASC1.2"')[1].split("</tr>")[0]
    assert "See its actions" in objective and "Red" in objective
    assert html.index('data-ref="ASC1.2.A"') < html.index('data-ref="ASC1.2"')


def test_exceptions_of_an_unknown_programme_are_not_found(director, plan):
    assert director.get(reverse("exceptions"), {"programme": 999_999}).status_code == 404


# ---------------------------------------------------------------- kept pages


def test_a_kept_page_shows_a_new_update_at_once(director, plan):
    url = reverse("programme_dashboard", args=[plan.programme.pk])
    before = figures(director.get(url).content.decode())[("programme", "ASC")]
    record(plan.actions["triage"], 100, timezone.localdate(), status="completed")
    after = figures(director.get(url).content.decode())[("programme", "ASC")]
    assert after != before
    assert after == engine_figures(compute_tree(plan.programme.pk))[("programme", "ASC")]


def test_a_kept_page_carries_nothing_of_the_person_who_first_saw_it(client, plan, leadership, clerk):
    client.force_login(leadership)
    client.get(reverse("portfolio"))
    client.force_login(clerk)
    html = client.get(reverse("portfolio")).content.decode()
    assert clerk.get_full_name() != leadership.get_full_name()
    assert clerk.get_full_name() in html and leadership.get_full_name() not in html


def test_only_the_pages_own_parameters_are_carried_into_the_date_form(director, plan):
    html = director.get(reverse("programme_dashboard", args=[plan.programme.pk]),
                        {"rag": "red", "utm_source": "email"}).content.decode()
    hidden = [(a["name"], a["value"]) for tag, a in elements(html) if tag == "input" and a.get("type") == "hidden"]
    assert ("rag", "red") in hidden and not any(name == "utm_source" for name, _ in hidden)


# ---------------------------------------------------------------- htmx partials and fallbacks


def test_an_expanded_level_is_only_the_partial(director, plan):
    url = reverse("objective_dashboard", args=[plan.programme.pk, plan.theme.pk])
    partial = director.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<ul class="dashboard-tree"')
    assert "ASC1.1 Safeguarding adults" in partial and "ASC1.2 Front door" in partial
    assert "Keeping people safe</h1>" not in partial


def test_without_javascript_an_objective_is_a_page_of_its_own(director, plan):
    url = reverse("objective_dashboard", args=[plan.programme.pk, plan.safeguarding.pk])
    html = director.get(url).content.decode()
    assert "<h1" in html and "ASC1.1 Safeguarding adults" in html
    assert figures(html)[("action", "ASC1.1.B")]


def test_an_explanation_is_one_click_away_with_and_without_javascript(director, plan):
    url = reverse("explanation", args=[plan.programme.pk, "objective", plan.safeguarding.pk])
    page = director.get(reverse("programme_dashboard", args=[plan.programme.pk])).content.decode()
    assert f'hx-get="{reverse("explanation", args=[plan.programme.pk, "programme", plan.programme.pk])}"' in page
    partial = director.get(url + "?as_at=2024-07-15", headers={"HX-Request": "true"}).content.decode()
    assert "<h1" not in partial
    assert "(40×1 + 30×1 + 0×1) ÷ 3 = 23.33" in partial
    assert "Red: red weight 2 is at least a third of the counted weight 3" in partial
    full = director.get(url + "?as_at=2024-07-15").content.decode()
    assert "How ASC1.1 was worked out</h1>" in full


def test_an_action_explains_its_rag_from_the_schedule(director, plan):
    url = reverse("explanation", args=[plan.programme.pk, "action", plan.actions["audit"].pk])
    html = director.get(url, {"as_at": "2024-07-15"}).content.decode()
    # Figures shown rounded: 40 of 57.69 expected is performance 69.33, shown 69%.
    assert "40% done against 58% expected by 15 July 2024" in html
    assert "performance 69%, red below 70%" in html and "57.69" not in html


@pytest.mark.parametrize("name,args", [
    ("programme_dashboard", lambda plan: [999_999]),
    ("objective_dashboard", lambda plan: [plan.programme.pk, 999_999]),
    ("explanation", lambda plan: [plan.programme.pk, "risk", 1]),
    ("explanation", lambda plan: [plan.programme.pk, "action", 999_999]),
    ("risk_list", lambda plan: [999_999]),
])
def test_unknown_things_are_not_found(director, plan, name, args):
    assert director.get(reverse(name, args=args(plan))).status_code == 404


def test_an_objective_of_another_programme_is_not_found_under_this_one(director, plan):
    other = ObjectiveFactory()
    assert director.get(reverse("objective_dashboard", args=[plan.programme.pk, other.pk])).status_code == 404


# ---------------------------------------------------------------- filters and lists


def test_filters_are_in_the_url_and_list_only_matching_actions(director, plan):
    pk = plan.programme.pk
    gill = plan.people["Gill Kerr"].pk
    response = director.get(reverse("programme_dashboard", args=[pk]),
                            {"owner": gill, "rag": ["red"], "as_at": "2024-07-15"})
    html = response.content.decode()
    shown = figures(html, kinds=("action",))
    assert sorted(ref for _, ref in shown) == ["ASC1.1.A", "ASC1.1.C"]
    assert "2 actions</strong> match the filters" in html
    # Changing the date keeps the filters.
    kept = [(a["name"], a["value"]) for tag, a in elements(html) if tag == "input" and a.get("type") == "hidden"]
    assert ("owner", str(gill)) in kept and ("rag", "red") in kept


def test_filters_that_match_nothing_say_so(director, plan):
    html = director.get(reverse("programme_dashboard", args=[plan.programme.pk]), {"rag": ["blue"],
                        "status": ["on_hold"]}).content.decode()
    assert "No actions match" in html


def test_a_bad_filter_is_explained_in_an_error_summary(director, plan):
    html = director.get(reverse("programme_dashboard", args=[plan.programme.pk]),
                        {"due_within": "soon"}).content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_due_within">Enter a whole number of days from 1 to 3650.' in html


def test_the_heat_map_links_each_count_to_the_risk_list(director, plan):
    pk = plan.programme.pk
    html = director.get(reverse("programme_dashboard", args=[pk]), {"as_at": "2024-07-15"}).content.decode()
    cell = next(a for _, a in elements(html) if a.get("data-likelihood") == "4" and a.get("data-impact") == "5")
    assert cell["data-count"] == "2"
    link = f'{reverse("risk_list", args=[pk])}?likelihood=4&amp;impact=5&amp;as_at=2024-07-15'
    assert link in html
    risks = director.get(reverse("risk_list", args=[pk]), {"likelihood": 4, "impact": 5}).content.decode()
    assert [a["data-ref"] for _, a in elements(risks) if "data-score" in a] == ["R1", "R2"]


# ---------------------------------------------------------------- charts on the pages


def test_every_chart_on_a_page_is_titled_described_and_has_its_numbers_in_a_table(director, plan):
    html = director.get(reverse("programme_dashboard", args=[plan.programme.pk])).content.decode()
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) >= 5
    for svg in svgs:
        labelled = re.search(r'role="img" aria-labelledby="([\w-]+) ([\w-]+)"', svg)
        assert labelled, svg[:120]
        assert f'<title id="{labelled[1]}">' in svg and f'<desc id="{labelled[2]}">' in svg
    # The programme's distribution: the numbers in the bar are the numbers in the table beside it.
    bar = re.search(r'(<svg [^>]*class="dashboard-chart--bar".*?</svg>)\s*<table.*?</table>', html, flags=re.S)
    in_bar = re.findall(r">(\d+)</text>", bar[1])
    in_table = re.findall(r'numeric">(\d+)</td>', bar[0])
    assert [int(n) for n in in_table][:5] == [1, 0, 0, 5, 1]
    assert [int(n) for n in in_bar] == [n for n in map(int, in_table[:5]) if n]


def test_every_page_has_a_rag_key_and_an_as_at_selector(director, plan):
    for page, url in every_url(plan).items():
        html = director.get(url).content.decode()
        assert 'name="as_at-day"' in html and 'name="as_at-year"' in html, page
        assert "rag-key" in html or "RAG key" in html, page


# ---------------------------------------------------------------- empty states


def test_empty_states_say_what_to_do(director):
    assert "No programmes yet" in director.get(reverse("portfolio")).content.decode()
    assert "Nothing needs attention" in director.get(reverse("exceptions")).content.decode()
    programme = ProgrammeFactory()
    html = director.get(reverse("programme_dashboard", args=[programme.pk])).content.decode()
    assert "No objectives yet" in html and "No measures" in html and "No open risks" in html


# ---------------------------------------------------------------- query budgets


def programme_with(objectives: int):
    programme = ProgrammeFactory()
    board, unit = BoardFactory(), OrgUnitFactory()
    board.programmes.add(programme)
    for _ in range(objectives):
        objective = ObjectiveFactory(programme=programme)
        objective.org_units.add(unit)
        board.objectives.add(objective)
        ActionFactory(objective=objective, is_milestone=True, due_date=timezone.localdate())
        ActionFactory(objective=objective)
    MeasureValueFactory(measure=MeasureFactory(programme=programme))
    RiskFactory(programme=programme)
    return programme


def count_queries(client, url, **params) -> int:
    selectors.clear_tree_cache()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"as_at": "2024-07-15"}])
def test_the_portfolio_makes_the_same_few_queries_for_one_objective_and_for_fifty(director, params):
    small = programme_with(1)
    one = count_queries(director, reverse("portfolio"), **params)
    small.delete()
    programme_with(50)
    fifty = count_queries(director, reverse("portfolio"), **params)
    assert one == fifty <= QUERY_BUDGET


@pytest.mark.parametrize("params", [{}, {"as_at": "2024-07-15"}, {"rag": "red", "board": ""}])
def test_the_programme_page_makes_the_same_few_queries_for_one_objective_and_for_fifty(director, params):
    one = count_queries(director, reverse("programme_dashboard", args=[programme_with(1).pk]), **params)
    fifty = count_queries(director, reverse("programme_dashboard", args=[programme_with(50).pk]), **params)
    assert one == fifty <= QUERY_BUDGET


def test_a_level_of_the_tree_costs_the_same_whatever_its_size(director):
    small, large = programme_with(1), programme_with(50)
    parent_small = ObjectiveFactory(programme=small)
    parent_large = ObjectiveFactory(programme=large)
    small.objectives.exclude(pk=parent_small.pk).update(parent=parent_small)
    large.objectives.exclude(pk=parent_large.pk).update(parent=parent_large)
    headers = {"HX-Request": "true"}
    selectors.clear_tree_cache()
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        director.get(reverse("objective_dashboard", args=[small.pk, parent_small.pk]), headers=headers)
    selectors.clear_tree_cache()
    cache.clear()
    with CaptureQueriesContext(connection) as fifty:
        director.get(reverse("objective_dashboard", args=[large.pk, parent_large.pk]), headers=headers)
    assert len(one) == len(fifty) <= QUERY_BUDGET


def test_a_second_visit_reuses_the_computed_tree(director):
    url = reverse("programme_dashboard", args=[programme_with(3).pk])
    first = count_queries(director, url)
    with CaptureQueriesContext(connection) as second:
        director.get(url)
    assert len(second) < first
