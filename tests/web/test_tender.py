"""Host set-up and console through the forms; phone score cards and paper keying through the web layer."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Scorecard, Tender, TenderPhase, Ticket
from app.services import tender as tenders
from tests.conftest import log_in, make_event, make_user
from tests.tender_factories import issue, make_tender, open_first


def _cards() -> int:
    return db.session.scalar(sa.select(sa.func.count(Scorecard.id))) or 0


def test_host_sets_up_a_tender_and_runs_the_evening(client, app) -> None:
    event = make_event()
    log_in(client, "host@buurt.test")
    base = f"/host/events/{event.public_id}"
    assert "Idols" in client.get(f"/host/events/{event.public_id}").get_data(as_text=True)
    client.post(f"{base}/tender", data={"title": "Welzijnswerk", "method": "median", "scale_type": "stars",
                                        "scale_max": 5, "slot_minutes": 8, "bijsluiter": "Het college besluit."})
    tender = db.session.scalars(sa.select(Tender)).one()
    assert (tender.method, tender.scale_type, tender.scale_max, tender.slot_seconds) == ("median", "stars", 5, 480)
    client.post(f"{base}/tender/criteria",
                data={"criterion-name": "Plan", "criterion-weight": "3", "criterion-description": "Is het goed?"})
    client.post(f"{base}/tender/criteria", data={"criterion-name": "Prijs", "criterion-weight": "1"})
    for name in ("A", "B"):
        client.post(f"{base}/tender/bidders", data={"bidder-name": name, "bidder-website": "https://a.example"})
    page = client.get(f"{base}/tender").get_data(as_text=True)
    assert "75.0%" in page and "25.0%" in page
    client.post(f"{base}/tender/shuffle")
    assert tender.shuffled_at is not None
    for command in ("doors", "next"):
        assert client.post(f"{base}/tender/console/{command}").status_code == 302
    first = tenders.bidder_of(tender, db.session.get(type(tender.bidders[0]), tender.current_bidder_id).public_id)
    client.post(f"{base}/tender/console/open", data={"bidder": first.public_id})
    client.post(f"{base}/tender/console/start", data={"bidder": first.public_id})
    console = client.get(f"{base}/tender/console", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Scoring open" in console and f"/live/{event.public_id}/projector" in console
    assert "Presenting now" in console and "Pause timer" in console
    frozen = client.get(f"{base}/tender", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Frozen since" in frozen
    response = client.post(f"{base}/tender/criteria", data={"criterion-name": "Extra", "criterion-weight": "1"},
                           headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "frozen" in response.get_data(as_text=True)
    assert len(tender.criteria) == 2
    client.post(f"{base}/tender/console/close", data={"bidder": first.public_id})
    client.post(f"{base}/tender/console/next")
    second = [b for b in tender.bidders if b.id != first.id][0]
    client.post(f"{base}/tender/console/open", data={"bidder": second.public_id})
    client.post(f"{base}/tender/console/close", data={"bidder": second.public_id})
    client.post(f"{base}/tender/console/reveal")
    client.post(f"{base}/tender/console/publish")
    assert tender.phase is TenderPhase.PUBLISHED


def test_reset_needs_the_confirmation_box(client, app) -> None:
    tender = make_tender()
    open_first(tender)
    log_in(client, "host@buurt.test")
    base = f"/host/events/{tender.event.public_id}/tender/reset"
    assert "delete" in client.get(base, headers={"Accept-Language": "en"}).get_data(as_text=True).lower()
    client.post(base, data={})
    assert tender.frozen_at is not None
    client.post(base, data={"confirm": "y"})
    assert tender.frozen_at is None


def test_other_hosts_and_attendees_cannot_reach_the_console(client, app) -> None:
    tender = make_tender()
    base = f"/host/events/{tender.event.public_id}"
    assert client.get(f"{base}/tender/console").status_code == 302  # to the login page
    make_user("other@buurt.test")
    log_in(client, "other@buurt.test")
    for path in ("/tender", "/tender/console", "/paper/"):
        assert client.get(base + path).status_code == 404
    assert client.post(f"{base}/tender/console/doors").status_code == 404


def _phone(client, tender) -> str:
    [issued] = issue(tender, 1)
    assert client.get(f"/t/{issued.token}").status_code == 302
    return issued.code


def _form(tender, *values: str | None) -> dict[str, str]:
    return {f"c-{c.public_id}": v for c, v in zip(tender.criteria, values, strict=True) if v is not None}


def test_phone_scores_sees_what_was_recorded_and_changes_it(client, app) -> None:
    tender = make_tender()
    open_first(tender)
    _phone(client, tender)
    bidder = tender.bidders[0]
    home = client.get("/stem", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert f"/stem/kaart/{bidder.public_id}" in home
    page = client.get(f"/stem/kaart/{bidder.public_id}", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert 'type="radio"' in page and "Kennis van de wijk" in page and "60.0%" in page
    response = client.post(f"/stem/kaart/{bidder.public_id}", data=_form(tender, "8", "") | {"comment": "Goed"})
    assert response.status_code == 302
    received = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Thank you" in received and "8" in received and "I can\u2019t judge" in received and "Goed" in received
    client.post(f"/stem/kaart/{bidder.public_id}", data=_form(tender, "4", "5"))
    assert db.session.scalars(sa.select(Scorecard)).one().scores == {
        tender.criteria[0].public_id: 4, tender.criteria[1].public_id: 5}
    changing = client.get(f"/stem/kaart/{bidder.public_id}").get_data(as_text=True)
    assert 'value="4" checked' in changing


@pytest.mark.parametrize(("values", "text"), [
    (("8", None), "Kies een antwoord bij"),
    (("11", "5"), "tussen 1 en 10"),
])
def test_phone_errors_are_shown_in_the_attendees_language_and_nothing_written(client, app, values, text) -> None:
    tender = make_tender()
    open_first(tender)
    _phone(client, tender)
    response = client.post(f"/stem/kaart/{tender.bidders[0].public_id}", data=_form(tender, *values),
                           headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)
    assert 'value="8" checked' in response.get_data(as_text=True) or values[0] != "8"
    assert _cards() == 0


def test_closed_bidder_and_long_comment_are_refused_clearly(client, app) -> None:
    from app.services import evening

    tender = make_tender()
    open_first(tender)
    _phone(client, tender)
    bidder = tender.bidders[0]
    response = client.post(f"/stem/kaart/{bidder.public_id}", data=_form(tender, "8", "7") | {"comment": "x" * 1001},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "at most 1000 characters" in response.get_data(as_text=True)
    evening.close_scoring(tender, bidder, "host")
    response = client.post(f"/stem/kaart/{bidder.public_id}", data=_form(tender, "8", "7"),
                           headers={"Accept-Language": "nl"})
    assert response.status_code == 410
    assert "Buurtkracht" in response.get_data(as_text=True) and "gesloten" in response.get_data(as_text=True)
    assert _cards() == 0


def test_a_voided_ticket_is_refused_before_anything_else_on_the_card(client, app) -> None:
    from app.services import tickets

    tender = make_tender()
    open_first(tender)
    _phone(client, tender)
    tickets.void_ticket(tender.event, 1, "host")
    for values in (("8", "7"), ("11", "7")):
        response = client.post(f"/stem/kaart/{tender.bidders[0].public_id}", data=_form(tender, *values),
                               headers={"Accept-Language": "nl"})
        assert response.status_code == 410 and "ongeldig gemaakt" in response.get_data(as_text=True)
    assert _cards() == 0


def test_open_join_link_works_only_when_allowed(client, app) -> None:
    tender = make_tender()
    open_first(tender)
    assert client.get(f"/stem/open/{tender.event.public_id}").status_code == 403
    tender.event.allow_open_join = True
    db.session.commit()
    assert client.get(f"/stem/open/{tender.event.public_id}").status_code == 302
    assert tender.bidders[0].name in client.get("/stem/nu").get_data(as_text=True)
    client.post(f"/stem/kaart/{tender.bidders[0].public_id}", data=_form(tender, "8", "7"))
    card = db.session.scalars(sa.select(Scorecard)).one()
    assert card.ticket_id is None and card.voter_key.startswith("browser-")


def test_volunteers_key_a_paper_card_twice_and_print_cards(client, app) -> None:
    tender = make_tender()
    [issued] = issue(tender, 1)
    log_in(client, "host@buurt.test")
    base = f"/host/events/{tender.event.public_id}/paper"
    bidder = tender.bidders[0]
    data = _form(tender, "6", "") | {"code": issued.code, "comment": ""}
    client.post(f"{base}/{bidder.public_id}", data=data | {"keyed_by": "Anna"})
    assert _cards() == 0
    waiting = client.get(f"{base}/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "keyed by Anna" in waiting
    client.post(f"{base}/{bidder.public_id}", data=data | {"keyed_by": "Bram"})
    assert _cards() == 1
    assert db.session.scalars(sa.select(Ticket)).one().channel == "paper"
    pdf = client.get(f"{base}/cards.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    one = client.get(f"{base}/cards.pdf?bidder={bidder.public_id}&copies=3")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=one.data, capture_output=True,
                              check=True).stdout.decode()
        assert text.count("Scorekaart: Buurtkracht") == 3
        assert "Kennis van de wijk (60.0%)" in text and "Ticketcode" in text
