"""The foundation as a person meets it: first admin, a host, an event, 20 printed tickets that scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import accounts
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    decode_qr_codes,
    pdf_pages_as_png,
)

pytestmark = pytest.mark.browser
PASSWORD = "a long host password"


def _log_in(page, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_first_admin_host_event_tickets_and_qr(browser, live_server, tmp_path: Path) -> None:
    url = live_server.url
    with live_server.app.app_context():
        token = accounts.create_setup_link()
    checked: dict[str, list] = {}

    admin = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = admin.new_page()
    page.goto(f"{url}/setup/{token}")
    checked["setup"] = axe_violations(page)
    page.get_by_label("E-mailadres").fill("admin@buurt.test")
    page.get_by_label("Wachtwoord (minstens 10 tekens)").fill("a long admin password")
    page.get_by_label("Wachtwoord nog een keer").fill("a long admin password")
    page.get_by_role("button", name="Beheerdersaccount maken").click()
    page.get_by_text("Uw beheerdersaccount is klaar").wait_for()
    for email in ("host-a@buurt.test", "host-b@buurt.test"):
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord (laat leeg om er een te laten maken)").fill(PASSWORD)
        page.get_by_role("button", name="Account maken").click()
        page.get_by_text(f"Account gemaakt voor {email}").wait_for()
    checked["accounts"] = axe_violations(page)
    admin.close()

    host = browser.new_context(locale="nl-NL", bypass_csp=True, accept_downloads=True)
    page = host.new_page()
    _log_in(page, url, "host-a@buurt.test", PASSWORD)
    checked["dashboard"] = axe_violations(page)
    page.get_by_role("link", name="Nieuwe bijeenkomst").click()
    checked["new event"] = axe_violations(page)
    page.get_by_label("Titel").fill("Idols-avond Kruiskamp")
    page.get_by_label("Plaats").fill("Buurthuis De Kei")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Bijeenkomst gemaakt").wait_for()
    event_url = page.url
    checked["event"] = axe_violations(page)
    page.get_by_label("Aantal tickets").fill("20")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tickets maken en downloaden").click()
    pdf = tmp_path / "tickets.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    pages = pdf_pages_as_png(pdf)
    assert len(pages) == 3  # 8 tickets a page
    urls = [decoded for png in pages for decoded in decode_qr_codes(png)]
    assert len(urls) == 20 and len(set(urls)) == 20
    assert all(ticket.startswith(f"{url}/t/") for ticket in urls)

    phone = browser.new_context(locale="nl-NL", bypass_csp=True, **PHONE)
    phone_page = phone.new_page()
    phone_page.goto(urls[0])
    phone_page.get_by_text("Uw ticket werkt").wait_for()
    assert "Idols-avond Kruiskamp" in phone_page.content()
    assert "/t/" not in phone_page.url
    checked["ticket"] = axe_violations(phone_page)
    phone_page.goto(f"{url}/t/not-a-real-ticket")
    assert "Dit ticket kennen we niet" in phone_page.content()
    phone.close()
    host.close()

    other = browser.new_context(locale="nl-NL")
    page = other.new_page()
    _log_in(page, url, "host-b@buurt.test", PASSWORD)
    response = page.goto(event_url)
    assert response is not None and response.status == 404
    other.close()

    assert {name: found for name, found in checked.items() if found} == {}
