"""Events (one meeting or one online round) and their voter groups."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class Event(db.Model):  # type: ignore[name-defined,misc]
    """``public_id`` goes in URLs and on the command line; the integer id never leaves the database.

    ``first_ballot_at`` is set by whichever feature stores the event's first ballot; from then on the
    voter groups' weights are locked, because changing them would change votes already cast.
    ``live_version`` goes up with every change that live screens show (see ``app/services/changes.py``).
    ``retention_days``: how long after publication personal data is kept (``flask event purge-expired``);
    ``purged_at`` is set once it has been removed (see ``app/services/privacy.py`` and docs/privacy.md).
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    status: Mapped[EventStatus] = mapped_column(
        sa.Enum(EventStatus, native_enum=False, length=20), default=EventStatus.DRAFT
    )
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    allow_open_join: Mapped[bool] = mapped_column(default=False)
    first_ballot_at: Mapped[datetime | None]
    live_version: Mapped[int] = mapped_column(default=0)
    retention_days: Mapped[int] = mapped_column(default=90, server_default="90")
    purged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    groups: Mapped[list[VoterGroup]] = relationship(
        back_populates="event", order_by="VoterGroup.position", cascade="all, delete-orphan"
    )


class VoterGroup(db.Model):  # type: ignore[name-defined,misc]
    """A group of attendees whose cards carry ``weight`` in weighted results (e.g. youth counted double)."""

    __tablename__ = "voter_groups"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(10, 4), default=Decimal(1))
    colour: Mapped[str] = mapped_column(sa.String(7), default="#1f6f8b")
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="groups")
