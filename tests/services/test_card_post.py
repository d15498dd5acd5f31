"""The card POST's fast path (``card_post``) beyond what ``test_scorecards`` checks of it."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Scorecard, Ticket
from app.services import card_post, scorecards
from tests.tender_factories import answers, issue, make_tender, open_first


def _setup(count: int):
    tender = make_tender()
    issue(tender, count)
    open_first(tender)
    ticket_ids = list(db.session.scalars(sa.select(Ticket.id).order_by(Ticket.number)))
    return tender, ticket_ids


def test_the_card_post_opens_no_session(app) -> None:
    """The card POST works on a connection of its own; it does not make the request's Session just to look
    for a loaded event in it."""
    tender, [ticket_id] = _setup(1)
    with app.app_context():
        assert card_post.cast_ticket_card(ticket_id, tender.bidders[0].public_id, answers(tender, "7", "8"))
        assert not db.session.registry.has()
    assert scorecards.ticket_key(ticket_id) in {card.voter_key for card in db.session.scalars(sa.select(Scorecard))}
