"""Score cards from phones: who is voting, what is open now, and storing a card (the last one counts).

Every card goes through ``app.domain.scoring.validate_card``, the same validation as paper and import.
One card per voter per bidder is guarded by the database (unique ``bidder_id, voter_key``): a card is
stored with one ``INSERT … ON CONFLICT (bidder_id, voter_key) DO UPDATE``, so when two submissions of the
same card race, the database turns the later one into an update of the earlier one's row; exactly one row
remains and it holds the last submission.

A card is the busiest request of an evening, so storing one is a handful of Core statements, no ORM
objects: the bidder with its tender's state in one query, its frozen rules kept per process
(``card_target``); the ticket checked and marked used; the card's upsert; the event's live version. The
card POST itself runs the same statements on the driver's cursor (``card_post``). The pages (card,
confirmation) load models as usual.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from app.domain import scoring
from app.domain.scoring.errors import CardError, Problem, ScoreErrorCode
from app.extensions import db
from app.models import Bidder, Criterion, Event, Scorecard, ScoringState, Tender, TenderPhase, Ticket
from app.models.clock import utcnow
from app.services import changes, events, tickets
from app.services.errors import Conflict, DomainError, Forbidden, Gone, NotFound
from app.services.tender import criteria_of, exact_weight, scale_from, scale_of

MAX_COMMENT = 1000
# INSERT … ON CONFLICT for the two databases Buurtstem runs on
UPSERTS: dict[str, Callable[[sa.Table], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert, "sqlite": sqlite.insert}


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


_TICKETS = Ticket.__table__
_TICKET = (sa.select(_TICKETS.c.event_id, _TICKETS.c.group_id, _TICKETS.c.status, _TICKETS.c.channel)
           .where(_TICKETS.c.id == sa.bindparam("ticket_id")))


def voter_for_ticket_id(ticket_id: int) -> Voter | None:
    """``voter_for_ticket`` for the ticket id kept in a phone's session, read without loading the model;
    ``None`` when there is no such ticket (any more)."""
    row = db.session.execute(_TICKET, {"ticket_id": ticket_id}).first()
    if row is None:
        return None
    tickets.check_usable(row.status, row.channel)
    return Voter(row.event_id, ticket_key(ticket_id), row.group_id, ticket_id)


def ticket_voter_key(ticket: Ticket) -> str:
    return ticket_key(ticket.id)


def ticket_key(ticket_id: int) -> str:
    return f"ticket-{ticket_id}"


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


@dataclass(frozen=True)
class CardTarget:
    """What storing a card needs to know of its bidder: the bidder's and its tender's state, and the
    tender's scale and criteria (frozen while scoring is open)."""

    bidder_id: int
    public_id: str
    name: str
    state: ScoringState
    tender_id: int
    phase: TenderPhase
    event_id: int
    scale: scoring.Scale
    criteria: tuple[scoring.Criterion, ...]


_B, _T, _C = Bidder.__table__, Tender.__table__, Criterion.__table__
# the bidder and its tender's state
TARGET = (sa.select(_B.c.id, _B.c.name, _B.c.scoring_state, _B.c.tender_id, _T.c.phase, _T.c.event_id,
                     _T.c.frozen_at)
           .join_from(_B, _T, _B.c.tender_id == _T.c.id).where(_B.c.public_id == sa.bindparam("public_id")))
# the tender's rules: one row per criterion (at least one: the outer join), the scale's columns on each
RULES = (sa.select(_T.c.frozen_at, _T.c.scale_type, _T.c.scale_min, _T.c.scale_max, _T.c.scale_labels,
                    _C.c.public_id.label("criterion"), _C.c.name.label("criterion_name"), _C.c.weight)
          .select_from(_T).outerjoin(_C, _C.c.tender_id == _T.c.id)
          .where(_T.c.id == sa.bindparam("tender_id")).order_by(_C.c.position))
RULES_KEPT = 256  # frozen tenders whose rules a process keeps (an evening has one or two)


def card_target(bidder_public_id: str) -> CardTarget:
    """The bidder a card is for, read in one Core query (``bidder_unknown`` if there is none), with its
    tender's rules (``tender_rules``)."""
    row = db.session.connection().execute(TARGET, {"public_id": bidder_public_id}).first()
    if row is None:
        raise NotFound("bidder_unknown")
    return target_from(tuple(row), bidder_public_id, _read_rules)


def target_from(row: tuple[Any, ...], bidder_public_id: str, read_rules: RulesReader) -> CardTarget:
    """The ``CardTarget`` of a row of ``TARGET``; ``read_rules`` runs ``RULES`` if they are not kept."""
    bidder_id, name, state, tender_id, phase, event_id, frozen_at = row
    scale, criteria = tender_rules(tender_id, frozen_at, read_rules)
    return CardTarget(bidder_id, bidder_public_id, name, state, tender_id, phase, event_id, scale, criteria)


def _read_rules(tender_id: int) -> Sequence[tuple[Any, ...]]:
    return [tuple(row) for row in db.session.connection().execute(RULES, {"tender_id": tender_id})]


Rules = tuple[scoring.Scale, tuple[scoring.Criterion, ...]]
# runs ``RULES`` for a tender, on the connection the caller is using
RulesReader = Callable[[int], Sequence[tuple[Any, ...]]]


