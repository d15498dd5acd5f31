"""Weighted statistics of one distribution: mean, lower weighted median and majority-judgment order.

A distribution is a sequence of weights indexed by position on the scale, worst first (index 0 is the
lowest value). Weights are exact: ``Fraction`` values in the tally, whole numbers in the bootstrap.
"""

from __future__ import annotations

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
    cumulative = 0
    for index, weight in enumerate(weights):
        cumulative += weight
        if weight > 0 and 2 * cumulative >= total:
            return index
    raise AssertionError("unreachable: cumulative weight reaches the total")  # pragma: no cover


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


def _sides(weights: Sequence[int], scale_by: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Two step functions of the depth from the middle, for weights multiplied by ``2 * scale_by``:

    - lower side: the grade found at depth ``t`` below the middle, going down as ``t`` grows;
    - upper side: the grade found at depth ``t`` above the middle, going up as ``t`` grows.

    Each is a list of ``(depth where this grade starts, grade index)``, the first at depth 0. Scaling
    both bidders to the same total turns shares into whole numbers, so the comparison stays exact.
    """
    scaled = [2 * scale_by * weight for weight in weights]
    half = sum(scaled) // 2
    lower: list[tuple[int, int]] = []
    upper: list[tuple[int, int]] = []
    cumulative = list(itertools.accumulate(scaled))
    for index in range(len(scaled) - 1, -1, -1):
        # on the lower side a grade occupies the positions [cumulative - weight, cumulative)
        if scaled[index] > 0 and cumulative[index] - scaled[index] < half:
            lower.append((max(half - cumulative[index], 0), index))
    for index in range(len(scaled)):
        # on the upper side it occupies (cumulative - weight, cumulative]
        if scaled[index] > 0 and cumulative[index] > half:
            upper.append((max(cumulative[index] - scaled[index] - half, 0), index))
    return lower, upper


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
    first_total, second_total = sum(first), sum(second)
    if first_total <= 0 or second_total <= 0:
        return (first_total > 0) - (second_total > 0)
    first_lower, first_upper = _sides(first, second_total)
    second_lower, second_upper = _sides(second, first_total)
    depths = sorted({depth for depth, _ in first_lower + first_upper + second_lower + second_upper})
    for depth in depths:
        for first_side, second_side in ((first_lower, second_lower), (first_upper, second_upper)):
            a, b = _grade_after(first_side, depth), _grade_after(second_side, depth)
            if a != b:
                return 1 if a > b else -1
    return 0


def _grade_after(steps: list[tuple[int, int]], depth: int) -> int:
    """The grade just past ``depth``: the last step starting at or before it."""
    grade = steps[0][1]
    for start, step_grade in steps:
        if start > depth:
            break
        grade = step_grade
    return grade
