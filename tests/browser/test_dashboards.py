"""The leadership dashboards in Chromium: drilling down, changing the date, and axe on every state."""

import re

import pytest

from actionplans.rollup import compute_tree
from programmes import rules
from programmes.roles import LEADERSHIP
from tests.browser.conftest import assert_no_axe_violations, login
from tests.dashboards.builders import JULY_15, JUNE_30, council_plan
from tests.factories import PersonFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def dana(transactional_db):
    user = UserFactory(username="dana.director", first_name="Dana", last_name="Director", role=LEADERSHIP)
    PersonFactory(name="Dana Director", user=user)
    return user


@pytest.fixture
def plan(transactional_db):
    return council_plan()


@pytest.fixture
def signed_in(page, live_server, dana):
    login(page, live_server, dana)
    return page


def shown_percent(page, ref: str) -> str:
    return page.locator(f'[data-ref="{ref}"][data-percent]').first.get_attribute("data-percent")


def engine_percent(tree, kind: str, pk: int) -> str:
    percent = rules.display_percent(tree.results_by_key()[(kind, pk)].percent)
    return "" if percent is None else str(percent)


def toggle(page, objective):
    return page.locator(f'[aria-controls="children-objective-{objective.pk}"]')


def test_a_director_drills_down_from_the_portfolio_to_an_action(signed_in, live_server, plan, js_errors):
    page = signed_in
    page.goto(f"{live_server.url}/dashboards/")
    page.get_by_role("link", name="Adult social care action plan 2024/25").click()
    page.wait_for_url(re.compile(rf"/dashboards/programmes/{plan.programme.pk}/$"))

    toggle(page, plan.theme).click()
    page.locator('[data-ref="ASC1.1"][data-kind="objective"]').wait_for()
    assert toggle(page, plan.theme).get_attribute("aria-expanded") == "true"
    toggle(page, plan.safeguarding).click()
    action = page.get_by_role("link", name="ASC1.1.B Train every social worker")
    action.wait_for()

    # The figures loaded on demand are the engine's.
    tree = compute_tree(plan.programme.pk)
    assert shown_percent(page, "ASC1.1.B") == engine_percent(tree, "action", plan.actions["training"].pk)
    assert shown_percent(page, "ASC1.1") == engine_percent(tree, "objective", plan.safeguarding.pk)

    action.click()
    page.wait_for_url(re.compile(rf"/actions/{plan.actions['training'].pk}/$"))
    assert "ASC1.1.B" in page.locator("h1").inner_text() + page.locator("main").inner_text()
    assert js_errors == []


def test_a_level_opened_once_closes_and_opens_again_without_reloading(signed_in, live_server, plan):
    page = signed_in
    page.goto(f"{live_server.url}/dashboards/programmes/{plan.programme.pk}/")
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "/objectives/" in request.url else None)

    toggle(page, plan.theme).click()
    children = page.locator(f"#children-objective-{plan.theme.pk}")
    children.locator('[data-ref="ASC1.2"]').wait_for()
    toggle(page, plan.theme).click()
    assert children.is_hidden()
    assert toggle(page, plan.theme).get_attribute("aria-expanded") == "false"
    toggle(page, plan.theme).click()
    assert children.is_visible()
    assert len(requests) == 1


def test_the_tree_opens_from_the_keyboard(signed_in, live_server, plan):
    page = signed_in
    page.goto(f"{live_server.url}/dashboards/programmes/{plan.programme.pk}/")
    toggle(page, plan.theme).focus()
    page.keyboard.press("Enter")
    page.locator('[data-ref="ASC1.1"][data-kind="objective"]').wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == (
        f"children-objective-{plan.theme.pk}"
    )


def test_changing_the_as_at_date_recomputes_every_figure(signed_in, live_server, plan, js_errors):
    page = signed_in
    page.goto(f"{live_server.url}/dashboards/programmes/{plan.programme.pk}/")
    today = compute_tree(plan.programme.pk)
    assert shown_percent(page, "ASC") == engine_percent(today, "programme", plan.programme.pk)

    # GOV.UK's date input: day, month and year in three boxes.
    page.get_by_role("textbox", name="Day").fill("15")
    page.get_by_role("textbox", name="Month").fill("7")
    page.get_by_role("textbox", name="Year").fill("2024")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url(re.compile(r"as_at-day=15&as_at-month=7&as_at-year=2024"))

    july = compute_tree(plan.programme.pk, as_at=JULY_15)
    assert page.locator("[data-as-at]").get_attribute("data-as-at") == "2024-07-15"
    assert shown_percent(page, "ASC") == engine_percent(july, "programme", plan.programme.pk)
    assert shown_percent(page, "ASC") != engine_percent(today, "programme", plan.programme.pk)
    # Levels opened afterwards are for the same date.
    toggle(page, plan.theme).click()
    page.locator('[data-ref="ASC1.1"][data-kind="objective"]').wait_for()
    assert shown_percent(page, "ASC1.1") == engine_percent(july, "objective", plan.safeguarding.pk)

    page.get_by_label("Or the end of a reporting period").select_option("2024-06-30")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url(re.compile(r"period_end=2024-06-30"))
    june = compute_tree(plan.programme.pk, as_at=JUNE_30)
    assert page.locator("[data-as-at]").get_attribute("data-as-at") == "2024-06-30"
    assert shown_percent(page, "ASC") == engine_percent(june, "programme", plan.programme.pk)
    assert js_errors == []


