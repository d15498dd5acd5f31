"""The float pass of one MES run: rounds decided for every live project at once with numpy.

Voters are kept in classes (same payments so far): ``money`` and ``slope`` per class, ``group_class`` per
merged ballot. A round prices every affordable project at once (``pricing.Prices``) over the flat table
of (project, supporter group) pairs (``Prepared.support_table``) and charges the winner's supporters,
each (class, weight) bucket of them becoming a new class.
"""

from __future__ import annotations

import numpy as np

from app.domain.budget.equal_shares.prepared import MesRun, Prepared
from app.domain.budget.equal_shares.pricing import Prices, segment_sums
from app.domain.budget.equal_shares.rounds import TOLERANCE, Round, decided_run, float_bound


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
        capacity = max(classes, 2 * prep.n_groups + 1)
        self.m = np.empty(capacity)  # a class is written when it is made, before it is read
        self.s = np.empty(capacity)
        self.whole = np.empty(capacity, dtype=bool)
        self.m[0], self.s[0], self.whole[0] = b, 1.0, True
        self.classes = 1
        self.group_class = np.zeros(prep.n_groups, dtype=np.int64)

    def take_over(self, past: Round) -> None:
        """Start deciding at ``past``'s round, with the money the replay computed up to it."""
        self.group_class = past.group_class.copy()
        self.classes = past.classes

    def result(self) -> MesRun:
        if not self.finished:
            self._decide()
        return decided_run(self.prep, self.b, self.winners, float_bound(self.rounds))

    def _decide(self) -> None:
        """Decide the remaining rounds, each for all live projects at once (module docstring)."""
        prep = self.prep
        n = len(prep.ids)
        costs = prep.cost_array
        projects, groups, weights, voters = prep.support_table
        alive = np.zeros(n, dtype=bool)
        alive[list(self.alive)] = True
        below = None
        while True:
            live = alive[projects]
            projects, groups, weights, voters = projects[live], groups[live], weights[live], voters[live]
            classes = self.group_class[groups]
            money = self.m[classes]
            slope = self.s[classes]
            (total_money,) = segment_sums(projects, n, money * voters)
            candidates = np.flatnonzero(alive)
            shortfall = costs[candidates] - total_money[candidates]
            near = np.abs(shortfall) <= TOLERANCE * costs[candidates]
            if near.any() and not self.held_exactly(projects, classes, n)[candidates[near]].all():
                self.close = True
            short = shortfall > 0
            dropped = candidates[short]
            slopes = np.zeros(0)
            if len(dropped):
                (total_slope,) = segment_sums(projects, n, slope * voters)
                slopes = total_slope[dropped]
            with_slope = slopes > 0
            limited, distances = [dropped[with_slope]], [shortfall[short][with_slope] / slopes[with_slope]]
            alive[dropped] = False
            snapshot = self.group_class.copy(), self.classes
            affordable = candidates[~short]
            if not len(affordable):
                self.alive.difference_update(dropped.tolist())
                limits = limited[0], distances[0]
                self.rounds.append(Round(None, tuple(dropped.tolist()), limits, *snapshot, (), None, False))
                return
            if len(dropped):
                live = alive[projects]
                projects, groups, weights, voters = projects[live], groups[live], weights[live], voters[live]
                money, slope = money[live], slope[live]
            priced = Prices(projects, weights, voters, money, slope, costs, prep.weight_total_array, below)
            below = priced.rho
            self.close = self.close or priced.close
            factor = priced.factor[affordable]
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
            limited.append(affordable[moving])
            distances.append((factor[moving] - best_factor) / drift[moving])
            limits = np.concatenate(limited), np.concatenate(distances)
            rho = float(priced.rho[chosen])
            slope_step = float(priced.poor_slope[chosen] / priced.rich_weight[chosen])
            splits = self.fund(chosen, rho, slope_step)
            alive[chosen] = False
            self.alive.difference_update(dropped.tolist())
            self.alive.discard(chosen)
            self.winners.append(chosen)
            self.rounds.append(
                Round(chosen, tuple(dropped.tolist()), limits, *snapshot, splits, best_factor, best_plain)
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
        self.whole[first : first + count] = old_money < pay
        self.s[first : first + count] = self.s[old] + split_weights * slope_step
        self.group_class[groups] = first + where
        self.classes = first + count
        return tuple(zip(old.tolist(), split_weights.tolist(), strict=True))

    def _reserve(self, size: int) -> None:
        if size > len(self.m):
            grown = max(size, 2 * len(self.m))
            self.m = np.concatenate([self.m, np.zeros(grown - len(self.m))])
            self.s = np.concatenate([self.s, np.zeros(grown - len(self.s))])
            self.whole = np.concatenate([self.whole, np.zeros(grown - len(self.whole), dtype=bool)])

    def held_exactly(self, segments: np.ndarray, classes: np.ndarray, n: int) -> np.ndarray:
        """Per segment (project) ``0 .. n - 1``, whether what its supporters hold sums exactly in floats:
        every one of them still has the whole per-voter budget or nothing (``whole``: a class that paid
        all it had holds exactly 0), so the sum is a whole number below 2**53 and a tie with the cost is
        a real one, decided rightly by the float comparison without an exact rerun (Assen 2024 at
        1,200 per voter: a project's supporters hold exactly its cost)."""
        (partial,) = segment_sums(segments, n, (~self.whole[classes]).astype(np.float64))
        exact: np.ndarray = (partial == 0) & (self.b * self.prep.n_voters < 2**53)
        return exact

