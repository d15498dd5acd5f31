"""Weighted statistics of one distribution: mean, lower weighted median and majority-judgment order.

A distribution is a sequence of weights indexed by position on the scale, worst first (index 0 is the
lowest value). Weights are exact: ``Fraction`` values in the tally, whole numbers in the bootstrap.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction


def weighted_mean(weights: Sequence[Fraction], points: Sequence[Fraction]) -> Fraction | None:
    """Σ weight × points / Σ weight, exactly; ``None`` when nobody judged (never zero)."""
    total = sum(weights, Fraction(0))
    if total == 0:
        return None
    return sum((w * p for w, p in zip(weights, points, strict=True)), Fraction(0)) / total


def lower_median_index(weights: Sequence[int]) -> int | None:
    """The lower weighted median: the lowest position whose cumulative weight reaches half the total.

    With all weights 1 this is the middle value for an odd count and the lower of the two middle values
    for an even count (``statistics.median_low``), which is also Balinski & Laraki's majority grade
    ("the lower middlemost grade"). ``None`` when the total weight is zero. Whole-number weights: use
    :func:`integer_weights` for fractions.
    """
    total = sum(weights)
    if total <= 0:
        return None
    # the first position whose running total reaches half (rounded up: whole-number weights)
    return bisect.bisect_left(list(itertools.accumulate(weights)), (total + 1) // 2)


def majority_value_sequence(counts: Mapping[int, int]) -> tuple[int, ...]:
    """Balinski & Laraki's majority value for unit-weight voters: take the lower median grade, remove
    one voter with that grade, and repeat until nobody is left. Grades are ints, higher is better.

    Only used to show, in tests and the method document, that :func:`compare_majority` agrees with the
    book when every voter weighs 1.
    """
    remaining = sorted(grade for grade, count in counts.items() for _ in range(count))
    sequence: list[int] = []
    while remaining:
        sequence.append(remaining.pop((len(remaining) - 1) // 2))
    return tuple(sequence)


def integer_weights(weights: Sequence[Fraction]) -> list[int]:
    """The same proportions as whole numbers (multiplied by the common denominator)."""
    denominator = math.lcm(*(weight.denominator for weight in weights)) if weights else 1
    return [int(weight * denominator) for weight in weights]


MajorityKey = tuple[tuple[int, ...], ...]


def majority_key(weights: Sequence[int], unit: int) -> MajorityKey:
    """A sort key for majority judgment (higher key = ranked higher); see :func:`compare_majority`.

    :param weights: whole-number weights per scale position, worst first.
    :param unit: a common multiple of the totals of every distribution that will be compared (e.g. their
        ``math.lcm``), so that depths of different bidders are whole numbers on one ruler.

    The key is the starting state ``(lower-side grade, upper-side grade)`` at the middle, followed by the
    changes met walking outward, in order of depth: ``(0, depth, new grade)`` when the lower side drops
    (meeting that later is better), ``(1, -depth, new grade)`` when the upper side rises (sooner is better;
    any rise beats any drop, because the state that rises first is ahead). At equal depth a drop is listed
    before a rise, since the lower side is compared first. ``(0, 2 * unit, 0)`` ends the key: "no more
    drops" beats a later drop and loses to a rise. A distribution nobody filled in gets the empty key.
    """
    total = sum(weights)
    if total <= 0:
        return ()
    if unit % total:
        raise ValueError("unit must be a multiple of the total weight")
    stretch = 2 * unit // total  # the whole line is 2 * unit long on the common ruler, its middle at unit
    cumulative = list(itertools.accumulate(weights))
    lower_start = bisect.bisect_left(cumulative, (total + 1) // 2)  # majority grade: cumulative ≥ half
    upper_start = bisect.bisect_right(cumulative, total // 2)  # first grade with cumulative > half
    # a grade below the majority grade is reached on the lower side at depth  middle − its cumulative;
    # a grade above the upper start is reached on the upper side at depth  (cumulative before it) − middle
    above = range(upper_start + 1, len(weights))
    events = sorted(
        [(unit - cumulative[i] * stretch, 0, i) for i in range(lower_start) if weights[i]]
        + [(cumulative[i - 1] * stretch - unit, 1, i) for i in above if weights[i]]
    )
    return (
        (lower_start, upper_start),
        *((0, depth, grade) if kind == 0 else (1, -depth, grade) for depth, kind, grade in events),
        (0, 2 * unit, 0),
    )


def compare_majority(first: Sequence[int], second: Sequence[int]) -> int:
    """Majority-judgment comparison of two distributions given as whole-number weights per scale
    position (worst first): 1 if ``first`` ranks higher, -1 if lower, 0 if tied all the way. A
    distribution with zero total weight ranks below any other. Use :func:`integer_weights` for fractions.

    Rule (a proportional generalisation of Balinski & Laraki's majority value): line up each bidder's
    grades from worst to best, each taking room equal to its share of the weight. Walk outward from the
    middle on both sides at the same pace. At each depth look at the grade just below the middle (lower
    side) and the grade just above it (upper side). The first depth at which the two bidders differ
    decides: a higher lower-side grade wins; if the lower sides agree there, a higher upper-side grade
    wins. Right at the middle the lower side is the majority grade, so the majority grade decides first.

    With every weight 1 and the same number of voters this is exactly the book's rule "remove one
    majority grade and compare the next majority grade" (the book's sequence alternates lower and upper
    side moving outward); the tests check this against :func:`majority_value_sequence`. Because only
    shares matter, multiplying every weight by the same number changes nothing.
    """
    unit = math.lcm(max(sum(first), 1), max(sum(second), 1))
    a, b = majority_key(first, unit), majority_key(second, unit)
    return (a > b) - (a < b)
