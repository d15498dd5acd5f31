"""Budget rounds: a sum of money that residents divide over proposals, within one event.

Money is integer cents everywhere. ``Proposal.code`` is the project's id within its round: it is printed
on the paper ballot (volunteers key it) and becomes ``project_id`` in a ``.pb`` export.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.events import Event


class RoundPhase(enum.StrEnum):
    """In order: residents submit, hosts check feasibility, everyone votes, hosts see results, published."""

    PROPOSALS = "proposals"
    REVIEW = "review"
    VOTING = "voting"
    RESULTS = "results"
    PUBLISHED = "published"


class BallotKind(enum.StrEnum):
    APPROVAL = "approval"
    KNAPSACK = "knapsack"
    POINTS = "points"


class BudgetRule(enum.StrEnum):
    GREEDY = "greedy"
    MES = "mes"
    MES_GREEDY = "mes-greedy"


class Review(enum.StrEnum):
    PENDING = "pending"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


class BudgetRound(db.Model):  # type: ignore[name-defined,misc]
    """One budget round. The ballot rules (kind and limits) lock once ``first_ballot_at`` is set.

    ``pb_meta`` keeps the META section of an imported ``.pb`` file, so an export gives it back unchanged.
    """

    __tablename__ = "budget_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    budget_cents: Mapped[int] = mapped_column(sa.BigInteger)
    bijsluiter: Mapped[str] = mapped_column(sa.Text, default="")
    themes: Mapped[str] = mapped_column(sa.Text, default="")
    phase: Mapped[RoundPhase] = mapped_column(
        sa.Enum(RoundPhase, native_enum=False, length=20), default=RoundPhase.PROPOSALS
    )
    ballot_kind: Mapped[BallotKind] = mapped_column(
        sa.Enum(BallotKind, native_enum=False, length=20), default=BallotKind.APPROVAL
    )
    min_projects: Mapped[int] = mapped_column(default=1)
    max_projects: Mapped[int | None]
    min_spend_percent: Mapped[int | None]
    total_points: Mapped[int | None]
    max_points_per_project: Mapped[int | None]
    rule: Mapped[BudgetRule] = mapped_column(sa.Enum(BudgetRule, native_enum=False, length=20),
                                             default=BudgetRule.MES)
    first_ballot_at: Mapped[datetime | None]
    pb_meta: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="round", order_by="Proposal.position", cascade="all, delete-orphan"
    )

    @property
    def theme_list(self) -> list[str]:
        return [line.strip() for line in self.themes.splitlines() if line.strip()]


class Proposal(db.Model):  # type: ignore[name-defined,misc]
    """A project idea. ``contact_*`` are private: only hosts see them, no public page or file shows them.

    ``submitted_as`` is ``resident``, ``organisation`` (then ``organisation`` is its public name) or
    ``host``. Only ``FEASIBLE`` proposals reach the ballot, at ``adjusted_cost_cents`` when set.
    """

    __tablename__ = "proposals"
    __table_args__ = (sa.UniqueConstraint("round_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_rounds.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(60))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    cost_cents: Mapped[int] = mapped_column(sa.BigInteger)
    adjusted_cost_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    theme: Mapped[str] = mapped_column(sa.String(80), default="")
    submitted_as: Mapped[str] = mapped_column(sa.String(20), default="resident")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    review: Mapped[Review] = mapped_column(sa.Enum(Review, native_enum=False, length=20), default=Review.PENDING)
    review_reason: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_at: Mapped[datetime | None]
    pb_extra: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[BudgetRound] = relationship(back_populates="proposals")

    @property
    def ballot_cost_cents(self) -> int:
        """What the project costs on the ballot: the host's adjusted cost when there is one."""
        return self.adjusted_cost_cents if self.adjusted_cost_cents is not None else self.cost_cents


class BudgetBallot(db.Model):  # type: ignore[name-defined,misc]
    """One voter's ballot in one round; the unique constraint makes 'one ballot per ticket' a database fact.

    ``voter_key`` is ``t<ticket id>`` for a ticket, ``o<random>`` for the open link and ``pb:<voter_id>``
    for an imported file. ``choices`` lists ``[code, points]`` pairs in the voter's order (points 1 for
    approval and knapsack ballots; ``None`` for imported ballots without points).
    """

    __tablename__ = "budget_ballots"
    __table_args__ = (sa.UniqueConstraint("round_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_rounds.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(sa.String(80))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("voter_groups.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(sa.String(10), default="phone")
    choices: Mapped[list[Any]] = mapped_column(sa.JSON)
    pb_extra: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaperKeying(db.Model):  # type: ignore[name-defined,misc]
    """One volunteer's keying of one paper ballot. Two keyings by different people that agree make a ballot.

    ``ballot_id`` is set on the keyings that agreed once their ballot is stored; a keying left without
    a partner that agrees is listed as a mismatch until someone keys the ballot again.
    """

    __tablename__ = "paper_keyings"
    __table_args__ = (sa.UniqueConstraint("round_id", "ticket_id", "keyer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_rounds.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    keyer: Mapped[str] = mapped_column(sa.String(80))
    choices: Mapped[list[Any]] = mapped_column(sa.JSON)
    ballot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("budget_ballots.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
