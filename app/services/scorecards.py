"""Score cards from phones: who is voting, what is open now, and storing a card (the last one counts).

Every card goes through ``app.domain.scoring.validate_card``, the same validation as paper and import.
One card per voter per bidder is guarded by the database (unique ``bidder_id, voter_key``): a card is
stored with one ``INSERT … ON CONFLICT (bidder_id, voter_key) DO UPDATE``, so when two submissions of the
same card race, the database turns the later one into an update of the earlier one's row; exactly one row
remains and it holds the last submission.

A card is the busiest request of an evening, so its reads are few: the view loads the ticket, then the
bidder with its tender, event and criteria in one query (``bidder_for_voter``), and hands both to
``cast_scorecard``, which reads nothing else.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from app.domain import scoring
from app.domain.scoring.errors import CardError, Problem, ScoreErrorCode
from app.extensions import db
from app.models import Bidder, Event, Scorecard, ScoringState, Tender, TenderPhase, Ticket
from app.models.clock import utcnow
from app.services import changes, events, tickets
from app.services.errors import Conflict, DomainError, Forbidden, Gone, NotFound
from app.services.tender import criteria_of, scale_of

MAX_COMMENT = 1000
# INSERT … ON CONFLICT for the two databases Buurtstem runs on
UPSERTS: dict[str, Callable[[type[Scorecard]], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class Voter:
    """Who sends a card: a ticket (``ticket_id``), or one browser through the open join link.

    ``ticket`` is the ticket as the request loaded it, so storing the card does not select it again (it is
    selected again when the card is stored through another session, e.g. another thread's).
    """

    event_id: int
    voter_key: str
    group_id: int
    ticket_id: int | None = None
    ticket: Ticket | None = field(default=None, compare=False, repr=False)


def voter_for_ticket(ticket: Ticket) -> Voter:
    """The voter behind a ticket; refuses voided tickets and tickets already counted on paper."""
    tickets.usable(ticket)
    return Voter(ticket.event_id, ticket_voter_key(ticket), ticket.group_id, ticket.id, ticket)


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
    """The bidder, if it belongs to the voter's event (else ``wrong_event``), with its tender, the event
    and the criteria loaded in the same query: the card page and the card read nothing more."""
    bidder = db.session.scalars(_BIDDER_WITH_TENDER, {"public_id": bidder_public_id}).unique().first()
    if bidder is None:
        raise NotFound("bidder_unknown")
    if bidder.tender.event_id != voter.event_id:
        raise Forbidden("wrong_event")
    return bidder


_TENDER = joinedload(Bidder.tender)
# built once: building the query with its loader options costs more CPU than running it
_BIDDER_WITH_TENDER = (sa.select(Bidder).where(Bidder.public_id == sa.bindparam("public_id"))
                       .options(_TENDER.joinedload(Tender.event), _TENDER.joinedload(Tender.criteria)))


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

    The bidder is known when it is the tender's own; the tender's other bidders are not needed for that,
    so they are not loaded.

    :raises CardRefused: with a code naming the first problem and the criterion's name.
    """
    criteria = criteria_of(tender)
    scale = scale_of(tender)
    known = {bidder.public_id} if bidder.tender_id == tender.id else set()
    try:
        return scoring.validate_card(scale, criteria, known, bidder.public_id, answers)
    except CardError as error:
        first = error.problems[0]
        names = {c.key: c.name for c in criteria}
        raise CardRefused(PROBLEM_CODES.get(first.code, "card_invalid"), error.problems,
                          criterion=names.get(first.criterion, first.criterion), value=first.value,
                          minimum=scale.minimum, maximum=scale.maximum) from None


def check_comment(comment: str) -> str:
    if len(comment) > MAX_COMMENT:
        raise DomainError("comment_too_long", maximum=MAX_COMMENT)
    return comment.strip()


def cast_scorecard(voter: Voter, bidder: Bidder | str, answers: Mapping[str, str | int | None],
                   comment: str = "") -> Scorecard:
    """Store the voter's card for a bidder whose scoring is open; a later card replaces the earlier one.

    :param bidder: as ``bidder_for_voter`` loaded it (the card view has it already), or its ``public_id``.

    Refusals (nothing is written): unknown bidder, bidder of another event, voided ticket or ticket used
    on paper, scoring not open or closed, a comment over 1,000 characters, any invalid answer.
    """
    if isinstance(bidder, str):
        bidder = bidder_for_voter(voter, bidder)
    elif bidder.tender.event_id != voter.event_id:
        raise Forbidden("wrong_event")
    ticket: Ticket | None = None
    if voter.ticket_id is not None:
        held = voter.ticket if voter.ticket is not None and voter.ticket in db.session else None
        ticket = tickets.usable(held if held is not None else db.session.get(Ticket, voter.ticket_id))
        if ticket.event_id != voter.event_id:
            raise Forbidden("wrong_event")
    tender = bidder.tender
    if bidder.scoring_state is ScoringState.CLOSED or tender.phase in (TenderPhase.REVEALED, TenderPhase.PUBLISHED):
        raise Gone("scoring_closed", bidder=bidder.name)
    if bidder.scoring_state is not ScoringState.OPEN:
        raise Conflict("scoring_not_open", bidder=bidder.name)
    scores = checked_scores(tender, bidder, answers)
    text = check_comment(comment)
    if ticket is not None:
        tickets.mark_used(ticket, "phone")
    card = _upsert_card(voter, tender, bidder, scores, text)
    # rows are locked in the same order by every card (ticket, card, event): no deadlock on PostgreSQL
    events.mark_first_ballot(tender.event)
    changes.changed(tender.event)
    db.session.commit()
    return card


def _upsert_card(voter: Voter, tender: Tender, bidder: Bidder, scores: dict[str, int | None], text: str
                 ) -> Scorecard:
    """Insert the card, or update the voter's card for this bidder if there is one (a later card, or a
    simultaneous one that committed first). Channel, ticket and group stay those of the first card."""
    now = utcnow()
    card: Scorecard = db.session.scalars(_upsert_statement(db.session.get_bind().dialect.name), {
        "tender_id": tender.id, "bidder_id": bidder.id, "ticket_id": voter.ticket_id, "voter_key": voter.voter_key,
        "group_id": voter.group_id, "channel": "phone", "scores": scores, "comment": text, "comment_hidden": False,
        "created_at": now, "updated_at": now}, execution_options={"populate_existing": True}).one()
    return card


@functools.cache
def _upsert_statement(dialect: str) -> Any:
    """Built once per database kind: building it costs more CPU than running it."""
    columns = ("tender_id", "bidder_id", "ticket_id", "voter_key", "group_id", "channel", "scores", "comment",
               "comment_hidden", "created_at", "updated_at")
    insert = UPSERTS[dialect](Scorecard).values({name: sa.bindparam(name) for name in columns})
    return insert.on_conflict_do_update(
        index_elements=[Scorecard.bidder_id, Scorecard.voter_key],
        set_={"scores": insert.excluded.scores, "comment": insert.excluded.comment,
              "updated_at": insert.excluded.updated_at}).returning(Scorecard)
