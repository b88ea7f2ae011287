"""The officers' update asks rather than guesses: a status and a percent that disagree, a date outside the
action or inside a closed period, a Red, Amber or overdue action without a commentary, and words beyond
10,000 characters are each refused beside their field, with an error summary, nothing written and
nothing audited; a good update is written and audited."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse

from actionplans.models import Action, ProgressUpdate
from actionplans.services import action_record_progress
from programmes.audit import Channel
from programmes.models import AuditEntry, Programme
from programmes.roles import LEADERSHIP, OFFICER
from tests.actionplans.conftest import make_user
from tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def olly(client, officer):
    client.force_login(officer)
    return client


def update_url(action):
    return reverse("action_update", args=[action.pk])


def form_data(action, **changes):
    data = {"status": "in_progress", "percent": "75", "declared_rag": "", "declared_rag_reason": "",
            "commentary": "Making progress.", "effective_date": "", "version": str(action.version)}
    return data | {k: str(v) for k, v in changes.items()}


def date_parts(day: date) -> dict:
    return {"effective_date-day": day.day, "effective_date-month": day.month, "effective_date-year": f"{day.year:04}"}


def body(response) -> str:
    return response.content.decode()


def refused_beside(html: str, field: str, message: str) -> bool:
    """The message is beside the field (GOV.UK's error message) and linked from the error summary."""
    beside = html.split(f'id="id_{field}-error"')[1].split("</p>")[0] if f'id="id_{field}-error"' in html else ""
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0] if "govuk-error-summary" in html else ""
    return message in beside and message in summary


def nothing_written(action) -> bool:
    fresh = Action.objects.get(pk=action.pk)
    return (fresh.version == action.version and not ProgressUpdate.objects.filter(action=action).exists()
            and not AuditEntry.objects.filter(model="actionplans.action", object_id=str(action.pk)).exists())


# ---------------------------------------------------------------- status and percent


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize(("status", "counts_as"), [("completed", 100), ("not_started", 0)])
def test_a_typed_percent_the_status_would_override_is_a_question_not_a_silent_change(
        olly, plan, status, counts_as, headers, django_assert_max_num_queries):
    action = plan.later
    with django_assert_max_num_queries(20):
        response = olly.post(update_url(action), form_data(action, status=status, percent=60), headers=headers)

    html = body(response)
    assert response.status_code == 422
    assert refused_beside(html, "percent", f"which counts as {counts_as}%, but the percent complete is 60%")
    assert "was saved" not in html and "Success" not in html
    assert nothing_written(action)


def test_completed_with_the_percent_it_counts_as_is_saved_and_audited(olly, officer, plan):
    action, loaded_at = plan.later, plan.later.version
    response = olly.post(update_url(action), form_data(action, status="completed", percent=100))

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.percent, action.version) == ("completed", 100, loaded_at + 1)
    entry = AuditEntry.objects.get(model="actionplans.action", object_id=str(action.pk))
    assert (entry.user, entry.channel, entry.action) == (officer, "browser", "updated")
    assert entry.changes["status"] == ["in_progress", "completed"]


def test_the_service_asks_the_same_question_of_every_way_in(plan):
    with pytest.raises(ValidationError) as refused:
        action_record_progress(action=plan.later, percent=40, status="completed", channel=Channel.ADMIN)
    assert "counts as 100%" in refused.value.message_dict["percent"][0]
    assert not ProgressUpdate.objects.filter(action=plan.later).exists()


def test_a_blank_percent_beside_completed_takes_the_percent_it_counts_as(plan):
    update = action_record_progress(action=plan.later, percent=None, status="completed", channel=Channel.IMPORT)
    assert update.percent == 100


def test_the_form_says_what_choosing_a_status_does_to_the_percent(olly, plan):
    html = body(olly.get(update_url(plan.later)))
    assert "Completed counts as 100 and Not started as 0." in html
    assert "data-status-percent-note" in html and "js/progress-form.js" in html


# ---------------------------------------------------------------- the date of the update


@pytest.mark.parametrize(("when", "message"), [
    (lambda today, start: today + timedelta(days=1), "The date of the update must be today or in the past."),
    (lambda today, start: start - timedelta(days=1), "must be the same as or after the start of the action"),
    (lambda today, start: date(1, 1, 1), "The date of the update must be the same as or after 1 January 2000."),
    (lambda today, start: date(9999, 12, 31), "The date of the update must be today or in the past."),
], ids=["tomorrow", "before the start", "year 1", "year 9999"])
def test_a_date_outside_the_action_is_refused_with_a_clear_message(olly, plan, today, when, message):
    action = plan.later
    day = when(today, action.start_date)
    response = olly.post(update_url(action), form_data(action) | date_parts(day))

    assert response.status_code == 422
    assert refused_beside(body(response), "effective_date", message)
    assert nothing_written(action)


def test_an_update_cannot_be_dated_inside_a_closed_period(olly, plan, today):
    closed = ReportingPeriodFactory(name="Closed quarter", kind="quarter", start=today - timedelta(days=60),
                                    end=today - timedelta(days=10), is_closed=True)
    action = plan.later
    response = olly.post(update_url(action), form_data(action) | date_parts(closed.end))

    assert response.status_code == 422
    assert refused_beside(body(response), "effective_date", "Closed quarter has been closed")
    assert nothing_written(action)
    after = olly.post(update_url(action), form_data(action) | date_parts(closed.end + timedelta(days=1)))
    assert after.status_code == 302


