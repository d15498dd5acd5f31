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
        multiplier = math.lcm(*(card.group_weight.denominator for ballot in ballots for card in ballot))
        self.weight_of = {
            weight: int(weight * multiplier) for weight in {card.group_weight for ballot in ballots for card in ballot}
        }
        largest = max(self.weight_of.values(), default=0)
        #: no field of any resample of ``len(ballots)`` draws exceeds this
        self.bound = len(ballots) * largest * max(self.lifted[-1], 1)

    def entries(self, ballots: Sequence[tuple[Card, ...]]) -> list[tuple[int, int, int]]:
        """Every non-zero contribution as ``(ballot index, field, amount)``."""
        found = []
        criteria, cell, mean = self.criteria, self.cell, self.method is Method.MEAN
        for number, ballot in enumerate(ballots):
            for card in ballot:
                weight = self.weight_of[card.group_weight]
                first = self.bidder_index[card.bidder] * len(criteria)
                for c_index, criterion in enumerate(criteria):
                    value = card.scores[criterion.key]
                    if value is None:
                        continue
                    base = (first + c_index) * cell
                    if mean:
                        lifted = self.lifted[value - self.minimum]
                        if lifted:
                            found.append((number, base, weight * lifted))
                        found.append((number, base + 1, weight))
                    else:
                        found.append((number, base + value - self.minimum, weight))
        return found

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
        for number, field, amount in layout.entries(ballots):
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
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)  # type: ignore[arg-type]
    ranks = [0] * len(keys)
    for position, index in enumerate(order):
        previous = order[position - 1]
        ranks[index] = ranks[previous] if position and keys[previous] == keys[index] else position + 1
    return ranks
