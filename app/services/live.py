"""The live evening's commands: the secret projector link, the applause meter and audience questions.

Every command that a screen shows calls ``changes.changed(event)`` before its one commit; the live bus
publishes the new version after the commit (see ``app/services/live_bus.py``).

Reactions are audience colour, kept per bidder and reported as "audience reaction"; they never enter a
score. A question is seen by the host only until the host approves it; a hidden question never leaves
the host's screen.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.domain.tickets import hash_secret
from app.extensions import db
from app.models import (
    Bidder,
    Event,
    ProjectorLink,
    Question,
    QuestionStatus,
    QuestionVote,
    Reaction,
    ReactionKind,
    Tender,
    Ticket,
)
from app.models.clock import utcnow
from app.services import audit, changes, tickets
from app.services.errors import Conflict, DomainError, Forbidden, NotFound, TooManyAttempts
from app.services.events import event_by_public_id, new_public_id
from app.services.tender import tender_for_event

REACTION_INTERVAL = timedelta(seconds=2)
MAX_QUESTION = 280
MAX_QUESTIONS_PER_TICKET_AND_BIDDER = 5
REACTION_SYMBOLS = {ReactionKind.APPLAUSE: "👏", ReactionKind.HEART: "❤️", ReactionKind.THINKING: "🤔"}


# ---------------------------------------------------------------- projector link


def renew_projector_link(event: Event, actor: str) -> str:
    """Make a new secret projector link for ``event`` and return its token (shown once, stored hashed).
    An earlier link stops working at once."""
    token = secrets.token_urlsafe(24)
    link = db.session.scalar(sa.select(ProjectorLink).where(ProjectorLink.event_id == event.id))
    if link is None:
        db.session.add(ProjectorLink(event_id=event.id, token_hash=hash_secret(token)))
        audit.record(event, actor, "projector_link_created", "")
    else:
        link.token_hash = hash_secret(token)
        link.created_at = utcnow()
        audit.record(event, actor, "projector_link_renewed", "")
    db.session.commit()
    return token


def has_projector_link(event: Event) -> bool:
    return db.session.scalar(sa.select(ProjectorLink.id).where(ProjectorLink.event_id == event.id)) is not None


def event_for_projector_key(public_id: str, key: str) -> Event:
    """The event whose current projector link has token ``key``; a wrong or renewed key is refused."""
    event = event_by_public_id(public_id)
    if not key or len(key) > 64:
        raise Forbidden("projector_key_invalid")
    found = db.session.scalar(sa.select(ProjectorLink.id).where(
        ProjectorLink.event_id == event.id, ProjectorLink.token_hash == hash_secret(key)))
    if found is None:
        raise Forbidden("projector_key_invalid")
    return event


# ---------------------------------------------------------------- audience


def _stage(ticket: Ticket | None, event: Event) -> tuple[Ticket, Tender, Bidder]:
    """The ticket (usable, of this event), the tender and the bidder on stage now."""
    held = tickets.usable(ticket)
    if held.event_id != event.id:
        raise Forbidden("ticket_other_event")
    tender = tender_for_event(event)
    bidder = None
    if tender is not None and tender.current_bidder_id is not None:
        bidder = db.session.get(Bidder, tender.current_bidder_id)
    if tender is None or bidder is None:
        raise Conflict("nobody_on_stage")
    return held, tender, bidder


def react(ticket: Ticket | None, event: Event, kind: str, now: datetime | None = None) -> None:
    """One tap on the applause meter for the bidder on stage; one tap per ticket every two seconds."""
    try:
        reaction = ReactionKind(kind)
    except ValueError:
        raise DomainError("reaction_unknown") from None
    held, _tender, bidder = _stage(ticket, event)
    now = now or utcnow()
    last = db.session.scalar(sa.select(sa.func.max(Reaction.created_at)).where(Reaction.ticket_id == held.id))
    if last is not None and now - last < REACTION_INTERVAL:
        raise TooManyAttempts("reaction_too_soon")
    db.session.add(Reaction(event_id=event.id, bidder_id=bidder.id, ticket_id=held.id, kind=reaction,
                            created_at=now))
    changes.changed(event)
    db.session.commit()


def reaction_counts(tender: Tender) -> dict[str, dict[str, int]]:
    """Audience reactions per bidder ``public_id`` and kind (every kind present, zero if none).
    For the advice report's "audience reaction": never part of a score."""
    counts = {bidder.public_id: {kind.value: 0 for kind in ReactionKind} for bidder in tender.bidders}
    keys = {bidder.id: bidder.public_id for bidder in tender.bidders}
    rows = db.session.execute(
        sa.select(Reaction.bidder_id, Reaction.kind, sa.func.count())
        .where(Reaction.bidder_id.in_(keys)).group_by(Reaction.bidder_id, Reaction.kind))
    for bidder_id, kind, count in rows:
        counts[keys[bidder_id]][ReactionKind(kind).value] = count
    return counts


