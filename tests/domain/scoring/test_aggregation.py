"""The tally: a hand-computed example with criterion and group weights, and invariants."""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.scoring import Card, Criterion, Method, Scale, ScoreError, ScoreErrorCode, TenderResult, tally

from .factories import Tender, bidders, card, tenders
from .hand_example import BIDDERS, CRITERIA, HAND_CARDS, SCALE

F = Fraction


def hand_tally(method: Method = Method.MAJORITY) -> TenderResult:
    return tally(SCALE, CRITERIA, BIDDERS, HAND_CARDS, method)


def test_hand_computed_per_criterion() -> None:
    alfa = hand_tally().result("alfa")
    prijs, plan = alfa.criteria
    assert (prijs.judged, prijs.cant_judge, prijs.judged_weight) == (3, 0, F(4))
    assert (plan.judged, plan.cant_judge, plan.judged_weight) == (2, 1, F(3))
    assert dict(prijs.distribution) == {v: F(0) for v in range(1, 11)} | {6: F(2), 7: F(1), 8: F(1)}
    assert dict(plan.distribution)[6] == 1 and dict(plan.distribution)[8] == 2
    assert (prijs.mean, prijs.median, prijs.majority_grade) == (F(27, 4), 6, 6)
    assert (plan.mean, plan.median) == (F(22, 3), 8)
    assert alfa.cards == 3
    assert alfa.comments == ("Goede prijs", "Sterk plan")


@pytest.mark.parametrize(
    ("bidder", "mean", "median", "grade", "shares"),
    [
        ("alfa", F(125, 18), F(20, 3), 7, {6: F(4, 9), 7: F(1, 6), 8: F(7, 18)}),
        ("bravo", F(22, 3), F(19, 3), 7, {5: F(1, 6), 6: F(1, 6), 7: F(1, 4), 9: F(5, 12)}),
    ],
)
def test_hand_computed_per_bidder(
    bidder: str, mean: Fraction, median: Fraction, grade: int, shares: dict[int, Fraction]
) -> None:
    result = hand_tally().result(bidder)
    assert (result.mean_score, result.median_score, result.majority_grade) == (mean, median, grade)
    assert result.majority_shares == tuple(shares.get(v, F(0)) for v in range(1, 11))


@pytest.mark.parametrize(
    ("method", "order", "scores"),
    [
        (Method.MEAN, ["bravo", "alfa"], [F(22, 3), F(125, 18)]),
        (Method.MEDIAN, ["alfa", "bravo"], [F(20, 3), F(19, 3)]),
        (Method.MAJORITY, ["bravo", "alfa"], [F(7), F(7)]),
    ],
)
def test_hand_computed_rankings(method: Method, order: list[str], scores: list[Fraction]) -> None:
    result = hand_tally(method)
    assert [e.bidder for e in result.ranking.entries] == order
    assert [e.rank for e in result.ranking.entries] == [1, 2]
    assert [e.score for e in result.ranking.entries] == scores
    assert result.ranking == result.ranking_by(method)
    assert [r.method for r in result.rankings] == list(Method)
    assert (result.ballots, result.cards) == (3, 6)


def test_equal_scores_share_a_rank_in_presentation_order() -> None:
    criteria = (Criterion("c", "C"),)
    three = bidders("charlie", "alfa", "bravo", "delta")
    cards = [
        card("1", "charlie", {"c": 6}),
        card("1", "alfa", {"c": 8}),
        card("1", "bravo", {"c": 6}),
        card("1", "delta", {"c": None}),
    ]
    for method in Method:
        ranking = tally(SCALE, criteria, three, cards, method).ranking
        assert [(e.bidder, e.rank) for e in ranking.entries] == [
            ("alfa", 1),
            ("charlie", 2),
            ("bravo", 2),
            ("delta", 4),
        ]
        assert ranking.entries[-1].score is None


def test_a_criterion_nobody_judged_is_left_out_not_zero() -> None:
    cards = [card("1", "alfa", {"prijs": 8, "plan": None}), card("1", "bravo", {"prijs": None, "plan": None})]
    result = tally(SCALE, CRITERIA, BIDDERS, cards, Method.MEAN)
    alfa, bravo = result.results
    assert (alfa.mean_score, alfa.median_score, alfa.majority_grade) == (F(8), F(8), 8)
    assert alfa.criteria[1].mean is None and alfa.criteria[1].median is None
    assert (bravo.mean_score, bravo.majority_grade, bravo.cards) == (None, None, 1)


