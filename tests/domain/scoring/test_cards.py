"""One validation for phone, paper and import: table of cards → problems."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.domain.scoring import (
    CardError,
    Criterion,
    Problem,
    Scale,
    ScoreError,
    ScoreErrorCode,
    card_problems,
    validate_card,
)
from app.domain.scoring.cards import Card

SCALE = Scale.grade()
CRITERIA = (Criterion("prijs", "Prijs", 2), Criterion("plan", "Plan"))
BIDDERS = ("alfa", "bravo")
E = ScoreErrorCode


@pytest.mark.parametrize(
    ("bidder", "scores", "expected"),
    [
        ("alfa", {"prijs": 7, "plan": 8}, ()),
        ("alfa", {"prijs": "7", "plan": ""}, ()),
        ("alfa", {"prijs": None, "plan": None}, ()),
        ("alfa", {"prijs": 7}, (Problem(E.MISSING_CRITERION, "plan", "plan"),)),
        ("alfa", {"prijs": 7, "plan": 8, "sfeer": 9}, (Problem(E.UNKNOWN_CRITERION, "sfeer", "sfeer"),)),
        ("alfa", {"prijs": 11, "plan": 8}, (Problem(E.OUT_OF_RANGE, "11", "prijs"),)),
        ("alfa", {"prijs": "0", "plan": 8}, (Problem(E.OUT_OF_RANGE, "0", "prijs"),)),
        ("alfa", {"prijs": "acht", "plan": 8}, (Problem(E.UNKNOWN_GRADE, "acht", "prijs"),)),
        ("alfa", {"prijs": True, "plan": 8}, (Problem(E.UNKNOWN_GRADE, "True", "prijs"),)),
        ("charlie", {"prijs": 7, "plan": 8}, (Problem(E.UNKNOWN_BIDDER, "charlie"),)),
        (
            "charlie",
            {"plan": 0, "zz": 1, "aa": 1},
            (
                Problem(E.UNKNOWN_BIDDER, "charlie"),
                Problem(E.MISSING_CRITERION, "prijs", "prijs"),
                Problem(E.OUT_OF_RANGE, "0", "plan"),
                Problem(E.UNKNOWN_CRITERION, "aa", "aa"),
                Problem(E.UNKNOWN_CRITERION, "zz", "zz"),
            ),
        ),
    ],
)
def test_card_problems(bidder: str, scores: dict[str, int | str | None], expected: tuple[Problem, ...]) -> None:
    assert card_problems(SCALE, CRITERIA, BIDDERS, bidder, scores) == expected


def test_validate_card_returns_values_in_criterion_order() -> None:
    assert validate_card(SCALE, CRITERIA, BIDDERS, "bravo", {"plan": "", "prijs": " 9"}) == {
        "prijs": 9,
        "plan": None,
    }


def test_validate_card_raises_with_every_problem() -> None:
    with pytest.raises(CardError) as caught:
        validate_card(SCALE, CRITERIA, BIDDERS, "zulu", {"prijs": 12})
    assert caught.value.code is E.UNKNOWN_BIDDER
    assert [p.code for p in caught.value.problems] == [E.UNKNOWN_BIDDER, E.OUT_OF_RANGE, E.MISSING_CRITERION]


@pytest.mark.parametrize("weight", [0, -1, Fraction(0), 1.5, True])
def test_weights_must_be_positive_exact_numbers(weight: object) -> None:
    with pytest.raises(ScoreError) as caught:
        Criterion("prijs", "Prijs", weight)  # type: ignore[arg-type]
    assert caught.value.code is E.INVALID_WEIGHT
    with pytest.raises(ScoreError):
        Card("1", "alfa", "bewoners", weight, {})  # type: ignore[arg-type]


def test_card_scores_cannot_be_changed_afterwards() -> None:
    scores: dict[str, int | None] = {"prijs": 7, "plan": None}
    card = Card("1", "alfa", "bewoners", Fraction(1), scores)
    scores["prijs"] = 1
    assert card.scores["prijs"] == 7
    with pytest.raises(TypeError):
        card.scores["prijs"] = 2  # type: ignore[index]
    assert card.group_weight == Fraction(1) and isinstance(card.group_weight, Fraction)


@pytest.mark.parametrize(
    ("bidder", "scores"),
    [
        ("alfa", {"prijs": 7, "plan": 8}),
        ("alfa", {"prijs": "7", "plan": ""}),
        ("alfa", {"prijs": True, "plan": 8}),
        ("alfa", {"prijs": 11, "plan": None}),
        ("alfa", {"prijs": "0", "plan": 8}),
        ("alfa", {"prijs": 7}),
        ("alfa", {"prijs": 7, "sfeer": 9}),
        ("alfa", {"prijs": 7, "plan": 8, "sfeer": 9}),
        ("charlie", {"prijs": 7, "plan": 8}),
    ],
)
def test_check_cards_raises_what_card_problems_finds(bidder: str, scores: dict[str, int | str | None]) -> None:
    """check_cards passes plainly valid cards the short way; every other card must fare as card_problems says."""
    from app.domain.scoring import Bidder
    from app.domain.scoring.cards import check_cards

    card = Card("1", bidder, "bewoners", 1, scores)  # type: ignore[arg-type]
    expected = card_problems(SCALE, CRITERIA, BIDDERS, bidder, scores)
    bidders = [Bidder(key, key) for key in BIDDERS]
    if expected:
        with pytest.raises(CardError) as caught:
            check_cards(SCALE, CRITERIA, bidders, [card])
        assert caught.value.problems == expected
    else:
        check_cards(SCALE, CRITERIA, bidders, [card])
    with pytest.raises(ScoreError) as twice:
        check_cards(SCALE, CRITERIA, bidders, [Card("1", "alfa", "b", 1, {"prijs": 7, "plan": 8})] * 2)
    assert twice.value.code is E.DUPLICATE_CARD
