"""An officer's month in Chromium: sign in, find the overdue action, update it by keyboard alone and
see the objective's figure change without a reload; two officers on one action; axe-core on every
page and htmx state; and a 320 px phone."""

import re

import pytest

from actionplans.models import Action, MeasureValue
from programmes.models import Person
from programmes.roles import OFFICER
from tests.actionplans.conftest import make_user
from tests.browser.conftest import assert_no_axe_violations, login, wait_until_settled
from tests.factories import MeasureFactory, MeasureTargetFactory, ReportingPeriodFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
NO_RELOAD_MARK = "window.__stillTheSamePage = true"
STILL_THE_SAME_PAGE = "window.__stillTheSamePage === true"


def active(page) -> dict:
    return page.evaluate(
        "({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: (document.activeElement.textContent || '').trim()})"
    )


def tab_until(page, wanted, most: int = 80) -> None:
    """Press Tab until the focused element passes `wanted(active)`; fail if it never does."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if wanted(active(page)):
            return
    raise AssertionError(f"Tab never reached the element; last focused: {active(page)}")


def figure(page, dom_id: str) -> str:
    return page.locator(f"#{dom_id}").get_attribute("data-percent")


def open_form(page, live_server, action) -> None:
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    page.get_by_role("button", name="Update progress").click()
    page.locator("#update-heading").wait_for()


def save(page) -> None:
    page.get_by_role("button", name=re.compile("Save (update|my update)")).click()


def test_olly_updates_his_overdue_action_by_keyboard_and_sees_the_objective_change(page, live_server, plan):
    objective_id = f"rollup-objective-{plan.objective.pk}"
    page.goto(f"{live_server.url}/accounts/login/")
    tab_until(page, lambda el: el["id"] == "id_username")
    page.keyboard.type("olly.officer")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/my-actions/")

    # The overdue group comes first; its action is the first action link after its heading.
    overdue = page.locator("#overdue")
    assert overdue.get_by_role("link", name=re.compile("ASC2401.A")).is_visible()
    tab_until(page, lambda el: el["tag"] == "A" and el["text"].startswith("ASC2401.A"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.evaluate(NO_RELOAD_MARK)
    before = figure(page, objective_id)
    assert before == "64"

    tab_until(page, lambda el: el["text"] == "Update progress")
    page.keyboard.press("Enter")
    wait_until_settled(page, "document.activeElement.id === 'update-heading'")
    tab_until(page, lambda el: el["id"] == "id_percent")
    page.keyboard.press("Control+A")
    page.keyboard.type("85")
    tab_until(page, lambda el: el["id"] == "id_commentary")
    page.keyboard.type("Scripts rewritten with the duty team.")
    tab_until(page, lambda el: el["tag"] == "BUTTON" and el["text"] == "Save update")
    page.keyboard.press("Enter")

    wait_until_settled(page, "document.activeElement.id === 'action-summary'")
    assert page.locator('#action-summary [data-field="percent"]').inner_text() == "85%"
    assert figure(page, objective_id) == "70"  # (85+90+60+55+50+100+50) / 7
    assert page.evaluate(STILL_THE_SAME_PAGE)
    assert "Update saved. ASC2401.A is 85% complete" in page.locator("#announcements").inner_text()
    assert "Scripts rewritten with the duty team." in page.locator("#action-history").inner_text()
    assert Action.objects.get(pk=plan.overdue.pk).percent == 85


def test_two_officers_on_one_action_see_a_conflict_and_can_reapply(browser, page, live_server, plan, cara, olly):
    action = plan.delegated  # Cara's, delegated to Olly
    login(page, live_server, olly)
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    cara_page = other.new_page()
    try:
        login(cara_page, live_server, cara)
        open_form(page, live_server, action)
        open_form(cara_page, live_server, action)
        page.evaluate(NO_RELOAD_MARK)

        cara_page.get_by_label("Percent complete").fill("80")
        save(cara_page)
        wait_until_settled(cara_page, "document.activeElement.id === 'action-summary'")

        page.get_by_label("Percent complete").fill("55")
        page.get_by_label("Commentary").fill("Waiting for legal.")
        save(page)
        conflict = page.locator("#conflict")
        conflict.wait_for()
        wait_until_settled(page, "document.activeElement.id === 'conflict'")
        assert "Cara saved an update" in conflict.inner_text()
        percent_row = conflict.locator('tr[data-field="percent"]')
        assert percent_row.locator("td").all_inner_texts() == ["80%", "55%"]
        assert page.locator('#action-summary [data-field="percent"]').inner_text() == "80%"
        assert_no_axe_violations(page)

        save(page)
        wait_until_settled(page, "document.activeElement.id === 'action-summary'")
        assert page.locator('#action-summary [data-field="percent"]').inner_text() == "55%"
        assert page.evaluate(STILL_THE_SAME_PAGE)
        final = Action.objects.get(pk=action.pk)
        assert (final.percent, final.version) == (55, 3)
    finally:
        other.close()


def test_every_state_of_the_action_page_passes_axe(page, live_server, plan, olly):
    login(page, live_server, olly)
    page.goto(f"{live_server.url}/actions/{plan.overdue.pk}/")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Update progress").click()
    page.locator("#update-heading").wait_for()
    assert_no_axe_violations(page)  # form open

    page.get_by_label("Amber (at risk)").check()
    save(page)
    page.locator(".govuk-error-summary").wait_for()
    wait_until_settled(page, "document.activeElement.classList.contains('govuk-error-summary')")
    assert "Give a reason for the RAG status you declared." in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)  # validation error

    page.get_by_label("Reason for the RAG status you declared").fill("Waiting for the new scripts to be signed off.")
    page.get_by_label("Commentary").fill("The scripts are with the service manager.")  # overdue: words needed
    save(page)
    wait_until_settled(page, "document.activeElement.id === 'action-summary'")
    assert_no_axe_violations(page)  # saved

    page.locator(f"#explanation-objective-{plan.objective.pk} summary").click()
    page.get_by_text("What counts towards ASC2401").wait_for()
    assert_no_axe_violations(page)  # explanation fetched after the save


def test_without_javascript_the_same_form_posts_and_comes_back(browser, live_server, plan, olly):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        login(page, live_server, olly)
        page.goto(f"{live_server.url}/actions/{plan.overdue.pk}/")
        with page.expect_navigation():
            page.get_by_role("button", name="Update progress").click()
        page.get_by_label("Percent complete").fill("45")
        page.get_by_label("Commentary").fill("Half the scripts are rewritten.")
        with page.expect_navigation():
            save(page)
        assert page.url == f"{live_server.url}/actions/{plan.overdue.pk}/"
        assert "Your update to ASC2401.A was saved." in page.locator("main").inner_text()
        assert page.locator('#action-summary [data-field="percent"]').inner_text() == "45%"
    finally:
        context.close()


def test_my_actions_and_its_empty_state_pass_axe(page, live_server, plan, olly, transactional_db):
    login(page, live_server, olly)
    page.goto(f"{live_server.url}/my-actions/")
    assert_no_axe_violations(page)

    page.locator(".govuk-details__summary").filter(has_text="Filter and sort").click()
    page.get_by_label("Status", exact=True).select_option("completed")
    page.get_by_role("button", name="Show actions").click()
    page.wait_for_url(re.compile(r"status=completed"))
    assert page.locator("[data-action]").count() == 1
    assert "Showing 1 of 6 actions." in page.locator("#announcements").inner_text()
    assert_no_axe_violations(page)

    newcomer = make_user(OFFICER, "nina.new", name="Nina New")
    login(page, live_server, newcomer)
    page.goto(f"{live_server.url}/my-actions/")
    assert page.get_by_role("heading", name="You have no actions yet").is_visible()
    assert_no_axe_violations(page)


@pytest.fixture
def measure(olly):
    q1, q2 = ReportingPeriodFactory(quarter=1, name="2024/25 Q1"), ReportingPeriodFactory(quarter=2, name="2024/25 Q2")
    made = MeasureFactory(owner=Person.objects.get(user=olly), unit="percentage", reference="KPI7",
                          title="Contacts resolved at first contact")
    for period in (q1, q2):
        MeasureTargetFactory(measure=made, period=period, value=75)
    MeasureValue.objects.create(measure=made, period=q1, value=80)
    made.q2 = q2
    return made


def test_olly_enters_a_measure_value_and_sees_its_rag_and_direction_at_once(page, live_server, olly, measure):
    login(page, live_server, olly)
    page.goto(f"{live_server.url}/measures/{measure.pk}/")
    assert_no_axe_violations(page)
    page.evaluate(NO_RELOAD_MARK)

    page.get_by_label("Value", exact=True).fill("lots")
    page.get_by_role("button", name="Save value").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page)

    page.get_by_label("Period").select_option(label="2024/25 Q2")
    page.get_by_label("Value", exact=True).fill("70")
    page.get_by_role("button", name="Save value").click()
    wait_until_settled(page, "document.activeElement.id === 'measure-results'")
    row = page.locator('tr[data-period="2024/25 Q2"]')
    assert row.get_attribute("data-rag") == "amber"
    assert "Worse than the previous period" in row.inner_text()
    assert "Saved the value for 2024/25 Q2." in page.locator("#announcements").inner_text()
    assert page.evaluate(STILL_THE_SAME_PAGE)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["my-actions", "action form", "measure"])
def test_the_pages_fit_a_320_pixel_phone(browser, live_server, plan, olly, measure, path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    page = context.new_page()
    try:
        login(page, live_server, olly)
        if path == "my-actions":
            page.goto(f"{live_server.url}/my-actions/")
        elif path == "action form":
            open_form(page, live_server, plan.overdue)
        else:
            page.goto(f"{live_server.url}/measures/{measure.pk}/")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_olly_resolves_a_status_and_percent_conflict_by_keyboard_alone(page, live_server, plan, olly, js_errors):
    action = plan.overdue
    login(page, live_server, olly)
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    tab_until(page, lambda el: el["text"] == "Update progress")
    page.keyboard.press("Enter")
    wait_until_settled(page, "document.activeElement.id === 'update-heading'")

    # Choosing Completed sets the percent it counts as, and says so beside it.
    tab_until(page, lambda el: el["id"] == "id_status")
    page.keyboard.type("Comp")
    page.wait_for_function("document.getElementById('id_percent').value === '100'")
    note = page.locator("[data-status-percent-note]")
    assert note.is_visible() and "Completed counts as 100% complete" in note.inner_text()

    # A different percent typed afterwards is a question, not a silent change.
    tab_until(page, lambda el: el["id"] == "id_percent")
    page.keyboard.press("Control+A")
    page.keyboard.type("90")
    tab_until(page, lambda el: el["id"] == "id_commentary")
    page.keyboard.type("Scripts signed off by the service manager.")
    tab_until(page, lambda el: el["tag"] == "BUTTON" and el["text"] == "Save update")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    wait_until_settled(page, "document.activeElement.classList.contains('govuk-error-summary')")
    assert "You chose Completed, which counts as 100%, but the percent complete is 90%." in summary.inner_text()
    assert "was saved" not in page.locator("main").inner_text()
    assert Action.objects.get(pk=action.pk).version == action.version
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The summary's link takes the keyboard to the percent; 100 is right.
    tab_until(page, lambda el: el["tag"] == "A" and el["text"].startswith("You chose Completed"))
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'id_percent'")
    page.keyboard.press("Control+A")
    page.keyboard.type("100")
    tab_until(page, lambda el: el["tag"] == "BUTTON" and el["text"] == "Save update")
    page.keyboard.press("Enter")
    wait_until_settled(page, "document.activeElement.id === 'action-summary'")

    saved = Action.objects.get(pk=action.pk)
    assert (saved.status, saved.percent, saved.version) == ("completed", 100, action.version + 1)
    assert "Scripts signed off by the service manager." in page.locator("#action-history").inner_text()
    assert_no_axe_violations(page)
    # The browser logs the 422 that carried the form back with its error; nothing else went wrong.
    assert [error for error in js_errors if "status of 422" not in error] == []


def test_the_action_page_with_its_form_passes_axe_at_320_px(page, live_server, plan, olly):
    page.set_viewport_size({"width": 320, "height": 800})
    login(page, live_server, olly)
    page.goto(f"{live_server.url}/actions/{plan.later.pk}/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Update progress").click()
    page.locator("#update-heading").wait_for()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 320])
def test_a_managers_chase_list_passes_axe_and_fits(page, live_server, plan, width):
    from programmes.roles import PROGRAMME_MANAGER

    manager = make_user(PROGRAMME_MANAGER, "max.manager", name="Max Manager")
    plan.programme.managers.add(Person.objects.get(user=manager))
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, manager)
    page.goto(f"{live_server.url}/my-actions/")
    page.locator("#to-chase [data-action]").first.wait_for()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