@pytest.mark.parametrize(("parts", "message"), [
    ({"effective_date-day": "30", "effective_date-month": "6", "effective_date-year": ""},
     "The date of the update must include a year."),
    ({"effective_date-day": "", "effective_date-month": "", "effective_date-year": "2024"},
     "The date of the update must include a day and month."),
    ({"effective_date-day": "31", "effective_date-month": "2", "effective_date-year": "2024"},
     "The date of the update must be a real date."),
    ({"effective_date-day": "1", "effective_date-month": "6", "effective_date-year": "24"},
     "Year must include 4 numbers."),
], ids=["no year", "no day or month", "31 February", "two-digit year"])
def test_a_date_typed_in_three_boxes_is_checked_the_gov_uk_way(olly, plan, parts, message):
    response = olly.post(update_url(plan.later), form_data(plan.later) | parts)

    html = body(response)
    assert response.status_code == 422
    assert refused_beside(html, "effective_date", message)
    assert 'href="#id_effective_date-day"' in html  # the summary links to the first box
    assert nothing_written(plan.later)


def test_a_date_typed_in_three_boxes_is_the_date_of_the_update(olly, plan, today):
    day = today - timedelta(days=3)
    olly.post(update_url(plan.later), form_data(plan.later) | date_parts(day))
    assert ProgressUpdate.objects.get(action=plan.later).effective_date == day


# ---------------------------------------------------------------- commentary when behind


def test_an_overdue_action_needs_a_commentary(olly, plan):
    action = plan.overdue
    response = olly.post(update_url(action), form_data(action, percent=45, commentary=""), headers=HTMX)

    assert response.status_code == 422
    assert refused_beside(body(response), "commentary", "one is needed because it is overdue")
    assert nothing_written(action)


def test_a_declared_amber_needs_a_commentary(olly, plan):
    action = plan.later
    data = form_data(action, declared_rag="amber", declared_rag_reason="The supplier is late", commentary="")
    response = olly.post(update_url(action), data)

    assert refused_beside(body(response), "commentary", "because you declared it Amber")
    assert nothing_written(action)


def test_an_update_that_makes_the_action_red_needs_a_commentary(olly, plan):
    action = plan.later  # half way through: 10% done is Red
    response = olly.post(update_url(action), form_data(action, percent=10, commentary=""))
    assert refused_beside(body(response), "commentary", "because with this update it is Red")


def test_a_green_update_needs_no_commentary(olly, plan):
    response = olly.post(update_url(plan.later), form_data(plan.later, percent=60, commentary=""))
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(action=plan.later).commentary == ""


def test_the_programme_may_turn_the_rule_off(olly, plan):
    Programme.objects.filter(pk=plan.programme.pk).update(commentary_required=False)
    response = olly.post(update_url(plan.overdue), form_data(plan.overdue, commentary=""))
    assert response.status_code == 302


def test_the_rule_is_on_for_a_new_programme():
    assert Programme._meta.get_field("commentary_required").default is True


def test_an_import_carries_what_the_spreadsheet_holds(plan):
    update = action_record_progress(action=plan.overdue, percent=45, status="in_progress", channel=Channel.IMPORT)
    assert update.commentary == ""


def test_the_last_commentary_is_offered_as_the_start_of_the_next(olly, plan, officer):
    action_record_progress(action=plan.later, by=officer, percent=60, status="in_progress",
                           commentary="<p>Pilot sites chosen.</p><p>Staff briefed &amp; ready.</p>")
    html = body(olly.get(update_url(plan.later), headers=HTMX))

    assert ">\nPilot sites chosen.\n\nStaff briefed &amp; ready.</textarea>" in html
    assert "This starts with your last commentary." in html


# ---------------------------------------------------------------- how much may be written


def test_a_commentary_of_more_than_10000_characters_is_refused_beside_the_field(olly, plan):
    response = olly.post(update_url(plan.later), form_data(plan.later, commentary="x" * 10_001))

    assert response.status_code == 422
    assert refused_beside(body(response), "commentary", "The commentary must be 10,000 characters or fewer.")
    assert nothing_written(plan.later)


def test_a_commentary_of_10000_characters_is_kept_whole(olly, plan):
    olly.post(update_url(plan.later), form_data(plan.later, commentary="y" * 10_000))
    assert ProgressUpdate.objects.get(action=plan.later).commentary == "<p>" + "y" * 10_000 + "</p>"


def test_the_service_refuses_a_million_characters_whatever_the_way_in(plan):
    with pytest.raises(ValidationError) as refused:
        action_record_progress(action=plan.later, percent=60, status="in_progress", channel=Channel.IMPORT,
                               commentary="<p>" + "z" * 1_000_000 + "</p>")
    assert "10,000 characters or fewer" in refused.value.message_dict["commentary"][0]


def test_a_reason_of_more_than_10000_characters_is_refused(olly, plan):
    data = form_data(plan.later, declared_rag="green", declared_rag_reason="r" * 10_001)
    response = olly.post(update_url(plan.later), data)
    assert refused_beside(body(response), "declared_rag_reason", "The reason must be 10,000 characters or fewer.")
    with pytest.raises(ValidationError):
        action_record_progress(action=plan.later, percent=60, status="in_progress", declared_rag="green",
                               declared_rag_reason="r" * 10_001, channel=Channel.IMPORT)


# ---------------------------------------------------------------- who may


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, plan):
    response = client.post(update_url(plan.later), form_data(plan.later))
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    assert nothing_written(plan.later)


def test_leadership_may_read_but_not_update(client, plan):
    client.force_login(make_user(LEADERSHIP, "lee.leader"))
    assert client.post(update_url(plan.later), form_data(plan.later)).status_code == 403
    assert nothing_written(plan.later)


def test_an_officer_may_not_update_an_action_of_a_programme_they_have_nothing_in(client, plan):
    client.force_login(make_user(OFFICER, "otto.other"))
    assert client.post(update_url(plan.later), form_data(plan.later)).status_code == 403
    assert nothing_written(plan.later)
