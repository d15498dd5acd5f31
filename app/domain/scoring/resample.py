"""The exact recount of one bootstrap resample, from its summed per-ballot contributions.

A resample is summed into *fields*: for the mean, per bidder and criterion the weighted sum of points
(above the lowest value) and the weight; for the median and majority judgment, per bidder, criterion and
scale value the weight. Group weights are scaled to whole numbers, so every field is a whole number and
the recount here is exact (a test checks it against the tally). :mod:`robustness` computes the fields of
all resamples at once with numpy and ranks most of them there; this module ranks the rest, and, when the
fields would not fit in 53 bits, packs each ballot into one big Python integer so that adding the drawn
ballots adds every field at once, in C.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.domain.scoring.aggregation import Method
from app.domain.scoring.cards import Bidder, Card, Criterion
from app.domain.scoring.measures import integer_weights, lower_median_index, majority_key
from app.domain.scoring.scale import Scale, points


class Layout:
    """Where each field sits, the whole-number weights, and the exact ranking of one resample's fields.

    Field ``(bidder * criteria + criterion) * cell + slot``: for the mean slot 0 is Σ weight × lifted
    points and slot 1 is Σ weight (``cell`` = 2); otherwise the slot is the scale position (``cell`` =
    number of values).
    """

    def __init__(
        self,
        scale: Scale,
        criteria: tuple[Criterion, ...],
        bidders: tuple[Bidder, ...],
        ballots: Sequence[tuple[Card, ...]],
        method: Method,
    ) -> None:
        self.method, self.minimum = method, scale.minimum
        self.points = [int(points(scale, value)) for value in scale.values]
        # fields hold no negative numbers: the mean counts points above the lowest value, which shifts
        # every mean score by the same amount and so keeps the order
        self.lifted = [each - self.points[0] for each in self.points]
        self.criterion_weights = integer_weights([c.weight for c in criteria])
        self.criteria, self.bidder_count = criteria, len(bidders)
        self.bidder_index = {bidder.key: index for index, bidder in enumerate(bidders)}
        self.cell = 2 if method is Method.MEAN else len(self.points)
        self.field_count = len(bidders) * len(criteria) * self.cell
        cards = [card for ballot in ballots for card in ballot]
        multiplier = math.lcm(*{card.group_weight.denominator for card in cards})
        #: each card's group weight as a whole number (all multiplied by the same number)
        self.card_weights = [
            card.group_weight.numerator * (multiplier // card.group_weight.denominator) for card in cards
        ]
        #: no field of any resample of ``len(ballots)`` draws exceeds this
        self.bound = len(ballots) * max(self.card_weights, default=0) * max(self.lifted[-1], 1)
        #: every contribution of every ballot: ballot index, field and amount (see :meth:`entries`)
        self.numbers, self.at, self.amounts = self.entries(ballots)

    def entries(self, ballots: Sequence[tuple[Card, ...]]) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[Any]]:
        """Every contribution as arrays of ballot index, field and amount; the amounts are int64 when
        :attr:`bound` is below 2^63, else Python integers (object array)."""
        keys, criteria_count = [criterion.key for criterion in self.criteria], len(self.criteria)
        below = self.minimum - 1  # stands for can't-judge
        numbers = np.repeat(np.arange(len(ballots), dtype=np.int64), [len(ballot) for ballot in ballots])
        owners = np.array([self.bidder_index[card.bidder] for ballot in ballots for card in ballot], dtype=np.int64)
        given = [card.scores[key] for ballot in ballots for card in ballot for key in keys]
        position = np.array([below if value is None else value for value in given], dtype=np.int64)
        position = position.reshape(-1, criteria_count) - self.minimum
        weight = np.array(self.card_weights, dtype=np.int64 if self.bound < 1 << 63 else object)
        base = (owners[:, None] * criteria_count + np.arange(criteria_count)) * self.cell
        card, criterion = np.nonzero(position >= 0)
        position, base, weight = position[card, criterion], base[card, criterion], weight[card]
        if self.method is not Method.MEAN:
            return numbers[card], base + position, weight
        amount = weight * np.array(self.lifted, dtype=np.int64)[position]
        return (
            np.concatenate([numbers[card], numbers[card]]),
            np.concatenate([base, base + 1]),
            np.concatenate([amount, weight]),
        )

    def total(self) -> list[int]:
        """The fields of all ballots, each counted once: the real tally in this layout."""
        if self.bound < 1 << 53:  # whole numbers below 2^53: the float sums are exact
            summed = np.bincount(self.at, weights=self.amounts.astype(np.float64), minlength=self.field_count)
            return [int(each) for each in summed.tolist()]
        fields = [0] * self.field_count
        for field, amount in zip(self.at.tolist(), self.amounts.tolist(), strict=True):
            fields[field] += amount
        return fields

    def ranks(self, fields: Sequence[int]) -> list[int]:
        """Competition ranks (1, 1, 3) of the bidders in one resample, in bidder order."""
        per_bidder = len(self.criteria) * self.cell
        bidders = range(self.bidder_count)
        if self.method is Method.MAJORITY:
            merged = [self._merged(fields[b * per_bidder : (b + 1) * per_bidder]) for b in bidders]
            unit = math.lcm(*(max(sum(each), 1) for each in merged))
            return _competition_ranks([majority_key(each, unit) for each in merged])
        scores = [self._score(fields[b * per_bidder : (b + 1) * per_bidder]) for b in bidders]
        return _competition_ranks([(0,) if score is None else (1, score) for score in scores])

    def _score(self, cells: Sequence[int]) -> Fraction | None:
        """The overall mean score (in points above the lowest value) or median score (in points),
        exactly; ``None`` when nobody judged the bidder."""
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
        return Fraction(numerator, denominator) if denominator else None

    def _merged(self, cells: Sequence[int]) -> list[int]:
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


class Packing:
    """Each ballot's fields packed into one big integer, for weights too large for 53-bit fields.

    Field widths are 16, 32 or 64 bits when the bound allows (unpacked at C speed), else as many bits as
    the bound needs.
    """

    def __init__(self, layout: Layout, ballots: Sequence[tuple[Card, ...]]) -> None:
        self.layout = layout
        bound = layout.bound
        self.width = 16 if bound < 1 << 16 else 32 if bound < 1 << 32 else 64 if bound < 1 << 64 else 0
        self.bits = self.width or bound.bit_length()
        self.packed = [0] * len(ballots)
        columns = (layout.numbers.tolist(), layout.at.tolist(), layout.amounts.tolist())
        for number, field, amount in zip(*columns, strict=True):
            self.packed[number] += amount << (self.bits * field)

    def fields(self, total: int) -> list[int]:
        """Unpack a summed resample into its fields (C-speed for 16/32/64-bit fields)."""
        count = self.layout.field_count
        if self.width:
            size = self.width // 8
            view = memoryview(total.to_bytes(count * size, sys.byteorder))
            cells = view.cast("H") if size == 2 else view.cast("I") if size == 4 else view.cast("Q")
            return list(cells)
        mask = (1 << self.bits) - 1
        return [(total >> (self.bits * index)) & mask for index in range(count)]


def _competition_ranks(keys: Sequence[tuple[object, ...]]) -> list[int]:
    """Competition ranks (1, 1, 3) for sort keys, higher key first."""
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
    ranks = [0] * len(keys)
    for position, index in enumerate(order):
        previous = order[position - 1]
        ranks[index] = ranks[previous] if position and keys[previous] == keys[index] else position + 1
    return ranks
