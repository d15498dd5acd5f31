"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from app.models.accounts import Role, SetupLink, User
from app.models.audit import AuditEntry
from app.models.budget import (
    BallotKind,
    BudgetBallot,
    BudgetRound,
    BudgetRule,
    PaperKeying,
    Proposal,
    Review,
    RoundPhase,
)
from app.models.events import Event, EventStatus, VoterGroup
from app.models.live import ProjectorLink, Question, QuestionStatus, QuestionVote, Reaction, ReactionKind
from app.models.privacy import BallotArchive
from app.models.report import CommitteeAssignment, CommitteeDecision, CommitteeLink
from app.models.tender import (
    Bidder,
    Criterion,
    PaperCardKeying,
    Scorecard,
    ScoringState,
    Tender,
    TenderPhase,
)
from app.models.tickets import Ticket, TicketStatus

__all__ = [
    "AuditEntry",
    "BallotArchive",
    "BallotKind",
    "Bidder",
    "BudgetBallot",
    "BudgetRound",
    "BudgetRule",
    "CommitteeAssignment",
    "CommitteeDecision",
    "CommitteeLink",
    "Criterion",
    "Event",
    "EventStatus",
    "PaperCardKeying",
    "PaperKeying",
    "Proposal",
    "ProjectorLink",
    "Question",
    "QuestionStatus",
    "QuestionVote",
    "Reaction",
    "ReactionKind",
    "Review",
    "Role",
    "RoundPhase",
    "Scorecard",
    "ScoringState",
    "SetupLink",
    "Tender",
    "TenderPhase",
    "Ticket",
    "TicketStatus",
    "User",
    "VoterGroup",
]
