"""The card POST's fast path (``card_post``): a bidder's seat kept per process never lets a card through that
the bidder's state or rules as they are now would refuse, and a refusal writes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Scorecard, Ticket, TicketStatus
from app.services import card_post, evening, scorecards
from app.services import tender as tenders
from tests.tender_factories import answers, issue, make_tender, open_first


def _setup(count: int):
    tender = make_tender()
    issue(tender, count)
    open_first(tender)
    ticket_ids = list(db.session.scalars(sa.select(Ticket.id).order_by(Ticket.number)))
    return tender, ticket_ids


def _stored() -> list[tuple[int | None, dict[str, int | None]]]:
    db.session.expire_all()
    return [(card.ticket_id, card.scores) for card in db.session.scalars(sa.select(Scorecard).order_by(Scorecard.id))]


def _status(ticket_id: int) -> TicketStatus:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id).status


def test_a_bidder_closed_after_its_cards_refuses_the_next_one(app) -> None:
    """The first card keeps the bidder's seat (PostgreSQL); closing its scoring still refuses the next card
    without marking the ticket used, and reopening takes cards again."""
    tender, [first, second] = _setup(2)
    bidder = tender.bidders[0]
    wanted = answers(tender, "7", "8")
    assert card_post.cast_ticket_card(first, bidder.public_id, wanted) is not None
    evening.close_scoring(tender, bidder, "host")
    assert card_post.cast_ticket_card(second, bidder.public_id, wanted) is None
    assert [ticket for ticket, _ in _stored()] == [first] and _status(second) is TicketStatus.ISSUED
    evening.open_scoring(tender, bidder, "host")
    assert card_post.cast_ticket_card(second, bidder.public_id, wanted) is not None
    assert [ticket for ticket, _ in _stored()] == [first, second]


def test_a_kept_bidder_is_checked_against_the_criteria_after_a_reset(app) -> None:
    """A reset and a new criterion change the rules of a bidder whose seat is kept: a card checked against
    the old rules is refused (nothing written), and the next card is checked against the new ones."""
    tender, [first, second] = _setup(2)
    bidder = tender.bidders[0]
    old_rules = answers(tender, "7", "8")
    assert card_post.cast_ticket_card(first, bidder.public_id, old_rules) is not None
    tenders.reset_scoring(tender, "host", confirmed=True)
    tenders.add_criterion(tender, "host", "Samenwerking", "", "1")
    evening.open_scoring(tender, bidder, "host")
    db.session.refresh(tender)
    assert card_post.cast_ticket_card(second, bidder.public_id, old_rules) is None
    assert _stored() == [] and _status(second) is TicketStatus.ISSUED
    assert card_post.cast_ticket_card(second, bidder.public_id, answers(tender, "7", "8", "6")) is not None
    assert _stored() == [(second, {c.public_id: v for c, v in zip(tender.criteria, (7, 8, 6), strict=True)})]


def test_the_card_post_opens_no_session(app) -> None:
    """The card POST works on a connection of its own; it does not make the request's Session just to look
    for a loaded event in it."""
    tender, [ticket_id] = _setup(1)
    with app.app_context():
        assert card_post.cast_ticket_card(ticket_id, tender.bidders[0].public_id, answers(tender, "7", "8"))
        assert not db.session.registry.has()
    assert scorecards.ticket_key(ticket_id) in {card.voter_key for card in db.session.scalars(sa.select(Scorecard))}
