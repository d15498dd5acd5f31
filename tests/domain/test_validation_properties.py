"""Ballot validation never accepts an invalid ballot: ``validate_ballot`` (budget rounds) and
``validate_card`` (score cards) agree with a plain restatement of the rules on random inputs."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.budget.ballot import BallotRules, validate_ballot
from app.domain.scoring import Criterion, Scale
from app.domain.scoring.cards import validate_card
from app.domain.scoring.errors import CardError

PROJECTS = ("a", "b", "c", "d", "e")


@st.composite
def rules_and_choices(draw: st.DrawFn) -> tuple[BallotRules, dict[str, int]]:
    kind = draw(st.sampled_from(["approval", "knapsack", "points"]))
    costs = {p: draw(st.integers(1, 50)) for p in PROJECTS[:draw(st.integers(1, 5))]}
    minimum = draw(st.integers(0, 3))
    rules = BallotRules(
        kind=kind, costs=costs, min_projects=minimum,
        max_projects=draw(st.none() | st.integers(minimum, 5)),
        budget=draw(st.integers(0, 150)) if kind == "knapsack" else None,
        min_spend_share=draw(st.none() | st.sampled_from([Fraction(1, 2), Fraction(3, 4)])) if kind == "knapsack"
        else None,
        total_points=draw(st.integers(1, 20)) if kind == "points" else None,
        max_points_per_project=draw(st.none() | st.integers(1, 10)) if kind == "points" else None,
        exact_points=draw(st.booleans()) if kind == "points" else False,
    )
    names = st.sampled_from(PROJECTS + ("zz",))
    values = st.integers(-3, 12) if kind == "points" else st.just(1)
    return rules, draw(st.dictionaries(names, values, max_size=6))


def is_valid(rules: BallotRules, choice: dict[str, int]) -> bool:
    """The rules of a round, restated without the validator's code."""
    if any(p not in rules.costs for p in choice):
        return False
    if rules.kind == "points":
        assert rules.total_points is not None
        if any(v < 0 for v in choice.values()):
            return False
        if rules.max_points_per_project is not None and any(v > rules.max_points_per_project
                                                            for v in choice.values()):
            return False
        total = sum(choice.values())
        if total > rules.total_points or (rules.exact_points and total != rules.total_points):
            return False
        chosen = sum(1 for v in choice.values() if v > 0)
    else:
        chosen = len(choice)
    if chosen < rules.min_projects or (rules.max_projects is not None and chosen > rules.max_projects):
        return False
    if rules.kind == "knapsack":
        assert rules.budget is not None
        spent = sum(rules.costs[p] for p in choice)
        if spent > rules.budget:
            return False
        if rules.min_spend_share is not None and spent < rules.min_spend_share * rules.budget:
            return False
    return True


@settings(max_examples=400, deadline=None)
@given(rules_and_choices())
def test_budget_ballot_valid_exactly_when_the_rules_say_so(case: tuple[BallotRules, dict[str, int]]) -> None:
    rules, choice = case
    assert (validate_ballot(rules, choice) == ()) is is_valid(rules, choice)


SCALES = [Scale.grade(1, 10), Scale.grade(0, 5), Scale.stars(5), Scale.verbal()]
CRITERIA = [Criterion("k1", "Plan", 2), Criterion("k2", "Prijs", 1), Criterion("k3", "Team", Fraction(1, 2))]
BIDDERS = {"b1", "b2"}
raw_values = st.none() | st.integers(-3, 13) | st.booleans() | st.floats(allow_nan=True) | st.text(max_size=4) \
    | st.sampled_from(["7", " 8 ", "", "10", "0", "5", "x"])


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SCALES), st.sampled_from(["b1", "b2", "b9"]),
       st.dictionaries(st.sampled_from(["k1", "k2", "k3", "k4"]), raw_values, max_size=4))
def test_score_card_never_accepts_an_invalid_card(scale: Scale, bidder: str, scores: dict[str, object]) -> None:
    try:
        accepted = validate_card(scale, CRITERIA, BIDDERS, bidder, scores)  # type: ignore[arg-type]
    except CardError:
        return
    # accepted: the bidder is known, every criterion is answered and nothing else, each with a scale value
    assert bidder in BIDDERS and set(scores) == {"k1", "k2", "k3"}
    assert list(accepted) == ["k1", "k2", "k3"]
    for key, value in accepted.items():
        assert value is None or (type(value) is int and scale.contains(value)), (key, value)
        if value is None:
            assert scores[key] is None or (isinstance(scores[key], str) and not str(scores[key]).strip())


@pytest.mark.parametrize("scale", SCALES)
def test_score_card_accepts_every_complete_card_of_scale_values(scale: Scale) -> None:
    for value in scale.values:
        assert validate_card(scale, CRITERIA, BIDDERS, "b1", dict.fromkeys(("k1", "k2", "k3"), value))