def test_verbal_scale_counts_in_points_and_reports_grades() -> None:
    verbal = Scale.verbal()
    criteria = (Criterion("c", "C"),)
    cards = [card(str(i), "alfa", {"c": v}) for i, v in enumerate([0, 3, 3, 4])]
    result = tally(verbal, criteria, bidders("alfa"), cards, Method.MEDIAN).result("alfa")
    assert result.criteria[0].mean == F(1 + 4 + 4 + 5, 4)
    assert result.criteria[0].median == 3  # "Goed"
    assert result.median_score == 4


@pytest.mark.parametrize(
    ("cards", "code"),
    [
        ([card("1", "zulu", {"prijs": 1, "plan": 1})], ScoreErrorCode.UNKNOWN_BIDDER),
        ([card("1", "alfa", {"prijs": 1})], ScoreErrorCode.MISSING_CRITERION),
        ([card("1", "alfa", {"prijs": 1, "plan": 11})], ScoreErrorCode.OUT_OF_RANGE),
        ([card("1", "alfa", {"prijs": 1, "plan": 1})] * 2, ScoreErrorCode.DUPLICATE_CARD),
    ],
)
def test_invalid_cards_are_refused(cards: list[Card], code: ScoreErrorCode) -> None:
    with pytest.raises(ScoreError) as caught:
        tally(SCALE, CRITERIA, BIDDERS, cards, Method.MEAN)
    assert caught.value.code is code


def test_invalid_setups_are_refused() -> None:
    with pytest.raises(ScoreError) as caught:
        tally(SCALE, CRITERIA + (Criterion("prijs", "Dubbel"),), BIDDERS, [], Method.MEAN)
    assert caught.value.code is ScoreErrorCode.DUPLICATE_KEY
    with pytest.raises(ScoreError) as caught:
        tally(SCALE, (), BIDDERS, [], Method.MEAN)
    assert caught.value.code is ScoreErrorCode.INVALID_SETUP


# --- invariants -------------------------------------------------------------------------------------


@given(tenders(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_card_order_or_ballot_ids(tender: Tender, rnd: random.Random) -> None:
    shuffled = list(tender.cards)
    rnd.shuffle(shuffled)
    renamed = [replace(c, ballot="x" + c.ballot) for c in shuffled]
    assert tally(*tender.args) == tally(tender.scale, tender.criteria, tender.bidders, renamed, tender.method)


@given(tenders(), st.sampled_from([F(1, 3), F(2), F(7, 2), F(10)]))
def test_scaling_every_group_weight_changes_no_score_or_rank(tender: Tender, factor: Fraction) -> None:
    scaled = [replace(c, group_weight=c.group_weight * factor) for c in tender.cards]
    before = tally(*tender.args)
    after = tally(tender.scale, tender.criteria, tender.bidders, scaled, tender.method)
    assert before.rankings == after.rankings
    for old, new in zip(before.results, after.results, strict=True):
        assert (old.mean_score, old.median_score, old.majority_grade, old.majority_shares) == (
            new.mean_score,
            new.median_score,
            new.majority_grade,
            new.majority_shares,
        )
        assert [(c.mean, c.median, c.judged) for c in old.criteria] == [
            (c.mean, c.median, c.judged) for c in new.criteria
        ]


@given(tenders())
def test_cant_judge_never_lowers_a_mean(tender: Tender) -> None:
    """An extra card that can't judge anything changes no mean or median; the same card with the lowest
    grade instead never raises one (can't-judge is not a low grade)."""
    extra = [card("extra", b.key, {c.key: None for c in tender.criteria}) for b in tender.bidders]
    lowest = [card("extra", b.key, {c.key: tender.scale.minimum for c in tender.criteria}) for b in tender.bidders]
    before = tally(*tender.args)
    with_blank = tally(tender.scale, tender.criteria, tender.bidders, tender.cards + tuple(extra), tender.method)
    with_low = tally(tender.scale, tender.criteria, tender.bidders, tender.cards + tuple(lowest), tender.method)
    for old, blank, low in zip(before.results, with_blank.results, with_low.results, strict=True):
        assert (blank.mean_score, blank.median_score) == (old.mean_score, old.median_score)
        assert [c.mean for c in blank.criteria] == [c.mean for c in old.criteria]
        assert blank.cards == old.cards + 1
        if old.mean_score is not None:
            assert low.mean_score is not None and low.mean_score <= blank.mean_score  # type: ignore[operator]
    assert with_blank.rankings == before.rankings


@settings(max_examples=50)
@given(tenders())
def test_ranks_are_competition_ranks(tender: Tender) -> None:
    for ranking in tally(*tender.args).rankings:
        ranks = [e.rank for e in ranking.entries]
        assert sorted(e.bidder for e in ranking.entries) == sorted(b.key for b in tender.bidders)
        assert ranks == sorted(ranks) and (not ranks or ranks[0] == 1)
        for position, place in enumerate(ranks):
            assert place in (position + 1, ranks[position - 1])
