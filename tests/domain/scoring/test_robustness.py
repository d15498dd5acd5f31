"""The bootstrap: reproducible, exact per resample, and a verdict that says when it is too close."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.scoring import Criterion, Method, Scale, Verdict, robustness, tally
from app.domain.scoring.cards import ballots_in_canonical_order
from app.domain.scoring.resample import Layout, Packing
from app.domain.scoring.robustness import VERDICT_TEXT, _ranks

from .factories import JONGEREN, Tender, bidders, card, tenders
from .hand_example import BIDDERS, CRITERIA, HAND_CARDS, SCALE

ONE = (Criterion("c", "C"),)


def test_same_seed_same_result_whatever_the_card_order() -> None:
    shuffled = list(HAND_CARDS)
    random.Random(5).shuffle(shuffled)
    renamed = [replace(c, ballot="id-" + c.ballot) for c in shuffled]
    for method in Method:
        first = robustness(SCALE, CRITERIA, BIDDERS, HAND_CARDS, method, random.Random(42), resamples=300)
        second = robustness(SCALE, CRITERIA, BIDDERS, renamed, method, random.Random(42), resamples=300)
        assert first == second
        assert sum(b.first_share for b in first.bidders) == 1


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (Method.MEAN, [(Fraction(13, 75), 1, 2), (Fraction(62, 75), 1, 2)]),
        (Method.MEDIAN, [(Fraction(37, 60), 1, 2), (Fraction(23, 60), 1, 2)]),
        (Method.MAJORITY, [(Fraction(13, 75), 1, 2), (Fraction(62, 75), 1, 2)]),
    ],
)
def test_the_same_seed_gives_the_figures_it_always_gave(
    method: Method, expected: list[tuple[Fraction, int, int]]
) -> None:
    """Pinned from the big-integer implementation: reports made earlier can still be repeated."""
    result = robustness(SCALE, CRITERIA, BIDDERS, HAND_CARDS, method, random.Random(42), resamples=300)
    assert [(b.first_share, b.rank_low, b.rank_high) for b in result.bidders] == expected


def test_a_clear_winner() -> None:
    cards = [card(str(i), b, {"c": grade}) for i in range(30) for b, grade in (("alfa", 9), ("bravo", 5))]
    for method in Method:
        result = robustness(SCALE, ONE, bidders("alfa", "bravo"), cards, method, random.Random(1))
        assert (result.leader, result.verdict, result.resamples) == ("alfa", Verdict.CLEAR_WINNER, 2000)
        alfa, bravo = result.bidders
        assert (alfa.first_share, alfa.rank_low, alfa.rank_high, alfa.rank) == (Fraction(1), 1, 1, 1)
        assert (bravo.first_share, bravo.rank_low, bravo.rank_high, bravo.rank) == (Fraction(0), 2, 2, 2)


def test_an_exact_tie_is_too_close_and_shares_first_place() -> None:
    cards = [card(str(i), b, {"c": 5 + i % 3}) for i in range(10) for b in ("alfa", "bravo")]
    result = robustness(SCALE, ONE, bidders("alfa", "bravo"), cards, Method.MEAN, random.Random(1), 500)
    assert (result.leader, result.verdict) == (None, Verdict.TOO_CLOSE)
    assert [b.first_share for b in result.bidders] == [Fraction(1, 2), Fraction(1, 2)]
    assert [(b.rank_low, b.rank_high) for b in result.bidders] == [(1, 1), (1, 1)]


def test_a_narrow_lead_is_too_close() -> None:
    """Alfa wins the real count by one vote among 21 but not in most resamples."""
    grades = [8] * 11 + [6] * 10
    cards = [card(str(i), "alfa", {"c": g}) for i, g in enumerate(grades)]
    cards += [card(str(i), "bravo", {"c": 14 - g}) for i, g in enumerate(grades)]
    result = robustness(SCALE, ONE, bidders("alfa", "bravo"), cards, Method.MEDIAN, random.Random(9), 2000)
    assert result.leader == "alfa" and result.verdict is Verdict.TOO_CLOSE
    assert Fraction(1, 2) < result.bidders[0].first_share < Fraction(9, 10)
    assert (result.bidders[0].rank_low, result.bidders[0].rank_high) == (1, 2)
    assert VERDICT_TEXT[result.verdict]["nl"] == "te dicht bij elkaar om een winnaar aan te wijzen"


def test_no_ballots_no_leader() -> None:
    result = robustness(SCALE, ONE, bidders("alfa"), [], Method.MEAN, random.Random(1))
    assert (result.leader, result.verdict, result.resamples) == (None, Verdict.TOO_CLOSE, 0)


@settings(max_examples=80, deadline=None)
@given(tenders(), st.lists(st.integers(0, 10_000), min_size=1, max_size=10))
def test_each_resample_is_ranked_exactly_like_the_tally(tender: Tender, picks: list[int]) -> None:
    """The fields of a resample, ranked by the numpy path, by the exact recount and through the
    big-integer packing, give the same ranks as the exact tally of the same ballots (drawn ballots
    repeated under new ids)."""
    ballots = ballots_in_canonical_order(tender.cards, tender.criteria, tender.bidders)
    if not ballots:
        return
    chosen = [ballots[p % len(ballots)] for p in picks]
    cards = [replace(c, ballot=f"{n}") for n, ballot in enumerate(chosen) for c in ballot]
    expected = tally(tender.scale, tender.criteria, tender.bidders, cards, tender.method).ranking
    expected_ranks = [expected.rank_of(b.key) for b in tender.bidders]
    layout = Layout(tender.scale, tender.criteria, tender.bidders, ballots, tender.method)
    drawn = Counter(p % len(ballots) for p in picks)
    fields = [0] * layout.field_count
    for number, field, amount in zip(*(column.tolist() for column in layout.entries(ballots)), strict=True):
        fields[field] += drawn[number] * amount
    assert layout.ranks(fields) == expected_ranks
    assert _ranks(layout, np.array([fields], dtype=np.int64))[0].tolist() == expected_ranks
    packing = Packing(layout, ballots)
    assert layout.ranks(packing.fields(sum(packing.packed[p % len(ballots)] for p in picks))) == expected_ranks


@pytest.mark.parametrize("method", list(Method))
def test_the_numpy_ranking_agrees_with_the_exact_recount_on_a_larger_evening(method: Method) -> None:
    """Forty ballots, five bidders (two of them identical), 300 random resamples: every row agrees."""
    rnd = random.Random(3)
    criteria = (Criterion("a", "A", 2), Criterion("b", "B", 1), Criterion("c", "C", Fraction(1, 2)))
    keys = ("alfa", "bravo", "charlie", "delta", "echo")
    cards = []
    for i in range(40):
        group = rnd.choice([("bewoners", Fraction(1)), JONGEREN, ("gasten", Fraction(1, 3))])
        grades = {b: {c.key: rnd.choice([None, 5, 6, 6, 7, 7, 8]) for c in criteria} for b in keys[:4]}
        grades["echo"] = grades["delta"]
        cards += [card(str(i), b, grades[b], group) for b in keys]
    ballots = ballots_in_canonical_order(cards, criteria, bidders(*keys))
    layout = Layout(Scale.grade(), criteria, bidders(*keys), ballots, method)
    numbers, at, amounts = layout.entries(ballots)
    contributions = np.zeros((len(ballots), layout.field_count), dtype=np.int64)
    np.add.at(contributions, (numbers, at), amounts)
    drawn = np.random.default_rng(5).multinomial(len(ballots), [1 / len(ballots)] * len(ballots), size=300)
    fields = drawn @ contributions
    assert _ranks(layout, fields).tolist() == [layout.ranks(row) for row in fields.tolist()]


@settings(max_examples=25, deadline=None)
@given(tenders(max_ballots=5))
def test_shares_and_intervals_are_consistent(tender: Tender) -> None:
    result = robustness(*tender.args, rng=random.Random(0), resamples=50)
    exact = tally(*tender.args).ranking
    assert [entry.rank for entry in result.bidders] == [exact.rank_of(b.key) for b in tender.bidders]
    if result.resamples:
        assert sum(b.first_share for b in result.bidders) == 1
    for entry in result.bidders:
        assert 0 <= entry.first_share <= 1
        assert entry.rank_low <= entry.rank_high <= len(tender.bidders)


@pytest.mark.parametrize("heavy_weight", [70_000, 10**20])
def test_weights_beyond_sixteen_or_sixty_four_bits_still_count_exactly(heavy_weight: int) -> None:
    heavy = ("raad", Fraction(heavy_weight))
    cards = [card("1", "alfa", {"c": 7}, heavy), card("2", "alfa", {"c": 3}, JONGEREN)]
    cards += [card("1", "bravo", {"c": 6}, heavy), card("2", "bravo", {"c": 9}, JONGEREN)]
    for method in Method:
        result = robustness(Scale.grade(), ONE, bidders("alfa", "bravo"), cards, method, random.Random(2), 200)
        assert (
            result.leader
            == tally(Scale.grade(), ONE, bidders("alfa", "bravo"), cards, method).ranking.entries[0].bidder
        )
