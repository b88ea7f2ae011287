import pytest

from programmes.roles import LEADERSHIP
from tests.browser.conftest import assert_no_axe_violations
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def dana(db):
    user = UserFactory(
        username="dana.director", first_name="Dana", last_name="Director", role=LEADERSHIP
    )
    PersonFactory(name="Dana Director", user=user)
    return user


def _tab_to(page, element_id: str, most: int = 15) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_dana_signs_in_with_the_keyboard_alone_and_lands_on_the_home_page(page, live_server, dana):
    page.goto(f"{live_server.url}/accounts/login/")

    _tab_to(page, "id_username")
    page.keyboard.type("dana.director")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # Home sends leadership on to the portfolio dashboard.
    assert page.url == f"{live_server.url}/dashboards/"
    assert page.get_by_test_id("signed-in-name").inner_text() == "Dana Director"
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_the_sign_in_page_has_no_accessibility_problems(page, live_server, db, js_errors):
    page.goto(f"{live_server.url}/accounts/login/")

    assert page.title() == "Sign in – Programmes and action plans – Demo Borough Council"
    assert_no_axe_violations(page)
    # GOV.UK Frontend and htmx loaded from our static files and started without errors.
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    assert page.evaluate("typeof window.htmx") == "object"
    assert js_errors == []


def test_the_sign_in_page_with_errors_has_no_accessibility_problems(page, live_server, dana):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("dana.director")
    page.get_by_label("Password").fill("not her password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    # GOV.UK Frontend moves focus to the summary so screen readers hear it first.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.title().startswith("Error: Sign in")
    assert_no_axe_violations(page)


def test_at_320_pixels_wide_the_sign_in_page_does_not_scroll_sideways(page, live_server, dana):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()  # errors make the page its widest

    assert page.locator(".govuk-error-summary").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_axe_violations(page)
