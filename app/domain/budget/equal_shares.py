"""Method of Equal Shares (MES) with cost utilities, completed with "Add1" as cities run it.

One MES run at a per-voter budget ``b`` (whole currency units):

* every voter starts with ``b``; a project's *candidates* are the projects with a positive cost and at
  least one supporter (others are never funded by MES);
* voter ``i`` values project ``p`` at ``cost(p) * w_i(p)`` (``w`` = 1 for approval, the points on
  points ballots), so voter ``i`` is asked to pay ``min(budget_i, rho * w_i(p))`` where ``rho`` is the
  smallest price per unit of weight at which the supporters together pay exactly ``cost(p)``;
* a project is affordable while its supporters have at least its cost left; each round funds the
  affordable project with the smallest ``rho / cost(p)`` (pabutools' affordability factor), ties going
  to the smallest project id in plain character order; the run ends when nothing is affordable.

This is exactly pabutools 1.2.3 ``method_of_equal_shares(..., sat_class=Cost_Sat)`` started at ``b``
(for points ballots with a satisfaction of ``points * cost``), in exact rational arithmetic.

Add1 completion (pabulib rule ``equalshares/add1``, used by Assen 2024, Świecie 2023, Wieliczka 2023):
start at ``b0 = budget // n_voters`` and raise ``b`` one unit at a time; the result is the outcome of the
last ``b`` whose outcome still fits the budget, just before the first ``b`` whose outcome does not. There
is no early stop at an exhaustive outcome (pabutools' ``voter_budget_increment=1`` stops there). If every
candidate gets funded and fits, no later ``b`` can overspend, and that outcome is the result.

Jumping instead of stepping. Stepping one unit at a time is too slow (Budapest 2024 starts at 34,551 HUF
per voter). A run at ``b`` also returns a bound ``D`` such that every run at ``b'`` in ``[b, b + D)``
makes the same selections in the same order, so the completion jumps straight to ``b + ceil(D)``. The
argument, for a fixed selection sequence replayed at ``b' = b + d``:

1. Budgets only grow: by induction over rounds, each voter has at least as much left at ``b'`` as at
   ``b`` (more money lowers every ``rho``, and a voter paying ``min(budget, rho * w)`` then keeps more).
2. They grow at most linearly: give every voter a slope ``s_i`` (1 at the start) and keep the invariant
   ``extra_i <= d * s_i``. When ``p`` is funded at price ``rho``, the voters who paid all they had
   (``budget_i < rho * w_i``, "poor") can add at most ``E = d * sum(s_poor)`` money, and the rest
   (weight ``W_rich > 0``) keep paying ``w_i`` per unit of price, so the price drops by at most
   ``E / W_rich``; every supporter then keeps at most ``w_i * E / W_rich`` more, so
   ``s_i += w_i * sum(s_poor) / W_rich`` restores the invariant. A project with no poor supporter has
   an unchanged price.
3. So at every round, every other affordable project ``q`` has ``rho_q / cost_q`` lowered by at most
   ``d * sum(s_poor(q)) / (W_rich(q) * cost_q)`` while the winner's only falls; the winner stays the
   winner while that is below the margin (a tie lost on the id keeps losing only when ``q``'s price
   cannot move). A project without enough money left stays so while ``d * sum(s) < cost - money``.
   ``D`` is the minimum of these bounds over the whole run; integers ``d < D`` keep every decision.

Exact rates (the numpy float pass). A second bound, often larger late in a run: while every decision
and every split into voters who pay all they have ("poor") and the others stays the same, each voter's
money is exactly affine in ``d``, with a *rate* (1 at the start; 0 after paying all they had; for the
others ``rate + w * sum(rate_poor) / W_rich`` after each purchase, as the price falls by
``sum(rate_poor) / W_rich`` per unit). Prices, factors ``rho / cost`` and money behind each project are
then affine too, so each decision holds until the first crossing: a supporter's money per unit of weight
meeting the price of a project (the split changes), another project's factor meeting the winner's, or the
money of an unaffordable project's supporters reaching its cost. The minimum of those distances is a
valid ``D`` as well; the float pass reports the larger of the two bounds (shrunk by a relative ``1e-6``).

Funded projects are the same for every ``b`` in the interval, so one run per interval decides the
completion exactly as stepping would; the tests compare both on small files and random instances.

Engines: small instances use the plain Python pass (``_Run``, per-project supporter lists kept sorted);
from ``_NUMPY_FROM`` supporter entries on, ``_FloatRun`` holds voters as *types* (same payments so far)
and computes every project's price per round at once with numpy prefix sums. Both flag the same near
ties; a near tie reruns the whole run in exact fractions (``_Run(exact=True)``, slope bound only).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
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
    ``D`` of the module docstring (``None``: no later per-voter budget changes the run).
    """

    per_voter_budget: int
    winners: tuple[str, ...]
    rhos: tuple[Fraction, ...]
    money_left: dict[str, Fraction]
    stable_for: Fraction | None
    spent: int


