"""refresh.js in real Chromium: a page waiting for the host reloads itself, but not while someone uses it.

Playwright's clock runs the page's timers forward, so the test waits for nothing.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from tests.live_helpers import make_evening

pytestmark = pytest.mark.browser


def _waiting_phone(browser, live_server):
    with live_server.app.app_context():
        token = make_evening(ticket_count=1).issued[0].token
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.clock.install()
    page.goto(f"{live_server.url}/t/{token}")
    page.wait_for_selector("[data-refresh='20']")
    page.evaluate("window.stillHere = true")
    return page


def test_an_idle_waiting_page_reloads_itself(browser, live_server) -> None:
    page = _waiting_phone(browser, live_server)
    with page.expect_navigation():
        page.clock.run_for(21_000)
    assert page.evaluate("window.stillHere === undefined")


def test_a_focused_control_stops_the_reload(browser, live_server) -> None:
    """A keyboard or screen-reader user on a link or button would lose their place."""
    page = _waiting_phone(browser, live_server)
    page.locator("main a[href], main button").first.focus()
    page.clock.run_for(61_000)
    assert page.evaluate("window.stillHere") is True
