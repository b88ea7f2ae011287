"""A programme manager sets up a small programme from nothing in Chromium (the programme, two
objectives, three actions with owners), and the officer then finds the actions in My actions. axe
checks every set-up page and state (empty, with errors, filled, preview, confirmation) at 1280 and
320 px, and at 320 px no page scrolls sideways."""

import re
from datetime import date

import pytest

from actionplans.models import Action
from programmes.models import Person, Programme
from programmes.roles import PROGRAMME_MANAGER
from tests.actionplans.conftest import make_user
from tests.browser.conftest import assert_no_axe_violations, fill_date, login
from tests.factories import PersonFactory, ReportingPeriodFactory

pytestmark = pytest.mark.browser

WIDTHS = (1280, 320)


@pytest.fixture
def max_manager(transactional_db):
    return make_user(PROGRAMME_MANAGER, "max.manager", name="Max Manager")


def check(page, what: str) -> None:
    """axe finds nothing at either width, and at 320 px the page does not scroll sideways."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page)
        if width == 320:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= 320, f"{what} scrolls sideways at 320 px ({scroll} px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def add_objective(page, reference: str, title: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Add (the first|an) objective$")).first.click()
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Title").fill(title)
    submit(page, "Add objective")
    page.get_by_text(f"{reference} was added").wait_for()


def add_action(page, objective_ref: str, reference: str, title: str, owner: str, due: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=f"Add an action to {objective_ref}").click()
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Responsible officer").select_option(label=owner)
    fill_date(page, "Due date", due)
    submit(page, "Add action")
    page.get_by_text(f"{reference} was added").wait_for()


def test_a_manager_sets_up_a_programme_from_nothing_and_the_officer_sees_the_actions(
        page, live_server, max_manager, olly, browser, js_errors):
    login(page, live_server, max_manager)
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Set up").click()
    page.get_by_text("No programmes to set up yet").wait_for()
    check(page, "set-up, empty")

    with page.expect_navigation():
        page.get_by_role("link", name="Create a programme").first.click()
    check(page, "create a programme")
    submit(page, "Create programme")
    page.locator(".govuk-error-summary").wait_for()
    assert "Enter the programme’s name" in page.locator(".govuk-error-summary").inner_text()
    check(page, "create a programme, with errors")

    page.get_by_label("Name", exact=True).fill("Workforce development strategy")
    page.get_by_label("Reference").fill("WDS")
    fill_date(page, "Start date", "2024-04-01")
    fill_date(page, "End date", "2027-03-31")
    submit(page, "Create programme")
    page.get_by_text("No objectives yet").wait_for()
    check(page, "a new programme's set-up page")
    programme = Programme.objects.get(short_name="WDS")
    assert list(programme.managers.values_list("name", flat=True)) == ["Max Manager"]

    add_objective(page, "WDS1", "Leaders are developed")
    add_objective(page, "WDS2", "Recruitment improves")
    add_action(page, "WDS1", "WDS1.1", "Run the leadership programme", "Olly Officer", "2026-12-31")
    add_action(page, "WDS1", "WDS1.2", "Agree the coaching offer", "Olly Officer", "2027-01-31")
    add_action(page, "WDS2", "WDS2.1", "Publish the recruitment plan", "Olly Officer", "2027-02-28")
    check(page, "the programme's set-up page with its tree")
    assert Action.objects.filter(programme=programme, responsible__user=olly).count() == 3

    # The other pages and states of set-up, each checked; the people page with someone pseudonymised.
    action = Action.objects.get(reference="WDS1.2")
    PersonFactory(name="Former officer 1A2B", job_title="", initials="", left_on=date(2023, 1, 10),
                  pseudonymised_on=date(2025, 1, 9))
    for path, what in ((f"/manage/actions/{action.pk}/", "change an action"),
                       (f"/manage/actions/{action.pk}/move/", "move an action"),
                       (f"/manage/actions/{action.pk}/delete/", "delete an action"),
                       (f"/manage/objectives/{action.objective_id}/move/", "move an objective"),
                       (f"/manage/objectives/{action.objective_id}/delete/", "delete an objective"),
                       (f"/manage/objectives/{action.objective_id}/", "change an objective"),
                       (f"/manage/objectives/{action.objective_id}/actions/new/", "add an action"),
                       (f"/manage/programmes/{programme.pk}/edit/", "change a programme"),
                       ("/manage/people/", "people"),
                       (f"/manage/people/{Person.objects.get(user=olly).pk}/", "change a person"),
                       (f"/manage/people/{Person.objects.get(user=olly).pk}/left/", "mark a person as left"),
                       ("/manage/people/new/", "add a person"),
                       (f"/manage/people/{Person.objects.get(user=olly).pk}/actions/", "reassign actions")):
        page.goto(f"{live_server.url}{path}")
        check(page, what)

    page.goto(f"{live_server.url}/manage/objectives/{action.objective_id}/actions/new/")
    submit(page, "Add action")
    page.locator("#id_title-error").wait_for()
    check(page, "add an action, with errors")

    page.goto(f"{live_server.url}/manage/objectives/{Action.objects.get(reference='WDS1.1').objective_id}/move/")
    page.get_by_label("Put it under").select_option(label="WDS2 Recruitment improves")
    submit(page, "Move")
    page.get_by_text("WDS1 was moved.").wait_for()
    page.goto(f"{live_server.url}/manage/objectives/{Action.objects.get(reference='WDS2.1').objective_id}/move/")
    page.get_by_label("Put it under").select_option(label="WDS1 Leaders are developed")
    submit(page, "Move")
    page.locator(".govuk-error-summary").wait_for()
    assert "cannot sit under itself or its own children" in page.locator("#id_parent-error").inner_text()
    check(page, "move an objective under its own child, refused")

    page.goto(f"{live_server.url}/manage/programmes/{programme.pk}/edit/")
    page.get_by_label(re.compile("^Worst part")).check()
    submit(page, "Preview the effect on today’s figures")
    page.get_by_test_id("settings-preview").wait_for()
    check(page, "the settings preview")

    ReportingPeriodFactory(quarter=1, name="2024/25 Q1")
    page.goto(f"{live_server.url}/manage/programmes/{programme.pk}/measures/new/")
    check(page, "add a measure")
    page.get_by_label("Reference").fill("KPI 1")
    page.get_by_label("Title", exact=True).fill("Vacancy rate")
    page.get_by_label("Lower is better").check()
    submit(page, "Add measure")
    page.get_by_text("Set its targets next").wait_for()
    check(page, "a measure's targets")
    # A refused form comes back as 422, which Chromium logs as a failed resource: not a script error.
    assert [e for e in js_errors if "status of 422" not in e] == []

    # Olly signs in and finds the three actions waiting for him.
    page.context.clear_cookies()
    login(page, live_server, olly)
    page.goto(f"{live_server.url}/my-actions/")
    for reference in ("WDS1.1", "WDS1.2", "WDS2.1"):
        assert page.get_by_role("link", name=re.compile(re.escape(reference))).count() >= 1, reference
