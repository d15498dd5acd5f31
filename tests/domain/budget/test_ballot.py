"""Ballot validation returns codes with the offending values."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.domain.budget.ballot import BallotError, BallotProblem, BallotRules, validate_ballot

COSTS = {"a": 50, "b": 30, "c": 20}


@pytest.mark.parametrize(
    ("rules", "choice", "expected"),
    [
        (BallotRules("approval", COSTS, max_projects=2), {"a": 1, "b": 1}, ()),
        (
            BallotRules("approval", COSTS, max_projects=2),
            {"a": 1, "b": 1, "c": 1},
            (BallotProblem(BallotError.TOO_MANY_PROJECTS, {"chosen": 3, "max": 2}),),
        ),
        (BallotRules("approval", COSTS), {}, (BallotProblem(BallotError.TOO_FEW_PROJECTS, {"chosen": 0, "min": 1}),)),
        (
            BallotRules("approval", COSTS),
            {"x": 1},
            (BallotProblem(BallotError.UNKNOWN_PROJECT, {"project": "x"}),),
        ),
        (BallotRules("knapsack", COSTS, budget=80), {"a": 1, "b": 1}, ()),
        (
            BallotRules("knapsack", COSTS, budget=70),
            {"a": 1, "b": 1},
            (BallotProblem(BallotError.OVER_BUDGET, {"spent": 80, "budget": 70}),),
        ),
        (
            BallotRules("knapsack", COSTS, budget=100, min_spend_share=Fraction(1, 2)),
            {"c": 1},
            (BallotProblem(BallotError.UNDER_MINIMUM_SPEND, {"spent": 20, "min": Fraction(50)}),),
        ),
        (BallotRules("points", COSTS, total_points=5, max_points_per_project=3), {"a": 3, "b": 2}, ()),
        (
            BallotRules("points", COSTS, total_points=5, max_points_per_project=3),
            {"a": 4, "b": 2},
            (
                BallotProblem(BallotError.TOO_MANY_POINTS_FOR_PROJECT, {"project": "a", "points": 4, "max": 3}),
                BallotProblem(BallotError.TOO_MANY_POINTS, {"total": 6, "max": 5}),
            ),
        ),
        (
            BallotRules("points", COSTS, total_points=5, exact_points=True),
            {"a": 2, "b": -1},
            (
                BallotProblem(BallotError.NEGATIVE_POINTS, {"project": "b", "points": -1}),
                BallotProblem(BallotError.TOO_FEW_POINTS, {"total": 2, "required": 5}),
            ),
        ),
    ],
)
def test_validate_ballot(rules: BallotRules, choice: dict[str, int], expected: tuple[BallotProblem, ...]) -> None:
    assert validate_ballot(rules, choice) == expected
