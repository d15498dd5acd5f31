"""The live evening around the projector: its secret link, the audience's reactions and questions.

Reactions and questions belong to a bidder (the one on stage when they were sent) and to the ticket that
sent them; a ticket is kept so one person cannot flood the meter or vote twice for a question.
Reactions are audience colour, never part of a score.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.events import Event
from app.models.tender import Bidder


class ProjectorLink(db.Model):  # type: ignore[name-defined,misc]
    """One secret projector link per event; only the SHA-256 of its token is stored. Renewing replaces
    the hash, so the old link stops working at once."""

    __tablename__ = "projector_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()


class ReactionKind(enum.StrEnum):
    APPLAUSE = "applause"
    HEART = "heart"
    THINKING = "thinking"


class Reaction(db.Model):  # type: ignore[name-defined,misc]
    """One tap on the applause meter."""

    __tablename__ = "reactions"
    __table_args__ = (sa.Index("ix_reactions_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(sa.ForeignKey("bidders.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[ReactionKind] = mapped_column(sa.Enum(ReactionKind, native_enum=False, length=10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    HIDDEN = "hidden"


class Question(db.Model):  # type: ignore[name-defined,misc]
    """A question from the audience to a bidder. Only ``approved`` questions leave the host's screen;
    ``votes`` mirrors the number of ``QuestionVote`` rows so sorting needs no join."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(sa.ForeignKey("bidders.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.String(280))
    status: Mapped[QuestionStatus] = mapped_column(
        sa.Enum(QuestionStatus, native_enum=False, length=10), default=QuestionStatus.PENDING
    )
    votes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    moderated_at: Mapped[datetime | None]

    bidder: Mapped[Bidder] = relationship()


class QuestionVote(db.Model):  # type: ignore[name-defined,misc]
    """One upvote; the unique constraint makes a second vote by the same ticket impossible."""

    __tablename__ = "question_votes"
    __table_args__ = (sa.UniqueConstraint("question_id", "ticket_id", name="uq_question_votes_question_ticket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
