"""MES in exact fractions: a whole run decided from round 0 (the fallback of a near tie in the float
pass), and the exact prices and money left of a run whose selections are known."""

from __future__ import annotations

import math
import operator
from bisect import bisect_left, insort
from collections import defaultdict
from fractions import Fraction

import numpy as np

from app.domain.budget.equal_shares.prepared import MesRun, Prepared
from app.domain.budget.equal_shares.rounds import Round, decided_run, limit_arrays

Entries = dict[tuple[int, int], int]


class ExactRun:
    """One run decided in fractions. Voters with the same money and slope form a class; per project, the
    supporters are kept as (class, weight) entries sorted by money per unit of weight, so finding the
    price only walks the entries that cannot pay it in full. ``rounds`` and ``stable_for`` are exact,
    so a float pass can replay them like its own."""

    def __init__(self, prep: Prepared, b: int) -> None:
        self.prep = prep
        self.b = b
        self.money: list[Fraction] = [Fraction(b)]
        self.slope: list[Fraction] = [Fraction(1)]
        n = len(prep.ids)
        self.alive = set(range(n))
        self.winners: list[int] = []
        self.rounds: list[Round] = []
        self.order: list[list[tuple[Fraction, int, int]]] = [[] for _ in range(n)]
        self.total_money: list[Fraction] = [Fraction(0)] * n
        self.total_slope: list[Fraction] = [Fraction(0)] * n
        self.group_class = [0] * prep.n_groups
        self.entries: list[Entries] = [{} for _ in range(n)]
        for j, sup in enumerate(prep.supporters):
            entries = self.entries[j]
            for g, w in sup:
                entries[(0, w)] = entries.get((0, w), 0) + prep.multiplicity[g]
        for j in self.alive:
            entries = self.entries[j]
            self.order[j] = sorted((Fraction(b, w), 0, w) for (_, w) in entries)
            self.total_money[j] = Fraction(b * sum(entries.values()))
            self.total_slope[j] = Fraction(sum(entries.values()))

    def price(self, j: int) -> tuple[Fraction, Fraction, int, bool]:
        """The price per unit of weight for an affordable project, the slope sum of its poor
        supporters, the weight of the others and whether the poor ones have nothing left (*plain*: the
        price is then exactly ``cost / weight of the others``, and the factor ``1 / that weight``, the
        same float for equal weights, so a tie between plain factors is exact and needs no rerun in the
        float pass)."""
        entries = self.entries[j]
        left_cost = Fraction(self.prep.costs[j])
        rich_weight = self.prep.weight_totals[j]
        poor_slope = Fraction(0)
        plain = True
        for ratio, c, w in self.order[j]:
            if ratio * rich_weight >= left_cost:
                break
            count = entries[(c, w)]
            if self.money[c]:
                plain = False
                left_cost -= count * self.money[c]
            rich_weight -= count * w
            poor_slope += count * self.slope[c]
        return left_cost / rich_weight, poor_slope, rich_weight, plain

    def result(self) -> MesRun:
        prep = self.prep
        alive = self.alive
        bounds: list[Fraction] = []
        while True:
            snapshot = np.array(self.group_class, dtype=np.int64), len(self.money)
            limits: list[tuple[int, Fraction]] = []
            dropped: list[int] = []
            scores: list[tuple[Fraction, int, Fraction, Fraction, Fraction, int, bool]] = []
            for j in sorted(alive):
                cost = prep.costs[j]
                shortfall = cost - self.total_money[j]
                if shortfall > 0:
                    dropped.append(j)
                    if self.total_slope[j] > 0:
                        limits.append((j, shortfall / self.total_slope[j]))
                    continue
                rho, poor_slope, rich_weight, plain = self.price(j)
                factor = 1 / Fraction(rich_weight) if plain else rho / cost
                scores.append((factor, j, poor_slope / (rich_weight * cost), rho, poor_slope, rich_weight, plain))
            alive.difference_update(dropped)
            if not scores:
                self.rounds.append(Round(None, tuple(dropped), limit_arrays(limits), *snapshot, (), None, False))
                bounds.extend(limit for _, limit in limits)
                break
            best = min(scores)
            best_factor, chosen = best[0], best[1]
            for factor, j, drift, _, _, _, _ in scores:
                if j != chosen and drift > 0:
                    limits.append((j, (factor - best_factor) / drift))
            alive.discard(chosen)
            _, _, _, rho, poor_slope, rich_weight, best_plain = best
            self.winners.append(chosen)
            splits = self.fund(chosen, rho, poor_slope / rich_weight)
            self.rounds.append(
                Round(chosen, tuple(dropped), limit_arrays(limits), *snapshot, splits, best_factor, best_plain)
            )
            bounds.extend(limit for _, limit in limits)
        return decided_run(prep, self.b, self.winners, min(bounds, default=None))

    def fund(self, chosen: int, rho: Fraction, slope_step: Fraction) -> tuple[tuple[int, int], ...]:
        """Charge the supporters of ``chosen`` and move them to new classes in every live project's index.

        :returns: the (class, weight) buckets that became new classes, in order.
        """
        prep = self.prep
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for g, w in prep.supporters[chosen]:
            buckets[(self.group_class[g], w)].append(g)
        alive = self.alive
        for (old, w), groups in buckets.items():
            old_money, old_slope = self.money[old], self.slope[old]
            pay = rho * w
            new_money = Fraction(0) if old_money < pay else old_money - pay
            new_slope = old_slope + w * slope_step
            new = len(self.money)
            self.money.append(new_money)
            self.slope.append(new_slope)
            moved: dict[tuple[int, int], int] = defaultdict(int)
            for g in groups:
                self.group_class[g] = new
                m = prep.multiplicity[g]
                for q, wq in prep.ballots[g]:
                    if q in alive:
                        moved[(q, wq)] += m
            money_step, slope_delta = new_money - old_money, new_slope - old_slope
            for (q, wq), count in moved.items():
                self.move(q, wq, old, new, count)
                self.total_money[q] += count * money_step
                self.total_slope[q] += count * slope_delta
        return tuple(buckets)

    def move(self, q: int, wq: int, old: int, new: int, count: int) -> None:
        entries, order = self.entries[q], self.order[q]
        left = entries[(old, wq)] - count
        entries[(new, wq)] = count
        if left:
            entries[(old, wq)] = left
        else:
            del entries[(old, wq)]
            del order[bisect_left(order, (self.money[old] / wq, old, wq))]
        insort(order, (self.money[new] / wq, new, wq))


