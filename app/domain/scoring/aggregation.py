"""The tally of an Idols evening: per bidder and criterion, then per bidder, then rankings.

Every number that decides a ranking is an exact ``Fraction``. The rules are stated once, in the
docstrings below and in ``docs/method.md``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from operator import itemgetter
from typing import TypeVar

from app.domain.scoring.cards import Bidder, Card, Criterion, check_cards, check_setup
from app.domain.scoring.measures import (
    integer_weights,
    lower_median_index,
    majority_key,
    weighted_mean,
)
from app.domain.scoring.scale import Scale, points

T = TypeVar("T")


class Method(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    MAJORITY = "majority_judgment"


@dataclass(frozen=True)
class CriterionResult:
    """One criterion for one bidder.

    ``judged`` counts cards with a value; can't-judge cards are counted apart in ``cant_judge`` and are in
    no other number. ``distribution`` gives, for every value of the scale (worst first), the summed group
    weight of the cards that gave it. ``mean`` is in points (see :func:`points`); ``median`` is a scale
    value (the lower weighted median, which is also the majority grade). Both are ``None`` when nobody
    judged this criterion.
    """

    criterion: str
    judged: int
    cant_judge: int
    judged_weight: Fraction
    distribution: tuple[tuple[int, Fraction], ...]
    mean: Fraction | None
    median: int | None

    @property
    def majority_grade(self) -> int | None:
        """Balinski & Laraki's majority grade: the same value as ``median`` by definition."""
        return self.median


@dataclass(frozen=True)
class BidderResult:
    """Everything the advice report shows about one bidder.

    ``mean_score`` and ``median_score`` are the criterion-weighted averages (in points) of the per-criterion
    means and medians over the criteria someone judged. ``majority_shares`` is the merged distribution
    (shares per scale value, worst first, summing to 1) that majority judgment ranks on, and
    ``majority_grade`` its lower median (``majority_score`` the same in points). ``comments`` are the
    non-empty comments, sorted alphabetically so they cannot be matched to ballots by order.
    """

    bidder: Bidder
    cards: int
    criteria: tuple[CriterionResult, ...]
    mean_score: Fraction | None
    median_score: Fraction | None
    majority_grade: int | None
    majority_score: Fraction | None
    majority_shares: tuple[Fraction, ...]
    comments: tuple[str, ...]


@dataclass(frozen=True)
class RankedBidder:
    """A place in a ranking; ``score`` is the overall score in points (for majority judgment, the points of
    the majority grade), ``None`` when nobody judged the bidder at all."""

    bidder: str
    rank: int
    score: Fraction | None


@dataclass(frozen=True)
class Ranking:
    method: Method
    entries: tuple[RankedBidder, ...]

    def rank_of(self, bidder: str) -> int:
        return next(entry.rank for entry in self.entries if entry.bidder == bidder)


@dataclass(frozen=True)
class TenderResult:
    """The whole tally: the set-up it was computed for, per-bidder results in presentation order, and the
    ranking under each of the three methods (``method`` is the one chosen up front)."""

    scale: Scale
    criteria: tuple[Criterion, ...]
    bidders: tuple[Bidder, ...]
    method: Method
    ballots: int
    cards: int
    results: tuple[BidderResult, ...]
    rankings: tuple[Ranking, ...]

    @property
    def ranking(self) -> Ranking:
        """The ranking under the chosen method."""
        return self.ranking_by(self.method)

    def ranking_by(self, method: Method) -> Ranking:
        return next(ranking for ranking in self.rankings if ranking.method is method)

    def result(self, bidder: str) -> BidderResult:
        return next(result for result in self.results if result.bidder.key == bidder)


def tally(
    scale: Scale,
    criteria: Sequence[Criterion],
    bidders: Sequence[Bidder],
    cards: Iterable[Card],
    method: Method,
) -> TenderResult:
    """Count all cards; the result does not depend on the order of ``cards`` or on ballot ids.

    :raises ScoreError: for an invalid set-up or card (see :func:`check_cards`).
    """
    criteria, bidders, all_cards = tuple(criteria), tuple(bidders), tuple(cards)
    check_setup(criteria, bidders)
    check_cards(scale, criteria, bidders, all_cards)
    by_bidder: dict[str, list[Card]] = {bidder.key: [] for bidder in bidders}
    for card in all_cards:
        by_bidder[card.bidder].append(card)
    results = tuple(bidder_result(scale, criteria, bidder, by_bidder[bidder.key]) for bidder in bidders)
    return TenderResult(
        scale=scale,
        criteria=criteria,
        bidders=bidders,
        method=method,
        ballots=len({card.ballot for card in all_cards}),
        cards=len(all_cards),
        results=results,
        rankings=tuple(rank(results, each) for each in Method),
    )


def criterion_result(scale: Scale, criterion: Criterion, cards: Sequence[Card]) -> CriterionResult:
    """Count one criterion of one bidder (see :class:`CriterionResult`)."""
    return _criterion_result(scale, criterion, _scores_by_weight(cards))


