"""The officers' pages through the test client: status, partial-only htmx bodies, the database after,
and query budgets that do not grow with the number of actions."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action, MeasureValue, ProgressUpdate
from actionplans.rollup import programme_refresh, stored_matches_fresh
from actionplans.services import action_record_progress
from programmes.models import Objective, Person, Programme
from programmes.roles import OFFICER
from tests.actionplans.conftest import make_user
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureTargetFactory,
    ObjectiveFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def olly(client, officer):
    client.force_login(officer)
    return client


def update_url(action):
    return reverse("action_update", args=[action.pk])


def detail_url(action):
    return reverse("action_detail", args=[action.pk])


def form_data(action, **changes):
    data = {"status": "in_progress", "percent": "75", "declared_rag": "", "declared_rag_reason": "",
            "commentary": "Making progress.", "effective_date": "", "version": str(action.version)}
    data.update({k: str(v) for k, v in changes.items()})
    return data


def body(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- My actions


def test_my_actions_shows_the_groups_with_counts_at_the_top(olly, plan):
    response = olly.get(reverse("my_actions"))

    assert response.status_code == 200
    html = body(response)
    assert html.index("Overdue") < html.index("ASC2401.A") < html.index("Due in the next 30 days")
    assert 'data-group="overdue"' in html
    assert "Review the contact centre scripts" in html
    assert "Adult social care action plan" in html and "ASC2401: Improve the front door" in html
    assert "ASC2401.G" not in html  # Cara's alone


def test_my_actions_shows_due_dates_the_uk_way(olly, plan):
    due = plan.overdue.due_date

    html = body(olly.get(reverse("my_actions")))

    assert f"{due.day} {due:%B} {due.year}" in html


def test_my_actions_filters_with_get_parameters(olly, plan):
    response = olly.get(reverse("my_actions"), {"q": "reablement", "sort": "reference"})

    html = body(response)
    assert "ASC2401.D" in html
    assert "ASC2401.A" not in html
    assert "Showing 1 of your 6 actions" in html


def test_my_actions_ignores_a_filter_value_it_does_not_know(olly, plan):
    response = olly.get(reverse("my_actions"), {"rag": "purple", "programme": "x", "sort": "sideways"})

    assert response.status_code == 200
    assert "ASC2401.A" in body(response)


def test_an_htmx_filter_gets_only_the_results_and_an_announcement(olly, plan):
    response = olly.get(reverse("my_actions"), {"status": "completed"}, headers=HTMX)

    html = body(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="results"' in html
    assert 'id="announcements" hx-swap-oob="innerHTML"' in html
    assert "Showing 1 of 6 actions." in html
    assert "ASC2401.F" in html and "ASC2401.A" not in html


def test_someone_with_no_actions_is_told_what_to_do(client, leadership):
    client.force_login(leadership)

    html = body(client.get(reverse("my_actions")))

    assert "You have no actions yet" in html
    assert "ask your programme office" in html


def test_my_actions_lists_the_measures_a_person_reports(olly, officer, plan):
    MeasureFactory(owner=Person.objects.get(user=officer), reference="KPI1", title="Contacts resolved")

    assert "KPI1: Contacts resolved" in body(olly.get(reverse("my_actions")))


def test_signing_in_comes_first(client, plan):
    response = client.get(reverse("my_actions"))

    assert response.status_code == 302
    assert "next=" in response["Location"]


# ---------------------------------------------------------------- the action page


def test_the_action_page_shows_the_golden_thread_with_the_figures_and_their_explanation(olly, plan):
    response = olly.get(detail_url(plan.overdue))

    html = body(response)
    assert response.status_code == 200
    assert f'id="rollup-objective-{plan.objective.pk}"' in html
    assert f'id="rollup-objective-{plan.theme.pk}"' in html
    assert f'id="rollup-programme-{plan.programme.pk}"' in html
    assert "How the figure for ASC2401 is worked out" in html
    assert "weighted mean of children" in html
    assert "Update progress" in html
    assert 'hx-get="' + update_url(plan.overdue) in html


def test_the_action_page_lists_the_history_with_who_and_what_changed(olly, officer, plan):
    action_record_progress(action=plan.later, by=officer, percent=65, status="in_progress",
                           commentary="<p>Pilot <strong>started</strong></p>")

    html = body(olly.get(detail_url(plan.later)))

    assert "History of updates" in html
    assert "By Olly" in html
    assert "Percent complete: 65%" in html
    assert "<p>Pilot <strong>started</strong></p>" in html


def test_leadership_reads_the_action_page_without_the_update_button(client, leadership, plan):
    client.force_login(leadership)

    response = client.get(detail_url(plan.overdue))

    assert response.status_code == 200
    assert "Update progress" not in body(response)


def test_an_unknown_action_is_not_found(olly, plan):
    assert olly.get(reverse("action_detail", args=[999999])).status_code == 404


def test_opening_the_form_with_htmx_returns_just_the_form(olly, plan):
    response = olly.get(update_url(plan.overdue), headers=HTMX)

    html = body(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert f'name="version" value="{plan.overdue.version}"' in html
    assert 'hx-post="' + update_url(plan.overdue) in html
    assert "autofocus" in html


def test_without_javascript_the_update_link_opens_the_page_with_the_form(olly, plan):
    response = olly.get(update_url(plan.overdue))

    html = body(response)
    assert response.status_code == 200
    assert "<html" in html
    assert f'action="{update_url(plan.overdue)}"' in html


def test_the_explanation_is_fetched_fresh_after_a_save(olly, plan):
    response = olly.get(reverse("action_explanation", args=[plan.overdue.pk]), headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in body(response)
    assert "weighted mean of children" in body(response)


# ---------------------------------------------------------------- saving


def test_a_save_without_javascript_records_the_update_and_redirects(olly, officer, plan):
    action = plan.overdue

    response = olly.post(update_url(action), form_data(action, percent=80, commentary="Scripts drafted."))

    assert response.status_code == 302
    assert response["Location"] == detail_url(action)
    action.refresh_from_db()
    assert (action.percent, action.version) == (80, 2)
    update = ProgressUpdate.objects.get(action=action)
    assert update.author == officer
    assert update.commentary == "<p>Scripts drafted.</p>"
    assert update.channel == "browser"
    followed = body(olly.get(response["Location"]))
    assert "Your update to ASC2401.A was saved." in followed


def test_an_htmx_save_returns_the_summary_and_swaps_the_rolled_up_figures(olly, plan):
    action = plan.overdue
    before = plan.objective.rollup_percent

    response = olly.post(update_url(action), form_data(action, percent=100, status="completed"), headers=HTMX)

    html = body(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="action-summary"')
    assert "autofocus" in html.split(">", 1)[0]
    plan.refresh()
    assert plan.objective.rollup_percent > before
    shown = round(plan.objective.rollup_percent)
    assert f'id="rollup-objective-{plan.objective.pk}"' in html
    assert f'data-percent="{shown}" data-rag="{plan.objective.rollup_rag}" hx-swap-oob="true"' in html
    assert f'id="rollup-programme-{plan.programme.pk}"' in html
    assert f'id="rollup-objective-{plan.theme.pk}"' in html
    assert '<div id="announcements" hx-swap-oob="innerHTML">Update saved.' in html
    assert '<ol hx-swap-oob="afterbegin:#history-list">' in html
    assert html.count('class="app-history__item"') == 1
    assert '<p id="history-empty" hx-swap-oob="delete"></p>' in html
    assert '<div id="update-panel" hx-swap-oob="innerHTML">' in html
    assert stored_matches_fresh([plan.programme.pk]) == []


def test_a_declared_rag_without_a_reason_is_refused_next_to_the_field(olly, plan):
    action = plan.overdue

    response = olly.post(update_url(action), form_data(action, declared_rag="green"))

    html = body(response)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert 'href="#id_declared_rag_reason">Give a reason for the RAG status you declared.' in html
    assert 'id="id_declared_rag_reason-error"' in html
    action.refresh_from_db()
    assert action.version == 1
    assert not ProgressUpdate.objects.filter(action=action).exists()


def test_an_htmx_save_with_errors_goes_back_into_the_form_panel(olly, plan):
    action = plan.overdue

    response = olly.post(update_url(action), form_data(action, percent=150), headers=HTMX)

    html = body(response)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#update-panel"
    assert response["HX-Reswap"] == "innerHTML"
    assert "<html" not in html
    assert "Percentage complete must be between 0 and 100." in html
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in html
    assert not ProgressUpdate.objects.filter(action=action).exists()


def test_a_percent_that_is_not_a_number_is_explained(olly, plan):
    response = olly.post(update_url(plan.overdue), form_data(plan.overdue, percent="about half"))

    assert response.status_code == 422
    assert "Enter the percentage complete as a whole number, like 40." in body(response)


def test_an_update_dated_in_the_future_is_refused(olly, plan, today):
    tomorrow = today + timedelta(days=1)

    response = olly.post(update_url(plan.overdue), form_data(plan.overdue, effective_date=tomorrow.isoformat()))

    assert response.status_code == 422
    assert "The date of the update must be today or in the past" in body(response)


def test_a_form_without_its_version_is_refused_rather_than_guessed(olly, plan):
    data = form_data(plan.overdue)
    del data["version"]

    response = olly.post(update_url(plan.overdue), data)

    assert response.status_code == 422
    assert "missing the version" in body(response)
    assert not ProgressUpdate.objects.exists()


def test_commentary_keeps_simple_formatting_and_loses_scripts(olly, plan):
    action = plan.overdue
    commentary = '<p>Done <strong>two</strong></p><ul><li>one</li></ul><script>alert(1)</script>'

    olly.post(update_url(action), form_data(action, commentary=commentary))

    stored = ProgressUpdate.objects.get(action=action).commentary
    assert stored == "<p>Done <strong>two</strong></p><ul><li>one</li></ul>"


def test_typed_paragraphs_become_paragraphs_and_angle_brackets_stay_text(olly, plan):
    action = plan.overdue

    olly.post(update_url(action), form_data(action, commentary="First & second\n\nThird < fourth"))

    stored = ProgressUpdate.objects.get(action=action).commentary
    assert stored == "<p>First &amp; second</p><p>Third &lt; fourth</p>"


def test_a_stale_save_gets_a_conflict_with_both_values(client, officer, colleague, plan):
    action = plan.delegated  # Cara's, delegated to Olly: both may update it
    client.force_login(officer)
    loaded = action.version
    action_record_progress(action=Action.objects.get(pk=action.pk), by=colleague, percent=70, status="on_hold")

    response = client.post(update_url(action), form_data(action, percent=65), headers=HTMX)

    html = body(response)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#update-panel"
    assert "<html" not in html
    assert "Cara saved an update" in html
    assert '<tr class="govuk-table__row" data-field="percent" data-differs>' in html
    assert "70%" in html and "65%" in html
    assert f'name="version" value="{loaded + 1}"' in html
    assert 'hx-swap-oob="true"' in html  # the summary and figures show their update
    assert Action.objects.get(pk=action.pk).percent == 70


def test_a_stale_save_without_javascript_shows_the_conflict_on_the_page(olly, colleague, plan):
    action = plan.delegated
    action_record_progress(action=Action.objects.get(pk=action.pk), by=colleague, percent=70, status="on_hold")

    response = olly.post(update_url(action), form_data(action, percent=65))

    assert response.status_code == 409
    assert "<html" in body(response)
    assert "Someone else updated ASC2401.E after you opened it" in body(response)


# ---------------------------------------------------------------- measures


@pytest.fixture
def measure(officer):
    q1, q2 = ReportingPeriodFactory(quarter=1, name="2024/25 Q1"), ReportingPeriodFactory(quarter=2, name="2024/25 Q2")
    made = MeasureFactory(owner=Person.objects.get(user=officer), unit="percentage", reference="KPI7",
                          title="Contacts resolved at first contact")
    MeasureTargetFactory(measure=made, period=q1, value=Decimal("75"))
    MeasureTargetFactory(measure=made, period=q2, value=Decimal("75"))
    MeasureValue.objects.create(measure=made, period=q1, value=Decimal("80"))
    made.q1, made.q2 = q1, q2
    return made


def test_the_measure_page_shows_values_with_rag_and_direction(olly, measure):
    response = olly.get(reverse("measure_detail", args=[measure.pk]))

    html = body(response)
    assert response.status_code == 200
    assert 'data-period="2024/25 Q1" data-rag="green"' in html
    assert "Enter a value" in html


def test_entering_a_value_with_htmx_shows_its_rag_and_direction_at_once(olly, measure):
    response = olly.post(reverse("measure_record", args=[measure.pk]),
                         {"period": measure.q2.pk, "value": "70", "note": "Staff shortage"}, headers=HTMX)

    html = body(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-period="2024/25 Q2" data-rag="amber" data-direction="worse"' in html
    assert "Worse than the previous period" in html
    assert '<div id="announcements" hx-swap-oob="innerHTML">Saved the value for 2024/25 Q2.' in html
    saved = MeasureValue.objects.get(measure=measure, period=measure.q2)
    assert saved.value == Decimal("70")
    assert saved.note == "Staff shortage"


def test_entering_a_value_without_javascript_redirects_back(olly, measure):
    response = olly.post(reverse("measure_record", args=[measure.pk]), {"period": measure.q2.pk, "value": "90"})

    assert response.status_code == 302
    assert MeasureValue.objects.get(measure=measure, period=measure.q2).value == Decimal("90")


def test_a_value_that_is_not_a_number_is_explained(olly, measure):
    response = olly.post(reverse("measure_record", args=[measure.pk]),
                         {"period": measure.q2.pk, "value": "lots"}, headers=HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#measure-entry"
    assert "Enter the value as a number, like 42 or 97.5." in body(response)
    assert not MeasureValue.objects.filter(measure=measure, period=measure.q2).exists()


# ---------------------------------------------------------------- query budgets


def officer_with_actions(n: int, username: str):
    """An officer with n actions in a programme of their own, each with a lead, a delegate and updates."""
    user = make_user(OFFICER, username)
    me = Person.objects.get(user=user)
    programme = ProgrammeFactory()
    theme = ObjectiveFactory(programme=programme)
    objective = ObjectiveFactory(programme=programme, parent=theme)
    actions = []
    for i in range(n):
        action = ActionFactory(objective=objective, responsible=me, percent=i % 100)
        action.leads.add(me)
        action.delegates.add(PersonFactory())
        ProgressUpdateFactory(action=action, percent=i % 100)
        ProgressUpdateFactory(action=action, percent=(i + 5) % 100)
        actions.append(action)
    programme_refresh(programme_id=programme.pk)
    return user, actions


def queries_for(client, user, url, **kwargs) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(captured)


def test_my_actions_makes_the_same_queries_for_one_action_and_for_fifty(client):
    one, _ = officer_with_actions(1, "one.action")
    fifty, _ = officer_with_actions(50, "fifty.actions")

    assert queries_for(client, one, reverse("my_actions")) == queries_for(client, fifty, reverse("my_actions"))


def test_the_action_page_makes_the_same_queries_for_one_action_and_for_fifty(client):
    one, [single] = officer_with_actions(1, "one.action")
    fifty, many = officer_with_actions(50, "fifty.actions")

    small = queries_for(client, one, detail_url(single))
    large = queries_for(client, fifty, detail_url(many[-1]))

    assert small == large
    assert large <= 25


def test_an_htmx_save_makes_the_same_queries_for_one_action_and_for_fifty(client):
    counts = []
    for n, username in ((1, "one.action"), (50, "fifty.actions")):
        user, actions = officer_with_actions(n, username)
        action = actions[-1]
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(update_url(action), form_data(action, percent=90), headers=HTMX)
        assert response.status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_objectives_and_programmes_are_only_read_not_written_by_a_page_view(olly, plan):
    before = list(Objective.objects.values_list("rollup_at", flat=True)) + list(
        Programme.objects.values_list("rollup_at", flat=True))

    olly.get(detail_url(plan.overdue))
    olly.get(reverse("my_actions"))

    after = list(Objective.objects.values_list("rollup_at", flat=True)) + list(
        Programme.objects.values_list("rollup_at", flat=True))
    assert before == after


def test_a_page_with_errors_says_so_in_its_title(olly, plan):
    response = olly.post(update_url(plan.overdue), form_data(plan.overdue, declared_rag="red"))

    assert "<title>Error: ASC2401.A: Review the contact centre scripts" in body(response)


def test_a_second_save_adds_only_its_own_entry_to_the_history(olly, officer, plan):
    action = plan.later
    action_record_progress(action=action, by=officer, percent=58, status="in_progress")
    action.refresh_from_db()

    html = body(olly.post(update_url(action), form_data(action, percent=61), headers=HTMX))

    assert html.count('class="app-history__item"') == 1
    assert "Percent complete: 58% to 61%" in html
    assert 'id="history-empty"' not in html


def test_an_htmx_save_needs_the_csrf_token_the_page_puts_on_body(officer, plan):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    page = body(browser.get(detail_url(plan.overdue)))
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    data = form_data(plan.overdue, percent=66)

    refused = browser.post(update_url(plan.overdue), data, headers=HTMX)
    accepted = browser.post(update_url(plan.overdue), data, headers=HTMX | {"X-CSRFToken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert ProgressUpdate.objects.filter(action=plan.overdue).count() == 1
