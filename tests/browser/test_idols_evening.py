"""An Idols evening in real Chromium: a host sets up the tender and runs the evening from the console,
30 phones join through the QR codes printed on their tickets and score four bidders, one phone changes
its card, one is refused for a closed bidder, one paper card is keyed twice and counts once.

Phones are created one after another and driven in a loop (no threads): each its own browser context at
360×740, Dutch, one without JavaScript.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError

from app.domain.tickets import hash_secret
from app.extensions import db
from app.models import Role, Scorecard, Tender, Ticket
from app.services import accounts
from tests.browser.conftest import PHONE, axe_violations, decode_qr_codes, pdf_pages_as_png

pytestmark = pytest.mark.browser
PASSWORD = "a long host password"
PHONES = 30
CRITERIA = (("Kennis van de wijk", "3"), ("Aanpak jongeren", "2"))
BIDDERS = ("Buurtkracht", "Eemland Samen", "De Brug", "Wijkwerk Koppel")


def _download(page, tmp_path: Path, count: int, name: str) -> Path:
    page.get_by_label("Aantal tickets").fill(str(count))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tickets maken en downloaden").click()
    pdf = tmp_path / name
    download_info.value.save_as(pdf)
    return pdf


def _console(host, url: str, public_id: str, command: str, bidder: str | None = None) -> None:
    """Press a console button (plain POST forms: they work without JavaScript)."""
    _goto(host, f"{url}/host/events/{public_id}/tender/console")
    scope = host.locator(f"#bidder-{bidder}") if bidder else host
    labels = {"doors": "Deuren open (toon de code om mee te doen)", "next": "Volgende inschrijver",
              "open": "Scoren openen", "close": "Scoren sluiten", "start": "Timer starten",
              "reveal": "Uitslag tonen", "publish": "Uitslag publiceren"}
    scope.get_by_role("button", name=labels[command]).click()
    host.wait_for_load_state()


def _goto(page, target: str) -> None:
    """Open ``target``; a waiting page (20 s) or the host console (10 s) reloads itself, which may cut across
    a navigation once."""
    for attempt in range(3):
        try:
            page.goto(target)
            return
        except PlaywrightError as error:
            if not ("interrupted by another navigation" in str(error) or "ERR_ABORTED" in str(error)) \
                    or attempt == 2:
                raise


def _score(page, url: str, bidder: tuple[str, str], criteria: list[str], values: tuple[str, ...],
           via_home: bool) -> None:
    """Fill and send a card; ``via_home`` goes through the attendee's page and its link, as a person does."""
    if via_home:
        _goto(page, f"{url}/stem")
        page.get_by_role("link", name=f"Scoor {bidder[1]}").click()
    else:
        _goto(page, f"{url}/stem/kaart/{bidder[0]}")
    for key, value in zip(criteria, values, strict=True):
        page.locator(f'input[name="c-{key}"][value="{value}"]').check()
    page.get_by_role("button", name="Mijn scorekaart versturen").click()
    page.get_by_role("heading", name="Dank u wel! Uw scorekaart is opgeslagen").wait_for()


