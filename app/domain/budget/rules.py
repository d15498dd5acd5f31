"""The budget rules a round can be counted with, and ``tally`` to count a parsed ``.pb`` election.

* ``greedy`` — by total support, skip what does not fit (:mod:`app.domain.budget.greedy`);
* ``mes`` — Method of Equal Shares with cost utilities and Add1 completion
  (:mod:`app.domain.budget.equal_shares`);
* ``mes-greedy`` — ``mes``, then the money left goes to the unfunded projects by ``greedy``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from app.domain.budget.equal_shares import add1_completion
from app.domain.budget.greedy import build_outcome, greedy, greedy_fill
from app.domain.budget.instance import Instance, instance_from_election
from app.domain.budget.outcome import NotFundedReason, Outcome
from app.domain.budget.pabulib import Election

RuleName = Literal["greedy", "mes", "mes-greedy"]

__all__ = ["RuleName", "greedy", "mes", "mes_greedy", "tally"]


def mes(instance: Instance) -> Outcome:
    """Method of Equal Shares with cost utilities, completed with Add1 (see ``equal_shares``).

    Winners are in the selection order of the run at the final per-voter budget. ``details`` holds
    ``first_overspending_budget`` (the per-voter budget whose outcome no longer fits, ``None`` when every
    candidate got funded) and ``runs`` (MES runs the completion needed).
    """
    return _mes_outcome("mes", instance)[0]


def mes_greedy(instance: Instance) -> Outcome:
    """``mes``, then the money it left spent by greedy (by support, ties by id) on unfunded projects."""
    return _mes_outcome("mes-greedy", instance, fill=True)[0]


def _mes_outcome(rule: str, instance: Instance, fill: bool = False) -> tuple[Outcome, int]:
    completion = add1_completion(instance)
    run = completion.run
    support = instance.support()
    effective: dict[str, Fraction] = {}
    reasons: dict[str, NotFundedReason] = {}
    for project_id, rho in zip(run.winners, run.rhos, strict=True):
        effective[project_id] = instance.costs[project_id] / (rho * support[project_id])
    for project_id, cost in instance.costs.items():
        if project_id in effective:
            continue
        if project_id in run.money_left:
            effective[project_id] = min(Fraction(1), run.money_left[project_id] / cost)
        if cost > instance.budget:
            reasons[project_id] = NotFundedReason.OVER_BUDGET
        elif support[project_id] == 0:
            reasons[project_id] = NotFundedReason.NO_SUPPORT
        elif cost > 0:
            reasons[project_id] = NotFundedReason.SUPPORTERS_RAN_OUT
    winners = list(run.winners)
    details: dict[str, object] = {
        "first_overspending_budget": completion.first_overspending_budget,
        "runs": completion.runs,
        "mes_winners": tuple(run.winners),
    }
    if fill:
        extra, greedy_reasons = greedy_fill(instance, instance.budget - run.spent, exclude=winners)
        winners.extend(extra)
        reasons.update(greedy_reasons)
    outcome = build_outcome(
        rule,
        instance,
        winners,
        reasons,
        per_voter_budget=run.per_voter_budget,
        effective_support=effective,
        details=details,
    )
    return outcome, completion.runs


def tally(election: Election, rule: RuleName) -> Outcome:
    """Count a parsed election with one rule."""
    instance = instance_from_election(election)
    if rule == "greedy":
        return greedy(instance)
    if rule == "mes":
        return mes(instance)
    if rule == "mes-greedy":
        return mes_greedy(instance)
    raise ValueError(f"unknown rule {rule!r}")
