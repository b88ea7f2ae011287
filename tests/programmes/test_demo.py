"""The demo data set (load_demo) and the demo logins (create_demo_users)."""

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from actionplans.models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate
from programmes.models import ReportingPeriod
from governance.models import Assurance, AssuranceSource, Board, BoardMembership, Meeting, Risk
from programmes import roles
from programmes.demo import (
    DEMO_PASSWORD,
    DateShift,
    PaperPeriod,
    board_short_names,
    financial_year_periods,
    parse_uk_date,
    project_named,
    shifted_period_name,
    stated_start_date,
    status_for_percent,
)
from programmes.models import AuditEntry, Objective, Person, Programme
from programmes.rules import uk_date

REPORT_DATE = date(2024, 6, 30)
ACTION_PLAN = "ASC-AP-2425"
IMPROVEMENT = "ASCIP-3"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
MODELS = (Person, ReportingPeriod, Programme, Objective, Action, ProgressUpdate, Board, BoardMembership,
          Meeting, AssuranceSource, Assurance, Measure, MeasureTarget, MeasureValue, Risk)


def fixture_rows(name):
    with (FIXTURES / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker):
    """Load once for the read-only tests of a class (it takes seconds), then empty the database."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


# ---------------------------------------------------------------- pure helpers


def test_it_reads_due_dates_written_the_uk_way():
    assert parse_uk_date("30 March 2025") == date(2025, 3, 30)
    assert parse_uk_date(" 1 April 2024") == date(2024, 4, 1)


def test_a_percent_gives_the_status_the_officer_would_have_chosen():
    assert [status_for_percent(p) for p in (0, 40, 100)] == ["not_started", "in_progress", "completed"]


def test_the_notes_own_word_on_when_work_starts_becomes_a_start_date():
    assert stated_start_date("Work not due to start until Q3 aligned to the Locality Board.") == date(2024, 10, 1)
    assert stated_start_date("Work not due to start until Q4.") == date(2025, 1, 1)
    assert stated_start_date("Ongoing.") is None


def test_reports_to_names_one_board_or_several_as_written():
    assert board_short_names("ASCCIB?") == ["ASCCIB"]
    assert board_short_names("OSAB / ASCCIB") == ["OSAB", "ASCCIB"]
    assert board_short_names("Ops & performance then ASCCIB") == ["Ops & performance", "ASCCIB"]


def test_a_financial_year_has_four_quarters_and_twelve_months_from_april():
    periods = financial_year_periods(2024)
    year, quarters, months = periods[0], periods[1:5], periods[5:]
    assert (year.name, year.start, year.end) == ("2024/25", date(2024, 4, 1), date(2025, 3, 31))
    assert [(q.name, q.start, q.end) for q in quarters[:1] + quarters[3:]] == [
        ("2024/25 Q1", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024/25 Q4", date(2025, 1, 1), date(2025, 3, 31)),
    ]
    assert [m.name for m in months[:2]] + [months[-1].name] == ["April 2024", "May 2024", "March 2025"]
    assert months[10].end == date(2025, 2, 28) and months[-1].quarter == 4


def test_a_moved_period_keeps_the_papers_name_and_says_the_dates_it_now_covers():
    q1 = PaperPeriod("2024/25 Q1", "quarter", "2024/25", 1, date(2024, 4, 1), date(2024, 6, 30))
    assert shifted_period_name(q1, DateShift(0)) == "2024/25 Q1"
    assert shifted_period_name(q1, DateShift(10)) == "2024/25 Q1 (11 April 2024 to 10 July 2024)"


def test_the_shift_puts_the_report_date_on_the_chosen_day_and_moves_every_date_alike():
    shift = DateShift.onto(date(2026, 11, 23))
    assert shift(REPORT_DATE) == date(2026, 11, 23)
    assert shift(date(2024, 4, 1)) - shift(date(2024, 3, 1)) == timedelta(days=31)
    assert shift(None) is None and shift.iso("2024-06-30") == date(2026, 11, 23)


def test_the_assurance_matrix_finds_a_project_by_its_shortened_name():
    tom = Objective(reference="ASCIP-05", title="TOM L1 (customer information & digital) inc elements of Charging reform")
    tom2 = Objective(reference="ASCIP-06", title="TOM L2 and 4")
    assert project_named("TOM L1 (customer information & digital)", [tom, tom2]) is tom
    with pytest.raises(ValueError, match="matches 0 projects"):
        project_named("Brokerage", [tom, tom2])


# ---------------------------------------------------------------- the loaded data set


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded_demo")
class TestTheLoadedDemo:
    def test_it_loads_the_action_plan_and_the_improvement_programme(self):
        assert set(Programme.objects.values_list("short_name", flat=True)) == {ACTION_PLAN, IMPROVEMENT}
        plan = Programme.objects.get(short_name=ACTION_PLAN)
        assert plan.name == "Adult Social Care action plan 2024/25"
        assert (plan.start_date, plan.end_date) == (date(2024, 4, 1), date(2025, 3, 31))
        assert plan.objectives.count() == 11 and plan.actions.count() == 71

    def test_each_action_sits_under_the_objective_its_reference_names_with_its_due_date(self):
        plan = Programme.objects.get(short_name=ACTION_PLAN)
        rows = [r for r in fixture_rows("asc_action_plan_2024_25.csv") if "." in r["Ref."]]
        actions = {a.reference: a for a in plan.actions.select_related("objective")}
        assert {a.objective.reference for a in actions.values() if a.reference.startswith("ASC2407.")} == {"ASC2407"}
        assert all(actions[r["Ref."]].due_date == parse_uk_date(r["Due Date"]) for r in rows)
        assert actions["ASC2401.G"].start_date == date(2024, 10, 1)

    def test_every_action_has_its_percent_and_note_as_one_update_dated_30_june_2024(self):
        updates = ProgressUpdate.objects.filter(action__programme__short_name=ACTION_PLAN)
        assert updates.count() == 71
        assert set(updates.values_list("effective_date", "channel", "author_name")) == {
            (REPORT_DATE, "command", "Performance team")
        }
        b = updates.get(action__reference="ASC2401.B")
        e = updates.get(action__reference="ASC2401.E")
        g = updates.get(action__reference="ASC2401.G")
        assert (b.percent, b.status) == (100, "completed")
        assert (e.percent, e.status) == (20, "in_progress")
        assert (g.percent, g.status) == (0, "not_started")

    def test_a_note_with_html_is_stored_sanitised(self):
        note = ProgressUpdate.objects.get(action__reference="ASC2402.E").commentary
        assert note.startswith("<p>It is too early to measure the impact")
        assert "<ul>" in note and "style" not in note

    def test_the_reports_stated_objective_percent_stays_visible_but_is_not_stored_as_the_percent(self):
        objective = Objective.objects.get(programme__short_name=ACTION_PLAN, reference="ASC2401")
        assert objective.description == "Stated in the 2024/25 quarter 1 report: 47% complete."
        assert objective.manual_percent is None

    def test_the_improvement_programme_has_eleven_projects_in_three_themes(self):
        programme = Programme.objects.get(short_name=IMPROVEMENT)
        themes = programme.objectives.filter(kind="theme")
        projects = programme.objectives.filter(kind="project")
        assert themes.count() == 3 and projects.count() == 11
        assert set(projects.values_list("parent__reference", flat=True)) == {"ASCIP-T1", "ASCIP-T2", "ASCIP-T3"}

    def test_a_project_keeps_its_sro_leads_and_columns_as_written(self):
        project = Objective.objects.get(programme__short_name=IMPROVEMENT, title="Direct payments")
        assert project.owner.name == "Hayley Eccles"
        assert project.leads_note == "Aneeq PM- Adelle plus??(DP) SM3 or agency"
        assert set(project.leads.values_list("name", flat=True)) == {"Aneeq Mushtaq", "Adelle"}
        assert project.subgroup == "Review Panel & Audit Panel ?HLR to DMT needed?"
        assert "SRO as written: Hayley (CW)" in project.description
        assert project.parent.title == "Capacity/Demand and quality of outcome"

    def test_each_project_is_linked_to_every_board_it_reports_to(self):
        rows = fixture_rows("asc_improvement_programme_projects.csv")
        expected = {(r["Project"], b) for r in rows for b in board_short_names(r["Reports to"])}
        linked = set(
            Board.objectives.through.objects.filter(objective__kind="project").values_list(
                "objective__title", "board__short_name"
            )
        )
        assert linked == expected | {("Workforce & OD", "WRG")}  # the group the paper drafts for it
        assert {"ASCCIB", "Change Board", "DMT", "SysDig", "OSAB", "Ops & performance"} <= set(
            Board.objects.values_list("short_name", flat=True)
        )

    def test_the_workforce_group_has_the_chair_and_deputy_chair_the_paper_names(self):
        group = Board.objects.get(short_name="WRG")
        roles_by_name = dict(group.memberships.values_list("person__name", "role"))
        assert roles_by_name["Jayne"] == "chair" and roles_by_name["Hayley Eccles"] == "deputy_chair"
        assert group.reports_to.short_name == "ASCCIB" and group.meeting_frequency == "Monthly"

    def test_the_assurance_matrix_has_a_cell_for_every_yes_in_the_csv(self):
        rows = fixture_rows("asc_improvement_programme_assurance.csv")
        yes = {(r["Project"], source) for r in rows for source, v in r.items() if v.strip() == "yes"}
        assert Assurance.objects.count() == len(yes) == 32
        assert list(AssuranceSource.objects.values_list("name", flat=True)) == [
            "CQC Peer Review", "FFS", "Statutory Duties compliance", "DMT Risk Mitigation", "Other"
        ]
        enablement = Objective.objects.get(title="TOM L3/ Enablement")
        assert enablement.assurances.count() == 4

    def test_the_front_door_figures_of_april_2023_are_measures_with_values(self):
        april = ReportingPeriod.objects.get(name="April 2023")
        values = dict(MeasureValue.objects.filter(period=april).values_list("measure__reference", "value"))
        assert values["ARCC-01"] == 3440 and float(values["ARCC-02"]) == 25.1
        assert len(values) == 8
        resolved = Measure.objects.get(reference="ARCC-02")
        assert resolved.data_only and resolved.objectives.filter(reference="ASCIP-06").exists()
        assert april.financial_year == "2023/24" and april.kind == "month"

    def test_the_out_of_area_target_is_the_only_target_and_belongs_to_the_year(self):
        target = MeasureTarget.objects.get()
        assert (target.measure.reference, target.period.name, target.value) == ("ASC-M02", "2024/25", 25)
        assert not target.measure.data_only

    def test_there_are_periods_for_both_financial_years_and_a_quarter_1_meeting(self):
        assert ReportingPeriod.objects.count() == 2 * (1 + 4 + 12)
        q1 = ReportingPeriod.objects.get(name="2024/25 Q1")
        assert (q1.start, q1.end, q1.quarter) == (date(2024, 4, 1), REPORT_DATE, 1)
        meeting = Meeting.objects.get(board__short_name="DMT")
        assert meeting.date == date(2024, 7, 18) and meeting.updates_due_by == date(2024, 7, 4)

    def test_risks_are_scored_owned_and_linked_to_a_programme_and_objective(self):
        assert Risk.objects.filter(programme__short_name=ACTION_PLAN).count() == 3
        risk = Risk.objects.get(reference="ASC-R01")
        assert risk.objective.reference == "ASC2401" and risk.owner.name == "Gareth Lloyd"
        assert (risk.current_likelihood, risk.current_impact) == (3, 4)
        assert set(risk.mitigating_actions.values_list("reference", flat=True)) == {"ASC2401.A", "ASC2401.I"}
        assert Risk.objects.filter(review_date__lt=REPORT_DATE).exists()

    def test_the_demo_officer_owns_eight_actions_and_one_is_overdue_at_the_report_date(self):
        mine = Action.objects.filter(responsible__name="Sam Clarke")
        assert mine.count() == 8
        assert list(mine.filter(due_date__lt=REPORT_DATE).exclude(status="completed").values_list(
            "reference", flat=True)) == ["ASC2401.A"]
        others = Action.objects.filter(programme__short_name=ACTION_PLAN).exclude(responsible__name="Sam Clarke")
        assert others.filter(responsible__isnull=True).count() == 0
        assert len(set(others.values_list("responsible", flat=True))) == 7

    def test_every_write_was_audited_as_the_command_line(self):
        assert AuditEntry.objects.filter(model="programmes.programme", action="created").count() == 2
        assert set(AuditEntry.objects.values_list("channel", flat=True)) == {"command"}

    def test_running_it_again_adds_nothing(self):
        before = counts()
        call_command("load_demo", verbosity=0)
        call_command("load_demo", "--shift-dates", verbosity=0)
        assert counts() == before

    def test_the_second_run_says_the_demo_was_already_loaded(self, capsys):
        call_command("load_demo")
        assert "already loaded: nothing added" in capsys.readouterr().out

    def test_the_demo_users_link_the_officer_to_the_person_who_owns_the_actions(self, settings):
        settings.DEBUG = True
        call_command("create_demo_users", verbosity=0)
        officer = get_user_model().objects.get(username="officer")
        assert officer.person.name == "Sam Clarke" and officer.person.responsible_actions.count() == 8
        manager = get_user_model().objects.get(username="manager")
        assert set(manager.person.managed_programmes.values_list("short_name", flat=True)) == {
            ACTION_PLAN, IMPROVEMENT
        }


# ---------------------------------------------------------------- moving the dates


@pytest.mark.django_db
def test_shifting_the_dates_puts_the_progress_updates_on_today():
    today = timezone.localdate()
    days = (today - REPORT_DATE).days
    call_command("load_demo", "--shift-dates", verbosity=0)

    assert set(ProgressUpdate.objects.values_list("effective_date", flat=True)) == {today}
    plan = Programme.objects.get(short_name=ACTION_PLAN)
    assert plan.start_date == date(2024, 4, 1) + timedelta(days=days)
    assert Action.objects.get(reference="ASC2401.A").due_date == date(2024, 4, 30) + timedelta(days=days)
    assert Meeting.objects.get(board__short_name="DMT").date == date(2024, 7, 18) + timedelta(days=days)
    assert Risk.objects.get(reference="ASC-R01").review_date == date(2024, 9, 30) + timedelta(days=days)
    q1 = ReportingPeriod.objects.get(name__startswith="2024/25 Q1")
    assert (q1.start, q1.end) == (date(2024, 4, 1) + timedelta(days=days), today)
    assert q1.name.endswith(f"to {uk_date(today)})")


@pytest.mark.django_db
def test_a_second_run_keeps_the_dates_the_demo_was_first_loaded_with(monkeypatch):
    call_command("load_demo", "--shift-dates", verbosity=0)
    first = dict(Action.objects.values_list("reference", "due_date"))
    before = counts()
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    call_command("load_demo", "--shift-dates", verbosity=0)
    assert counts() == before
    assert dict(Action.objects.values_list("reference", "due_date")) == first


# ---------------------------------------------------------------- the demo logins


@pytest.mark.django_db
def test_create_demo_users_makes_five_users_that_can_log_in(client, settings):
    settings.DEBUG = True
    call_command("create_demo_users", verbosity=0)

    users = get_user_model().objects.filter(username__in=["officer", "manager", "leadership", "admin", "clerk"])
    assert users.count() == 5
    for user in users:
        assert client.login(username=user.username, password=DEMO_PASSWORD), user.username
        client.logout()
    by_name = {u.username: u for u in users}
    assert by_name["admin"].is_staff and by_name["admin"].is_superuser
    assert not any(by_name[n].is_staff for n in ("officer", "manager", "leadership", "clerk"))
    assert roles.user_roles(by_name["clerk"]) == {roles.CLERK}
    assert roles.user_roles(by_name["manager"]) == {roles.PROGRAMME_MANAGER}


@pytest.mark.django_db
def test_create_demo_users_twice_keeps_five_users_and_the_password_still_works(client, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users", verbosity=0)
    officer = get_user_model().objects.get(username="officer")
    officer.set_password("something else")
    officer.save()

    call_command("create_demo_users")

    out = capsys.readouterr().out
    assert get_user_model().objects.count() == 5
    assert client.login(username="officer", password=DEMO_PASSWORD)
    assert DEMO_PASSWORD in out and "leadership" in out and "reset" in out
    assert Person.objects.filter(user__username="officer").count() == 1


@pytest.mark.django_db
def test_create_demo_users_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("create_demo_users", verbosity=0)
    assert not get_user_model().objects.exists()
    call_command("create_demo_users", "--force", verbosity=0)
    assert get_user_model().objects.count() == 5