def replay_exact(prep: Prepared, run: MesRun) -> MesRun:
    """The same run with exact prices and money left, replaying its known selections exactly.

    Voters are kept in classes (same payments so far), grouped with numpy; only the winner's supporter
    classes are priced (``_exact_price``), and each (class, weight) bucket of them becomes a new class.
    A class's money is an integer numerator over the denominator of the round that made it (each round's
    denominator is a multiple of the one before), not a ``Fraction``: the sums over thousands of classes
    are then integer sums, about ten times faster, with one ``Fraction`` per price and per project left
    (and a float per class, to order the next walks)."""
    index = {project_id: j for j, project_id in enumerate(prep.ids)}
    numerators: list[int] = [run.per_voter_budget]
    made_in: list[int] = [0]  # the round whose denominator a class's numerator is over
    denominators: list[int] = [1]
    approximate = np.zeros(1 + sum(len(prep.supporters[index[p]]) for p in run.winners))  # >= classes made
    approximate[0] = run.per_voter_budget
    group_class = np.zeros(prep.n_groups, dtype=np.int64)
    span = prep.weight_span
    rhos: list[Fraction] = []
    done: set[int] = set()
    for project_id in run.winners:
        j = index[project_id]
        groups, weights, voters = prep.supporter_arrays[j]
        packed, where = np.unique(group_class[groups] * span + weights, return_inverse=True)
        classes, bucket_weights = packed // span, packed % span
        counts = np.bincount(where, voters).round().astype(np.int64)
        denominator = denominators[-1]
        held = _over(denominator, classes.tolist(), numerators, made_in, denominators)
        rho = _exact_price(prep, j, held, denominator, approximate[classes] / bucket_weights, bucket_weights, counts)
        rhos.append(rho)
        done.add(j)
        new_denominator = math.lcm(denominator, rho.denominator)
        scale, price = new_denominator // denominator, rho.numerator * (new_denominator // rho.denominator)
        first = len(numerators)
        for money, w in zip(held, bucket_weights.tolist(), strict=True):
            numerators.append(max(0, money * scale - price * w))
        made_in.extend([len(denominators)] * (len(numerators) - first))
        denominators.append(new_denominator)
        approximate[first : len(numerators)] = [value / new_denominator for value in numerators[first:]]
        group_class[groups] = first + where
    final = denominators[-1]
    money_left: dict[str, Fraction] = {}
    for j in range(len(prep.ids)):
        if j in done:
            continue
        groups, _, voters = prep.supporter_arrays[j]
        held_by_class = np.bincount(group_class[groups], voters).round().astype(np.int64)
        owners = np.flatnonzero(held_by_class).tolist()
        left = _over(final, owners, numerators, made_in, denominators)
        total = sum(map(operator.mul, held_by_class[owners].tolist(), left))
        money_left[prep.ids[j]] = Fraction(total, final)
    return MesRun(
        per_voter_budget=run.per_voter_budget,
        winners=run.winners,
        rhos=tuple(rhos),
        money_left=money_left,
        stable_for=run.stable_for,
        spent=run.spent,
    )


