"""The float pass of one MES run: the state ``replay`` fills round by round, and the rounds left
decided in compiled code (``kernel``).

Voters are kept in classes (same payments so far): ``money`` and ``slope`` per class, ``group_class`` per
merged ballot. A round prices every affordable project over the flat table of (project, supporter group)
pairs (``Prepared.support_table``) and charges the winner's supporters, each (class, weight) bucket of
them becoming a new class.
"""

from __future__ import annotations

import numpy as np

from app.domain.budget.equal_shares.kernel import decide_rounds
from app.domain.budget.equal_shares.prepared import MesRun, Prepared
from app.domain.budget.equal_shares.rounds import TOLERANCE, Round, decided_run, float_bound


class FloatRun:
    """One run in floats. ``close`` records whether any decision was within a relative ``1e-9`` of a tie
    (the caller then reruns in fractions); ``stable_for`` is shrunk by a relative ``1e-6`` (``safe``).

    ``replay.replay`` may first fill it with the rounds of the previous run that stand (then
    ``finished`` tells whether all did); deciding starts after them. ``keep_rounds=False``: the rounds
    decided are not kept (nor made), only their bound. ``classes``: room to reserve for
    the voter classes the replay makes (the base run's)."""

    def __init__(self, prep: Prepared, b: int, classes: int = 1, *, keep_rounds: bool = True) -> None:
        self.prep = prep
        self.keep_rounds = keep_rounds
        self.unkept_limits: list[np.ndarray] = []
        self.b = b
        self.close = False
        self.finished = False
        self.alive = set(range(len(prep.ids)))
        self.winners: list[int] = []
        self.rounds: list[Round] = []
        capacity = max(classes, 2 * prep.n_groups + 1)
        self.m = np.empty(capacity)  # a class is written when it is made, before it is read (``replay``)
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
        limits = [past.limits[1] for past in self.rounds] + self.unkept_limits
        return decided_run(self.prep, self.b, self.winners, float_bound(limits))

    def _decide(self) -> None:
        """Decide the remaining rounds in compiled code (``kernel``)."""
        prep = self.prep
        n = len(prep.ids)
        groups, _, int_weights = prep.table
        _, _, weights, voters = prep.support_table
        alive = np.zeros(n, dtype=bool)
        alive[list(self.alive)] = True
        size = self.classes + len(groups) + 1
        money, slope, whole = np.empty(size), np.empty(size), np.empty(size, dtype=bool)
        for room, known in ((money, self.m), (slope, self.s), (whole, self.whole)):
            room[: self.classes] = known[: self.classes]
        (chosen, dropped, dropped_at, limit_projects, limit_distances, limits_at, split_classes, split_weights,
         splits_at, snapshots, class_counts, factors, plains, close, count) = decide_rounds(
            prep.bounds_array, groups, int_weights, weights, voters, prep.cost_array, prep.weight_total_array,
            prep.weight_span, alive, self.group_class, self.classes, money, slope, whole,
            self.b * prep.n_voters < 2**53, TOLERANCE,
        )
        self.close = self.close or bool(close)
        self.m, self.s, self.whole = money, slope, whole
        self.alive = set(np.flatnonzero(alive).tolist())
        self.classes = int(class_counts[count - 1])
        self.winners.extend(chosen[: count - 1].tolist())
        if not self.keep_rounds:
            self.unkept_limits.append(limit_distances[: limits_at[count]])
            return
        for t in range(count):
            winner = int(chosen[t])
            splits = tuple(zip(split_classes[splits_at[t] : splits_at[t + 1]].tolist(),
                               split_weights[splits_at[t] : splits_at[t + 1]].tolist(), strict=True))
            limits = (limit_projects[limits_at[t] : limits_at[t + 1]].copy(),
                      limit_distances[limits_at[t] : limits_at[t + 1]].copy())
            self.rounds.append(Round(
                None if winner < 0 else winner, tuple(dropped[dropped_at[t] : dropped_at[t + 1]].tolist()), limits,
                snapshots[t].copy(), int(class_counts[t]), splits, float(factors[t]) if winner >= 0 else None,
                bool(plains[t]),
            ))

    def held_exactly(self, partial: int) -> bool:
        """Whether what a project's supporters hold sums exactly in floats, from how many of their
        classes paid part of what they had (``kernel.hold``): when none did, every one of them still
        has the whole per-voter budget or nothing (``whole``: a class that paid all it had holds
        exactly 0), so the sum is a whole number below 2**53 and a tie with the cost is a real one,
        decided rightly by the float comparison without an exact rerun (Assen 2024 at 1,200 per voter:
        a project's supporters hold exactly its cost)."""
        return partial == 0 and self.b * self.prep.n_voters < 2**53
