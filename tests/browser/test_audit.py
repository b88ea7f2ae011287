"""The audit trail's pages in Chromium: axe finds nothing on the admins' audit page (with entries, and with
a wrong date shown next to its field) nor on an action's change history, at 1280 and at 320 px, and at
320 px neither scrolls sideways."""

import pytest

from actionplans.services import action_save
from programmes.audit import Channel
from programmes.models import Person
from programmes.roles import ADMIN
from tests.actionplans.conftest import make_user
from tests.browser.conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.browser

SIZES = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 320, "height": 640}}


@pytest.fixture
def ada(transactional_db):
    return make_user(ADMIN, "ada.admin", name="Ada Admin")


@pytest.fixture
def changed(plan, olly, cara, ada):
    """An action of Olly's given to Cara and back, so its history names people, a status and dates."""
    action = plan.later
    for who, status in ((cara, "on_hold"), (olly, "in_progress")):
        action.responsible, action.status = Person.objects.get(user=who), status
        action = action_save(action, by=ada, channel=Channel.ADMIN)
    return action


def open_at(page, live_server, user, size: str, path: str):
    page.set_viewport_size(SIZES[size])
    login(page, live_server, user)
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1


def no_sideways_scroll(page, size: str) -> None:
    if size == "phone":
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


@pytest.mark.parametrize("size", SIZES)
def test_the_audit_page_passes_axe(page, live_server, changed, ada, size):
    open_at(page, live_server, ada, size, "/manage/audit/")

    assert page.locator("[data-entry]").count() >= 2
    no_sideways_scroll(page, size)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_audit_page_with_a_wrong_date_passes_axe(page, live_server, changed, ada, size):
    open_at(page, live_server, ada, size, "/manage/audit/?date_from-day=31&date_from-month=2&date_from-year=2025")

    assert "The first date must be a real date." in page.locator(".govuk-error-summary").inner_text()
    no_sideways_scroll(page, size)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("size", SIZES)
def test_an_actions_change_history_passes_axe(page, live_server, changed, olly, size):
    open_at(page, live_server, olly, size, f"/actions/{changed.pk}/")

    panel = page.locator("#change-history")
    assert "Cara Colleague" in panel.inner_text() and "On hold" in panel.inner_text()
    no_sideways_scroll(page, size)
    assert_no_axe_violations(page)