@dataclass(frozen=True)
class _Prepared:
    """Identical ballots merged (they always hold the same money), candidates indexed in id order."""

    ids: tuple[str, ...]
    costs: tuple[int, ...]
    weight_totals: tuple[int, ...]
    multiplicity: tuple[int, ...]
    ballots: tuple[tuple[tuple[int, int], ...], ...]
    supporters: tuple[tuple[tuple[int, int], ...], ...]
    n_voters: int

    @cached_property
    def arrays(self) -> _Arrays:
        """The numpy form of the instance for the float pass, built on first use."""
        return _arrays(self)


def prepare(instance: Instance) -> _Prepared:
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
    return _Prepared(
        ids=ids,
        costs=tuple(instance.costs[p] for p in ids),
        weight_totals=tuple(weight_totals),
        multiplicity=multiplicity,
        ballots=ballots,
        supporters=tuple(tuple(s) for s in supporters),
        n_voters=len(instance.ballots),
    )


def mes_run(instance: Instance | _Prepared, per_voter_budget: int, *, exact: bool = False) -> MesRun:
    """Run MES once with every voter starting at ``per_voter_budget`` (see the module docstring).

    Who is funded is decided by a float pass; if any comparison in it was within a relative ``1e-9`` of
    a tie (far above float rounding error), the run is redone in exact fractions, which is then the
    answer. ``exact=True`` skips the float pass. The prices and money left are always exact (the
    funded sequence is replayed in fractions).
    """
    prep = instance if isinstance(instance, _Prepared) else prepare(instance)
    run = _decide(prep, per_voter_budget, exact=exact)
    return _replay_exact(prep, run)


def _decide(prep: _Prepared, per_voter_budget: int, *, exact: bool = False) -> MesRun:
    if not exact:
        fast: _Run | _FloatRun
        if sum(map(len, prep.supporters)) < _NUMPY_FROM:
            fast = _Run(prep, per_voter_budget, exact=False)
        else:
            fast = _FloatRun(prep, prep.arrays, per_voter_budget)
        result = fast.result()
        if not fast.close:
            return result
    return _Run(prep, per_voter_budget, exact=True).result()


def _replay_exact(prep: _Prepared, run: MesRun) -> MesRun:
    """The same run with exact prices and money left, replaying its known selections in fractions.

    Only the winners' prices are needed, so voters are kept in classes (same payments so far) and each
    step sorts just the winner's supporter classes by money per unit of weight (as ``_Run.price``)."""
    index = {project_id: j for j, project_id in enumerate(prep.ids)}
    money: list[Fraction] = [Fraction(run.per_voter_budget)]
    group_class = [0] * len(prep.ballots)
    rhos: list[Fraction] = []
    done: set[int] = set()
    for project_id in run.winners:
        j = index[project_id]
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for g, w in prep.supporters[j]:
            buckets[(group_class[g], w)].append(g)
        entries = sorted(
            (money[c] / w, c, w, sum(prep.multiplicity[g] for g in groups)) for (c, w), groups in buckets.items()
        )
        left_cost, rich_weight = Fraction(prep.costs[j]), prep.weight_totals[j]
        for ratio, c, w, count in entries:
            if ratio * rich_weight >= left_cost:
                break
            left_cost -= count * money[c]
            rich_weight -= count * w
        rho = left_cost / rich_weight
        rhos.append(rho)
        done.add(j)
        for (c, w), groups in buckets.items():
            pay = rho * w
            new = len(money)
            money.append(Fraction(0) if money[c] < pay else money[c] - pay)
            for g in groups:
                group_class[g] = new
    money_left = {
        prep.ids[j]: sum((prep.multiplicity[g] * money[group_class[g]] for g, _ in prep.supporters[j]), Fraction(0))
        for j in range(len(prep.ids))
        if j not in done
    }
    return MesRun(
        per_voter_budget=run.per_voter_budget,
        winners=run.winners,
        rhos=tuple(rhos),
        money_left=money_left,
        stable_for=run.stable_for,
        spent=run.spent,
    )


