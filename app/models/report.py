"""Who may read an event's advice report besides its host, and what the committee did with the advice.

- ``CommitteeAssignment``: a committee account may read the published report of the events it is assigned
  to, and nothing else.
- ``CommitteeLink``: a secret read-only link for a committee without accounts. Only the SHA-256 of the
  token is stored; renewing revokes the old link (``revoked_at``) and makes a new one.
- ``CommitteeDecision``: the committee's answer (one per event, updated in place, every change logged).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.clock import utcnow
from app.models.events import Event


class CommitteeAssignment(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "committee_assignments"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()


class CommitteeLink(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "committee_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()


class CommitteeDecision(db.Model):  # type: ignore[name-defined,misc]
    """``bidder_id`` is ``None`` when the committee chose none of the bidders; ``reasons`` says why."""

    __tablename__ = "committee_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    bidder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bidders.id", ondelete="SET NULL"))
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by: Mapped[str] = mapped_column(sa.String(254))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