def test_an_explanation_opens_in_place(signed_in, live_server, plan):
    page = signed_in
    page.goto(f"{live_server.url}/dashboards/programmes/{plan.programme.pk}/?as_at=2024-07-15")
    toggle(page, plan.theme).click()
    page.get_by_text("How ASC1.1 was worked out", exact=True).click()
    page.get_by_text("(40×1 + 30×1 + 0×1) ÷ 3 = 23.33").wait_for()


# ---------------------------------------------------------------- accessibility, page by page


def test_the_portfolio_and_exceptions_have_no_accessibility_problems(signed_in, live_server, plan, js_errors):
    page = signed_in
    for path in ("/dashboards/", "/dashboards/?as_at=2024-07-15", "/dashboards/exceptions/",
                 f"/dashboards/exceptions/?programme={plan.programme.pk}", "/dashboards/?as_at=2099-01-01"):
        page.goto(live_server.url + path)
        assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/dashboards/")
    page.get_by_text("How ASC was worked out", exact=True).click()
    page.locator(".dashboard-explanation").wait_for()
    assert_no_axe_violations(page)
    assert js_errors == []


def test_the_programme_page_has_no_accessibility_problems_in_any_state(signed_in, live_server, plan, js_errors):
    page = signed_in
    base = f"{live_server.url}/dashboards/programmes/{plan.programme.pk}/"
    page.goto(base)
    assert_no_axe_violations(page)

    # Tree expanded two levels, and an explanation open.
    toggle(page, plan.theme).click()
    page.locator('[data-ref="ASC1.1"][data-kind="objective"]').wait_for()
    toggle(page, plan.safeguarding).click()
    page.locator('[data-ref="ASC1.1.B"]').wait_for()
    page.get_by_text("How ASC1.1 was worked out", exact=True).click()
    page.locator(f"#children-objective-{plan.theme.pk} .dashboard-explanation").wait_for()
    assert_no_axe_violations(page)

    # Filters applied, filters that match nothing, and a filter in error.
    page.get_by_text("Filter the actions").click()
    page.get_by_label("Red", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"rag=red"))
    page.locator("#matches").wait_for()
    assert_no_axe_violations(page)
    for query in ("?rag=blue&status=on_hold", "?due_within=soon"):
        page.goto(base + query)
        assert_no_axe_violations(page)
    assert js_errors == []


def test_the_other_pages_have_no_accessibility_problems(signed_in, live_server, plan, js_errors):
    page = signed_in
    pk = plan.programme.pk
    for path in (
        f"/dashboards/programmes/{pk}/objectives/{plan.safeguarding.pk}/",
        f"/dashboards/programmes/{pk}/explain/objective/{plan.theme.pk}/",
        f"/dashboards/programmes/{pk}/explain/action/{plan.actions['training'].pk}/",
        f"/dashboards/programmes/{pk}/risks/",
        f"/dashboards/programmes/{pk}/risks/?likelihood=4&impact=5",
        f"/dashboards/programmes/{pk}/risks/?likelihood=1&impact=1",
    ):
        page.goto(live_server.url + path)
        assert_no_axe_violations(page)
    assert js_errors == []


def test_empty_dashboards_have_no_accessibility_problems(signed_in, live_server, js_errors):
    page = signed_in
    page.goto(f"{live_server.url}/dashboards/")
    assert page.get_by_text("No programmes yet").is_visible()
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/dashboards/exceptions/")
    assert_no_axe_violations(page)
    programme = ProgrammeFactory()
    page.goto(f"{live_server.url}/dashboards/programmes/{programme.pk}/")
    assert page.get_by_text("No objectives yet").is_visible()
    assert_no_axe_violations(page)
    assert js_errors == []
