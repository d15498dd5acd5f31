"""Greedy by support: the rule most cities use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from app.domain.budget.instance import Instance
from app.domain.budget.outcome import NotFundedReason, Outcome, ProjectResult


def support_order(support: Mapping[str, int], project_ids: Iterable[str]) -> list[str]:
    """Projects by total support, highest first; equal support in plain character order of the id.

    The tie-break is pabutools' ``lexico_tie_breaking`` (ids compared as text, so ``"10" < "9"``).
    """
    return sorted(project_ids, key=lambda project_id: (-support[project_id], project_id))


def greedy_fill(
    instance: Instance, money: int, exclude: Iterable[str] = ()
) -> tuple[list[str], dict[str, NotFundedReason]]:
    """Run greedy over the projects not in ``exclude`` with ``money`` to spend.

    :returns: the projects funded in order, and the reason for every project considered but skipped.
    """
    support = instance.support()
    skip = set(exclude)
    funded: list[str] = []
    reasons: dict[str, NotFundedReason] = {}
    left = money
    for project_id in support_order(support, (p for p in instance.costs if p not in skip)):
        cost = instance.costs[project_id]
        if cost <= left:
            funded.append(project_id)
            left -= cost
        elif cost > instance.budget:
            reasons[project_id] = NotFundedReason.OVER_BUDGET
        else:
            reasons[project_id] = NotFundedReason.NOT_ENOUGH_MONEY_LEFT
    return funded, reasons


def greedy(instance: Instance) -> Outcome:
    """Fund projects in order of total support, skipping any that no longer fits.

    Support is the number of approvals, or the total points on points ballots. Ties are broken by
    project id in plain character order. A project that does not fit in the money left is skipped and
    cheaper ones further down are still considered, down to projects nobody voted for (as pabutools'
    ``greedy_utilitarian_welfare`` with ``Cost_Sat`` does, whose score ``support * cost / cost`` is the
    support; for points ballots that is a satisfaction of ``points * cost``).
    """
    funded, reasons = greedy_fill(instance, instance.budget)
    return build_outcome("greedy", instance, funded, reasons)


def build_outcome(
    rule: str,
    instance: Instance,
    winners: list[str],
    reasons: Mapping[str, NotFundedReason],
    *,
    per_voter_budget: int | None = None,
    effective_support: Mapping[str, Fraction] | None = None,
    details: Mapping[str, object] | None = None,
) -> Outcome:
    """Assemble an :class:`Outcome` with per-project rows and the count of voters left without a win."""
    support = instance.support()
    won = set(winners)
    rows: dict[str, ProjectResult] = {}
    effective = effective_support or {}
    for project_id, cost in instance.costs.items():
        rows[project_id] = ProjectResult(
            project_id=project_id,
            cost=cost,
            support=support[project_id],
            funded=project_id in won,
            reason=None if project_id in won else reasons.get(project_id),
            effective_support=effective.get(project_id),
        )
    without = sum(1 for ballot in instance.ballots if ballot and won.isdisjoint(ballot))
    return Outcome(
        rule=rule,
        winners=tuple(winners),
        spent=sum(instance.costs[p] for p in winners),
        budget=instance.budget,
        projects=rows,
        voters_without_project=without,
        per_voter_budget=per_voter_budget,
        details=dict(details or {}),
    )
