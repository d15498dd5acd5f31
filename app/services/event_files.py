"""Importing and exporting events as JSON files (``docs/event-format.md``)."""

from __future__ import annotations

from decimal import Decimal

from app.domain.event_file import EventSpec, GroupSpec
from app.extensions import db
from app.models import Event, User
from app.services import budget_files, events, tender


def import_event(spec: EventSpec, owner: User | None) -> Event:
    """Create the event described by ``spec`` in one transaction: all of it or nothing."""
    fields = events.EventFields(title=spec.title, description=spec.description, location=spec.location,
                                starts_at=spec.starts_at, ends_at=spec.ends_at, language=spec.language)
    event = events.add_event(owner, fields, [(group.name, group.weight) for group in spec.groups])
    for group, wanted in zip(event.groups, spec.groups, strict=True):
        group.colour = wanted.colour
    if spec.tender is not None:
        tender.add_from_spec(event, owner.email if owner else "shell", spec.tender)
    for round_spec in spec.budget_rounds:
        budget_files.add_round_from_spec(event, owner.email if owner else "shell", round_spec)
    db.session.commit()
    return event


def event_spec(event: Event) -> EventSpec:
    held = tender.tender_for_event(event)
    return EventSpec(
        title=event.title, starts_at=event.starts_at, ends_at=event.ends_at, location=event.location,
        description=event.description, language=event.language,
        groups=tuple(GroupSpec(g.name, Decimal(g.weight).normalize(), g.colour) for g in event.groups),
        tender=tender.spec_of(held) if held is not None else None,
        budget_rounds=budget_files.round_specs(event),
    )
