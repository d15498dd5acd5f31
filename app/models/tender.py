"""An Idols evening: the tender on an event, its bidders and criteria, and the score cards residents fill in.

Public URLs use ``Bidder.public_id``; criteria are addressed by their ``public_id`` in forms and in the
domain (``app.domain.scoring`` keys). ``Tender.method`` stores an ``app.domain.scoring.Method`` value
(``mean``, ``median``, ``majority_judgment``), so ``Method(tender.method)`` works.

One card per voter per bidder: ``Scorecard`` has a unique constraint on ``(bidder_id, voter_key)``.
``voter_key`` is ``ticket-<ticket id>`` for a ticket (phone or paper alike, so a ticket never counts
twice), ``browser-<random>`` for the weaker open join link and ``import-<ballot>`` for imported cards.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.events import Event, VoterGroup
from app.models.tickets import Ticket


class TenderPhase(enum.StrEnum):
    """The evening as the host runs it; the bidder-level steps live on ``Bidder.scoring_state``."""

    DRAFT = "draft"
    DOORS_OPEN = "doors_open"
    EVENING = "evening"
    ALL_CLOSED = "all_closed"
    REVEALED = "revealed"
    PUBLISHED = "published"


class ScoringState(enum.StrEnum):
    WAITING = "waiting"
    OPEN = "open"
    CLOSED = "closed"


class Tender(db.Model):  # type: ignore[name-defined,misc]
    """One per event. Scale, criteria, weights and method freeze at ``frozen_at`` (first scoring or import).

    ``current_bidder_id`` is the bidder presenting now (a plain integer: a foreign key back to ``bidders``
    would make the two tables depend on each other).
    """

    __tablename__ = "tenders"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    bijsluiter: Mapped[str] = mapped_column(sa.Text, default="")
    method: Mapped[str] = mapped_column(sa.String(20), default="mean")
    scale_type: Mapped[str] = mapped_column(sa.String(10), default="grade")
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=10)
    scale_labels: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    frozen_at: Mapped[datetime | None]
    phase: Mapped[TenderPhase] = mapped_column(
        sa.Enum(TenderPhase, native_enum=False, length=20), default=TenderPhase.DRAFT
    )
    current_bidder_id: Mapped[int | None]
    slot_seconds: Mapped[int] = mapped_column(default=600)
    shuffled_at: Mapped[datetime | None]
    shuffle_order: Mapped[str] = mapped_column(sa.Text, default="")
    doors_opened_at: Mapped[datetime | None]
    results_revealed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    bidders: Mapped[list[Bidder]] = relationship(
        back_populates="tender", order_by="Bidder.position", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="tender", order_by="Criterion.position", cascade="all, delete-orphan"
    )


class Bidder(db.Model):  # type: ignore[name-defined,misc]
    """A bidding organisation. The timer is ``timer_elapsed`` seconds plus the time since ``timer_started_at``
    while it runs (``timer_started_at`` is ``None`` while paused)."""

    __tablename__ = "bidders"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    scoring_state: Mapped[ScoringState] = mapped_column(
        sa.Enum(ScoringState, native_enum=False, length=10), default=ScoringState.WAITING
    )
    presented_at: Mapped[datetime | None]
    scoring_opened_at: Mapped[datetime | None]
    scoring_closed_at: Mapped[datetime | None]
    timer_started_at: Mapped[datetime | None]
    timer_elapsed: Mapped[int] = mapped_column(default=0)

    tender: Mapped[Tender] = relationship(back_populates="bidders")


class Criterion(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "criteria"
    __table_args__ = (sa.CheckConstraint("weight > 0", name="weight_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(10, 4), default=Decimal(1))
    position: Mapped[int] = mapped_column(default=0)

    tender: Mapped[Tender] = relationship(back_populates="criteria")


class Scorecard(db.Model):  # type: ignore[name-defined,misc]
    """One voter's card for one bidder; ``scores`` maps criterion ``public_id`` to a scale value or ``None``
    (can't judge). The last submission before scoring closes counts: a new one updates this row."""

    __tablename__ = "scorecards"
    __table_args__ = (sa.UniqueConstraint("bidder_id", "voter_key", name="uq_scorecards_bidder_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(sa.ForeignKey("bidders.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    voter_key: Mapped[str] = mapped_column(sa.String(64))
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("voter_groups.id"))
    channel: Mapped[str] = mapped_column(sa.String(10))
    scores: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    comment_hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    bidder: Mapped[Bidder] = relationship()
    group: Mapped[VoterGroup] = relationship()
    ticket: Mapped[Ticket | None] = relationship()


class PaperCardKeying(db.Model):  # type: ignore[name-defined,misc]
    """One volunteer's keying of one paper card. Two keyings by different people that agree make the card
    count (a ``Scorecard`` with channel ``paper``); until then, or while they disagree, nothing counts.

    ``resolved_at`` is set on every keying of a card once it counted or was discarded.
    """

    __tablename__ = "paper_card_keyings"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(sa.ForeignKey("bidders.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    keyed_by: Mapped[str] = mapped_column(sa.String(80))
    scores: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    bidder: Mapped[Bidder] = relationship()
    ticket: Mapped[Ticket] = relationship()