Real = Fraction | float
_TOLERANCE = 1e-9
_NUMPY_FROM = 10**12
"""Supporter entries from which the numpy float pass is used. It is about 3-13x faster from 2,500 entries on,
but a property test found an instance where it funds one project fewer than the plain pass (2026-11-24),
so until that is understood every real election takes the plain pass, which the references confirm."""
_SHRINK = 1e-6


class _Run:
    """The state of one run. Voters with the same money and slope form a class; per project, the
    supporters are kept as (class, weight) entries sorted by money per unit of weight, so finding the
    price only walks the entries that cannot pay it in full.

    With ``exact=False`` numbers are floats and ``close`` records whether any decision was nearly tied;
    the bound ``stable_for`` is then shrunk by a relative ``1e-6`` to stay on the safe side."""

    def __init__(self, prep: _Prepared, b: int, *, exact: bool) -> None:
        self.prep = prep
        self.b = b
        self.exact = exact
        self.close = False
        self.num: type[Fraction] | type[float] = Fraction if exact else float
        num = self.num
        self.money: list[Real] = [num(b)]
        self.slope: list[Real] = [num(1)]
        self.group_class = [0] * len(prep.ballots)
        n = len(prep.ids)
        self.entries: list[dict[tuple[int, int], int]] = [defaultdict(int) for _ in range(n)]
        self.order: list[list[tuple[Real, int, int]]] = [[] for _ in range(n)]
        self.total_money: list[Real] = [num(0)] * n
        self.total_slope: list[Real] = [num(0)] * n
        for j, sup in enumerate(prep.supporters):
            entries = self.entries[j]
            count = 0
            for g, w in sup:
                entries[(0, w)] += prep.multiplicity[g]
                count += prep.multiplicity[g]
            self.total_money[j] = num(count * b)
            self.total_slope[j] = num(count)
            self.order[j] = sorted((num(b) / w, 0, w) for (_, w) in entries)

    def price(self, j: int) -> tuple[Real, Real, int]:
        """The price per unit of weight for an affordable project, the slope sum of its poor
        supporters and the weight of the others."""
        cost = self.prep.costs[j]
        left_cost: Real = self.num(cost)
        rich_weight = self.prep.weight_totals[j]
        poor_slope: Real = self.num(0)
        entries = self.entries[j]
        exact = self.exact
        for ratio, c, w in self.order[j]:
            gap = ratio * rich_weight - left_cost
            if not exact and abs(float(gap)) <= _TOLERANCE * cost:
                self.close = True
            if gap >= 0:
                break
            count = entries[(c, w)]
            left_cost -= count * self.money[c]
            rich_weight -= count * w
            poor_slope += count * self.slope[c]
        if rich_weight == 0:  # only reachable through float rounding: the exact rerun decides
            self.close = True
            return self.num(cost), poor_slope, 1
        return left_cost / rich_weight, poor_slope, rich_weight

    def result(self) -> MesRun:
        prep = self.prep
        alive = set(range(len(prep.ids)))
        winners: list[int] = []
        rhos: list[Real] = []
        limits: list[Real] = []
        exact = self.exact
        while True:
            scores: list[tuple[Real, int, Real, Real, Real, int]] = []
            for j in sorted(alive):
                cost = prep.costs[j]
                shortfall = cost - self.total_money[j]
                if not exact and abs(shortfall) <= _TOLERANCE * cost:
                    self.close = True
                if shortfall > 0:
                    alive.discard(j)
                    if self.total_slope[j] > 0:
                        limits.append(shortfall / self.total_slope[j])
                    continue
                rho, poor_slope, rich_weight = self.price(j)
                # Nobody short of money: the factor is exactly 1 / weight, the same float for equal weights.
                factor = 1 / self.num(rich_weight) if rich_weight == prep.weight_totals[j] else rho / cost
                scores.append((factor, j, poor_slope / (rich_weight * cost), rho, poor_slope, rich_weight))
            if not scores:
                break
            best = min(scores)
            best_factor, chosen = best[0], best[1]
            best_plain = best[5] == prep.weight_totals[chosen]
            for factor, j, drift, _, _, rich_weight in scores:
                if j == chosen:
                    continue
                plain = rich_weight == prep.weight_totals[j]
                if not exact and not (plain and best_plain) and factor - best_factor <= _TOLERANCE * best_factor:
                    self.close = True
                if drift > 0:
                    limits.append((factor - best_factor) / drift)
            alive.discard(chosen)
            _, _, _, rho, poor_slope, rich_weight = best
            winners.append(chosen)
            rhos.append(rho)
            self.fund(chosen, rho, poor_slope / rich_weight, set(winners))
        chosen_set = set(winners)
        money_left = {prep.ids[j]: Fraction(self.total_money[j]) for j in range(len(prep.ids)) if j not in chosen_set}
        bound: Fraction | None = None
        if limits:
            low = min(limits)
            bound = Fraction(low) if exact else Fraction(max(0.0, float(low) * (1 - _SHRINK) - _SHRINK))
        return MesRun(
            per_voter_budget=self.b,
            winners=tuple(prep.ids[j] for j in winners),
            rhos=tuple(Fraction(rho) for rho in rhos),
            money_left=money_left,
            stable_for=bound,
            spent=sum(prep.costs[j] for j in winners),
        )

    def fund(self, chosen: int, rho: Real, slope_step: Real, done: set[int]) -> None:
        """Charge the supporters of ``chosen`` and move them to new classes in every project's index."""
        prep = self.prep
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for g, w in prep.supporters[chosen]:
            buckets[(self.group_class[g], w)].append(g)
        zero = self.num(0)
        for (old, w), groups in buckets.items():
            old_money, old_slope = self.money[old], self.slope[old]
            pay = rho * w
            if not self.exact and abs(float(old_money - pay)) <= _TOLERANCE * float(pay):
                self.close = True
            new_money = zero if old_money < pay else old_money - pay
            new_slope = old_slope + w * slope_step
            new = len(self.money)
            self.money.append(new_money)
            self.slope.append(new_slope)
            moved: dict[tuple[int, int], int] = defaultdict(int)
            for g in groups:
                self.group_class[g] = new
                m = prep.multiplicity[g]
                for q, wq in prep.ballots[g]:
                    if q not in done:
                        moved[(q, wq)] += m
            money_step, slope_delta = new_money - old_money, new_slope - old_slope
            for (q, wq), count in moved.items():
                self._move(q, wq, old, new, count)
                self.total_money[q] += count * money_step
                self.total_slope[q] += count * slope_delta

    def _move(self, q: int, wq: int, old: int, new: int, count: int) -> None:
        entries, order = self.entries[q], self.order[q]
        left = entries[(old, wq)] - count
        if left:
            entries[(old, wq)] = left
        else:
            del entries[(old, wq)]
            at = bisect_left(order, (self.money[old] / wq, old, wq))
            del order[at]
        entries[(new, wq)] = count
        insort(order, (self.money[new] / wq, new, wq))


