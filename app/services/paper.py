"""Paper score cards, keyed in twice by different volunteers.

A volunteer types the ticket code written on the card, the answers and the comment. A card counts only
when two keyings by different volunteers agree on every answer and on the comment (spaces aside): then one
``Scorecard`` with channel ``paper`` is stored and the ticket is marked used on paper, so it can no longer
vote by phone. Keyings that disagree are listed as mismatches until a further keying agrees with one of
them, or the host discards them. Paper cards may be keyed while the evening runs and after it, until the
results are published; like every card they freeze the tender.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from app.extensions import db
from app.models import Bidder, PaperCardKeying, Scorecard, Tender, TenderPhase, Ticket
from app.models.clock import utcnow
from app.services import audit, changes, tickets
from app.services.errors import Conflict, DomainError, Gone, NotFound
from app.services.scorecards import check_comment, checked_scores, ticket_voter_key
from app.services.tender import freeze


class KeyingOutcome(StrEnum):
    WAITING = "waiting"  # the first keying: a second volunteer must key this card too
    COUNTED = "counted"  # two keyings agree: the card counts
    MISMATCH = "mismatch"  # keyings disagree: listed until resolved


@dataclass(frozen=True)
class Mismatch:
    bidder: Bidder
    ticket_number: int
    keyings: tuple[PaperCardKeying, ...]


def _ticket(tender: Tender, code: str) -> Ticket:
    try:
        ticket = tickets.ticket_by_code(code)
    except Gone as refusal:
        if refusal.code == "ticket_used_on_paper":
            raise Conflict("paper_card_already_counted") from None
        raise
    if ticket.event_id != tender.event_id:
        raise NotFound("ticket_unknown")
    return ticket


def _normal(comment: str) -> str:
    return " ".join(comment.split())


def key_paper_card(tender: Tender, bidder: Bidder, code: str, keyed_by: str,
                   answers: Mapping[str, str | int | None], comment: str, actor: str) -> KeyingOutcome:
    """Record one volunteer's keying of a paper card and count the card once two keyings agree."""
    if tender.phase is TenderPhase.PUBLISHED:
        raise Conflict("already_published")
    keyer = keyed_by.strip()
    if not keyer or len(keyer) > 80:
        raise DomainError("keyer_required")
    ticket = _ticket(tender, code)
    scores = checked_scores(tender, bidder, answers)
    text = check_comment(comment)
    voter_key = ticket_voter_key(ticket)
    if db.session.scalar(sa.select(Scorecard.id).where(Scorecard.bidder_id == bidder.id,
                                                       Scorecard.voter_key == voter_key)) is not None:
        raise Conflict("paper_card_already_counted" if ticket.channel == "paper" else "ticket_used_on_phone")
    if ticket.channel == "phone":
        raise Conflict("ticket_used_on_phone")
    pending = _pending(bidder, ticket)
    if any(k.keyed_by.casefold() == keyer.casefold() for k in pending):
        raise Conflict("paper_same_volunteer")
    freeze(tender)
    keying = PaperCardKeying(tender_id=tender.id, bidder_id=bidder.id, ticket_id=ticket.id, keyed_by=keyer,
                             scores=scores, comment=text)
    db.session.add(keying)
    match = next((k for k in pending if k.scores == scores and _normal(k.comment) == _normal(text)), None)
    if match is None:
        outcome = KeyingOutcome.MISMATCH if pending else KeyingOutcome.WAITING
        audit.record(tender.event, actor, "paper_keyed", f"{bidder.name} ticket {ticket.number}: {outcome.value}")
        db.session.commit()
        return outcome
    now = utcnow()
    for each in [*pending, keying]:
        each.resolved_at = now
    db.session.add(Scorecard(tender_id=tender.id, bidder_id=bidder.id, ticket_id=ticket.id, voter_key=voter_key,
                             group_id=ticket.group_id, channel="paper", scores=scores, comment=text,
                             created_at=now, updated_at=now))
    tickets.mark_used(ticket, "paper")
    audit.record(tender.event, actor, "paper_counted", f"{bidder.name} ticket {ticket.number}")
    changes.ballot_stored(tender.event_id)
    db.session.commit()
    return KeyingOutcome.COUNTED


def _pending(bidder: Bidder, ticket: Ticket) -> list[PaperCardKeying]:
    return list(db.session.scalars(
        sa.select(PaperCardKeying).where(PaperCardKeying.bidder_id == bidder.id,
                                         PaperCardKeying.ticket_id == ticket.id,
                                         PaperCardKeying.resolved_at.is_(None))
        .order_by(PaperCardKeying.id)))


def pending_keyings(tender: Tender) -> list[PaperCardKeying]:
    """Unresolved keyings in order (waiting for a second keying, or disagreeing)."""
    return list(db.session.scalars(
        sa.select(PaperCardKeying).where(PaperCardKeying.tender_id == tender.id,
                                         PaperCardKeying.resolved_at.is_(None))
        .order_by(PaperCardKeying.bidder_id, PaperCardKeying.ticket_id, PaperCardKeying.id)))


def mismatches(tender: Tender) -> list[Mismatch]:
    """Cards keyed at least twice without agreement, to be keyed again or discarded."""
    grouped: dict[tuple[int, int], list[PaperCardKeying]] = {}
    for keying in pending_keyings(tender):
        grouped.setdefault((keying.bidder_id, keying.ticket_id), []).append(keying)
    return [Mismatch(keyings[0].bidder, keyings[0].ticket.number, tuple(keyings))
            for keyings in grouped.values() if len(keyings) >= 2]


def waiting(tender: Tender) -> list[PaperCardKeying]:
    """Cards keyed once, waiting for the second volunteer."""
    grouped: dict[tuple[int, int], list[PaperCardKeying]] = {}
    for keying in pending_keyings(tender):
        grouped.setdefault((keying.bidder_id, keying.ticket_id), []).append(keying)
    return [keyings[0] for keyings in grouped.values() if len(keyings) == 1]


def discard_keyings(tender: Tender, bidder: Bidder, ticket_number: int, actor: str) -> int:
    """Set aside every unresolved keying of one card (so it can be keyed afresh); returns how many."""
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.event_id == tender.event_id,
                                                       Ticket.number == ticket_number))
    if ticket is None:
        raise NotFound("ticket_not_found")
    pending = _pending(bidder, ticket)
    now = utcnow()
    for keying in pending:
        keying.resolved_at = now
    audit.record(tender.event, actor, "paper_discarded", f"{bidder.name} ticket {ticket_number}: {len(pending)}")
    db.session.commit()
    return len(pending)


def paper_counts(tender: Tender) -> dict[str, int]:
    """Counted paper cards and unresolved keyings, for the volunteer page."""
    counted = db.session.scalar(sa.select(sa.func.count(Scorecard.id)).where(
        Scorecard.tender_id == tender.id, Scorecard.channel == "paper")) or 0
    return {"counted": counted, "waiting": len(waiting(tender)), "mismatches": len(mismatches(tender))}

