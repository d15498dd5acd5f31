"""An instance indexed once for the many MES runs of a completion, and what one run returns."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import chain

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
    order. Every (group, project) pair with its weight, twice: ``entries`` by group, then project, and
    ``table`` by project, then group (each as ``(groups, projects, weights)`` arrays). ``ballots[g]`` and
    ``supporters[j]`` are the same pairs as ``(project, weight)`` and ``(group, weight)`` tuples, made on
    first use (only the exact run walks them)."""

    ids: tuple[str, ...]
    costs: tuple[int, ...]
    weight_totals: tuple[int, ...]
    multiplicity: tuple[int, ...]
    entries: tuple[np.ndarray, np.ndarray, np.ndarray]
    table: tuple[np.ndarray, np.ndarray, np.ndarray]
    n_voters: int

    @property
    def n_groups(self) -> int:
        return len(self.multiplicity)

    @cached_property
    def ballots(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        groups, projects, weights = self.entries
        return _split(groups, projects, weights, self.n_groups)

    @cached_property
    def supporters(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        groups, projects, weights = self.table
        return _split(projects, groups, weights, len(self.ids))

    @cached_property
    def _project_bounds(self) -> list[int]:
        bounds: list[int] = np.searchsorted(self.table[1], np.arange(len(self.ids) + 1)).tolist()
        return bounds

    @cached_property
    def bounds_array(self) -> np.ndarray:
        """Project ``j``'s pairs in ``table`` are ``bounds_array[j]:bounds_array[j + 1]``."""
        return np.array(self._project_bounds, dtype=np.int64)

    @cached_property
    def supporter_arrays(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
        """Per project, its supporters as arrays (groups, weights, voters), for the replay."""
        groups, _, weights = self.table
        voters = self.support_table[3]
        bounds = self._project_bounds
        return tuple(
            (groups[start:end], weights[start:end], voters[start:end])
            for start, end in zip(bounds[:-1], bounds[1:], strict=True)
        )

    @cached_property
    def class_slots(self) -> np.ndarray:
        """-1 per voter class a run can make (at most one per pair of ``table``, and the first), as
        ``kernel.aggregate`` needs and leaves it."""
        return np.full(len(self.table[0]) + 1, -1, dtype=np.int64)

    @cached_property
    def float_supporter_weights(self) -> tuple[np.ndarray, ...]:
        """Per project, its supporters' weights as floats, in the order of ``supporter_arrays``."""
        weights = self.support_table[2]
        bounds = self._project_bounds
        return tuple(weights[start:end] for start, end in zip(bounds[:-1], bounds[1:], strict=True))

    @cached_property
    def support_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every (project, supporter group) pair as four flat arrays, by project: projects, groups,
        weights and voters (the group's multiplicity), the last two as floats."""
        groups, projects, weights = self.table
        voters = np.array(self.multiplicity, dtype=np.float64)[groups]
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
            supports = np.zeros(self.n_groups, dtype=bool)
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
        weights = self.table[2]
        return 1 + int(weights.max()) if len(weights) else 1


def prepare(instance: Instance) -> Prepared:
    """Index an instance once for many runs, with numpy: every ballot's (project, weight) pairs in one
    flat table, identical ballots found by their sorted pairs' bytes. Groups are numbered in the order
    of their first ballot."""
    ballots = instance.ballots
    names = list(instance.costs)
    code = {project_id: k for k, project_id in enumerate(names)}
    lengths = np.fromiter(map(len, ballots), dtype=np.int64, count=len(ballots))
    total = int(lengths.sum())
    voter = np.repeat(np.arange(len(ballots), dtype=np.int64), lengths)
    named = np.fromiter(map(code.__getitem__, chain.from_iterable(ballots)), dtype=np.int64, count=total)
    weight = np.fromiter(chain.from_iterable(b.values() for b in ballots), dtype=np.int64, count=total)
    support = np.bincount(named, weight, minlength=len(names))
    ids = tuple(sorted(p for k, p in enumerate(names) if instance.costs[p] > 0 and support[k] > 0))
    position = np.full(len(names), -1, dtype=np.int64)
    position[[code[p] for p in ids]] = np.arange(len(ids))
    project = position[named]
    kept = project >= 0
    voter, project, weight = voter[kept], project[kept], weight[kept]
    order = np.lexsort((project, voter))
    voter, project, weight = voter[order], project[order], weight[order]
    span = 1 + int(weight.max()) if len(weight) else 1
    packed = (project * span + weight).tobytes()
    starts = np.searchsorted(voter, np.arange(len(ballots) + 1)).tolist()
    counts: dict[bytes, int] = {}
    first_voter: dict[bytes, int] = {}
    for v, (start, end) in enumerate(zip(starts[:-1], starts[1:], strict=True)):
        if start == end:
            continue
        key = packed[8 * start : 8 * end]
        if key in counts:
            counts[key] += 1
        else:
            counts[key] = 1
            first_voter[key] = v
    group_of_voter = np.full(len(ballots), -1, dtype=np.int64)
    group_of_voter[list(first_voter.values())] = np.arange(len(first_voter))
    group = group_of_voter[voter]
    first = group >= 0
    entries = group[first], project[first], weight[first]
    multiplicity = tuple(counts.values())
    by_project = np.lexsort((entries[0], entries[1]))
    table = entries[0][by_project], entries[1][by_project], entries[2][by_project]
    totals = np.bincount(entries[1], entries[2] * np.array(multiplicity, dtype=np.int64)[entries[0]],
                         minlength=len(ids))
    return Prepared(
        ids=ids,
        costs=tuple(instance.costs[p] for p in ids),
        weight_totals=tuple(int(t) for t in totals),
        multiplicity=multiplicity,
        entries=entries,
        table=table,
        n_voters=len(ballots),
    )


def _split(
    keys: np.ndarray, others: np.ndarray, weights: np.ndarray, n: int
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """``(other, weight)`` pairs per key ``0 .. n - 1``, for ``keys`` in ascending order."""
    bounds = np.searchsorted(keys, np.arange(n + 1)).tolist()
    pairs = list(zip(others.tolist(), weights.tolist(), strict=True))
    return tuple(tuple(pairs[start:end]) for start, end in zip(bounds[:-1], bounds[1:], strict=True))