@dataclass(frozen=True)
class _Arrays:
    """The prepared instance as numpy arrays for the float pass (entries in group order)."""

    levels: np.ndarray
    entry_project: np.ndarray
    entry_level: np.ndarray
    group_start: np.ndarray
    group_length: np.ndarray
    multiplicity: np.ndarray
    supporter_groups: tuple[np.ndarray, ...]
    supporter_levels: tuple[np.ndarray, ...]
    costs: np.ndarray
    weight_totals: np.ndarray
    initial_count: np.ndarray


def _arrays(prep: _Prepared) -> _Arrays:
    weights = sorted({w for ballot in prep.ballots for _, w in ballot})
    level = {w: k for k, w in enumerate(weights)}
    projects = [j for ballot in prep.ballots for j, _ in ballot]
    levels_of = [level[w] for ballot in prep.ballots for _, w in ballot]
    lengths = np.array([len(ballot) for ballot in prep.ballots], dtype=np.int64)
    starts = np.zeros(len(prep.ballots), dtype=np.int64)
    if len(lengths):
        starts[1:] = np.cumsum(lengths)[:-1]
    initial = np.zeros((len(weights), len(prep.ids)))
    np.add.at(initial, (levels_of, projects), np.repeat(np.array(prep.multiplicity, dtype=np.float64), lengths))
    return _Arrays(
        levels=np.array(weights, dtype=np.float64),
        entry_project=np.array(projects, dtype=np.int64),
        entry_level=np.array(levels_of, dtype=np.int64),
        group_start=starts,
        group_length=lengths,
        multiplicity=np.array(prep.multiplicity, dtype=np.float64),
        supporter_groups=tuple(np.array([g for g, _ in sup], dtype=np.int64) for sup in prep.supporters),
        supporter_levels=tuple(np.array([level[w] for _, w in sup], dtype=np.int64) for sup in prep.supporters),
        costs=np.array(prep.costs, dtype=np.float64),
        weight_totals=np.array(prep.weight_totals, dtype=np.float64),
        initial_count=initial,
    )


