"""Tickets: the one-person-one-ballot mechanism behind every vote. Only hashes of secrets are stored."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.events import Event, VoterGroup


class TicketStatus(enum.StrEnum):
    ISSUED = "issued"
    USED = "used"
    VOIDED = "voided"


class Ticket(db.Model):  # type: ignore[name-defined,misc]
    """``number`` is the ticket's position within its event, printed on paper for the volunteers."""

    __tablename__ = "tickets"
    __table_args__ = (sa.UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("voter_groups.id"), index=True)
    number: Mapped[int]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[TicketStatus] = mapped_column(
        sa.Enum(TicketStatus, native_enum=False, length=20), default=TicketStatus.ISSUED
    )
    channel: Mapped[str | None] = mapped_column(sa.String(10))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    group: Mapped[VoterGroup] = relationship()
    event: Mapped[Event] = relationship()