def test_idols_evening_with_30_phones(browser, live_server, tmp_path: Path) -> None:
    url = live_server.url
    app = live_server.app
    with app.app_context():
        accounts.create_user("host@buurt.test", PASSWORD, Role.HOST)
    rng = random.Random(7)
    violations: dict[str, list] = {}

    # --- the host sets up the evening
    host_context = browser.new_context(locale="nl-NL", accept_downloads=True)
    host = host_context.new_page()
    host.goto(f"{url}/login")
    host.get_by_label("E-mailadres").fill("host@buurt.test")
    host.get_by_label("Wachtwoord").fill(PASSWORD)
    host.get_by_role("button", name="Inloggen").click()
    host.get_by_role("link", name="Nieuwe bijeenkomst").click()
    host.get_by_label("Titel").fill("Idols-avond Kruiskamp")
    host.get_by_role("button", name="Opslaan").click()
    host.get_by_text("Bijeenkomst gemaakt").wait_for()
    public_id = host.url.rstrip("/").split("/")[-1]
    phone_pdf = _download(host, tmp_path, PHONES, "phones.pdf")
    host.goto(f"{url}/host/events/{public_id}")
    paper_pdf = _download(host, tmp_path, 1, "paper.pdf")
    host.goto(f"{url}/host/events/{public_id}")
    host.get_by_role("link", name="Aanbesteding, inschrijvers en criteria").click()
    host.get_by_label("Titel van de aanbesteding").fill("Welzijnswerk Kruiskamp-Koppel 2027–2030")
    host.get_by_role("button", name="Aanbesteding opslaan").click()
    for name, weight in CRITERIA:
        host.get_by_label("Criterium", exact=True).fill(name)
        host.get_by_label("Gewicht (meer dan 0)").fill(weight)
        host.get_by_role("button", name="Criterium opslaan").click()
        host.get_by_text("Criterium toegevoegd.").wait_for()
    for name in BIDDERS:
        host.get_by_label("Naam van de organisatie").fill(name)
        host.get_by_role("button", name="Inschrijver opslaan").click()
        host.get_by_text("Inschrijver toegevoegd.").wait_for()
    host.get_by_role("button", name="Volgorde loten").click()
    host.get_by_text("Nieuwe volgorde geloot").wait_for()
    assert "60.0%" in host.content() and "40.0%" in host.content()
    with app.app_context():
        tender = db.session.scalars(sa.select(Tender)).one()
        bidders = [(b.public_id, b.name) for b in tender.bidders]
        criteria = [c.public_id for c in tender.criteria]
        shuffled = tender.shuffle_order.split("\n")
    assert [name for _, name in bidders] == shuffled

    # --- tickets: decode the QR codes from the printed PDF
    urls = [decoded for png in pdf_pages_as_png(phone_pdf) for decoded in decode_qr_codes(png)]
    assert len(set(urls)) == PHONES and all(u.startswith(f"{url}/t/") for u in urls)
    paper_text = subprocess.run(["pdftotext", "-layout", str(paper_pdf), "-"], check=True, capture_output=True,
                                text=True).stdout
    [paper_code] = re.findall(r"\b[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{4}\b", paper_text)

    # --- the phones join (created one after another)
    phones = []
    for index, ticket_url in enumerate(urls):
        context = browser.new_context(locale="nl-NL", bypass_csp=index == 0, java_script_enabled=index != 1, **PHONE)
        page = context.new_page()
        page.goto(ticket_url)
        page.get_by_text("Uw ticket werkt").wait_for()
        phones.append(page)
    violations["home"] = axe_violations(phones[0])

    _console(host, url, public_id, "doors")
    submitted: dict[tuple[int, str], tuple[str, ...]] = {}
    refused_text = ""
    for round_index, (bidder_id, bidder_name) in enumerate(bidders):
        _console(host, url, public_id, "next")
        _console(host, url, public_id, "start", bidder_id)
        _console(host, url, public_id, "open", bidder_id)
        for index, page in enumerate(phones):
            if round_index == 2 and index == 29:
                continue  # this phone is too late: it tries after scoring closed
            values = tuple(rng.choice(["", *map(str, range(1, 11))]) for _ in criteria)
            _score(page, url, (bidder_id, bidder_name), criteria, values, via_home=index < 3)
            submitted[(index, bidder_id)] = values
            if round_index == 0 and index == 0:
                violations["received"] = axe_violations(page)
        if round_index == 0:
            page = phones[0]
            page.goto(f"{url}/stem/kaart/{bidder_id}")
            violations["card"] = axe_violations(page)
            page.get_by_role("button", name="Mijn scorekaart versturen").click()  # the stored card is pre-filled
            page.get_by_role("link", name="Mijn scorekaart wijzigen").click()
            page.locator(f'input[name="c-{criteria[0]}"][value="1"]').check()
            page.get_by_label("Opmerking (mag leeg blijven)").fill("Toch minder overtuigend")
            page.get_by_role("button", name="Mijn scorekaart versturen").click()
            page.get_by_text("Toch minder overtuigend").wait_for()
            submitted[(0, bidder_id)] = ("1", *submitted[(0, bidder_id)][1:])
        if round_index == 2:
            late = phones[29]
            late.goto(f"{url}/stem")
            late.get_by_role("link", name=f"Scoor {bidder_name}").click()
            late.locator(f'input[name="c-{criteria[0]}"][value="6"]').check()
            late.locator(f'input[name="c-{criteria[1]}"][value="6"]').check()
        _console(host, url, public_id, "close", bidder_id)
        if round_index == 2:
            late.get_by_role("button", name="Mijn scorekaart versturen").click()
            refused_text = late.content()

    # --- a paper card, keyed by two volunteers, counts once
    host.goto(f"{url}/host/events/{public_id}/paper/")
    paper_bidder_id, paper_bidder = bidders[1]
    host.get_by_role("link", name=f"Kaart invoeren voor {paper_bidder}").click()
    for volunteer in ("Anna", "Bram"):
        host.get_by_label("Uw naam (vrijwilliger)").fill(volunteer)
        host.get_by_label("Ticketcode op de kaart").fill(paper_code)
        host.locator(f'input[name="c-{criteria[0]}"][value="9"]').check()
        host.locator(f'input[name="c-{criteria[1]}"][value=""]').check()
        host.get_by_role("button", name="Deze invoer opslaan").click()
        host.wait_for_load_state()
        if volunteer == "Anna":
            assert "Een tweede vrijwilliger moet deze kaart ook invoeren" in host.content()
    assert "Beide invoeringen zijn gelijk" in host.content()
    _console(host, url, public_id, "reveal")
    console = host.content()
    assert "Uitslag getoond" in console and f"/live/{public_id}/projector" in console
    assert "31 van 31 uitgegeven tickets gebruikt: telefoon 30, papier 1." in console

    # --- what was stored is exactly what was submitted
    assert "Het scoren voor" in refused_text and "is gesloten" in refused_text
    with app.app_context():
        phone_of = {hash_secret(ticket_url.split("/t/")[1]): index for index, ticket_url in enumerate(urls)}
        tickets = {t.id: phone_of.get(t.token_hash) for t in db.session.scalars(sa.select(Ticket))}
        rows = db.session.scalars(sa.select(Scorecard).options(sa.orm.joinedload(Scorecard.bidder))).all()
        stored = {}
        paper_rows = []
        for row in rows:
            if row.channel == "paper":
                paper_rows.append(row)
                continue
            values = tuple("" if row.scores[key] is None else str(row.scores[key]) for key in criteria)
            stored[(tickets[row.ticket_id], row.bidder.public_id)] = values
        assert [(r.bidder.public_id, r.scores[criteria[0]], r.scores[criteria[1]]) for r in paper_rows] == [
            (paper_bidder_id, 9, None)]
        comment = db.session.scalars(sa.select(Scorecard.comment).where(Scorecard.comment != "")).all()
    assert stored == submitted
    assert len(stored) == PHONES * len(BIDDERS) - 1
    assert comment == ["Toch minder overtuigend"]
    assert {name: found for name, found in violations.items() if found} == {}
