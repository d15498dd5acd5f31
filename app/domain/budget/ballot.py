"""Check a budget-round ballot against the round's rules; returns error codes, never translated text."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

BallotKind = Literal["approval", "knapsack", "points"]


class BallotError(enum.Enum):
    """Why a ballot is refused; the web layer translates the code and fills in ``BallotProblem.values``."""

    UNKNOWN_PROJECT = "unknown_project"
    TOO_FEW_PROJECTS = "too_few_projects"
    TOO_MANY_PROJECTS = "too_many_projects"
    OVER_BUDGET = "over_budget"
    UNDER_MINIMUM_SPEND = "under_minimum_spend"
    NEGATIVE_POINTS = "negative_points"
    TOO_MANY_POINTS_FOR_PROJECT = "too_many_points_for_project"
    TOO_MANY_POINTS = "too_many_points"
    TOO_FEW_POINTS = "too_few_points"


@dataclass(frozen=True)
class BallotProblem:
    """One problem with the values that caused it (e.g. ``{"chosen": 6, "max": 5}``)."""

    code: BallotError
    values: Mapping[str, int | str | Fraction] = field(default_factory=dict)


@dataclass(frozen=True)
class BallotRules:
    """What a round allows.

    * ``approval``: choose between ``min_projects`` and ``max_projects`` projects (``None``: no limit);
    * ``knapsack``: the chosen projects cost at most ``budget`` together, and at least
      ``min_spend_share * budget`` when that share is set (e.g. ``Fraction(1, 2)``);
    * ``points``: spread at most ``total_points`` points (exactly, when ``exact_points``), at most
      ``max_points_per_project`` on one project.
    """

    kind: BallotKind
    costs: Mapping[str, int]
    min_projects: int = 1
    max_projects: int | None = None
    budget: int | None = None
    min_spend_share: Fraction | None = None
    total_points: int | None = None
    max_points_per_project: int | None = None
    exact_points: bool = False


def validate_ballot(rules: BallotRules, choice: Mapping[str, int]) -> tuple[BallotProblem, ...]:
    """All problems of a ballot, empty when it is valid.

    :param choice: project id -> points for ``points`` ballots; for the other kinds the chosen project
        ids (the values are ignored, use 1).
    """
    problems: list[BallotProblem] = []
    unknown = sorted(p for p in choice if p not in rules.costs)
    problems.extend(BallotProblem(BallotError.UNKNOWN_PROJECT, {"project": p}) for p in unknown)
    if rules.kind == "points":
        problems.extend(_points_problems(rules, choice))
        chosen = sum(1 for p, points in choice.items() if points > 0)
    else:
        chosen = len(choice)
    if chosen < rules.min_projects:
        problems.append(BallotProblem(BallotError.TOO_FEW_PROJECTS, {"chosen": chosen, "min": rules.min_projects}))
    if rules.max_projects is not None and chosen > rules.max_projects:
        problems.append(BallotProblem(BallotError.TOO_MANY_PROJECTS, {"chosen": chosen, "max": rules.max_projects}))
    if rules.kind == "knapsack":
        problems.extend(_knapsack_problems(rules, choice))
    return tuple(problems)


def _knapsack_problems(rules: BallotRules, choice: Mapping[str, int]) -> list[BallotProblem]:
    if rules.budget is None:
        raise ValueError("a knapsack round needs a budget")
    spent = sum(rules.costs.get(p, 0) for p in choice)
    problems: list[BallotProblem] = []
    if spent > rules.budget:
        problems.append(BallotProblem(BallotError.OVER_BUDGET, {"spent": spent, "budget": rules.budget}))
    if rules.min_spend_share is not None and spent < rules.min_spend_share * rules.budget:
        minimum = rules.min_spend_share * rules.budget
        problems.append(BallotProblem(BallotError.UNDER_MINIMUM_SPEND, {"spent": spent, "min": minimum}))
    return problems


def _points_problems(rules: BallotRules, choice: Mapping[str, int]) -> list[BallotProblem]:
    if rules.total_points is None:
        raise ValueError("a points round needs total_points")
    problems: list[BallotProblem] = []
    for project_id in sorted(choice):
        points = choice[project_id]
        if points < 0:
            problems.append(BallotProblem(BallotError.NEGATIVE_POINTS, {"project": project_id, "points": points}))
        elif rules.max_points_per_project is not None and points > rules.max_points_per_project:
            values: dict[str, int | str | Fraction] = {
                "project": project_id,
                "points": points,
                "max": rules.max_points_per_project,
            }
            problems.append(BallotProblem(BallotError.TOO_MANY_POINTS_FOR_PROJECT, values))
    total = sum(points for points in choice.values() if points > 0)
    if total > rules.total_points:
        problems.append(BallotProblem(BallotError.TOO_MANY_POINTS, {"total": total, "max": rules.total_points}))
    elif rules.exact_points and total < rules.total_points:
        problems.append(BallotProblem(BallotError.TOO_FEW_POINTS, {"total": total, "required": rules.total_points}))
    return problems
