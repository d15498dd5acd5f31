"""Events and voter groups: what hosts create and edit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from app.extensions import db
from app.models import Event, EventStatus, Role, User, VoterGroup
from app.models.clock import utcnow
from app.services import audit
from app.services.errors import Conflict, DomainError, NotFound

LANGUAGES = ("nl", "en")
DEFAULT_GROUP = "Iedereen"


@dataclass(frozen=True)
class EventFields:
    title: str
    description: str = ""
    location: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    language: str = "nl"
    allow_open_join: bool = False
    retention_days: int = 90

MAX_RETENTION_DAYS = 3650  # ten years; app/services/privacy.py explains retention


def new_public_id() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")


def _check(fields: EventFields) -> None:
    if not fields.title.strip():
        raise DomainError("title_required")
    if fields.language not in LANGUAGES:
        raise DomainError("unknown_language", language=fields.language)
    if fields.starts_at and fields.ends_at and fields.ends_at < fields.starts_at:
        raise DomainError("ends_before_start")
    if not 1 <= fields.retention_days <= MAX_RETENTION_DAYS:
        raise DomainError("retention_invalid", maximum=MAX_RETENTION_DAYS)


def add_event(owner: User | None, fields: EventFields, groups: list[tuple[str, Decimal]] | None = None) -> Event:
    """Add an event with its groups (one group of weight 1 when none are given); the caller commits."""
    _check(fields)
    event = Event(public_id=new_public_id(), owner_id=owner.id if owner else None, title=fields.title.strip(),
                  description=fields.description, location=fields.location, starts_at=fields.starts_at,
                  ends_at=fields.ends_at, language=fields.language, allow_open_join=fields.allow_open_join,
                  retention_days=fields.retention_days)
    db.session.add(event)
    for position, (name, weight) in enumerate(groups or [(DEFAULT_GROUP, Decimal(1))]):
        _check_group(name, weight)
        event.groups.append(VoterGroup(name=name.strip(), weight=weight, position=position))
    db.session.flush()
    audit.record(event, owner.email if owner else "shell", "event_created")
    return event


def create_event(owner: User, fields: EventFields) -> Event:
    event = add_event(owner, fields)
    db.session.commit()
    return event


def update_event(event: Event, actor: User, fields: EventFields, status: EventStatus) -> None:
    _check(fields)
    event.title = fields.title.strip()
    event.description = fields.description
    event.location = fields.location
    event.starts_at = fields.starts_at
    event.ends_at = fields.ends_at
    event.language = fields.language
    event.allow_open_join = fields.allow_open_join
    if fields.retention_days != event.retention_days:
        audit.record(event, actor.email, "retention_changed", str(fields.retention_days))
        event.retention_days = fields.retention_days
    if status != event.status:
        audit.record(event, actor.email, "status_changed", f"{event.status} -> {status}")
        event.status = status
    db.session.commit()


def delete_event(event: Event) -> None:
    db.session.delete(event)
    db.session.commit()


def events_for(user: User) -> list[Event]:
    """A host sees their own events; an admin sees all."""
    query = sa.select(Event).order_by(Event.starts_at.desc().nulls_last(), Event.id.desc())
    if user.role != Role.ADMIN:
        query = query.where(Event.owner_id == user.id)
    return list(db.session.scalars(query))


def event_by_public_id(public_id: str) -> Event:
    event: Event | None = db.session.scalar(sa.select(Event).where(Event.public_id == public_id))
    if event is None:
        raise NotFound("event_not_found")
    return event


def event_for(user: User, public_id: str) -> Event:
    """The event if ``user`` may manage it; otherwise 'not found', so other hosts learn nothing."""
    event = event_by_public_id(public_id)
    if user.role != Role.ADMIN and event.owner_id != user.id:
        raise NotFound("event_not_found")
    return event


def find_event(reference: str) -> Event:
    """For the command line: the public id, or the numeric id an operator sees in the database."""
    event: Event | None = db.session.scalar(sa.select(Event).where(Event.public_id == reference))
    if event is None and reference.isdigit():
        event = db.session.get(Event, int(reference))
    if event is None:
        raise NotFound("event_not_found")
    return event


def parse_weight(text: str) -> Decimal:
    try:
        weight = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise DomainError("weight_invalid", weight=text) from None
    if not weight.is_finite() or weight <= 0 or weight > 1000:
        raise DomainError("weight_invalid", weight=text)
    return weight.quantize(Decimal("0.0001"))


def _check_group(name: str, weight: Decimal) -> None:
    if not name.strip() or len(name.strip()) > 80:
        raise DomainError("group_name_required")
    if weight <= 0:
        raise DomainError("weight_invalid", weight=str(weight))


def add_group(event: Event, actor: User, name: str, weight: Decimal, colour: str) -> VoterGroup:
    _check_group(name, weight)
    if event.first_ballot_at is not None and weight != 1:
        raise Conflict("weights_locked")
    if any(group.name == name.strip() for group in event.groups):
        raise Conflict("group_exists", name=name)
    group = VoterGroup(name=name.strip(), weight=weight, colour=colour, position=len(event.groups))
    event.groups.append(group)
    audit.record(event, actor.email, "group_added", f"{group.name} weight {weight}")
    db.session.commit()
    return group


def update_group(event: Event, actor: User, group: VoterGroup, name: str, weight: Decimal, colour: str) -> None:
    """Rename or recolour at any time; the weight only until the first ballot exists."""
    _check_group(name, weight)
    if weight != group.weight:
        if event.first_ballot_at is not None:
            raise Conflict("weights_locked")
        audit.record(event, actor.email, "group_weight_changed", f"{group.name}: {group.weight} -> {weight}")
    if any(other.name == name.strip() and other.id != group.id for other in event.groups):
        raise Conflict("group_exists", name=name)
    group.name = name.strip()
    group.weight = weight
    group.colour = colour
    db.session.commit()


def group_of(event: Event, group_id: int) -> VoterGroup:
    for group in event.groups:
        if group.id == group_id:
            return group
    raise NotFound("group_not_found")


def group_named(event: Event, name: str | None) -> VoterGroup:
    """The group with this name, or the event's first group when no name is given."""
    if not name:
        return event.groups[0]
    for group in event.groups:
        if group.name == name:
            return group
    raise NotFound("group_not_found", name=name)


def mark_first_ballot(event: Event) -> None:
    """Called by every feature that stores a ballot, inside its own transaction, after the ballot's own
    writes: those are flushed first, so the event row is the last row the transaction locks, as in
    ``changes.changed``. Otherwise, on PostgreSQL, the first ballots of an evening (which lock the event
    row first) and the next ones (which lock it last) can deadlock on a ticket or ballot row they share."""
    if event.first_ballot_at is None:
        db.session.flush()
        event.first_ballot_at = utcnow()
