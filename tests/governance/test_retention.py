"""The retention schedule across the apps: Olly left long ago; after the nightly run his name is
nowhere, his records and audit entries are kept under a pseudonym, and a second run does nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessLog
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from actionplans.models import ProgressUpdate
from actionplans.services import action_record_progress
from governance.models import BoardMembership
from governance.retention import retention_apply
from governance.rounds.models import RoundMessage
from governance.services import membership_save
from governance.tasks import apply_retention
from programmes.audit import Channel, audit_failed_sign_in
from programmes.models import AuditEntry, ImportRun, Objective, Person
from programmes.services import person_mark_left, person_update
from tests.actionplans import conftest as officers_pages
from tests.factories import BoardFactory, ImportRunFactory, RoundMessageFactory

# The officers' pages' people and plan (tests/actionplans/conftest.py) as fixtures of this module.
officer, colleague, manager = officers_pages.officer, officers_pages.colleague, officers_pages.manager
plan, today = officers_pages.plan, officers_pages.today

pytestmark = pytest.mark.django_db

LEFT_ON = date(2023, 1, 10)
PERIOD = 730


@pytest.fixture(autouse=True)
def _two_years(settings):
    settings.RETENTION_LEFT_PEOPLE_DAYS = PERIOD


@pytest.fixture
def olly(plan, officer, colleague, manager):
    """Olly Officer, who owns most of the plan, updated one action, had a digest, typed his username
    wrong once, had his job title changed, then left on 10 January 2023."""
    person = Person.objects.get(user=officer)
    person_update(person=person, by=manager, email="olly.officer@council.example", job_title="Duty manager",
                  initials="OO")
    action_record_progress(action=plan.overdue, by=officer, percent=45, status="in_progress",
                         commentary="Scripts drafted.")
    audit_failed_sign_in(username="olly.officer", address="192.0.2.7", locked_out=False)
    AccessLog.objects.create(username="olly.officer", ip_address="192.0.2.7", user_agent="Firefox", http_accept="*/*",
                             path_info="/accounts/login/")
    cara = Person.objects.get(user=colleague)
    RoundMessageFactory(person=person, to="olly.officer@council.example", cc="")
    RoundMessageFactory(person=cara, to="cara@council.example", cc="olly.officer@council.example, sro@council.example")
    membership_save(BoardMembership(board=BoardFactory(short_name="ASCB"), person=person), by=manager)
    person_mark_left(person=person, left_on=LEFT_ON, by=manager)
    person.refresh_from_db()
    return person


def names_of_olly():
    return Q(object_repr__icontains="Olly") | Q(changes__icontains="Olly")


def state():
    """Everything a run could change, to compare before and after."""
    return (list(Person.objects.order_by("pk").values()), list(User.objects.order_by("pk").values()),
            list(AuditEntry.objects.order_by("pk").values()), list(ProgressUpdate.objects.values()),
            list(RoundMessage.objects.values()))


def test_a_dry_run_lists_who_would_be_pseudonymised_and_changes_nothing(olly, capsys):
    before = state()
    call_command("pseudonymise_leavers", "--dry-run", "--today", (LEFT_ON + timedelta(days=PERIOD)).isoformat())
    out = capsys.readouterr().out
    assert "Would pseudonymise Olly Officer (left 10 January 2023)." in out
    assert state() == before


def test_someone_who_left_a_day_short_of_the_period_is_untouched(olly):
    before = state()
    run = retention_apply(today=LEFT_ON + timedelta(days=PERIOD - 1))
    assert run.due == [] and run.pseudonymised == []
    assert state() == before


def test_someone_who_has_not_left_or_is_a_group_is_never_pseudonymised(olly, colleague):
    group = Person.objects.create(name="SMT", is_group=True, left_on=LEFT_ON)
    retention_apply(today=date(2030, 1, 1))
    assert Person.objects.get(user=colleague).name == "Cara Colleague"
    assert Person.objects.get(pk=group.pk).name == "SMT"


def test_after_the_run_the_person_and_their_account_hold_only_the_pseudonym(olly, officer):
    run = retention_apply(today=LEFT_ON + timedelta(days=PERIOD))
    [done] = run.pseudonymised
    olly.refresh_from_db()
    assert olly.name == done.pseudonym and olly.name.startswith("Former officer ")
    assert (olly.email, olly.job_title, olly.initials) == ("", "", "")
    assert olly.pseudonymised_on == LEFT_ON + timedelta(days=PERIOD)
    assert olly.left_on == LEFT_ON
    account = User.objects.get(pk=officer.pk)
    assert account.username == "former-officer-" + done.pseudonym.split()[-1].lower()
    assert account.get_full_name() == done.pseudonym and account.email == ""
    assert not account.is_active and not account.has_usable_password()
    assert not account.groups.exists()
    assert not AccessLog.objects.filter(username="olly.officer").exists()


def test_the_actions_and_updates_stay_theirs_under_the_pseudonym(olly, plan):
    run = retention_apply(today=LEFT_ON + timedelta(days=PERIOD))
    [done] = run.pseudonymised
    plan.overdue.refresh_from_db()
    assert plan.overdue.responsible_id == olly.pk
    assert set(ProgressUpdate.objects.filter(author__person=olly).values_list("author_name", flat=True)) == {
        done.pseudonym}


def test_after_the_run_their_name_is_on_none_of_the_pages_they_were_on(olly, plan, manager, client):
    client.force_login(manager)
    pages = [reverse("action_detail", args=[plan.overdue.pk]), reverse("action_detail", args=[plan.due_soon.pk]),
             reverse("programme_dashboard", args=[plan.programme.pk]), reverse("exceptions")]
    before = [client.get(page).content.decode() for page in pages]
    assert ["Olly" in body for body in before] == [True, True, True, True]
    [done] = retention_apply(today=LEFT_ON + timedelta(days=PERIOD)).pseudonymised
    for page in pages:
        body = client.get(page).content.decode()
        assert "Olly" not in body, page
    assert done.pseudonym in client.get(pages[0]).content.decode()


def test_their_audit_entries_are_kept_and_show_the_pseudonym(olly, officer):
    about_olly = Q(model="programmes.person", object_id=str(olly.pk)) | Q(user=officer)
    kept = set(AuditEntry.objects.filter(about_olly).values_list("pk", flat=True))
    assert AuditEntry.objects.filter(names_of_olly()).exists()
    [done] = retention_apply(today=LEFT_ON + timedelta(days=PERIOD)).pseudonymised
    assert kept <= set(AuditEntry.objects.values_list("pk", flat=True))
    assert not AuditEntry.objects.filter(names_of_olly()).exists()
    assert not AuditEntry.objects.filter(changes__icontains="olly.officer@").exists()
    person_entries = AuditEntry.objects.filter(model="programmes.person", object_id=str(olly.pk))
    assert {e.object_repr for e in person_entries} == {done.pseudonym}
    assert all(str(e.user) == f"former-officer-{done.pseudonym.split()[-1].lower()}"
               for e in AuditEntry.objects.filter(user=officer))
    membership = AuditEntry.objects.get(model="governance.boardmembership")
    assert membership.object_repr == f"{done.pseudonym} – Member, ASCB"
    entry = person_entries.get(action="pseudonymised")
    assert entry.changes["name"] == ["(removed)", done.pseudonym]
    assert entry.changes["email"] == ["(removed)", ""]
    assert entry.changes["progress updates renamed"] == 1
    assert entry.changes["round messages' addresses removed"] == 2


def test_their_name_as_written_in_an_objectives_leads_and_an_import_report_becomes_the_pseudonym(olly, plan):
    Objective.objects.filter(pk=plan.objective.pk).update(leads_note="Olly Officer / Cara Colleague")
    run = ImportRunFactory(file_name="plan.csv", summary={"new_people": ["Olly Officer", "Cara Colleague"]})
    [done] = retention_apply(today=LEFT_ON + timedelta(days=PERIOD)).pseudonymised
    assert Objective.objects.get(pk=plan.objective.pk).leads_note == f"{done.pseudonym} / Cara Colleague"
    assert ImportRun.objects.get(pk=run.pk).summary == {"new_people": [done.pseudonym, "Cara Colleague"]}
    entry = AuditEntry.objects.get(model="programmes.person", object_id=str(olly.pk), action="pseudonymised")
    assert (entry.changes["objectives' leads as written"], entry.changes["import reports"]) == (1, 1)


def test_the_record_of_messages_sent_keeps_no_address_of_theirs(olly):
    retention_apply(today=LEFT_ON + timedelta(days=PERIOD))
    assert set(RoundMessage.objects.values_list("to", "cc")) == {
        ("(removed)", ""), ("cara@council.example", "(removed), sro@council.example")}


def test_a_second_run_does_nothing(olly, capsys):
    day = (LEFT_ON + timedelta(days=PERIOD)).isoformat()
    call_command("pseudonymise_leavers", "--today", day)
    first = capsys.readouterr().out
    assert "Pseudonymised person" in first and "Olly" not in first
    before = state()
    call_command("pseudonymise_leavers", "--today", day)
    assert "Nobody who left on or before" in capsys.readouterr().out
    assert state() == before


def test_the_nightly_task_acts_on_todays_date(olly):
    with time_machine.travel(datetime(2025, 1, 8, 3, 30, tzinfo=UTC), tick=False):
        assert apply_retention()["pseudonymised"] == []
    with time_machine.travel(datetime(2025, 1, 9, 3, 30, tzinfo=UTC), tick=False):
        assert apply_retention()["pseudonymised"] == [olly.pk]
        assert apply_retention()["pseudonymised"] == []
    entry = AuditEntry.objects.get(model="programmes.person", object_id=str(olly.pk), action="pseudonymised")
    assert entry.channel == Channel.TASK


def test_two_leavers_get_different_pseudonyms(olly, colleague):
    cara = Person.objects.get(user=colleague)
    person_mark_left(person=cara, left_on=LEFT_ON)
    run = retention_apply(today=LEFT_ON + timedelta(days=PERIOD))
    assert len({p.pseudonym for p in run.pseudonymised}) == 2