class _FloatRun:
    """The float pass of one run with numpy: the same decisions as ``_Run(exact=False)``, and a larger
    stability bound from exact rates instead of slope bounds (module docstring, "Exact rates").

    Voters are grouped into *types* (same payments so far, hence the same money and rate), and for each
    weight level a matrix ``count[level, type, project]`` holds how many voters of a type give a project
    that weight. Each round sorts the (type, level) slots by money per unit of weight once and finds, for
    every project at the same time, the price by prefix sums: ``f(rho) = sum min(money, rho * w) - cost``
    is non-decreasing, so the voters paying all they have are the slots before the first one where
    ``f(ratio) >= 0``. Near ties set ``close`` exactly where ``_Run`` does.
    """

    def __init__(self, prep: _Prepared, arrays: _Arrays, b: int) -> None:
        self.prep, self.a, self.b = prep, arrays, b
        self.close = False

    def result(self) -> MesRun:
        prep, a = self.prep, self.a
        n_levels, n_projects, n_groups = len(a.levels), len(prep.ids), len(prep.ballots)
        capacity = 64
        self.count = np.zeros((n_levels, capacity, n_projects))
        self.count[:, 0, :] = a.initial_count
        self.money = np.zeros(capacity)
        self.rate = np.zeros(capacity)
        self.slope = np.zeros(capacity)
        self.population = np.zeros(capacity, dtype=np.int64)
        self.money[0], self.rate[0], self.slope[0], self.population[0] = self.b, 1.0, 1.0, n_groups
        n_types = 1
        type_of = np.zeros(n_groups, dtype=np.int64)
        alive = np.ones(n_projects, dtype=bool)
        winners: list[int] = []
        rhos: list[float] = []
        limits: list[float] = []
        slope_limits: list[float] = []
        tol = _TOLERANCE
        while True:
            columns = np.flatnonzero(alive)
            if not len(columns):
                break
            types = np.flatnonzero(self.population[:n_types])
            k = self.count[:, types][:, :, columns].reshape(n_levels * len(types), len(columns))
            slot_money = np.tile(self.money[types], n_levels)
            slot_rate = np.tile(self.rate[types], n_levels)
            slot_slope = np.tile(self.slope[types], n_levels)
            slot_weight = np.repeat(a.levels, len(types))
            keep = k.any(axis=1)
            ratio = slot_money[keep] / slot_weight[keep]
            order = np.argsort(ratio, kind="stable")
            k, ratio = k[keep][order], ratio[order]
            ratio_rate = (slot_rate[keep] / slot_weight[keep])[order]
            paid = k * (slot_money[keep][order])[:, None]
            weight = k * (slot_weight[keep][order])[:, None]
            rates = k * (slot_rate[keep][order])[:, None]
            slopes = k * (slot_slope[keep][order])[:, None]
            slope_before = np.cumsum(slopes, axis=0) - slopes
            paid_before = np.cumsum(paid, axis=0) - paid
            weight_before = np.cumsum(weight, axis=0) - weight
            rate_before = np.cumsum(rates, axis=0) - rates
            cost = a.costs[columns]
            total_money = paid_before[-1] + paid[-1]
            total_rate = rate_before[-1] + rates[-1]
            total_slope = slope_before[-1] + slopes[-1]
            shortfall = cost - total_money
            if np.any(np.abs(shortfall) <= tol * cost):
                self.close = True
            short = shortfall > 0
            if short.any():
                # Unaffordable for good in this run; at a higher budget it stays so while the money of
                # its supporters, growing at ``total_rate``, stays below its cost.
                moving = short & (total_rate > 0)
                limits.extend((shortfall[moving] / total_rate[moving]).tolist())
                moving = short & (total_slope > 0)
                slope_limits.extend((shortfall[moving] / total_slope[moving]).tolist())
                alive[columns[short]] = False
                ok = ~short
                columns, cost = columns[ok], cost[ok]
                k, paid_before, weight_before = k[:, ok], paid_before[:, ok], weight_before[:, ok]
                rate_before, slope_before = rate_before[:, ok], slope_before[:, ok]
                if not len(columns):
                    break
            total_weight = a.weight_totals[columns]
            gap = ratio[:, None] * (total_weight - weight_before) - (cost - paid_before)
            reached = gap >= 0
            stop = np.argmax(reached, axis=0)
            visited = np.arange(len(ratio))[:, None] <= stop
            supports = k > 0
            if np.any(visited & supports & (np.abs(gap) <= tol * cost)):
                self.close = True
            at = np.arange(len(columns))
            rich_weight = total_weight - weight_before[stop, at]
            left_cost = cost - paid_before[stop, at]
            poor_rate = rate_before[stop, at]
            poor_slope = slope_before[stop, at]
            broken = ~reached.any(axis=0) | (rich_weight <= 0)
            if broken.any():  # only reachable through float rounding: the exact rerun decides
                self.close = True
                rich_weight = np.where(broken, 1.0, rich_weight)
                left_cost = np.where(broken, cost, left_cost)
            rho = left_cost / rich_weight
            rho_rate = -poor_rate / rich_weight
            # Who pays all they have stays so while no supporter's money per unit of weight crosses rho.
            distance = ratio[:, None] - rho
            closing = ratio_rate[:, None] - rho_rate
            crossing = supports & (distance * closing < 0)
            if crossing.any():
                limits.append(float(np.min(np.abs(distance[crossing] / closing[crossing]))))
            plain = rich_weight == total_weight
            factor = np.where(plain, 1 / total_weight, rho / cost)
            factor_rate = np.where(plain, 0.0, rho_rate / cost)
            best_factor = factor.min()
            chosen = int(np.flatnonzero(factor == best_factor)[0])
            others = at != chosen
            margin = factor - best_factor
            near = others & ~(plain & plain[chosen]) & (margin <= tol * best_factor)
            if near.any():
                self.close = True
            margin_rate = factor_rate - factor_rate[chosen]
            moving = others & (margin_rate < 0)
            limits.extend((margin[moving] / -margin_rate[moving]).tolist())
            drift = poor_slope / (rich_weight * cost)
            moving = others & (drift > 0)
            slope_limits.extend((margin[moving] / drift[moving]).tolist())
            project = int(columns[chosen])
            alive[project] = False
            winners.append(project)
            price = float(rho[chosen])
            rhos.append(price)
            steps = float(poor_rate[chosen] / rich_weight[chosen]), float(poor_slope[chosen] / rich_weight[chosen])
            n_types = self._fund(project, price, steps, type_of, n_types)
        bound: Fraction | None = None
        # Two valid bounds (exact rates, slope bounds); either suffices, so take the larger. No limit at
        # all (infinite) means no per-voter budget changes the run.
        low = max(min(limits, default=math.inf), min(slope_limits, default=math.inf))
        if low < math.inf:
            bound = Fraction(max(0.0, low * (1 - _SHRINK) - _SHRINK))
        return MesRun(
            per_voter_budget=self.b,
            winners=tuple(prep.ids[j] for j in winners),
            rhos=tuple(Fraction(rho) for rho in rhos),
            money_left={},
            stable_for=bound,
            spent=sum(prep.costs[j] for j in winners),
        )

    def _fund(self, project: int, rho: float, steps: tuple[float, float], type_of: np.ndarray, n_types: int) -> int:
        """Charge the supporters of ``project``; each (type, weight) of them becomes a new type. Who pays
        all they have keeps rate 0; the others pay less as the price falls, ``w * rate_step`` per unit."""
        a, tol = self.a, _TOLERANCE
        groups, levels = a.supporter_groups[project], a.supporter_levels[project]
        old = type_of[groups]
        n_levels = len(a.levels)
        keys, inverse = np.unique(old * n_levels + levels, return_inverse=True)
        old_types, weights = keys // n_levels, a.levels[keys % n_levels]
        pay = rho * weights
        old_money = self.money[old_types]
        if np.any(np.abs(old_money - pay) <= tol * pay):
            self.close = True
        new_count = len(keys)
        if n_types + new_count > len(self.money):
            self._grow(n_types + new_count)
        new_types = np.arange(n_types, n_types + new_count)
        poor = old_money < pay
        self.money[new_types] = np.where(poor, 0.0, old_money - pay)
        rate_step, slope_step = steps
        self.rate[new_types] = np.where(poor, 0.0, self.rate[old_types] + weights * rate_step)
        self.slope[new_types] = self.slope[old_types] + weights * slope_step
        moved_to = new_types[inverse]
        type_of[groups] = moved_to
        np.subtract.at(self.population, old, 1)
        np.add.at(self.population, moved_to, 1)
        lengths = a.group_length[groups]
        ends = np.cumsum(lengths)
        entries = np.arange(ends[-1]) - np.repeat(ends - lengths - a.group_start[groups], lengths)
        weight = np.repeat(a.multiplicity[groups], lengths)
        entry_level, entry_project = a.entry_level[entries], a.entry_project[entries]
        # Only the rows of the types that lost or gained voters change.
        sources = np.unique(old_types)
        rows = np.concatenate([sources, new_types])
        shape = (n_levels, len(rows), self.count.shape[2])
        cells = np.concatenate(
            [
                np.ravel_multi_index(
                    (entry_level, np.searchsorted(sources, np.repeat(old, lengths)), entry_project), shape
                ),
                np.ravel_multi_index(
                    (entry_level, len(sources) + np.repeat(moved_to - n_types, lengths), entry_project), shape
                ),
            ]
        )
        change = np.bincount(cells, np.concatenate([-weight, weight]), minlength=math.prod(shape))
        self.count[:, rows, :] += change.reshape(shape)
        return n_types + new_count

    def _grow(self, needed: int) -> None:
        capacity = max(needed, 2 * len(self.money))
        extra = capacity - len(self.money)
        self.count = np.concatenate([self.count, np.zeros((self.count.shape[0], extra, self.count.shape[2]))], axis=1)
        self.money = np.concatenate([self.money, np.zeros(extra)])
        self.rate = np.concatenate([self.rate, np.zeros(extra)])
        self.slope = np.concatenate([self.slope, np.zeros(extra)])
        self.population = np.concatenate([self.population, np.zeros(extra, dtype=np.int64)])


@dataclass(frozen=True)
class Completion:
    """The Add1 result: the run at the final per-voter budget and the first budget that overspends."""

    run: MesRun
    first_overspending_budget: int | None
    runs: int


def add1_completion(instance: Instance, *, step_by_one: bool = False) -> Completion:
    """Find the Add1 result (module docstring); ``step_by_one`` disables the jumps (for tests)."""
    prep = prepare(instance)
    n = prep.n_voters
    if n == 0 or not prep.ids:
        return Completion(mes_run(prep, 0), None, 1)
    b = instance.budget // n
    run = _decide(prep, b)
    runs = 1
    candidates = len(prep.ids)
    while True:
        if run.stable_for is None or len(run.winners) == candidates:
            return Completion(_replay_exact(prep, run), None, runs)
        step = 1 if step_by_one else max(1, math.ceil(run.stable_for))
        following = _decide(prep, b + step)
        runs += 1
        if following.spent > instance.budget:
            last = b + step - 1
            if last != b:
                run = _decide(prep, last)
                runs += 1
            return Completion(_replay_exact(prep, run), b + step, runs)
        run, b = following, b + step
