"""How sure is the winner? A bootstrap over attendees, and a verdict for the advice report.

The bootstrap draws, with replacement, as many ballots (all cards of one attendee together) as there
were, recounts under the chosen method, and repeats. It only estimates chances, yet it stays exact: group
weights are turned into whole numbers and all sums are whole numbers, so ties are real ties. To be fast
without libraries, each ballot's contribution is packed into one big Python integer (one fixed-width field
per bidder × criterion × value); adding those integers adds every field at once, in C.
"""

from __future__ import annotations

import itertools
import math
import operator
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from app.domain.scoring.aggregation import Method, tally
from app.domain.scoring.cards import (
    Bidder,
    Card,
    Criterion,
    ballots_in_canonical_order,
)
from app.domain.scoring.measures import integer_weights, lower_median_index, majority_key
from app.domain.scoring.scale import Scale, points

DEFAULT_RESAMPLES = 2000
CLEAR_WINNER_THRESHOLD = Fraction(9, 10)


class Verdict(StrEnum):
    CLEAR_WINNER = "clear_winner"
    TOO_CLOSE = "too_close"


VERDICT_TEXT: dict[Verdict, dict[str, str]] = {
    Verdict.CLEAR_WINNER: {"nl": "duidelijke winnaar", "en": "clear winner"},
    Verdict.TOO_CLOSE: {
        "nl": "te dicht bij elkaar om een winnaar aan te wijzen",
        "en": "too close to call",
    },
}


@dataclass(frozen=True)
class BidderRobustness:
    """``rank`` is the bidder's rank in the real tally; ``first_share`` the share of resamples in which
    it ranked first (a k-way tie for first gives each 1/k); ``rank_low``–``rank_high`` the 90 % rank
    interval (5th and 95th percentile, nearest-rank method) over the resamples."""

    bidder: str
    rank: int
    first_share: Fraction
    rank_low: int
    rank_high: int


@dataclass(frozen=True)
class Robustness:
    """The verdict is "clear winner" only when the real tally has exactly one bidder ranked first and that
    bidder ranks first in at least ``threshold`` of the resamples (default 90 %); otherwise "too close to
    call". With no ballots there is no leader and the verdict is "too close"."""

    method: Method
    resamples: int
    threshold: Fraction
    leader: str | None
    verdict: Verdict
    bidders: tuple[BidderRobustness, ...]


def robustness(
    scale: Scale,
    criteria: Sequence[Criterion],
    bidders: Sequence[Bidder],
    cards: Iterable[Card],
    method: Method,
    rng: random.Random,
    resamples: int = DEFAULT_RESAMPLES,
    threshold: Fraction = CLEAR_WINNER_THRESHOLD,
) -> Robustness:
    """Bootstrap the ranking under ``method``.

    :param rng: the random source, e.g. ``random.Random(seed)``: the same seed and the same cards give
        the same result, whatever order the cards come in (ballots are put in content order first).
    :param resamples: how many resamples; the report uses at least 2,000.
    """
    criteria, bidders, all_cards = tuple(criteria), tuple(bidders), tuple(cards)
    exact = tally(scale, criteria, bidders, all_cards, method).ranking
    exact_rank = {entry.bidder: entry.rank for entry in exact.entries}
    firsts = [entry.bidder for entry in exact.entries if entry.rank == 1]
    ballots = ballots_in_canonical_order(all_cards, criteria, bidders)
    if not ballots or resamples <= 0:
        empty = tuple(BidderRobustness(b.key, exact_rank[b.key], Fraction(0), 0, 0) for b in bidders)
        return Robustness(method, 0, threshold, None, Verdict.TOO_CLOSE, empty)

    packing = _Packing(scale, criteria, bidders, ballots, method)
    ranks_seen: list[list[int]] = [[] for _ in bidders]
    first_share = [Fraction(0)] * len(bidders)
    for _ in range(resamples):
        ranks = packing.ranks(packing.fields(_resample_sum(rng, packing.packed)))
        winners = [index for index, place in enumerate(ranks) if place == 1]
        for index, place in enumerate(ranks):
            ranks_seen[index].append(place)
        for index in winners:
            first_share[index] += Fraction(1, len(winners))

    results = []
    for index, bidder in enumerate(bidders):
        seen = sorted(ranks_seen[index])
        results.append(
            BidderRobustness(
                bidder=bidder.key,
                rank=exact_rank[bidder.key],
                first_share=first_share[index] / resamples,
                rank_low=seen[_nearest_rank(5, resamples)],
                rank_high=seen[_nearest_rank(95, resamples)],
            )
        )
    leader = firsts[0] if len(firsts) == 1 else None
    verdict = Verdict.TOO_CLOSE
    if leader is not None and results[[b.key for b in bidders].index(leader)].first_share >= threshold:
        verdict = Verdict.CLEAR_WINNER
    return Robustness(method, resamples, threshold, leader, verdict, tuple(results))


