"""Prices of many projects at once, from their supporters' money, in floats.

The price ``rho`` of a project solves ``sum_i min(money_i, rho * w_i) = cost``, whose left side is
concave, increasing and piecewise linear in ``rho``. Newton's method from ``rho = cost / weight`` (where
the left side is at most the cost) never passes the solution: the line through the current piece lies
above the curve. Each step marks the supporters who cannot pay the current price in full as *poor* (that
set only grows) and solves the line ``money of the poor + rho * weight of the others = cost``; when no
supporter becomes poor the price is exact for that set, which is then the set of supporters with ``money
< rho * w``, as the sorted walk of ``ExactRun.price`` finds it.
"""

from __future__ import annotations

import numpy as np

from app.domain.budget.equal_shares.rounds import TOLERANCE

_NEWTON_STEPS = 64
"""More steps than any real file needs (a few); a project still moving after them reruns exactly."""


_SMALL = 4096
"""Below this many elements ``np.bincount`` is the faster (fewer calls)."""


def segment_sums(segments: np.ndarray, n: int, *values: np.ndarray) -> list[np.ndarray]:
    """Each of ``values`` summed per segment ``0 .. n - 1``, for ``segments`` in ascending order: what
    ``np.bincount(segments, value, minlength=n)`` gives (up to rounding), but on large tables with
    ``np.add.reduceat``, about ten times faster there."""
    if len(segments) < _SMALL:
        return [np.bincount(segments, value, minlength=n) for value in values]
    bounds = np.searchsorted(segments, np.arange(n + 1))
    present = bounds[:-1] < bounds[1:]
    starts = bounds[:-1][present]
    sums = []
    for value in values:
        total = np.zeros(n)
        if len(starts):
            total[present] = np.add.reduceat(value, starts)
        sums.append(total)
    return sums


class Prices:
    """Projects ``0 .. len(costs) - 1`` priced at once (module docstring) from their supporters, one
    element per (project, supporter) pair: ``segments`` (the project, in ascending order), ``weights``,
    ``voters`` (how many voters the element stands for), ``money`` and ``slope`` (per voter). A project
    without elements (not to be priced) gets a meaningless price.

    Per project: ``rho``, ``rich_weight`` (the weight of the supporters who pay ``rho`` in full),
    ``poor_slope`` (the slope sum of the others), ``plain`` (the others have nothing left, see
    ``ExactRun.price``) and ``factor`` (``rho / cost``, or exactly ``1 / rich_weight`` when plain).

    ``close`` is set by a near tie: a supporter whose money per unit of weight is within a relative
    ``1e-9`` (of the cost, as ``ExactRun.price`` compares) of the price, a project whose supporters would
    all be poor, or one still moving after ``_NEWTON_STEPS``.

    ``below``: prices known to be at most the solution, to start from (within a run a project's price
    only rises: its supporters' money only falls, so last round's prices are such a start, and most
    projects are done in one step). ``cost / weight`` is one too; the start is the larger, so that when
    nobody is poor there the price is ``cost / weight``, consistent with that empty set."""

    def __init__(
        self,
        segments: np.ndarray,
        weights: np.ndarray,
        voters: np.ndarray,
        money: np.ndarray,
        slope: np.ndarray,
        costs: np.ndarray,
        totals: np.ndarray,
        below: np.ndarray | None = None,
    ) -> None:
        n = len(costs)
        self.close = False
        rho = costs / totals if below is None else np.maximum(below, costs / totals)
        rich_weight = totals.copy()
        paid = np.zeros(n)
        poor_slope = np.zeros(n)
        ratio = money / weights  # a supporter is poor when ratio < rho
        poor = np.zeros(len(segments), dtype=bool)
        for _ in range(_NEWTON_STEPS):
            newly = np.flatnonzero(~poor & (ratio < rho[segments]))
            if not len(newly):
                break
            poor[newly] = True
            voting = voters[newly]
            lost, held, sloped = segment_sums(
                segments[newly], n, weights[newly] * voting, money[newly] * voting, slope[newly] * voting
            )
            rich_weight -= lost
            paid += held
            poor_slope += sloped
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = np.where(rich_weight > 0, (costs - paid) / rich_weight, costs)
        else:
            self.close = True
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(rich_weight > 0, (costs - paid) / rich_weight, costs)  # from ``below`` too
        if (rich_weight <= 0).any():
            self.close = True  # only reachable through float rounding: the exact rerun decides
            rich_weight = np.where(rich_weight > 0, rich_weight, 1.0)
        # |money - rho * w| * rich weight <= 1e-9 * cost * w, divided by w
        if (np.abs(ratio - rho[segments]) <= (TOLERANCE * costs / rich_weight)[segments]).any():
            self.close = True
        self.rho = rho
        self.rich_weight = rich_weight
        self.poor_slope = poor_slope
        self.plain = paid == 0  # a sum of what the poor have: zero exactly when each has nothing
        self.factor = np.where(self.plain, 1 / rich_weight, rho / costs)
