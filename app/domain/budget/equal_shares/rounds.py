"""What a run records per round, so that the next run of the completion can replay it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from app.domain.budget.equal_shares.kernel import aggregate
from app.domain.budget.equal_shares.prepared import MesRun, Prepared

Real = Fraction | float
Limits = tuple[np.ndarray, np.ndarray]
TOLERANCE = 1e-9
"""A float comparison within this relative distance of a tie makes the run start over in fractions."""
SHRINK = 1e-6
"""Float limits are shrunk by this relative amount before use (``safe``)."""


@dataclass(frozen=True)
class Round:
    """What a run did in one round, kept so the next run of the completion can replay it.

    ``group_class`` (the class of each merged ballot) and ``classes`` describe the voters at the round's
    start; they follow from the earlier selections alone, not from the per-voter budget, so later runs
    share them (and nobody changes them). Each project's supporters as ``(class, weight) -> voters``
    follow from them (``entry_arrays``). ``splits`` are the ``(class, weight)`` buckets of the winner's
    supporters in the order their new classes were made (numbered from ``classes`` on). ``factor`` is the
    winner's ``rho / cost`` and ``plain`` whether it was exactly ``1 / weight`` (see
    ``ExactRun.price``). ``dropped`` are the projects found unaffordable in the round, ``chosen`` is
    ``None`` in the last round (nothing affordable). ``limits`` hold, per project that could change the
    round (beat the winner, or become affordable when dropped), the distance it is proven not to, before
    the float shrink, as two arrays (projects, distances); the round's part of the bound ``D`` is their
    minimum.
    """

    chosen: int | None
    dropped: tuple[int, ...]
    limits: Limits
    group_class: np.ndarray
    classes: int
    splits: tuple[tuple[int, int], ...]
    factor: Real | None
    plain: bool
    arrays: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Entries as numpy arrays for the replay, made on second use and shared with later runs."""
    seen: set[int] = field(default_factory=set, compare=False, repr=False)
    """The projects whose entries were asked for once (``entry_arrays``)."""
    prices: dict[int, float] = field(default_factory=dict, compare=False, repr=False)
    """Per project, the price the replay last found for it in this round: the next run's guess
    (``kernel.price_at``)."""
    promoted: tuple[int, float] | None = None
    """A project the run funded just before ``chosen``, and its factor then (at later budgets at most
    that): the rounds keep the order of the run they were decided in, and the run moved this project
    up from its own, later round (``replay``)."""

    def entry_arrays(self, prep: Prepared, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Project ``j``'s supporters at the round's start as arrays: classes, weights and voters
        (``j = -1``: the splits, with voters 1). The first time, one element per supporter group; from
        the second time on (the round is being replayed again), one per ``(class, weight)``
        (``kernel.aggregate``), made once and shared with later runs: fewer to price, but merging
        costs more than one pricing."""
        cached = self.arrays.get(j)
        if cached is not None:
            return cached
        if j < 0:
            keys = np.array(self.splits, dtype=np.int64).reshape(-1, 2)
            cached = self.arrays[j] = keys[:, 0].copy(), keys[:, 1].astype(np.float64), np.ones(len(keys))
            return cached
        groups, weights, voters = prep.supporter_arrays[j]
        if j in self.seen:
            cached = self.arrays[j] = aggregate(
                groups, weights, voters, self.group_class, prep.weight_span, prep.class_slots
            )
            return cached
        self.seen.add(j)
        return self.group_class[groups], prep.float_supporter_weights[j], voters


def safe(limit: Real) -> Real:
    """A float limit shrunk by a relative ``1e-6`` to stay on the safe side of rounding; exact ones as they are."""
    if isinstance(limit, Fraction):
        return limit
    return max(0.0, limit * (1 - SHRINK) - SHRINK)


def limit_arrays(pairs: Sequence[tuple[int, Real]]) -> Limits:
    """``(project, distance)`` pairs as the arrays of ``Round.limits`` (exact distances as floats: the
    replay compares them with a margin of ``SHRINK``)."""
    return np.array([q for q, _ in pairs], dtype=np.int64), np.array([float(d) for _, d in pairs])


def float_bound(limits: list[np.ndarray]) -> Fraction | None:
    """The bound ``D`` of a float run from the limits of its rounds: the smallest, shrunk (``safe``)."""
    every = np.concatenate(limits) if limits else np.zeros(0)
    return Fraction(safe(float(every.min()))) if len(every) else None


def decided_run(prep: Prepared, b: int, winners: list[int], stable_for: Fraction | None) -> MesRun:
    """A decided run without its exact prices (``exact.replay_exact`` adds them)."""
    return MesRun(
        per_voter_budget=b,
        winners=tuple(prep.ids[j] for j in winners),
        rhos=(),
        money_left={},
        stable_for=stable_for,
        spent=sum(prep.costs[j] for j in winners),
    )
