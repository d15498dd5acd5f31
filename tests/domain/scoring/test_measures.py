"""Weighted median and majority judgment on single distributions, against published examples."""

from __future__ import annotations

import math
import statistics
from fractions import Fraction
from functools import cmp_to_key

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.scoring.measures import (
    compare_majority,
    integer_weights,
    lower_median_index,
    majority_key,
    majority_value_sequence,
    weighted_mean,
)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ([1, 1, 1, 1], 1),  # 4 voters, grades 0..3: the lower of the two middle ones
        ([1, 1, 1], 1),
        ([2, 1, 1], 0),  # cumulative 2 of 4 reaches half at the first grade
        ([1, 2], 1),  # 1 of 3 is below half, 3 of 3 reaches it
        ([0, 0, 5, 0], 2),
        ([0, 3, 0, 3], 1),
        ([0, 0, 0], None),
        ([], None),
    ],
)
def test_lower_weighted_median(weights: list[int], expected: int | None) -> None:
    assert lower_median_index(weights) == expected


@given(st.lists(st.integers(0, 6), min_size=1, max_size=30))
def test_lower_median_with_unit_weights_is_median_low(grades: list[int]) -> None:
    counts = [grades.count(g) for g in range(7)]
    assert lower_median_index(counts) == statistics.median_low(grades)


@given(st.lists(st.integers(0, 6), min_size=1, max_size=30), st.integers(1, 5))
def test_whole_number_weight_is_the_same_as_repeating_the_voter(grades: list[int], weight: int) -> None:
    counts = [grades.count(g) for g in range(7)]
    assert lower_median_index([weight * c for c in counts]) == lower_median_index(counts)


def test_weighted_mean_is_exact_and_none_without_judgements() -> None:
    assert weighted_mean([Fraction(1), Fraction(2)], [Fraction(6), Fraction(9)]) == 8
    assert weighted_mean([Fraction(1), Fraction(1), Fraction(1)], [Fraction(1), Fraction(1), Fraction(2)]) == (
        Fraction(4, 3)
    )
    assert weighted_mean([Fraction(0)], [Fraction(7)]) is None


@pytest.mark.parametrize(
    ("counts", "sequence"),
    [
        ({1: 1, 2: 1, 3: 1, 4: 1}, (2, 3, 1, 4)),
        ({1: 1, 2: 1, 3: 1}, (2, 1, 3)),
        ({0: 2, 5: 1}, (0, 0, 5)),
        ({3: 2, 7: 2}, (3, 7, 3, 7)),
    ],
)
def test_majority_value_sequence_of_the_book(counts: dict[int, int], sequence: tuple[int, ...]) -> None:
    """Balinski & Laraki, *Majority Judgment* (MIT Press, 2010): the majority value is the sequence of
    lower middlemost grades obtained by removing, one at a time, the current majority grade."""
    assert majority_value_sequence(counts) == sequence


def _ranking(profiles: dict[str, list[int]]) -> list[str]:
    def compare(a: str, b: str) -> int:
        return compare_majority(profiles[a], profiles[b])

    return sorted(profiles, key=cmp_to_key(compare), reverse=True)


def test_tennessee_capital_example() -> None:
    """English Wikipedia, "Majority judgment", example "Tennessee and its four major cities": 42 % of
    voters live near Memphis, 26 % near Nashville, 15 % near Chattanooga, 17 % near Knoxville; each grades
    the cities Excellent, Good, Fair, Poor by distance. Published outcome: Nashville wins (majority grade
    Good, like Chattanooga, but Nashville wins the tie-break), then Chattanooga, Knoxville (Fair), Memphis
    (Poor). Grades here are indices 0 = Poor … 3 = Excellent; weights are the percentages."""
    profiles = {
        "Memphis": [58, 0, 0, 42],
        "Nashville": [0, 32, 42, 26],
        "Chattanooga": [0, 42, 43, 15],
        "Knoxville": [42, 26, 15, 17],
    }
    grades = {city: lower_median_index(weights) for city, weights in profiles.items()}
    assert grades == {"Memphis": 0, "Nashville": 2, "Chattanooga": 2, "Knoxville": 1}
    assert _ranking(profiles) == ["Nashville", "Chattanooga", "Knoxville", "Memphis"]


