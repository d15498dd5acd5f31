"""Budget rounds: the pabulib file format, ballot validation and the counting rules (pure, no I/O)."""

from __future__ import annotations

from app.domain.budget.instance import Instance, instance_from_election
from app.domain.budget.outcome import NotFundedReason, Outcome, ProjectResult
from app.domain.budget.pabulib import Election, PabulibError, Project, Vote, parse_pb, write_pb
from app.domain.budget.rules import RuleName, greedy, mes, mes_greedy, tally

__all__ = [
    "Election",
    "Instance",
    "NotFundedReason",
    "Outcome",
    "PabulibError",
    "Project",
    "ProjectResult",
    "RuleName",
    "Vote",
    "greedy",
    "instance_from_election",
    "mes",
    "mes_greedy",
    "parse_pb",
    "tally",
    "write_pb",
]
