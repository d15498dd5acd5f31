"""The float pass of one MES run: rounds decided for every live project at once with numpy.

Voters are kept in classes (same payments so far): ``money`` and ``slope`` per class, ``group_class`` per
merged ballot. A round prices every affordable project at once over the flat table of (project,
supporter group) pairs (``Prepared.support_table``): the price ``rho`` of a project solves
``sum_i min(money_i, rho * w_i) = cost``, whose left side is concave, increasing and piecewise linear
in ``rho``. Newton's method from ``rho = cost / weight`` (where the left side is at most the cost)
never passes the solution: the line through the current piece lies above the curve. Each step marks
the supporters who cannot pay the current price in full as *poor* (that set only grows) and solves the
line ``money of the poor + rho * weight of the others = cost``; when no supporter becomes poor the
price is exact for that set, which is then the set of supporters with ``money < rho * w``, as the
sorted walk of ``ExactRun.price`` finds it.
"""

from __future__ import annotations

import numpy as np

from app.domain.budget.equal_shares.prepared import MesRun, Prepared
from app.domain.budget.equal_shares.rounds import TOLERANCE, Real, Round, decided_run

_NEWTON_STEPS = 64
"""More steps than any real file needs (a few); a project still moving after them reruns exactly."""


class FloatRun:
    """One run in floats. ``close`` records whether any decision was within a relative ``1e-9`` of a tie
    (the caller then reruns in fractions); ``stable_for`` is shrunk by a relative ``1e-6`` (``safe``).

    ``replay.replay`` may first fill it with the rounds of the previous run that stand (then
    ``finished`` tells whether all did); deciding starts after them. ``classes``: room to reserve for
    voter classes (they grow as needed)."""

    def __init__(self, prep: Prepared, b: int, classes: int = 1) -> None:
        self.prep = prep
        self.b = b
        self.close = False
        self.finished = False
        self.alive = set(range(len(prep.ids)))
        self.winners: list[int] = []
        self.rounds: list[Round] = []
        capacity = max(classes, 2 * len(prep.ballots) + 1)
        self.m = np.zeros(capacity)
        self.s = np.zeros(capacity)
        self.m[0], self.s[0] = b, 1.0
        self.classes = 1
        self.group_class = np.zeros(len(prep.ballots), dtype=np.int64)

    def take_over(self, past: Round) -> None:
        """Start deciding at ``past``'s round, with the money the replay computed up to it."""
        self.group_class = past.group_class.copy()
        self.classes = past.classes

    def result(self) -> MesRun:
        if not self.finished:
            self._decide()
        return decided_run(self.prep, self.b, self.winners, self.rounds)

    def _decide(self) -> None:
        """Decide the remaining rounds, each for all live projects at once (module docstring)."""
        prep = self.prep
        n = len(prep.ids)
        costs = prep.cost_array
        projects, groups, weights, voters = prep.support_table
        alive = np.zeros(n, dtype=bool)
        alive[list(self.alive)] = True
        while True:
            live = alive[projects]
            projects, groups, weights, voters = projects[live], groups[live], weights[live], voters[live]
            classes = self.group_class[groups]
            money = self.m[classes]
            slope = self.s[classes]
            held = money * voters
            total_money = np.bincount(projects, held, minlength=n)
            total_slope = np.bincount(projects, slope * voters, minlength=n)
            candidates = np.flatnonzero(alive)
            shortfall = costs[candidates] - total_money[candidates]
            if (np.abs(shortfall) <= TOLERANCE * costs[candidates]).any():
                self.close = True
            short = shortfall > 0
            dropped = candidates[short]
            limits: list[tuple[int, Real]] = []
            slopes = total_slope[dropped]
            with_slope = slopes > 0
            distances = shortfall[short][with_slope] / slopes[with_slope]
            limits.extend(zip(dropped[with_slope].tolist(), distances.tolist(), strict=True))
            alive[dropped] = False
            snapshot = self.group_class.copy(), self.classes
            affordable = candidates[~short]
            if not len(affordable):
                self.alive.difference_update(dropped.tolist())
                self.rounds.append(Round(None, tuple(dropped.tolist()), tuple(limits), *snapshot, (), None, False))
                return
            live = alive[projects]
            priced = _Priced(self, projects[live], weights[live], voters[live], money[live], slope[live], n)
            factor = np.where(priced.plain, 1 / priced.rich_weight, priced.rho / costs)[affordable]
            best_at = int(factor.argmin())  # the first of equal minima: the smallest id
            chosen, best_factor = int(affordable[best_at]), float(factor[best_at])
            best_plain = bool(priced.plain[chosen])
            others = np.ones(len(affordable), dtype=bool)
            others[best_at] = False
            near = (factor - best_factor <= TOLERANCE * best_factor) & ~(priced.plain[affordable] & best_plain)
            if (near & others).any():
                self.close = True
            drift = priced.poor_slope[affordable] / (priced.rich_weight[affordable] * costs[affordable])
            moving = others & (drift > 0)
            limits.extend(
                zip(affordable[moving].tolist(), ((factor[moving] - best_factor) / drift[moving]).tolist(), strict=True)
            )
            rho = float(priced.rho[chosen])
            slope_step = float(priced.poor_slope[chosen] / priced.rich_weight[chosen])
            splits = self.fund(chosen, rho, slope_step)
            alive[chosen] = False
            self.alive.difference_update(dropped.tolist())
            self.alive.discard(chosen)
            self.winners.append(chosen)
            self.rounds.append(
                Round(chosen, tuple(dropped.tolist()), tuple(limits), *snapshot, splits, best_factor, best_plain)
            )

    def fund(self, chosen: int, rho: float, slope_step: float) -> tuple[tuple[int, int], ...]:
        """Charge the supporters of ``chosen``: each (class, weight) bucket becomes a new class.

        :returns: the buckets, in the order of their new classes."""
        prep = self.prep
        groups, weights, _ = prep.supporter_arrays[chosen]
        span = prep.weight_span
        packed, where = np.unique(self.group_class[groups] * span + weights, return_inverse=True)
        old, split_weights = packed // span, packed % span
        pay = rho * split_weights
        old_money = self.m[old]
        if (np.abs(old_money - pay) <= TOLERANCE * pay).any():
            self.close = True
        first, count = self.classes, len(packed)
        self._reserve(first + count)
        self.m[first : first + count] = np.where(old_money < pay, 0.0, old_money - pay)
        self.s[first : first + count] = self.s[old] + split_weights * slope_step
        self.group_class[groups] = first + where
        self.classes = first + count
        return tuple(zip(old.tolist(), split_weights.tolist(), strict=True))

    def _reserve(self, size: int) -> None:
        if size > len(self.m):
            grown = max(size, 2 * len(self.m))
            self.m = np.concatenate([self.m, np.zeros(grown - len(self.m))])
            self.s = np.concatenate([self.s, np.zeros(grown - len(self.s))])


