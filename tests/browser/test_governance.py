"""Governance's pages in Chromium: axe finds nothing on any of them, at 1280 and at 320 pixels, with
the forms both fresh and showing their errors; a phone never scrolls sideways; keyboard only, a
manager records a review."""

import pytest

from governance.models import Risk
from tests.browser.conftest import assert_no_axe_violations, fill_date, login
from tests.factories import AssuranceSourceFactory
from tests.governance.people import *  # noqa: F403

pytestmark = pytest.mark.browser

WIDTHS = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 320, "height": 640}}


@pytest.fixture
def world(transactional_db, register, boards):
    AssuranceSourceFactory(name="CQC peer review", order=1)
    AssuranceSourceFactory(name="Financial systems audit", order=2)
    return register, boards


def paths(register, boards) -> dict:
    cib, r1 = boards["ASCCIB"], Risk.objects.get(programme=register, reference="R1")
    return {
        "boards": "/boards/",
        "board": f"/boards/{cib.pk}/",
        "all risks": "/risks/",
        "programme risks": f"/programmes/{register.pk}/risks/?as_at=2024-05-01",
        "risk": f"/risks/{r1.pk}/",
        "risk review": f"/risks/{r1.pk}/review/",
        "assurance matrix": f"/programmes/{register.pk}/assurance/",
        "assurance matrix, editing": f"/programmes/{register.pk}/assurance/?edit=1",
        "board form": f"/boards/{cib.pk}/edit/",
        "member form": f"/boards/{cib.pk}/members/new/",
        "meeting form": f"/boards/{cib.pk}/meetings/new/",
    }


PAGES = [
    "boards", "board", "all risks", "programme risks", "risk", "risk review", "assurance matrix",
    "assurance matrix, editing", "board form", "member form", "meeting form",
]


@pytest.fixture
def at_width(browser, request):
    def open_at(width):
        context = browser.new_context(viewport=WIDTHS[width], locale="en-GB")
        context.set_default_timeout(10_000)
        request.addfinalizer(context.close)
        return context.new_page()

    return open_at


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_every_governance_page_passes_axe(at_width, live_server, world, admin_user, name, width):
    page = at_width(width)
    login(page, live_server, admin_user)
    page.goto(live_server.url + paths(*world)[name])
    assert page.locator("h1").count() == 1
    if width == "phone":
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["risk review", "board form", "meeting form"])
def test_every_form_showing_its_errors_passes_axe(at_width, live_server, world, admin_user, name, width):
    page = at_width(width)
    login(page, live_server, admin_user)
    page.goto(live_server.url + paths(*world)[name])
    if name == "risk review":
        fill_date(page, "Date of the review", "")
    elif name == "board form":
        page.get_by_label("Reports to").select_option(label="User and carer reference group (UCRG)")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert_no_axe_violations(page)


def test_a_manager_records_a_review_with_the_keyboard_alone(page, live_server, world, manager):
    register, _ = world
    r2 = Risk.objects.get(programme=register, reference="R2")
    login(page, live_server, manager)
    page.goto(f"{live_server.url}/risks/{r2.pk}/")
    page.get_by_role("link", name="Record a review of R2").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Current likelihood").wait_for()
    page.get_by_label("Current likelihood").focus()
    page.keyboard.press("End")  # 5
    page.get_by_label("Note").focus()
    page.keyboard.type("Agency staff booked.")
    page.get_by_role("button", name="Save the review").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/risks/{r2.pk}/")
    assert "Agency staff booked." in page.locator("main").inner_text()
    r2.refresh_from_db()
    assert r2.current_likelihood == 5
    assert_no_axe_violations(page)