def _resample_sum(rng: random.Random, population: list[int]) -> int:
    """The sum of ``len(population)`` draws with replacement.

    Each index is ``x * n >> 32`` for a 32-bit random ``x`` from ``rng.randbytes`` (faster than
    ``rng.choices``; for fewer than a million ballots within a 1/4,000 relative bias of uniform, which does
    not matter for estimating chances). Ballots drawn equally often are added up first and multiplied
    once, which saves about a third of the big-integer additions.
    """
    count = len(population)
    raw = memoryview(rng.randbytes(4 * count)).cast("I")  # "I" is a 32-bit unsigned int on every platform we run
    by_times: dict[int, list[int]] = {}
    for index, times in Counter([x * count >> 32 for x in raw]).items():
        by_times.setdefault(times, []).append(population[index])
    return sum(times * sum(group) for times, group in by_times.items())


def _nearest_rank(percent: int, count: int) -> int:
    """0-based index of the ``percent``-th percentile among ``count`` sorted values (nearest rank)."""
    return max(-(-percent * count // 100) - 1, 0)


class _Packing:
    """Per-ballot contributions packed into big integers, and the recount of one summed resample.

    Fields, in order: for the mean, per bidder and criterion the weighted sum of points and the weight;
    for the median and majority judgment, per bidder, criterion and scale value the weight.
    """

    def __init__(
        self,
        scale: Scale,
        criteria: tuple[Criterion, ...],
        bidders: tuple[Bidder, ...],
        ballots: list[tuple[Card, ...]],
        method: Method,
    ) -> None:
        self.method = method
        self.values = list(scale.values)
        self.points = [int(points(scale, value)) for value in self.values]
        # packed fields hold no negative numbers: the mean packs points above the lowest value, which
        # shifts every mean score by the same amount and so keeps the order
        self.lifted = [each - self.points[0] for each in self.points]
        self.criterion_weights = integer_weights([c.weight for c in criteria])
        self.criteria, self.bidder_count = criteria, len(bidders)
        # the least common multiple of the criterion-weight sums of every set of criteria (at most 2^C)
        sums = {
            sum(combo)
            for size in range(1, len(criteria) + 1)
            for combo in itertools.combinations(self.criterion_weights, size)
        }
        self.subset_lcm = math.lcm(*sums)
        multiplier = math.lcm(*(card.group_weight.denominator for ballot in ballots for card in ballot))
        bidder_index = {bidder.key: index for index, bidder in enumerate(bidders)}
        per_cell = 2 if method is Method.MEAN else len(self.values)
        self.cell = per_cell
        self.field_count = len(bidders) * len(criteria) * per_cell
        largest = max(int(card.group_weight * multiplier) for ballot in ballots for card in ballot)
        bound = len(ballots) * largest * max(self.lifted[-1], 1)
        self.width = 16 if bound < 1 << 16 else 32 if bound < 1 << 32 else 64 if bound < 1 << 64 else 0
        bits = self.width or bound.bit_length()
        self.packed: list[int] = []
        for ballot in ballots:
            total = 0
            for card in ballot:
                weight = int(card.group_weight * multiplier)
                for c_index, criterion in enumerate(criteria):
                    value = card.scores[criterion.key]
                    if value is None:
                        continue
                    base = (bidder_index[card.bidder] * len(criteria) + c_index) * per_cell
                    if method is Method.MEAN:
                        position = value - scale.minimum
                        total += (weight * self.lifted[position]) << (bits * base)
                        total += weight << (bits * (base + 1))
                    else:
                        total += weight << (bits * (base + value - scale.minimum))
            self.packed.append(total)
        self.bits = bits

    def fields(self, total: int) -> list[int]:
        """Unpack a summed resample into its fields (C-speed for 16/32/64-bit fields)."""
        if self.width:
            size = self.width // 8
            raw = total.to_bytes(self.field_count * size, sys.byteorder)
            view = memoryview(raw)
            cells = view.cast("H") if size == 2 else view.cast("I") if size == 4 else view.cast("Q")
            return list(cells)
        mask = (1 << self.bits) - 1
        return [(total >> (self.bits * index)) & mask for index in range(self.field_count)]

    def ranks(self, fields: list[int]) -> list[int]:
        """Competition ranks (1, 1, 3) of the bidders in one resample, in bidder order."""
        per_bidder = len(self.criteria) * self.cell
        bidders = range(self.bidder_count)
        if self.method is Method.MAJORITY:
            merged = [self._merged(fields[b * per_bidder : (b + 1) * per_bidder]) for b in bidders]
            unit = math.lcm(*(max(sum(each), 1) for each in merged))
            return _competition_ranks([majority_key(each, unit) for each in merged])
        scores = [self._score(fields[b * per_bidder : (b + 1) * per_bidder]) for b in bidders]
        return _competition_ranks([(0,) if score is None else (1, score) for score in scores])

    def _score(self, cells: list[int]) -> Fraction | int | None:
        """The overall mean score (in points above the lowest value) or median score (in points ×
        ``subset_lcm``), exactly; only their order matters."""
        if self.method is Method.MEAN:
            # Σ w_c · S_c / W_c over judged criteria, on the common denominator Π W_c
            judged = [
                (weight, cells[2 * i], cells[2 * i + 1])
                for i, weight in enumerate(self.criterion_weights)
                if cells[2 * i + 1]
            ]
            if not judged:
                return None
            common = math.prod(total for _, _, total in judged)
            numerator = sum(weight * summed * (common // total) for weight, summed, total in judged)
            return Fraction(numerator, common * sum(weight for weight, _, _ in judged))
        numerator = denominator = 0
        for c_index, weight in enumerate(self.criterion_weights):
            median = lower_median_index(cells[c_index * self.cell : (c_index + 1) * self.cell])
            if median is not None:
                numerator += weight * self.points[median]
                denominator += weight
        if not denominator:
            return None
        # every possible denominator divides ``subset_lcm``: a whole number with the same order
        return numerator * (self.subset_lcm // denominator)

    def _merged(self, cells: list[int]) -> list[int]:
        """The bidder's merged distribution as whole numbers: each judged criterion scaled so that it
        carries exactly its weight share (see ``bidder_result``)."""
        size = self.cell
        distributions = [cells[i * size : (i + 1) * size] for i in range(len(self.criteria))]
        totals = list(map(sum, distributions))
        judged = [total for total in totals if total]
        if not judged:
            return [0] * size
        if min(judged) == max(judged):  # the same judged weight on every criterion: no rescaling needed
            factors = [weight if total else 0 for weight, total in zip(self.criterion_weights, totals, strict=True)]
        else:
            common = math.prod(judged)
            factors = [
                weight * (common // total) if total else 0
                for weight, total in zip(self.criterion_weights, totals, strict=True)
            ]
        merged = [sum(map(operator.mul, factors, column)) for column in zip(*distributions, strict=True)]
        divisor = math.gcd(*merged)  # smaller numbers, same shares
        return [amount // divisor for amount in merged]


def _competition_ranks(keys: Sequence[tuple[object, ...]]) -> list[int]:
    """Competition ranks (1, 1, 3) for sort keys, higher key first."""
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
    ranks = [0] * len(keys)
    for position, index in enumerate(order):
        previous = order[position - 1]
        ranks[index] = ranks[previous] if position and keys[previous] == keys[index] else position + 1
    return ranks