class _Priced:
    """Every affordable project priced at once (module docstring): per project ``rho``, the weight of
    the supporters who pay it in full, the slope sum of the poor ones and whether they are *plain* (have
    nothing left, see ``ExactRun.price``). Arrays over all projects; only the affordable ones count.

    Near ties set ``run.close``: a supporter whose money per unit of weight is within a relative ``1e-9``
    (of the cost, as ``ExactRun.price`` compares) of the price, a project whose supporters would all be
    poor, or one still moving after ``_NEWTON_STEPS``."""

    def __init__(
        self,
        run: FloatRun,
        projects: np.ndarray,
        weights: np.ndarray,
        voters: np.ndarray,
        money: np.ndarray,
        slope: np.ndarray,
        n: int,
    ) -> None:
        costs, totals = run.prep.cost_array, run.prep.weight_total_array
        rho = costs / totals
        rich_weight = totals
        poor = np.zeros(len(projects), dtype=bool)
        count = 0
        for _ in range(_NEWTON_STEPS):
            poor |= money < rho[projects] * weights
            now = int(np.count_nonzero(poor))
            if now == count:
                break
            count = now
            rich_weight = totals - np.bincount(projects[poor], (weights * voters)[poor], minlength=n)
            paid = np.bincount(projects[poor], (money * voters)[poor], minlength=n)
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = np.where(rich_weight > 0, (costs - paid) / rich_weight, costs)
        else:
            run.close = True
        if (rich_weight <= 0).any():
            run.close = True  # only reachable through float rounding: the exact rerun decides
            rich_weight = np.where(rich_weight > 0, rich_weight, 1.0)
        gap = (money - rho[projects] * weights) * rich_weight[projects]
        if (np.abs(gap) <= TOLERANCE * costs[projects] * weights).any():
            run.close = True
        self.rho = rho
        self.rich_weight = rich_weight
        self.poor_slope = np.bincount(projects[poor], (slope * voters)[poor], minlength=n)
        self.plain = np.bincount(projects[poor & (money > 0)], minlength=n) == 0
