"""Moderating attendees' comments: the host hides abusive ones; the report counts how many were hidden."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Bidder, Event, Scorecard, Tender
from app.services import audit
from app.services.errors import NotFound


def comments_by_bidder(tender: Tender) -> list[tuple[Bidder, list[Scorecard]]]:
    """Every card with a comment, per bidder in presentation order, oldest first."""
    rows = db.session.scalars(
        sa.select(Scorecard)
        .where(Scorecard.tender_id == tender.id, Scorecard.comment != "")
        .order_by(Scorecard.created_at, Scorecard.id)
    ).all()
    return [(bidder, [card for card in rows if card.bidder_id == bidder.id]) for bidder in tender.bidders]


def set_comment_hidden(event: Event, tender: Tender, card_id: int, hidden: bool, actor: str) -> None:
    """Hide (or show again) one comment. The card's scores still count: only the text is withheld."""
    card = db.session.get(Scorecard, card_id)
    if card is None or card.tender_id != tender.id or not card.comment:
        raise NotFound("comment_not_found")
    if card.comment_hidden != hidden:
        card.comment_hidden = hidden
        audit.record(event, actor, "comment_hidden" if hidden else "comment_shown", card.bidder.name)
    db.session.commit()
