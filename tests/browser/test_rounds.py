"""A programme manager opens an update round and chases an officer, in Chromium, by keyboard where it
matters, with axe on every state."""

import pytest
from django.core import mail

from governance.models import UpdateRound
from programmes.roles import PROGRAMME_MANAGER
from tests.browser.conftest import assert_no_axe_violations, fill_date, login
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(page, live_server, transactional_db):
    plan = ProgrammeFactory(name="Council plan", short_name="CP")
    ada = PersonFactory(name="Ada Officer", email="ada@council.example")
    ActionFactory(objective=ObjectiveFactory(programme=plan, reference="CP1"), reference="CP1.A", responsible=ada,
                  status="in_progress")
    login(page, live_server, UserFactory(username="pat.pm", first_name="Pat", role=PROGRAMME_MANAGER))
    return page


@pytest.mark.parametrize("width", [1280, 320])
def test_a_round_is_opened_and_an_officer_reminded(signed_in, live_server, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/rounds/")
    assert page.get_by_role("heading", level=1).inner_text() == "Update rounds"
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Open the round and send the e-mails").click()
    assert "Enter a title" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)

    page.get_by_label("Title").fill("Quarter 2 updates")
    fill_date(page, "Cut-off date", "2099-01-31")
    page.get_by_role("button", name="Open the round and send the e-mails").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Quarter 2 updates"
    assert UpdateRound.objects.count() == 1
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Send a reminder to Ada Officer").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sent=**")
    assert page.locator(".govuk-notification-banner").count() == 1
    assert_no_axe_violations(page)
    assert any(m.to == ["ada@council.example"] for m in mail.outbox)
