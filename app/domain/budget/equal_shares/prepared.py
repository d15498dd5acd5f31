"""An instance indexed once for the many MES runs of a completion, and what one run returns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np

from app.domain.budget.instance import Instance


@dataclass(frozen=True)
class MesRun:
    """One MES run at a fixed per-voter budget.

    ``rhos[k]`` is the price per unit of weight paid for ``winners[k]``; ``money_left`` is, for each
    candidate not funded, what its supporters had left together at the end; ``stable_for`` is the bound
    ``D`` of the package docstring (``None``: no later per-voter budget changes the run).
    """

    per_voter_budget: int
    winners: tuple[str, ...]
    rhos: tuple[Fraction, ...]
    money_left: dict[str, Fraction]
    stable_for: Fraction | None
    spent: int


@dataclass(frozen=True)
class Prepared:
    """Identical ballots merged into *groups* (they always hold the same money), candidates indexed in id
    order. ``ballots[g]`` and ``supporters[j]`` are ``(project, weight)`` and ``(group, weight)`` pairs."""

    ids: tuple[str, ...]
    costs: tuple[int, ...]
    weight_totals: tuple[int, ...]
    multiplicity: tuple[int, ...]
    ballots: tuple[tuple[tuple[int, int], ...], ...]
    supporters: tuple[tuple[tuple[int, int], ...], ...]
    n_voters: int

    @cached_property
    def supporter_arrays(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
        """Per project, its supporters as arrays (groups, weights, voters), for the replay."""
        return tuple(
            (
                np.array([g for g, _ in sup], dtype=np.int64),
                np.array([w for _, w in sup], dtype=np.int64),
                np.array([self.multiplicity[g] for g, _ in sup], dtype=np.float64),
            )
            for sup in self.supporters
        )

    @cached_property
    def support_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every (project, supporter group) pair as four flat arrays, by project: projects, groups,
        weights and voters (the group's multiplicity), the last two as floats."""
        projects = np.repeat(np.arange(len(self.ids), dtype=np.int64), [len(sup) for sup in self.supporters])
        if not len(projects):
            empty = np.zeros(0)
            return projects, projects.copy(), empty, empty.copy()
        groups, weights, voters = (np.concatenate(parts) for parts in zip(*self.supporter_arrays, strict=True))
        return projects, groups, weights.astype(np.float64), voters

    @cached_property
    def cost_array(self) -> np.ndarray:
        return np.array(self.costs, dtype=np.float64)

    @cached_property
    def weight_total_array(self) -> np.ndarray:
        return np.array(self.weight_totals, dtype=np.float64)

    def overlapping(self, j: int) -> np.ndarray:
        """Per project, whether some ballot supports it and ``j`` (then funding one can change the
        other's price; projects without a common supporter can be funded in either order, see
        ``replay``). Made on first use per project: the replay asks about few."""
        row = self._overlap_rows.get(j)
        if row is None:
            projects, groups, _, _ = self.support_table
            supports = np.zeros(len(self.ballots), dtype=bool)
            supports[self.supporter_arrays[j][0]] = True
            row = np.zeros(len(self.ids), dtype=bool)
            row[projects[supports[groups]]] = True
            self._overlap_rows[j] = row
        return row

    @cached_property
    def _overlap_rows(self) -> dict[int, np.ndarray]:
        return {}

    @cached_property
    def weight_span(self) -> int:
        """One more than the largest weight, to pack ``(class, weight)`` into one integer."""
        return 1 + max((w for sup in self.supporters for _, w in sup), default=0)


def prepare(instance: Instance) -> Prepared:
    """Index an instance once for many runs."""
    support = instance.support()
    ids = tuple(sorted(p for p, cost in instance.costs.items() if cost > 0 and support[p] > 0))
    index = {project_id: j for j, project_id in enumerate(ids)}
    counts: dict[tuple[tuple[int, int], ...], int] = defaultdict(int)
    for ballot in instance.ballots:
        key = tuple(sorted((index[p], w) for p, w in ballot.items() if p in index))
        if key:
            counts[key] += 1
    ballots = tuple(counts)
    multiplicity = tuple(counts.values())
    supporters: list[list[tuple[int, int]]] = [[] for _ in ids]
    weight_totals = [0] * len(ids)
    for g, ballot_key in enumerate(ballots):
        for j, w in ballot_key:
            supporters[j].append((g, w))
            weight_totals[j] += multiplicity[g] * w
    return Prepared(
        ids=ids,
        costs=tuple(instance.costs[p] for p in ids),
        weight_totals=tuple(weight_totals),
        multiplicity=multiplicity,
        ballots=ballots,
        supporters=tuple(tuple(s) for s in supporters),
        n_voters=len(instance.ballots),
    )