def tender_rules(tender_id: int, frozen_at: datetime | None, read_rules: RulesReader) -> Rules:
    """A tender's scale and criteria in order. Those of a frozen tender are read once per process and
    kept under (tender, ``frozen_at``): they cannot change while it stays frozen, and a reset un-freezes
    it, so the next freeze has another ``frozen_at``. A card POST then reads one row, not one per
    criterion. Kept per app, so two apps on two databases never share them."""
    kept: dict[tuple[int, datetime], Rules] = current_app.extensions.setdefault("tender_rules", {})
    found = kept.get((tender_id, frozen_at)) if frozen_at is not None else None
    if found is not None:
        return found
    rows = read_rules(tender_id)
    frozen, scale_type, scale_min, scale_max, scale_labels = rows[0][:5]
    rules = (scale_from(scale_type, scale_min, scale_max, scale_labels),
             tuple(scoring.Criterion(criterion, criterion_name, exact_weight(weight))
                   for *_, criterion, criterion_name, weight in rows if criterion is not None))
    if frozen is not None:
        if len(kept) >= RULES_KEPT:
            kept.clear()
        kept[tender_id, frozen] = rules
    return rules


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
    return _validated(scale_of(tender), criteria_of(tender), bidder.public_id, bidder.tender_id == tender.id,
                      answers)


def _validated(scale: scoring.Scale, criteria: Sequence[scoring.Criterion], bidder: str, own: bool,
               answers: Mapping[str, str | int | None]) -> dict[str, int | None]:
    """``scoring.validate_card`` with its problems as a ``CardRefused``; a bidder that is not the
    tender's ``own`` is refused as unknown."""
    known = {bidder} if own else set()
    try:
        return scoring.validate_card(scale, criteria, known, bidder, answers)
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


def cast_scorecard(voter: Voter, bidder: CardTarget | str, answers: Mapping[str, str | int | None],
                   comment: str = "") -> int:
    """Store the voter's card for a bidder whose scoring is open; a later card replaces the earlier one.
    Returns the card's id.

    :param bidder: as ``card_target`` read it (the card view has it already), or its ``public_id``.

    Refusals (nothing is written): unknown bidder, bidder of another event, scoring not open or closed, a
    comment over 1,000 characters, any invalid answer, a voided ticket or a ticket used on paper (checked
    by the statement that marks it used, so a ticket voided a moment ago cannot slip through).
    """
    target = card_target(bidder) if isinstance(bidder, str) else bidder
    if target.event_id != voter.event_id:
        raise Forbidden("wrong_event")
    scores, text = checked_card(target, answers, comment)
    # rows are locked in the same order by every card (ticket, card, event): no deadlock on PostgreSQL
    if voter.ticket_id is not None:
        tickets.use_for_phone(voter.ticket_id, voter.event_id)
    return _store(voter, target, scores, text)


def checked_card(target: CardTarget, answers: Mapping[str, str | int | None],
                  comment: str) -> tuple[dict[str, int | None], str]:
    """The scores and the comment to store, if the bidder's scoring is open and the card is valid."""
    if target.state is ScoringState.CLOSED or target.phase in (TenderPhase.REVEALED, TenderPhase.PUBLISHED):
        raise Gone("scoring_closed", bidder=target.name)
    if target.state is not ScoringState.OPEN:
        raise Conflict("scoring_not_open", bidder=target.name)
    return _validated(target.scale, target.criteria, target.public_id, True, answers), check_comment(comment)


def _store(voter: Voter, target: CardTarget, scores: dict[str, int | None], text: str) -> int:
    """Upsert the card, raise the live version, commit (the ticket, if any, is marked used already)."""
    card_id = _upsert_card(voter, target, scores, text)
    changes.ballot_stored(target.event_id)
    db.session.commit()
    return card_id


def _upsert_card(voter: Voter, target: CardTarget, scores: dict[str, int | None], text: str) -> int:
    """Insert the card, or update the voter's card for this bidder if there is one (a later card, or a
    simultaneous one that committed first). Channel, ticket and group stay those of the first card."""
    now = utcnow()
    connection = db.session.connection()
    card_id: int = connection.execute(upsert_statement(connection.dialect.name), {
        "tender_id": target.tender_id, "bidder_id": target.bidder_id, "ticket_id": voter.ticket_id,
        "voter_key": voter.voter_key, "group_id": voter.group_id, "channel": "phone", "scores": scores,
        "comment": text, "comment_hidden": False, "created_at": now, "updated_at": now}).scalar_one()
    return card_id


@functools.cache
def upsert_statement(dialect: str) -> Any:
    """Built once per database kind: building it costs more CPU than running it."""
    columns = ("tender_id", "bidder_id", "ticket_id", "voter_key", "group_id", "channel", "scores", "comment",
               "comment_hidden", "created_at", "updated_at")
    table = Scorecard.__table__
    insert = UPSERTS[dialect](table).values({name: sa.bindparam(name) for name in columns})
    return insert.on_conflict_do_update(
        index_elements=[table.c.bidder_id, table.c.voter_key],
        set_={"scores": insert.excluded.scores, "comment": insert.excluded.comment,
              "updated_at": insert.excluded.updated_at}).returning(table.c.id)
