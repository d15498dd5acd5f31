"""Score cards from phones: who is voting, what is open now, and storing a card (the last one counts).

Every card goes through ``app.domain.scoring.validate_card``, the same validation as paper and import.
One card per voter per bidder is guarded by the database (unique ``bidder_id, voter_key``): when two
submissions of the same card race, the loser's insert fails and it is retried as an update of the winner's
row, so exactly one row remains and it holds the last submission.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.domain import scoring
from app.domain.scoring.errors import CardError, Problem, ScoreErrorCode
from app.extensions import db
from app.models import Bidder, Event, Scorecard, ScoringState, Tender, TenderPhase, Ticket
from app.models.clock import utcnow
from app.services import changes, events, tickets
from app.services.errors import Conflict, DomainError, Forbidden, Gone, NotFound
from app.services.tender import bidder_by_public_id, bidders_of, criteria_of, scale_of

MAX_COMMENT = 1000
ATTEMPTS = 5


@dataclass(frozen=True)
class Voter:
    """Who sends a card: a ticket (``ticket_id``), or one browser through the open join link."""

    event_id: int
    voter_key: str
    group_id: int
    ticket_id: int | None = None


def voter_for_ticket(ticket: Ticket) -> Voter:
    """The voter behind a ticket; refuses voided tickets and tickets already counted on paper."""
    tickets.usable(ticket)
    return Voter(ticket.event_id, ticket_voter_key(ticket), ticket.group_id, ticket.id)


def ticket_voter_key(ticket: Ticket) -> str:
    return f"ticket-{ticket.id}"


def new_browser_key() -> str:
    """A random key for one browser that joined through the open link (kept in its session cookie)."""
    return "browser-" + secrets.token_urlsafe(16)


def voter_for_browser(event: Event, key: str) -> Voter:
    """The voter behind an open-join browser; refused once the host no longer allows open joining."""
    if not event.allow_open_join:
        raise Forbidden("open_join_closed")
    if not key.startswith("browser-") or len(key) > 64:
        raise NotFound("ticket_unknown")
    return Voter(event.id, key, event.groups[0].id, None)


def open_join_event(public_id: str) -> Event:
    event = events.event_by_public_id(public_id)
    if not event.allow_open_join:
        raise Forbidden("open_join_closed")
    return event


def open_bidders(event_id: int) -> list[Bidder]:
    """Bidders of the event whose scoring is open now, in presentation order."""
    return list(db.session.scalars(
        sa.select(Bidder).join(Tender).where(Tender.event_id == event_id, Bidder.scoring_state == ScoringState.OPEN)
        .order_by(Bidder.position)))


def cards_of(voter: Voter) -> dict[int, Scorecard]:
    """The voter's stored cards, by bidder id."""
    rows = db.session.scalars(
        sa.select(Scorecard).join(Tender).where(Tender.event_id == voter.event_id,
                                                Scorecard.voter_key == voter.voter_key))
    return {card.bidder_id: card for card in rows}


def card_of(voter: Voter, bidder: Bidder) -> Scorecard | None:
    return db.session.scalar(sa.select(Scorecard).where(Scorecard.bidder_id == bidder.id,
                                                        Scorecard.voter_key == voter.voter_key))


def bidder_for_voter(voter: Voter, bidder_public_id: str) -> Bidder:
    """The bidder, if it belongs to the voter's event (else ``wrong_event``)."""
    bidder = bidder_by_public_id(bidder_public_id)
    if bidder.tender.event_id != voter.event_id:
        raise Forbidden("wrong_event")
    return bidder


class CardRefused(DomainError):
    """A card with problems; ``problems`` keeps every one of them for the form, ``code`` is the first."""

    def __init__(self, code: str, problems: tuple[Problem, ...], **params: object) -> None:
        super().__init__(code, **params)
        self.problems = problems


PROBLEM_CODES = {
    ScoreErrorCode.MISSING_CRITERION: "score_missing",
    ScoreErrorCode.OUT_OF_RANGE: "score_out_of_range",
    ScoreErrorCode.UNKNOWN_GRADE: "score_unknown",
    ScoreErrorCode.UNKNOWN_CRITERION: "criterion_unknown",
    ScoreErrorCode.UNKNOWN_BIDDER: "bidder_unknown",
}


def checked_scores(tender: Tender, bidder: Bidder, answers: Mapping[str, str | int | None]) -> dict[str, int | None]:
    """Validate answers keyed by criterion ``public_id`` exactly as every channel does.

    :raises CardRefused: with a code naming the first problem and the criterion's name.
    """
    criteria = criteria_of(tender)
    try:
        return scoring.validate_card(scale_of(tender), criteria, {b.key for b in bidders_of(tender)},
                                     bidder.public_id, answers)
    except CardError as error:
        first = error.problems[0]
        names = {c.key: c.name for c in criteria}
        scale = scale_of(tender)
        raise CardRefused(PROBLEM_CODES.get(first.code, "card_invalid"), error.problems,
                          criterion=names.get(first.criterion, first.criterion), value=first.value,
                          minimum=scale.minimum, maximum=scale.maximum) from None


def check_comment(comment: str) -> str:
    if len(comment) > MAX_COMMENT:
        raise DomainError("comment_too_long", maximum=MAX_COMMENT)
    return comment.strip()


def cast_scorecard(voter: Voter, bidder_public_id: str, answers: Mapping[str, str | int | None],
                   comment: str = "") -> Scorecard:
    """Store the voter's card for a bidder whose scoring is open; a later card replaces the earlier one.

    Refusals (nothing is written): unknown bidder, bidder of another event, voided ticket or ticket used
    on paper, scoring not open or closed, a comment over 1,000 characters, any invalid answer.
    """
    for attempt in range(ATTEMPTS):
        try:
            card = _store(voter, bidder_public_id, answers, comment)
            db.session.commit()
            return card
        except IntegrityError:
            # another request inserted this voter's card for this bidder first: retry as an update
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _store(voter: Voter, bidder_public_id: str, answers: Mapping[str, str | int | None], comment: str) -> Scorecard:
    bidder = bidder_for_voter(voter, bidder_public_id)
    ticket: Ticket | None = None
    if voter.ticket_id is not None:
        ticket = tickets.usable(db.session.get(Ticket, voter.ticket_id))
        if ticket.event_id != voter.event_id:
            raise Forbidden("wrong_event")
    tender = bidder.tender
    if bidder.scoring_state is ScoringState.CLOSED or tender.phase in (TenderPhase.REVEALED, TenderPhase.PUBLISHED):
        raise Gone("scoring_closed", bidder=bidder.name)
    if bidder.scoring_state is not ScoringState.OPEN:
        raise Conflict("scoring_not_open", bidder=bidder.name)
    scores = checked_scores(tender, bidder, answers)
    text = check_comment(comment)
    card = card_of(voter, bidder)
    now = utcnow()
    if card is None:
        card = Scorecard(tender_id=tender.id, bidder_id=bidder.id, ticket_id=voter.ticket_id,
                         voter_key=voter.voter_key, group_id=voter.group_id, channel="phone", created_at=now)
        db.session.add(card)
    card.scores = scores
    card.comment = text
    card.updated_at = now
    if ticket is not None:
        tickets.mark_used(ticket, "phone")
    events.mark_first_ballot(tender.event)
    changes.changed(tender.event)
    db.session.flush()
    return card