def _over(denominator: int, classes: list[int], numerators: list[int], made_in: list[int],
          denominators: list[int]) -> list[int]:
    """The money of ``classes`` as numerators over ``denominator`` (a multiple of every class's own)."""
    scales: dict[int, int] = {}
    held = []
    for c in classes:
        k = made_in[c]
        scale = scales.get(k)
        if scale is None:
            scale = scales[k] = denominator // denominators[k]
        held.append(numerators[c] * scale)
    return held


def _exact_price(
    prep: Prepared,
    j: int,
    held: list[int],
    denominator: int,
    ratios: np.ndarray,
    weights: np.ndarray,
    counts: np.ndarray,
) -> Fraction:
    """Project ``j``'s exact price from its supporter buckets: money (numerators ``held`` over
    ``denominator``), weight and voters.

    The poor buckets are exactly those whose money per unit of weight is below the price (see
    ``ExactRun.price``). They are guessed from the float ``ratios`` (a walk in their order), the price
    follows from them exactly, and the guess is checked: exactly for the buckets whose float ratio is
    within a relative ``1e-9`` of the price, by the floats for the others (their ratios are correctly
    rounded, far closer than that). A failed check sorts all buckets exactly instead."""
    cost, total = prep.costs[j], prep.weight_totals[j]
    order = ratios.argsort()
    paid = (ratios * weights * counts)[order]
    weight = (weights * counts)[order]
    gap = ratios[order] * (total - (weight.cumsum() - weight)) - (cost - (paid.cumsum() - paid))
    stop = int((gap >= 0).argmax()) if (gap >= 0).any() else len(order)
    poor = order[:stop]
    w_list, n_list = weights.tolist(), counts.tolist()
    left_cost = cost * denominator - sum(n_list[k] * held[k] for k in poor.tolist())  # over ``denominator``
    rich_weight = total - int((weights[poor] * counts[poor]).sum())
    if rich_weight > 0:
        rho = Fraction(left_cost, denominator * rich_weight)
        estimate = float(rho)
        is_poor = np.zeros(len(order), dtype=bool)
        is_poor[poor] = True
        near = np.abs(ratios - estimate) <= 1e-9 * estimate
        clear = (ratios < estimate) == is_poor
        # money < rho * w, with money = held / denominator
        if all(
            (held[k] * rho.denominator < rho.numerator * w_list[k] * denominator) == is_poor[k]
            for k in np.flatnonzero(near).tolist()
        ) and clear[~near].all():
            return rho
    entries = sorted((Fraction(h, denominator * w), h, w, n) for h, w, n in zip(held, w_list, n_list, strict=True))
    left = Fraction(cost)
    rich_weight = total
    for ratio, h, w, n in entries:
        if ratio * rich_weight >= left:
            break
        left -= Fraction(n * h, denominator)
        rich_weight -= n * w
    return left / rich_weight