def ask_question(ticket: Ticket | None, event: Event, text: str) -> Question:
    """A question to the bidder on stage; it waits for the host's approval."""
    clean = " ".join(text.split())
    if not clean:
        raise DomainError("question_empty")
    if len(clean) > MAX_QUESTION:
        raise DomainError("question_too_long", maximum=MAX_QUESTION)
    held, _tender, bidder = _stage(ticket, event)
    asked = db.session.scalar(sa.select(sa.func.count(Question.id)).where(
        Question.ticket_id == held.id, Question.bidder_id == bidder.id)) or 0
    if asked >= MAX_QUESTIONS_PER_TICKET_AND_BIDDER:
        raise TooManyAttempts("question_limit", maximum=MAX_QUESTIONS_PER_TICKET_AND_BIDDER)
    question = Question(public_id=new_public_id(), event_id=event.id, bidder_id=bidder.id, ticket_id=held.id,
                        text=clean)
    db.session.add(question)
    changes.changed(event)
    db.session.commit()
    return question


def question_of(event: Event, public_id: str) -> Question:
    question: Question | None = db.session.scalar(sa.select(Question).where(Question.public_id == public_id,
                                                           Question.event_id == event.id))
    if question is None:
        raise NotFound("question_unknown")
    return question


def moderate_question(event: Event, actor: str, public_id: str, approve: bool) -> Question:
    """The host approves a question (it goes on the projector) or hides it (it goes nowhere)."""
    question = question_of(event, public_id)
    question.status = QuestionStatus.APPROVED if approve else QuestionStatus.HIDDEN
    question.moderated_at = utcnow()
    audit.record(event, actor, "question_approved" if approve else "question_hidden", question.public_id)
    changes.changed(event)
    db.session.commit()
    return question


def vote_question(ticket: Ticket | None, event: Event, public_id: str) -> None:
    """One upvote per ticket for an approved question."""
    held = tickets.usable(ticket)
    if held.event_id != event.id:
        raise Forbidden("ticket_other_event")
    question = question_of(event, public_id)
    if question.status is not QuestionStatus.APPROVED:
        raise NotFound("question_unknown")
    try:
        with db.session.begin_nested():
            db.session.add(QuestionVote(question_id=question.id, ticket_id=held.id))
    except IntegrityError:
        raise Conflict("question_already_voted") from None
    db.session.execute(sa.update(Question).where(Question.id == question.id).values(votes=Question.votes + 1))
    changes.changed(event)
    db.session.commit()


def approved_questions(bidder_id: int, limit: int | None = None) -> list[Question]:
    """Approved questions to a bidder, most votes first, then oldest first."""
    return list(db.session.scalars(approved_questions_query(bidder_id, limit)))


def approved_questions_query(bidder_id: Any, limit: int | None = None) -> sa.Select[Question]:
    """The statement of :func:`approved_questions`; ``bidder_id`` may be a bound parameter (the live
    snapshot builds it once and reuses it)."""
    query = (sa.select(Question).where(Question.bidder_id == bidder_id, Question.status == QuestionStatus.APPROVED)
             .order_by(Question.votes.desc(), Question.created_at, Question.id))
    return query if limit is None else query.limit(limit)


def pending_questions(event: Event) -> list[Question]:
    return list(db.session.scalars(sa.select(Question).where(
        Question.event_id == event.id, Question.status == QuestionStatus.PENDING).order_by(Question.created_at)))


def voted_by(ticket: Ticket, question_ids: list[int]) -> set[int]:
    if not question_ids:
        return set()
    return set(db.session.scalars(sa.select(QuestionVote.question_id).where(
        QuestionVote.ticket_id == ticket.id, QuestionVote.question_id.in_(question_ids))))