def _scores_by_weight(cards: Iterable[Card]) -> list[tuple[Fraction, list[Mapping[str, int | None]]]]:
    """The cards' scores grouped by group weight, each weight once.

    An evening has a handful of group weights but thousands of cards; counting values per weight and
    multiplying once keeps the exact fractions (slow to hash, compare and add) out of the per-card loop.
    """
    groups: dict[tuple[int, int], tuple[Fraction, list[Mapping[str, int | None]]]] = {}
    for card in cards:
        weight = card.group_weight
        found = groups.get((weight.numerator, weight.denominator))
        if found is None:
            found = groups[(weight.numerator, weight.denominator)] = (weight, [])
        found[1].append(card.scores)
    return list(groups.values())


def _criterion_result(
    scale: Scale, criterion: Criterion, by_weight: Sequence[tuple[Fraction, Sequence[Mapping[str, int | None]]]]
) -> CriterionResult:
    weights = {value: Fraction(0) for value in scale.values}
    cant_judge = judged = 0
    for group_weight, scores in by_weight:
        for value, count in Counter(map(itemgetter(criterion.key), scores)).items():
            if value is None:
                cant_judge += count
            else:
                judged += count
                weights[value] += count * group_weight
    ordered = [weights[value] for value in scale.values]
    median_index = lower_median_index(integer_weights(ordered))
    return CriterionResult(
        criterion=criterion.key,
        judged=judged,
        cant_judge=cant_judge,
        judged_weight=sum(ordered, Fraction(0)),
        distribution=tuple(weights.items()),
        mean=weighted_mean(ordered, [points(scale, value) for value in scale.values]),
        median=None if median_index is None else scale.values[median_index],
    )


def bidder_result(scale: Scale, criteria: Sequence[Criterion], bidder: Bidder, cards: Sequence[Card]) -> BidderResult:
    """Combine the criteria of one bidder.

    Criterion weights are renormalised over the criteria that at least one card judged, so a criterion
    nobody could judge neither counts as zero nor shifts weight to nobody. For majority judgment the
    criteria are merged into one distribution: criterion ``c`` contributes its normalised weight times
    its own distribution divided by its judged weight, so each criterion carries exactly its weight share
    (with no can't-judge at all this equals giving each card-criterion grade the weight
    group weight × normalised criterion weight).
    """
    by_weight = _scores_by_weight(cards)
    per_criterion = tuple(_criterion_result(scale, criterion, by_weight) for criterion in criteria)
    judged = [(c, r) for c, r in zip(criteria, per_criterion, strict=True) if r.judged_weight > 0]
    weight_sum = sum((c.weight for c, _ in judged), Fraction(0))
    mean_score: Fraction | None = None
    median_score: Fraction | None = None
    majority_grade: int | None = None
    shares = [Fraction(0)] * len(scale.values)
    if judged:
        mean_score = sum((c.weight * _known(r.mean) for c, r in judged), Fraction(0)) / weight_sum
        median_score = sum((c.weight * points(scale, _known(r.median)) for c, r in judged), Fraction(0)) / weight_sum
        for criterion, result in judged:
            factor = criterion.weight / weight_sum / result.judged_weight
            for index, (_, weight) in enumerate(result.distribution):
                shares[index] += factor * weight
        majority_index = lower_median_index(integer_weights(shares))
        majority_grade = None if majority_index is None else scale.values[majority_index]
    return BidderResult(
        bidder=bidder,
        cards=len(cards),
        criteria=per_criterion,
        mean_score=mean_score,
        median_score=median_score,
        majority_grade=majority_grade,
        majority_score=None if majority_grade is None else points(scale, majority_grade),
        majority_shares=tuple(shares),
        comments=tuple(sorted(card.comment for card in cards if card.comment.strip())),
    )


def rank(results: Sequence[BidderResult], method: Method) -> Ranking:
    """Order bidders under one method; ``results`` must be in presentation order.

    - mean / median: higher overall score first; equal scores (exact fractions) share a rank;
    - majority judgment: :func:`compare_majority` (through :func:`majority_key`) on the merged
      distributions; bidders equal all the way share a rank;
    - a bidder nobody judged comes last (sharing that place with any other such bidder);
    - shared ranks are "competition" ranks (1, 1, 3) and tied bidders are listed in presentation order.
    """

    def score(result: BidderResult) -> Fraction | None:
        if method is Method.MEAN:
            return result.mean_score
        if method is Method.MEDIAN:
            return result.median_score
        return result.majority_score

    keys: list[tuple[object, ...]]
    if method is Method.MAJORITY:
        weights = [integer_weights(result.majority_shares) for result in results]
        unit = math.lcm(*(max(sum(each), 1) for each in weights))
        keys = [majority_key(each, unit) for each in weights]
    else:
        keys = [(0,) if score(result) is None else (1, score(result)) for result in results]
    # sorted(..., reverse=True) is stable: equal bidders stay in presentation order
    order = sorted(range(len(results)), key=keys.__getitem__, reverse=True)
    entries: list[RankedBidder] = []
    for position, index in enumerate(order):
        shared = position > 0 and keys[order[position - 1]] == keys[index]
        place = entries[-1].rank if shared else position + 1
        entries.append(RankedBidder(results[index].bidder.key, place, score(results[index])))
    return Ranking(method, tuple(entries))


def _known(value: T | None) -> T:
    if value is None:
        raise AssertionError("a judged criterion always has a mean and a median")  # pragma: no cover
    return value