def test_condorcet_winner_is_not_the_majority_judgment_winner() -> None:
    """English Wikipedia, "Condorcet criterion", majority judgment section: 35 voters grade A excellent,
    B fair, C poor; 34 grade C excellent, B fair, A poor; 31 grade B excellent, C good, A fair. B is the
    Condorcet winner but has majority grade Fair; C has majority grade Good and wins under majority
    judgment. Grades: 0 = Poor, 1 = Fair, 2 = Good, 3 = Excellent."""
    profiles = {"A": [34, 31, 0, 35], "B": [0, 69, 0, 31], "C": [35, 0, 31, 34]}
    assert {k: lower_median_index(v) for k, v in profiles.items()} == {"A": 1, "B": 1, "C": 2}
    assert _ranking(profiles)[0] == "C"


grade_lists = st.lists(st.integers(0, 4), min_size=1, max_size=12)


@given(st.integers(1, 12).flatmap(lambda n: st.tuples(*(st.lists(st.integers(0, 4), min_size=n, max_size=n),) * 2)))
def test_with_unit_weights_the_comparison_is_the_books(pair: tuple[list[int], list[int]]) -> None:
    """Same number of unit-weight voters: comparing = comparing the book's majority values."""
    first, second = pair
    a = majority_value_sequence({g: first.count(g) for g in range(5)})
    b = majority_value_sequence({g: second.count(g) for g in range(5)})
    counts = ([first.count(g) for g in range(5)], [second.count(g) for g in range(5)])
    assert compare_majority(*counts) == (a > b) - (a < b)


def _reference_compare(first: list[int], second: list[int]) -> int:
    """The rule as written in docs/method.md, evaluated naively with fractions at the middle of every
    depth interval: first difference decides, lower side before upper side."""

    def grade_at(weights: list[int], share: Fraction, side: str) -> int:
        total, running = sum(weights), 0
        for index, weight in enumerate(weights):
            running += weight
            position = Fraction(running, total)
            if (side == "lower" and position > share) or (side == "upper" and position >= share):
                return index
        raise AssertionError

    def breakpoints(weights: list[int]) -> set[Fraction]:
        total, running, points = sum(weights), 0, set()
        for weight in weights:
            running += weight
            points.add(abs(Fraction(running, total) - Fraction(1, 2)))
        return points

    if not sum(first) or not sum(second):
        return (sum(first) > 0) - (sum(second) > 0)
    depths = sorted({Fraction(0), Fraction(1, 2)} | breakpoints(first) | breakpoints(second))
    for low, high in zip(depths, depths[1:], strict=False):
        middle = (low + high) / 2
        for side, share in (("lower", Fraction(1, 2) - middle), ("upper", Fraction(1, 2) + middle)):
            a, b = grade_at(first, share, side), grade_at(second, share, side)
            if a != b:
                return 1 if a > b else -1
    return 0


weights_lists = st.lists(st.integers(0, 7), min_size=4, max_size=4)


@given(weights_lists, weights_lists)
def test_comparison_follows_the_written_rule_for_any_weights(first: list[int], second: list[int]) -> None:
    assert compare_majority(first, second) == _reference_compare(first, second)


@given(weights_lists, weights_lists, st.integers(1, 6), st.integers(1, 6))
def test_only_shares_matter(first: list[int], second: list[int], k: int, m: int) -> None:
    assert compare_majority([k * w for w in first], [m * w for w in second]) == compare_majority(first, second)


@given(st.lists(weights_lists, min_size=1, max_size=6))
def test_keys_order_like_the_pairwise_comparison(profiles: list[list[int]]) -> None:
    unit = math.lcm(*(max(sum(p), 1) for p in profiles))
    keys = [majority_key(p, unit) for p in profiles]
    for i, first in enumerate(profiles):
        for j, second in enumerate(profiles):
            assert (keys[i] > keys[j]) - (keys[i] < keys[j]) == compare_majority(first, second)


def test_nobody_judged_ranks_last_and_integer_weights_keep_proportions() -> None:
    assert compare_majority([0, 0, 0], [1, 0, 0]) == -1
    assert compare_majority([0, 0], [0, 0]) == 0
    assert integer_weights([Fraction(1, 2), Fraction(1, 3), Fraction(0)]) == [3, 2, 0]
    with pytest.raises(ValueError):
        majority_key([1, 2], 4)
