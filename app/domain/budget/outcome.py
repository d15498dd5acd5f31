"""The result object every budget rule returns, with what the results page shows per project."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction


class NotFundedReason(enum.Enum):
    """Why a project got no money; the web layer translates the code."""

    OVER_BUDGET = "over_budget"
    """It costs more than the whole budget."""
    NOT_ENOUGH_MONEY_LEFT = "not_enough_money_left"
    """Greedy reached it when the money left was less than its cost."""
    SUPPORTERS_RAN_OUT = "supporters_ran_out"
    """Equal shares: at the end its supporters together had less money left than it costs."""
    NO_SUPPORT = "no_support"
    """Equal shares: no voter chose it, so nobody can pay for it."""


@dataclass(frozen=True)
class ProjectResult:
    """One project in an outcome.

    ``support`` is the total weight (approvals or points). ``effective_support`` is only set by the
    equal-shares rules: for a project equal shares funded, ``cost / (rho * support)`` at its selection
    (1 when every supporter could pay the same share ``rho`` per unit of weight, lower when some had less
    money left and the others paid more); for a project it did not fund, the share of its cost its
    supporters could still pay together at the end (``min(1, money left / cost)``).
    """

    project_id: str
    cost: int
    support: int
    funded: bool
    reason: NotFundedReason | None = None
    effective_support: Fraction | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of one rule on one instance.

    ``winners`` are in selection order, ``spent`` is their total cost, ``per_voter_budget`` the money
    each voter started with in the equal-shares run that produced the result (``None`` for greedy).
    ``voters_without_project`` counts the voters with a non-empty ballot none of whose projects won.
    """

    rule: str
    winners: tuple[str, ...]
    spent: int
    budget: int
    projects: Mapping[str, ProjectResult]
    voters_without_project: int
    per_voter_budget: int | None = None
    details: Mapping[str, object] = field(default_factory=dict)
