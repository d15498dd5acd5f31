"""The host hides an abusive comment: it leaves the report, the card's scores still count."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Scorecard, Ticket
from app.services import scorecards
from app.services import tender as tenders
from tests.conftest import log_in, make_event, make_user
from tests.tender_factories import answers, issue, make_tender, open_first


def _evening_with_comments():
    tender = make_tender(make_event(make_user()))
    issue(tender, 2)
    open_first(tender)
    first, second = db.session.scalars(sa.select(Ticket).order_by(Ticket.number)).all()
    bidder = tender.bidders[0].public_id
    scorecards.cast_scorecard(scorecards.voter_for_ticket(first), bidder, answers(tender, "7", "6"), "Goed plan")
    scorecards.cast_scorecard(scorecards.voter_for_ticket(second), bidder, answers(tender, "2", "3"),
                              "<script>alert(1)</script> Jan is een oplichter")
    return tender


def test_host_hides_and_shows_a_comment(client, app) -> None:
    tender = _evening_with_comments()
    log_in(client, "host@buurt.test")
    page = client.get(f"/host/events/{tender.event.public_id}/tender/comments").get_data(as_text=True)
    assert "Goed plan" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    abusive = db.session.scalars(sa.select(Scorecard).where(Scorecard.comment.like("%oplichter"))).one()
    client.post(f"/host/events/{tender.event.public_id}/tender/comments/{abusive.id}", data={"hide": "1"})
    db.session.refresh(abusive)
    assert abusive.comment_hidden
    cards = tenders.cards_for_tally(tender)
    assert len(cards) == 2  # the scores still count
    assert {card.comment for card in cards} == {"Goed plan", ""}
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "comment_hidden"))
    client.post(f"/host/events/{tender.event.public_id}/tender/comments/{abusive.id}", data={"hide": "0"})
    db.session.refresh(abusive)
    assert not abusive.comment_hidden


def test_another_hosts_comment_cannot_be_hidden(client, app) -> None:
    tender = _evening_with_comments()
    card = db.session.scalars(sa.select(Scorecard)).first()
    other = make_tender(make_event(make_user("b@buurt.test")))
    log_in(client, "b@buurt.test")
    response = client.post(f"/host/events/{other.event.public_id}/tender/comments/{card.id}", data={"hide": "1"},
                           follow_redirects=True, headers={"Accept-Language": "en"})
    assert "This comment does not exist" in response.get_data(as_text=True)
    assert client.get(f"/host/events/{tender.event.public_id}/tender/comments").status_code == 404
    db.session.refresh(card)
    assert not card.comment_hidden
