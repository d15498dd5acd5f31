"""How sure is the winner? A bootstrap over attendees, and a verdict for the advice report.

The bootstrap draws, with replacement, as many ballots (all cards of one attendee together) as there
were, recounts under the chosen method, and repeats. It only estimates chances, yet every resample is
ranked exactly as the tally would rank those ballots, so ties are real ties:

- group weights are turned into whole numbers; each resample's sums (per bidder, criterion and value)
  are computed for all resamples at once as one matrix product of the draw counts and the per-ballot
  contributions, in float64 — exact, because every number stays a whole number below 2^53 (else the
  big-integer recount of :mod:`resample` is used);
- the median is then ranked in whole numbers; the mean and majority judgment are ranked with floats,
  which only estimate chances, so a comparison is trusted only when the two scores differ by far more
  than float rounding could; pairs closer than that are tied when their sums are equal, and otherwise
  that resample is recounted exactly (:meth:`resample.Layout.ranks`), which happens rarely.

numpy does the counting: it is what makes 2,000 resamples of 1,000 ballots fast enough for the report.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from app.domain.scoring.aggregation import Method
from app.domain.scoring.cards import (
    Bidder,
    Card,
    Criterion,
    ballots_in_canonical_order,
    check_cards,
    check_setup,
)
from app.domain.scoring.resample import Layout, Packing
from app.domain.scoring.scale import Scale

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
    check_setup(criteria, bidders)
    check_cards(scale, criteria, bidders, all_cards)
    ballots = ballots_in_canonical_order(all_cards, criteria, bidders)
    layout = Layout(scale, criteria, bidders, ballots, method)
    # the exact recount of all ballots ranks exactly as the tally does (tested), without the tally's cost
    exact_rank = dict(zip((b.key for b in bidders), layout.ranks(layout.total()), strict=True))
    firsts = [bidder.key for bidder in bidders if exact_rank[bidder.key] == 1]
    if not ballots or resamples <= 0:
        empty = tuple(BidderRobustness(b.key, exact_rank[b.key], Fraction(0), 0, 0) for b in bidders)
        return Robustness(method, 0, threshold, None, Verdict.TOO_CLOSE, empty)

    ranks = resample_ranks(layout, ballots, rng, resamples)
    winners = ranks == 1
    ways = winners.sum(axis=1)  # how many bidders share first place in each resample
    sorted_ranks = np.sort(ranks, axis=0)
    low, high = _nearest_rank(5, resamples), _nearest_rank(95, resamples)
    results = []
    for index, bidder in enumerate(bidders):
        shared = Counter(ways[winners[:, index]].tolist())
        results.append(
            BidderRobustness(
                bidder=bidder.key,
                rank=exact_rank[bidder.key],
                first_share=sum((Fraction(times, k) for k, times in shared.items()), Fraction(0)) / resamples,
                rank_low=int(sorted_ranks[low, index]),
                rank_high=int(sorted_ranks[high, index]),
            )
        )
    leader = firsts[0] if len(firsts) == 1 else None
    verdict = Verdict.TOO_CLOSE
    if leader is not None and results[[b.key for b in bidders].index(leader)].first_share >= threshold:
        verdict = Verdict.CLEAR_WINNER
    return Robustness(method, resamples, threshold, leader, verdict, tuple(results))


def resample_ranks(
    layout: Layout, ballots: Sequence[tuple[Card, ...]], rng: random.Random, resamples: int
) -> NDArray[np.int64]:
    """The competition ranks of every bidder (columns, in bidder order) in every resample (rows).

    Resample ``r`` draws ``len(ballots)`` indices ``x·n >> 32`` from the next ``4·n`` bytes of
    ``rng.randbytes`` (32-bit little-endian ``x``), whatever path counts it.
    """
    count = len(ballots)
    ranks = np.empty((resamples, layout.bidder_count), dtype=np.int64)
    if layout.bound >= 1 << 53:  # fields too large for exact float64 sums: big integers, one by one
        packing = Packing(layout, ballots)
        for row in range(resamples):
            drawn = np.bincount(_draws(rng, count, 1), minlength=count).tolist()
            total = sum(times * packing.packed[index] for index, times in enumerate(drawn) if times)
            ranks[row] = layout.ranks(packing.fields(total))
        return ranks
    # whole numbers below 2^24 (float32) or 2^53 (float64) throughout: the BLAS product is exact in any order
    exact_float = np.dtype(np.float32 if layout.bound < 1 << 24 else np.float64)
    contributions = np.bincount(
        layout.numbers * layout.field_count + layout.at,
        weights=layout.amounts.astype(np.float64),
        minlength=count * layout.field_count,
    ).reshape(count, layout.field_count).astype(exact_float)
    block = max(1, _BLOCK_CELLS // max(count, layout.field_count, layout.bidder_count**2))
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        drawn = np.bincount(
            _draws(rng, count, size) + np.repeat(np.arange(size, dtype=np.uint64) * np.uint64(count), count),
            minlength=size * count,
        ).reshape(size, count)
        fields = (drawn.astype(exact_float) @ contributions).astype(np.int64)
        ranks[start : start + size] = _ranks(layout, fields)
    return ranks


_BLOCK_CELLS = 1 << 22  # resamples per block × the widest per-resample row: about 32 MB per array
_TOLERANCE = 1e-9  # far above float64 rounding here (about 1e-15), far below real differences


def _draws(rng: random.Random, count: int, resamples: int) -> NDArray[np.uint64]:
    """``resamples × count`` ballot indices, resample after resample (see :func:`resample_ranks`).

    ``x·n >> 32`` is within a 1/4,000 relative bias of uniform for fewer than a million ballots, which
    does not matter for estimating chances; it is kept because it is the draw reports have always used.
    """
    raw = np.frombuffer(rng.randbytes(4 * count * resamples), dtype="<u4").astype(np.uint64)
    return (raw * np.uint64(count)) >> np.uint64(32)


def _ranks(layout: Layout, fields: NDArray[np.int64]) -> NDArray[np.int64]:
    """Competition ranks for a block of resamples' fields.

    A bidder's rank is 1 + the number of bidders that beat it. For each pair the float comparison is
    trusted only when the scores differ by more than :data:`_TOLERANCE`; closer pairs are tied exactly
    when their fields are equal, and otherwise the whole resample is recounted exactly
    (:meth:`Layout.ranks`). The median needs no floats at all.
    """
    size, bidders = len(fields), layout.bidder_count
    per_bidder = fields.reshape(size, bidders, -1)
    cells = fields.reshape(size, bidders, len(layout.criteria), layout.cell)
    weights = np.array(layout.criterion_weights, dtype=np.int64)
    unsure = np.zeros(size, dtype=bool)
    if layout.method is Method.MEAN:
        beats, near, judged = _mean_pairs(cells, weights)
    elif layout.method is Method.MEDIAN:
        beats, near, judged = _median_pairs(cells, weights, np.array(layout.points, dtype=np.int64))
    else:
        beats, near, judged, unsure = _majority_pairs(cells, weights)
    both = judged[:, :, None] & judged[:, None, :]
    near &= both & np.triu(np.ones((bidders, bidders), dtype=bool), 1)
    rows, first, second = np.nonzero(near)
    if rows.size:
        same = (per_bidder[rows, first] == per_bidder[rows, second]).all(axis=1)
        unsure[rows[~same]] = True
    beats = judged[:, :, None] & (~judged[:, None, :] | beats)
    ranks: NDArray[np.int64] = 1 + beats.sum(axis=1, dtype=np.int64)
    for row in np.nonzero(unsure)[0].tolist():
        ranks[row] = layout.ranks(fields[row].tolist())
    return ranks


Pairs = tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]


def _mean_pairs(cells: NDArray[np.int64], weights: NDArray[np.int64]) -> Pairs:
    """``beats[r, j, i]``: bidder j's mean beats i's (both judged); ``near``: too close to tell by floats;
    ``judged[r, b]``: somebody judged bidder b."""
    summed, judged_weight = cells[..., 0], cells[..., 1]
    judged_criterion = judged_weight > 0
    means = np.divide(summed, judged_weight, out=np.zeros(summed.shape), where=judged_criterion)
    weight_sum = (judged_criterion * weights).sum(axis=-1)
    judged = weight_sum > 0
    score = np.divide((means * weights).sum(axis=-1), weight_sum, out=np.zeros(judged.shape), where=judged)
    difference = score[:, :, None] - score[:, None, :]
    # scores are ≥ 0 (lifted points): the rounding error is relative
    tolerance = _TOLERANCE * np.maximum(score[:, :, None], score[:, None, :])
    return difference > tolerance, np.abs(difference) <= tolerance, judged


def _median_pairs(cells: NDArray[np.int64], weights: NDArray[np.int64], points: NDArray[np.int64]) -> Pairs:
    """As :func:`_mean_pairs`, for the median score — exactly, in whole numbers (``near`` is empty)."""
    cumulative = np.cumsum(cells, axis=-1)
    total = cumulative[..., -1]
    median = (cumulative < ((total + 1) // 2)[..., None]).sum(axis=-1)  # lower weighted median index
    judged_criterion = total > 0
    numerator = (judged_criterion * weights * points[np.minimum(median, len(points) - 1)]).sum(axis=-1)
    denominator = (judged_criterion * weights).sum(axis=-1)
    beats = numerator[:, :, None] * denominator[:, None, :] > numerator[:, None, :] * denominator[:, :, None]
    return beats, np.zeros_like(beats), denominator > 0


def _majority_pairs(
    cells: NDArray[np.int64], weights: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """As :func:`_mean_pairs`, for majority judgment, plus ``unsure[r]``: a resample to recount exactly.

    Of :func:`majority_key` only the start (the majority grade) and the first change walking outward
    are computed, on the merged cumulative shares ``C``: a drop at depth ½ − C(below the grade) or a rise
    at depth C(grade) − ½, whichever comes first, or none. A resample where some ``C`` lies within the
    tolerance of ½ (the grade itself is in doubt), or a bidder's drop and rise come at about the same
    depth, is recounted exactly; so is one where two bidders with the same grade have about the same
    first change and different fields — unless neither has any change (both unanimous).
    """
    cumulative = np.cumsum(cells, axis=-1)
    totals = cumulative[..., -1]
    judged_criterion = totals > 0
    weight_sum = (judged_criterion * weights).sum(axis=-1)
    judged = weight_sum > 0
    per_criterion = np.divide(
        cumulative * weights[:, None].astype(np.float64),
        totals[..., None],
        out=np.zeros(cumulative.shape),
        where=judged_criterion[..., None],
    )
    shares = np.divide(
        per_criterion.sum(axis=2), weight_sum[..., None], out=np.zeros(per_criterion.shape[:2] + cumulative.shape[-1:]),
        where=judged[..., None],
    )
    unsure = (judged & (np.abs(shares - 0.5) <= _TOLERANCE).any(axis=-1)).any(axis=-1)
    top = cumulative.shape[-1] - 1
    grade = np.minimum((shares <= 0.5).sum(axis=-1), top)  # first position with C > ½
    merged = cumulative.sum(axis=2)  # > 0 exactly where some weight lies at or below a position
    below = np.take_along_axis(merged, np.maximum(grade - 1, 0)[..., None], -1)[..., 0]
    at = np.take_along_axis(merged, grade[..., None], -1)[..., 0]
    has_drop = (grade > 0) & (below > 0)
    has_rise = at < merged[..., -1]
    share_below = np.take_along_axis(shares, np.maximum(grade - 1, 0)[..., None], -1)[..., 0]
    share_at = np.take_along_axis(shares, grade[..., None], -1)[..., 0]
    drop_depth, rise_depth = 0.5 - share_below, share_at - 0.5
    unsure |= (judged & has_drop & has_rise & (np.abs(drop_depth - rise_depth) <= _TOLERANCE)).any(axis=-1)
    # first change as one number: a drop in (0, ½), later is better; none = 1; a rise in (1½, 2), sooner is better
    drop_first = has_drop & (~has_rise | (drop_depth < rise_depth))
    change = np.where(drop_first, drop_depth, np.where(has_rise, 2 - rise_depth, 1.0))
    same_grade = grade[:, :, None] == grade[:, None, :]
    difference = change[:, :, None] - change[:, None, :]
    beats = (grade[:, :, None] > grade[:, None, :]) | (same_grade & (difference > _TOLERANCE))
    unanimous = ~has_drop & ~has_rise
    near = same_grade & (np.abs(difference) <= _TOLERANCE) & ~(unanimous[:, :, None] & unanimous[:, None, :])
    return beats, near, judged, unsure


def _nearest_rank(percent: int, count: int) -> int:
    """0-based index of the ``percent``-th percentile among ``count`` sorted values (nearest rank)."""
    return max(-(-percent * count // 100) - 1, 0)
