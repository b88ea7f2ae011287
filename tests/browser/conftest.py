"""Real Chromium through Playwright, against pytest-django's live server.

Debian's Chromium (/usr/bin/chromium) is used as it is: never `playwright install`, which
downloads a browser build and cannot work here. Where Chromium is missing the browser tests
skip with the reason, except when REQUIRE_BROWSER=1 (CI), where they fail loudly.
"""

import os
from datetime import date

# Playwright's sync API keeps an event loop running in this thread; the test's own database
# calls (factories, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from programmes.roles import OFFICER  # noqa: E402
from tests.actionplans.conftest import build_plan, make_user  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _require_browser() -> bool:
    return os.environ.get("REQUIRE_BROWSER") == "1"


# One browser per test module, not per session: Playwright's sync API keeps an asyncio loop
# running in this thread while it is open, which would break asyncio.run and async_to_sync in
# whatever tests run after the browser tests.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        )
        if _require_browser():
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def js_errors(page) -> list[str]:
    """Every uncaught exception and console error on the page; a test asserts it stays empty."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    return errors


def login(page, live_server, user) -> None:
    """Sign `user` in without going through the form (the sign-in test does that once)."""
    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie.value,
                "url": live_server.url,
            }
        ]
    )


def assert_no_axe_violations(page, context=None) -> None:
    """axe-core finds nothing against WCAG 2.0, 2.1 and 2.2 at A and AA on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        context=context,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    if results.violations_count:
        print(results.generate_report())
    assert results.violations_count == 0, (
        f"axe found {results.violations_count} kinds of accessibility problem on {page.url}:\n"
        + results.generate_snapshot()
    )


# htmx marks what it is requesting, swapping or settling; autofocus is applied when settling ends,
# so a test that types before then can lose keys to the refocus, as a very fast person could.
HTMX_IDLE = "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def wait_until_settled(page, condition: str = "true") -> None:
    """Wait until `condition` (JavaScript) holds and htmx has finished every swap on the page."""
    # A function, not an expression: Playwright evaluates a bare expression with eval(), which the
    # page's Content-Security-Policy refuses.
    page.wait_for_function(f"() => ({condition}) && {HTMX_IDLE}")


# The officers of the officer-page tests: Olly owns the plan's actions, Cara is a colleague.


@pytest.fixture
def olly(transactional_db):
    return make_user(OFFICER, "olly.officer", name="Olly Officer")


@pytest.fixture
def cara(transactional_db):
    return make_user(OFFICER, "cara.colleague", name="Cara Colleague")


@pytest.fixture
def plan(olly, cara):
    return build_plan(olly, cara, timezone.localdate())


def fill_date(page, legend: str, day) -> None:
    """Type a date into GOV.UK's day, month and year boxes of the date field whose legend is `legend`;
    `day` is a date, an ISO string, or "" to empty the boxes."""
    group = page.get_by_role("group", name=legend)
    value = date.fromisoformat(day) if isinstance(day, str) and day else day
    parts = ("", "", "") if not value else (str(value.day), str(value.month), str(value.year))
    for label, typed in zip(("Day", "Month", "Year"), parts, strict=True):
        group.get_by_role("textbox", name=label).fill(typed)
