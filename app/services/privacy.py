"""Retention and purging of personal data (AVG/GDPR); what is kept and why is in docs/privacy.md.

A purge runs only once every part of an event (its Idols evening, its budget rounds) is published, so the
published numbers can no longer change. It removes what could tie a vote to a person or that a person
wrote in their own words, and keeps what the published results need:

- tickets keep their row (number, group, status: the counts in the report) but their token and code hashes
  are replaced by random values that match no secret, so no ticket opens again;
- score cards and budget ballots lose their link to a ticket; comments on score cards are removed;
- questions and question votes, paper keyings (volunteers' names, comments) and the contact details of
  budget proposals are deleted;
- the anonymous ballot export of the Idols evening is archived first, byte for byte
  (:class:`~app.models.BallotArchive`): the report and the ballot download are built from it afterwards, so
  the published numbers and the export's SHA-256 stay the same. The published export holds the comments
  that were published with the report (never hidden ones): they were published anonymously.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    BallotArchive,
    BudgetBallot,
    BudgetRound,
    Event,
    PaperCardKeying,
    PaperKeying,
    Proposal,
    Question,
    QuestionVote,
    RoundPhase,
    Scorecard,
    Tender,
    Ticket,
)
from app.models.clock import utcnow
from app.services import audit
from app.services.errors import Conflict, DomainError
from app.services.events import MAX_RETENTION_DAYS

DEFAULT_RETENTION_DAYS = 90
HIDDEN_COMMENT_MARK = "[removed]"


@dataclass(frozen=True)
class PurgeSummary:
    """How many records a purge touched, for the operator."""

    public_id: str
    tickets: int
    comments: int
    questions: int
    keyings: int
    contacts: int


def check_retention(days: int) -> int:
    """A retention period in days: 1 to ten years."""
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise DomainError("retention_invalid", maximum=MAX_RETENTION_DAYS)
    return days


def set_retention(event: Event, actor: str, days: int) -> None:
    event.retention_days = check_retention(days)
    audit.record(event, actor, "retention_changed", str(days))
    db.session.commit()


def published_at(event: Event) -> datetime | None:
    """When the last part of the event was published; ``None`` while any part is unpublished (or there is
    nothing to publish)."""
    tender = db.session.scalar(sa.select(Tender).where(Tender.event_id == event.id))
    rounds = list(db.session.scalars(sa.select(BudgetRound).where(BudgetRound.event_id == event.id)))
    if tender is None and not rounds:
        return None
    moments: list[datetime] = []
    if tender is not None:
        if tender.published_at is None:
            return None
        moments.append(tender.published_at)
    if rounds:
        if any(item.phase is not RoundPhase.PUBLISHED for item in rounds):
            return None
        last = db.session.scalar(
            sa.select(sa.func.max(AuditEntry.at)).where(AuditEntry.event_id == event.id,
                                                        AuditEntry.action == "budget_phase_changed",
                                                        AuditEntry.detail.like("%-> published"))
        )
        moments.append(last or event.created_at)
    return max(moments)


def archived_export(event_id: int) -> BallotArchive | None:
    """The archived ballot export of a purged event, ``None`` before a purge."""
    return db.session.scalar(sa.select(BallotArchive).where(BallotArchive.event_id == event_id))


def purge_event(event: Event, actor: str) -> PurgeSummary:
    """Remove the event's personal data (see the module docstring); refused before publication."""
    if event.purged_at is not None:
        raise Conflict("purge_already_done")
    if published_at(event) is None:
        raise Conflict("purge_not_published")
    summary = _purge(event)
    event.purged_at = utcnow()
    audit.record(event, actor, "personal_data_purged",
                 f"{summary.tickets} tickets, {summary.comments} comments, {summary.questions} questions")
    db.session.commit()
    return summary


def expired_events(now: datetime | None = None) -> list[Event]:
    """Published, not yet purged events whose retention period has passed."""
    now = now or utcnow()
    found = []
    for event in db.session.scalars(sa.select(Event).where(Event.purged_at.is_(None)).order_by(Event.id)):
        moment = published_at(event)
        if moment is not None and moment + timedelta(days=event.retention_days) <= now:
            found.append(event)
    return found


def purge_expired(actor: str, now: datetime | None = None) -> list[PurgeSummary]:
    """Purge every event past its retention period; each purge is its own transaction."""
    return [purge_event(event, actor) for event in expired_events(now)]


def _purge(event: Event) -> PurgeSummary:
    from app.services import report

    tender = db.session.scalar(sa.select(Tender).where(Tender.event_id == event.id))
    comments = keyings = 0
    if tender is not None:
        if archived_export(event.id) is None:
            export = report.snapshot(tender).export
            db.session.add(BallotArchive(event_id=event.id, ballots_csv=export.ballots_csv,
                                         manifest_json=export.manifest_json))
        comments = int(db.session.scalar(sa.select(sa.func.count()).select_from(Scorecard)
                                         .where(Scorecard.tender_id == tender.id, Scorecard.comment != "")) or 0)
        db.session.execute(sa.update(Scorecard).where(Scorecard.tender_id == tender.id, Scorecard.comment != "",
                                                      Scorecard.comment_hidden.is_(True))
                           .values(comment=HIDDEN_COMMENT_MARK))
        db.session.execute(sa.update(Scorecard).where(Scorecard.tender_id == tender.id,
                                                      Scorecard.comment_hidden.is_(False))
                           .values(comment=""))
        db.session.execute(sa.update(Scorecard).where(Scorecard.tender_id == tender.id).values(ticket_id=None))
        keyings = _rows(sa.delete(PaperCardKeying).where(PaperCardKeying.tender_id == tender.id))
    round_ids = sa.select(BudgetRound.id).where(BudgetRound.event_id == event.id).scalar_subquery()
    db.session.execute(sa.update(BudgetBallot).where(BudgetBallot.round_id.in_(round_ids)).values(ticket_id=None))
    keyings += _rows(sa.delete(PaperKeying).where(PaperKeying.round_id.in_(round_ids)))
    contacts = _rows(sa.update(Proposal).where(Proposal.round_id.in_(round_ids))
                     .values(contact_name="", contact_email="", contact_phone=""))
    question_ids = sa.select(Question.id).where(Question.event_id == event.id).scalar_subquery()
    db.session.execute(sa.delete(QuestionVote).where(QuestionVote.question_id.in_(question_ids)))
    questions = _rows(sa.delete(Question).where(Question.event_id == event.id))
    ticket_ids = list(db.session.scalars(sa.select(Ticket.id).where(Ticket.event_id == event.id)))
    for ticket_id in ticket_ids:
        db.session.execute(sa.update(Ticket).where(Ticket.id == ticket_id).values(
            token_hash=secrets.token_hex(32), code_hash=secrets.token_hex(32)))
    db.session.expire_all()
    return PurgeSummary(event.public_id, len(ticket_ids), comments, questions, keyings, contacts)


def _rows(statement: sa.Executable) -> int:
    """Rows a bulk UPDATE or DELETE touched."""
    return int(getattr(db.session.execute(statement), "rowcount", 0))

