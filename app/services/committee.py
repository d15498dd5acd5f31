"""Committee access to advice reports, and the committee's answer.

Two ways in, both read-only and both only after the host published the report:

- a committee account assigned to the event by its host (a committee member sees only those events);
- a secret link per event: a random token of which only the SHA-256 is stored. Renewing revokes the old
  link at once; the new token is shown to the host this one time.

Hosts (and admins) may always read the report of events they manage, published or not: that is the
preview. Refusals say as little as possible: an event someone may not see is "not found".
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from app.extensions import db
from app.models import Bidder, Event, Role, User
from app.models.clock import utcnow
from app.models.report import CommitteeAssignment, CommitteeDecision, CommitteeLink
from app.services import audit, events
from app.services.errors import DomainError, Forbidden, Gone, NotFound
from app.services.report import is_published, tender_of

MAX_REASONS = 5000


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- queries


def manages(user: User, event: Event) -> bool:
    return user.role == Role.ADMIN or (user.role == Role.HOST and event.owner_id == user.id)


def is_assigned(user: User, event: Event) -> bool:
    return db.session.scalar(sa.select(CommitteeAssignment.id).where(
        CommitteeAssignment.event_id == event.id, CommitteeAssignment.user_id == user.id)) is not None


def report_event_for(user: User, public_id: str) -> Event:
    """The event whose report ``user`` may read now.

    A committee member must be assigned to the event; a host must own it. Unpublished reports are
    refused with ``report_not_published`` to committee members (hosts use the preview).
    """
    event = events.event_by_public_id(public_id)
    if manages(user, event):
        tender_of(event)
        return event
    if user.role != Role.COMMITTEE or not is_assigned(user, event):
        raise NotFound("event_not_found")
    tender_of(event)
    if not is_published(event):
        raise Forbidden("report_not_published")
    return event


def events_of_committee_member(user: User) -> list[Event]:
    """The events a committee member is assigned to, newest first."""
    return list(db.session.scalars(
        sa.select(Event).join(CommitteeAssignment, CommitteeAssignment.event_id == Event.id)
        .where(CommitteeAssignment.user_id == user.id)
        .order_by(Event.starts_at.desc().nulls_last(), Event.id.desc())
    ))


def committee_members(event: Event) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(CommitteeAssignment, CommitteeAssignment.user_id == User.id)
        .where(CommitteeAssignment.event_id == event.id).order_by(User.email)
    ))


def event_for_link(token: str) -> Event:
    """The event of a committee link; ``committee_link_renewed`` once the host made a new one.

    The report must be published, as for committee accounts.
    """
    link: CommitteeLink | None = db.session.scalar(sa.select(CommitteeLink).where(
        CommitteeLink.token_hash == _hash(token)))
    if link is None:
        raise NotFound("committee_link_unknown")
    if link.revoked_at is not None:
        raise Gone("committee_link_renewed")
    tender_of(link.event)
    if not is_published(link.event):
        raise Forbidden("report_not_published")
    return link.event


def has_link(event: Event) -> bool:
    return db.session.scalar(sa.select(CommitteeLink.id).where(
        CommitteeLink.event_id == event.id, CommitteeLink.revoked_at.is_(None))) is not None


# ---------------------------------------------------------------- commands


def assign_member(event: Event, actor: User, email: str) -> User:
    """Give the committee account with this e-mail address access to the event's report."""
    member: User | None = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if member is None or member.role != Role.COMMITTEE or not member.active:
        raise NotFound("committee_member_unknown", email=email.strip())
    if not is_assigned(member, event):
        db.session.add(CommitteeAssignment(event_id=event.id, user_id=member.id, assigned_by=actor.email))
        audit.record(event, actor.email, "committee_member_added", member.email)
    db.session.commit()
    return member


def unassign_member(event: Event, actor: User, user_id: int) -> None:
    row = db.session.scalar(sa.select(CommitteeAssignment).where(
        CommitteeAssignment.event_id == event.id, CommitteeAssignment.user_id == user_id))
    if row is None:
        raise NotFound("committee_member_unknown", email="")
    audit.record(event, actor.email, "committee_member_removed", row.user.email)
    db.session.delete(row)
    db.session.commit()


def renew_link(event: Event, actor: str) -> str:
    """Revoke the event's committee link (if any) and make a new one; returns the new secret token."""
    now = utcnow()
    for link in db.session.scalars(sa.select(CommitteeLink).where(
            CommitteeLink.event_id == event.id, CommitteeLink.revoked_at.is_(None))):
        link.revoked_at = now
    token = secrets.token_urlsafe(24)
    db.session.add(CommitteeLink(event_id=event.id, token_hash=_hash(token), created_by=actor, created_at=now))
    audit.record(event, actor, "committee_link_renewed")
    db.session.commit()
    return token


def record_decision(event: Event, actor: str, bidder_public_id: str | None, reasons: str) -> None:
    """Record (or correct) what the committee did with the advice: a bidder, or none, and the reasons.

    Only after publication: the decision answers the published advice.
    """
    tender = tender_of(event)
    if tender.published_at is None:
        raise Forbidden("report_not_published")
    clean = reasons.strip()
    if not clean:
        raise DomainError("decision_reasons_required")
    if len(clean) > MAX_REASONS:
        raise DomainError("text_too_long", maximum=MAX_REASONS)
    bidder: Bidder | None = None
    if bidder_public_id:
        bidder = next((b for b in tender.bidders if b.public_id == bidder_public_id), None)
        if bidder is None:
            raise NotFound("bidder_unknown")
    row = db.session.scalar(sa.select(CommitteeDecision).where(CommitteeDecision.event_id == event.id))
    if row is None:
        row = CommitteeDecision(event_id=event.id, recorded_by=actor)
        db.session.add(row)
    row.bidder_id = bidder.id if bidder else None
    row.reasons = clean
    row.recorded_by = actor
    row.decided_at = utcnow()
    audit.record(event, actor, "committee_decision", bidder.name if bidder else "-")
    db.session.commit()
