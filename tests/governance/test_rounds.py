"""Update rounds: one digest per person, escalating reminders by the calendar, nothing sent twice."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from actionplans.services import action_record_progress
from governance.models import RoundMessage, UpdateRound
from governance.rounds.selectors import compliance
from governance.rounds.services import (
    FINAL,
    FIRST,
    OPENING,
    SECOND,
    round_open,
    send_due,
    stage_due,
)
from programmes.roles import ADMIN, CLERK, LEADERSHIP, OFFICER, PROGRAMME_MANAGER
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    ObjectiveFactory,
    PersonFactory,
    ProgrammeFactory,
    ReportingPeriodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OPENED = date(2024, 9, 2)
CUT_OFF = date(2024, 9, 20)


@pytest.fixture
def programme(db):
    """Ada owns three open actions (responsible, lead, delegate) and one completed; Ben one action and a
    quarterly measure with no value for Q2; Cy has an e-mail but nothing open. Sue is the SRO, Max a manager."""
    sue = PersonFactory(name="Sue Sro", email="sue@council.example")
    max_ = PersonFactory(name="Max Manager", email="max@council.example")
    ada = PersonFactory(name="Ada Officer", email="ada@council.example")
    ben = PersonFactory(name="Ben Officer", email="ben@council.example")
    PersonFactory(name="Cy Officer", email="cy@council.example")
    plan = ProgrammeFactory(name="Council plan", short_name="CP", owner=sue)
    plan.managers.set([max_])
    theme = ObjectiveFactory(programme=plan, reference="CP1")
    ActionFactory(objective=theme, reference="CP1.A", responsible=ada, status="in_progress")
    led = ActionFactory(objective=theme, reference="CP1.B", responsible=ben, status="in_progress")
    led.leads.set([ada])
    delegated = ActionFactory(objective=theme, reference="CP1.C", responsible=None, status="not_started")
    delegated.delegates.set([ada])
    ActionFactory(objective=theme, reference="CP1.D", responsible=ada, status="completed", percent=100)
    period = ReportingPeriodFactory(name="2024/25 Q2", quarter=2, start=date(2024, 7, 1), end=date(2024, 9, 30))
    MeasureFactory(programme=plan, reference="KPI1", owner=ben, frequency="quarterly")
    UserFactory(username="admin1", email="admin@council.example", role=ADMIN)
    return plan, period


def opened(programme, **fields):
    plan, period = programme
    with time_machine.travel(datetime(2024, 9, 2, 9, 0, tzinfo=UTC), tick=False):
        return round_open(title="Quarter 2 updates", cut_off=CUT_OFF, period=period, channel="command",
                          today=OPENED, programmes=[plan], **fields)


def test_opening_a_round_sends_one_digest_per_person_however_many_items(programme, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2024, 9, 2, 9, 0, tzinfo=UTC), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        round_ = opened(programme)

    to = {tuple(m.to): m for m in mail.outbox}
    assert set(to) == {("ada@council.example",), ("ben@council.example",)}  # Cy has nothing open
    ada = to[("ada@council.example",)]
    assert [line.strip()[2:8] for line in ada.body.splitlines() if line.strip().startswith("- ")] == [
        "CP1.A ", "CP1.B ", "CP1.C "]
    assert "CP1.D" not in ada.body  # completed: nobody is asked to update it
    assert "KPI1" in to[("ben@council.example",)].body and "its value for 2024/25 Q2" in to[("ben@council.example",)].body
    assert ada.subject == "Updates are due by 20 September 2024: Quarter 2 updates"
    html, kind = ada.alternatives[0]
    assert kind == "text/html" and '<html lang="en-GB">' in html and "/actions/" in html
    assert ada.cc == []
    assert RoundMessage.objects.filter(round=round_, stage=OPENING).count() == 2


def test_a_round_opened_in_a_transaction_that_rolls_back_sends_nothing(programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                opened(programme)
                raise RuntimeError("changed my mind")
        except RuntimeError:
            pass

    assert callbacks == [] and mail.outbox == [] and not UpdateRound.objects.exists()


@pytest.mark.parametrize(("today", "stage"), [
    (date(2024, 9, 2), OPENING), (date(2024, 9, 12), OPENING), (date(2024, 9, 13), FIRST),
    (date(2024, 9, 16), FIRST), (date(2024, 9, 17), SECOND), (date(2024, 9, 18), SECOND),
    (date(2024, 9, 19), FINAL), (date(2024, 9, 20), FINAL), (date(2024, 9, 21), None),
])
def test_the_escalation_schedule_by_the_calendar(programme, today, stage):
    assert stage_due(opened(programme), today) == stage


def test_reminders_escalate_to_the_sro_and_managers_then_the_admins_and_a_rerun_sends_nothing(programme):
    round_ = opened(programme)
    plan = programme[0]

    def run(day):
        mail.outbox.clear()
        with time_machine.travel(datetime.combine(day, datetime.min.time(), UTC).replace(hour=7), tick=False):
            send_due(day)
        return {m.to[0]: sorted(m.cc) for m in mail.outbox}

    assert run(date(2024, 9, 13)) == {"ada@council.example": [], "ben@council.example": []}
    assert run(date(2024, 9, 14)) == {}  # the first reminder was sent yesterday
    with time_machine.travel(datetime(2024, 9, 16, 10, 0, tzinfo=UTC), tick=False):
        action = plan.actions.get(reference="CP1.B")
        action_record_progress(action=action, percent=50, status="in_progress", effective_date=date(2024, 9, 16),
                               channel="command", commentary="<p>Half way</p>")
    second = run(date(2024, 9, 17))
    assert second == {"ada@council.example": ["max@council.example", "sue@council.example"],
                      "ben@council.example": ["max@council.example", "sue@council.example"]}
    final = run(date(2024, 9, 19))
    assert final["ada@council.example"] == ["admin@council.example", "max@council.example", "sue@council.example"]
    assert run(date(2024, 9, 19)) == {}  # a re-run sends nothing new
    assert run(date(2024, 9, 21)) == {}  # after the cut-off, nothing
    assert RoundMessage.objects.filter(round=round_).count() == 6


def test_an_updated_item_leaves_the_reminders_and_a_person_with_nothing_left_gets_none(programme):
    plan, _ = programme
    round_ = opened(programme)
    with time_machine.travel(datetime(2024, 9, 10, 10, 0, tzinfo=UTC), tick=False):
        for ref in ("CP1.A", "CP1.B", "CP1.C"):
            action_record_progress(action=plan.actions.get(reference=ref), percent=60, status="in_progress",
                                   effective_date=date(2024, 9, 10), channel="command", commentary="<p>On it</p>")
    send_due(date(2024, 9, 13))

    assert [m.to for m in mail.outbox] == [["ben@council.example"]]
    assert "CP1.B" not in mail.outbox[0].body and "KPI1" in mail.outbox[0].body
    found = compliance(round_)
    assert [(p.name, p.updated, p.items) for p in found.people] == [("Ben Officer", 1, 2), ("Ada Officer", 3, 3)]
    assert [(p.name, p.items, p.updated) for p in found.programmes] == [("Council plan", 4, 3)]


def test_send_reminders_does_the_same_work_and_dry_run_sends_nothing(programme):
    opened(programme)
    out = __import__("io").StringIO()

    call_command("send_reminders", "--dry-run", "--today", "2024-09-13", stdout=out)

    assert mail.outbox == [] and not RoundMessage.objects.exists()
    assert "Would send 2 digest(s) to Ada Officer, Ben Officer" in out.getvalue()
    call_command("send_reminders", "--today", "2024-09-13", stdout=out)
    assert len(mail.outbox) == 2


# ---------------------------------------------------------------- pages

PAGE_BUDGET = 20


def test_a_programme_manager_opens_a_round_on_the_page(client, programme, django_capture_on_commit_callbacks):
    plan, period = programme
    client.force_login(UserFactory(username="pm", role=PROGRAMME_MANAGER))

    with time_machine.travel(datetime(2024, 9, 2, 9, 0, tzinfo=UTC), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("update_rounds"), {
            "title": "Q2", "cut_off": "2024-09-20", "period": period.pk, "programmes": [plan.pk],
            "first_reminder_days": 7, "second_reminder_days": 3, "final_reminder_days": 1})

    round_ = UpdateRound.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse("update_round", args=[round_.pk])
    assert len(mail.outbox) == 2


def test_a_cut_off_in_the_past_and_reminders_out_of_order_are_shown_next_to_the_fields(client, programme):
    client.force_login(UserFactory(username="pm", role=PROGRAMME_MANAGER))

    with time_machine.travel(datetime(2024, 9, 2, 9, 0, tzinfo=UTC), tick=False):
        response = client.post(reverse("update_rounds"), {
            "title": "Q2", "cut_off": "2024-08-01", "first_reminder_days": 1, "second_reminder_days": 3,
            "final_reminder_days": 1})

    body = response.content.decode()
    assert response.status_code == 200 and not UpdateRound.objects.exists()
    assert "Reminders escalate as the cut-off nears" in body or "The cut-off must be today or later." in body
    assert "govuk-error-summary" in body


def test_the_compliance_page_and_its_reminder_button(client, programme, django_assert_max_num_queries):
    round_ = opened(programme)
    client.force_login(UserFactory(username="pm", role=PROGRAMME_MANAGER))
    ada = round_.programmes.get().actions.get(reference="CP1.A").responsible

    with django_assert_max_num_queries(PAGE_BUDGET):
        page = client.get(reverse("update_round", args=[round_.pk]))
    body = page.content.decode()
    assert 'data-person="Ada Officer" data-waiting="3"' in body and "Send a reminder" in body

    response = client.post(reverse("update_round_remind", args=[round_.pk, ada.pk]))
    assert response.status_code == 303 and len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@council.example"]
    client.post(reverse("update_round_remind", args=[round_.pk, ada.pk]))
    assert len(mail.outbox) == 1  # once a day


@pytest.mark.parametrize(("role", "read", "run"), [(LEADERSHIP, 200, 403), (CLERK, 200, 403), (OFFICER, 403, 403)])
def test_who_may_see_and_run_rounds(client, programme, role, read, run):
    round_ = opened(programme)
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    assert client.get(reverse("update_round", args=[round_.pk])).status_code == read
    assert client.get(reverse("update_rounds")).status_code == read
    person = round_.programmes.get().actions.get(reference="CP1.A").responsible
    assert client.post(reverse("update_round_remind", args=[round_.pk, person.pk])).status_code == run
    assert mail.outbox == []


def test_anonymous_is_sent_to_sign_in(client, programme):
    assert client.get(reverse("update_rounds")).status_code == 302
