"""The loops of the float pass in compiled code (numba): the rounds a run decides afresh
(``decide_rounds``, over the flat table of (project, supporter group) pairs of ``Prepared.table``), and
the replay's pricing, sums and charges of one round (``price_at``, ``hold``, ``pay_at_tie``,
``split_limits``, ``charge``, over a round's supporters merged by ``aggregate``).

A round decided afresh: what every live project's supporters hold (the unaffordable are dropped), each
affordable project's price, the winner (smallest factor, then smallest id), and the winner's supporters
charged, each (class, weight) bucket of them becoming a new class. With numpy these were some fifty calls
a round (and some twenty per replayed round), and those calls, not the arithmetic, were most of a count's
time. Compiled once per machine (numba's cache beside this file, seconds) and loaded when the module is
imported (about half a second), not during a count.

The price ``rho`` of a project solves ``sum_i min(money_i, rho * w_i) = cost``, whose left side is
concave, increasing and piecewise linear in ``rho``. Newton's method from below (``cost / weight``, or
last round's price: within a run prices only rise) never passes the solution: the line through the
current piece lies above the curve. Each step marks the supporters who cannot pay the current price in
full as *poor* (that set only grows) and solves ``money of the poor + rho * weight of the others =
cost``; when no supporter becomes poor, the set is the one of supporters with ``money < rho * w``, as the
sorted walk of ``ExactRun.price`` finds it.

Near ties (``tolerance``) set the returned ``close`` as in the rest of the float pass: a supporter whose
money per unit of weight is near the price, a project whose supporters would all be poor or that is
still moving after ``_NEWTON_STEPS``, two factors near each other (unless both are *plain*, see
``ExactRun.price``), what supporters hold near a cost (unless it sums exactly, ``FloatRun.held_exactly``),
a payment near a supporter's money.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types

_NEWTON_STEPS = 64
"""More steps than any real file needs (a few); a project still moving after them reruns exactly."""


@njit(cache=True)
def _price(
    cost: float,
    total: float,
    weights: np.ndarray,
    voters: np.ndarray,
    held_by: np.ndarray,
    slope_by: np.ndarray,
    poor: np.ndarray,
    start: float,
    tolerance: float,
) -> tuple[float, float, float, bool, float, bool]:
    """Price a project (module docstring) from its entries' weights, voters and money and slope per
    voter (``poor``: room for a flag per entry), starting from ``start`` (at most the price).

    :returns: the price, the weight of the supporters who pay it in full (*rich*), the slope sum of the
        others, whether it is plain, its factor (``rho / cost``, or exactly ``1 / rich weight`` when
        plain) and whether it was near a tie."""
    close = False
    price = max(start, cost / total)
    rich_weight = total
    held = 0.0
    poor_slope = 0.0
    poor[:] = False
    for _ in range(_NEWTON_STEPS):
        newly = 0
        lost, gained, sloped = 0.0, 0.0, 0.0
        margin = tolerance * cost / rich_weight if rich_weight > 0 else 0.0
        near = False
        for e in range(len(weights)):
            ratio = held_by[e] / weights[e]
            if abs(ratio - price) <= margin:
                near = True  # counts only if nothing changes in this pass: the price is then final
            if not poor[e] and ratio < price:
                poor[e] = True
                newly += 1
                lost += weights[e] * voters[e]
                gained += held_by[e] * voters[e]
                sloped += slope_by[e] * voters[e]
        if newly == 0:
            close |= near
            break
        rich_weight -= lost
        held += gained
        poor_slope += sloped
        price = (cost - held) / rich_weight if rich_weight > 0 else cost
    else:
        close = True
    final = (cost - held) / rich_weight if rich_weight > 0 else cost
    if rich_weight <= 0:
        close = True  # only reachable through float rounding: the exact rerun decides
        rich_weight = 1.0
    if final != price:  # nobody below the start, which float rounding put above ``cost / total``
        price = final
        for e in range(len(weights)):
            if abs(held_by[e] / weights[e] - price) <= tolerance * cost / rich_weight:
                close = True
    plain = held == 0
    return price, rich_weight, poor_slope, plain, 1 / rich_weight if plain else price / cost, close


_INTS, _FLOATS, _FLAGS = types.int64[::1], types.float64[::1], types.boolean[::1]


@njit((_INTS, _FLOATS, _FLOATS, _FLOATS, _FLAGS, types.int64, types.float64, types.float64, types.float64),
      cache=True)
def charge(
    old: np.ndarray, weights: np.ndarray, money: np.ndarray, slope: np.ndarray, whole: np.ndarray, first: int,
    price: float, slope_step: float, tolerance: float,
) -> bool:
    """Charge a winner's supporters: the (class, weight) buckets ``old``/``weights`` become the
    classes from ``first`` on, paying ``price`` per unit of weight or all they have.

    :returns: whether a payment was near what a class had."""
    close = False
    for k in range(len(old)):
        pay = price * weights[k]
        left = money[old[k]] - pay
        if abs(left) <= tolerance * pay:
            close = True
        money[first + k] = 0.0 if left < 0 else left
        whole[first + k] = left < 0
        slope[first + k] = slope[old[k]] + weights[k] * slope_step
    return close


@njit(
    (_INTS, _INTS, _INTS, _FLOATS, _FLOATS, _FLOATS, _FLOATS, types.int64, _FLAGS, _INTS, types.int64, _FLOATS,
     _FLOATS, _FLAGS, types.boolean, types.float64),
    cache=True,
)
def decide_rounds(
    bounds: np.ndarray,
    groups: np.ndarray,
    int_weights: np.ndarray,
    weights: np.ndarray,
    voters: np.ndarray,
    costs: np.ndarray,
    totals: np.ndarray,
    span: int,
    alive: np.ndarray,
    group_class: np.ndarray,
    classes: int,
    money: np.ndarray,
    slope: np.ndarray,
    whole: np.ndarray,
    whole_exact: bool,
    tolerance: float,
) -> tuple:  # type: ignore[type-arg]
    """Decide rounds until nothing is affordable (module docstring). ``bounds[j]:bounds[j + 1]`` are
    project ``j``'s entries in ``groups``, ``int_weights`` (also as floats: ``weights``) and ``voters``;
    ``span`` is more than any weight. ``alive``, ``group_class`` and ``money``/``slope``/``whole`` (per
    class, with room for every class still to be made) are changed in place; ``whole_exact``: sums of
    whole budgets are exact in floats.

    :returns: per round (first axis of ``snapshots``): the winner (-1: none), the dropped projects, the
        limits and the splits as flat arrays with offsets, the group classes at the round's start, the
        number of classes then, the winner's factor and whether it is plain; then whether any decision
        was near a tie, and the number of rounds."""
    n = len(costs)
    n_groups = len(group_class)
    most = 1
    for j in range(n):
        if alive[j]:
            most += 1
    chosen = np.full(most, -1, dtype=np.int64)
    dropped = np.empty(n, dtype=np.int64)
    dropped_at = np.zeros(most + 1, dtype=np.int64)
    limit_projects = np.empty(most * n, dtype=np.int64)
    limit_distances = np.empty(most * n)
    limits_at = np.zeros(most + 1, dtype=np.int64)
    split_classes = np.empty(len(groups), dtype=np.int64)
    split_weights = np.empty(len(groups), dtype=np.int64)
    splits_at = np.zeros(most + 1, dtype=np.int64)
    snapshots = np.empty((most, n_groups), dtype=np.int64)
    class_counts = np.zeros(most, dtype=np.int64)
    factors = np.zeros(most)
    plains = np.zeros(most, dtype=np.bool_)
    close = False

    below = costs / totals
    rho = np.zeros(n)
    rich = np.zeros(n)
    poor_slope = np.zeros(n)
    factor = np.zeros(n)
    plain = np.zeros(n, dtype=np.bool_)
    affordable = np.zeros(n, dtype=np.bool_)
    poor = np.zeros(len(groups), dtype=np.bool_)
    held_by = np.empty(len(groups))  # per entry, this round: its supporters' money and slope per voter
    slope_by = np.empty(len(groups))
    n_dropped = 0
    n_limits = 0
    n_splits = 0
    t = 0
    while True:
        # money of every live project's supporters: drop the unaffordable
        for j in range(n):
            affordable[j] = False
            if not alive[j]:
                continue
            held = 0.0
            partial = 0
            for e in range(bounds[j], bounds[j + 1]):
                c = group_class[groups[e]]
                held_by[e] = money[c]
                slope_by[e] = slope[c]
                held += money[c] * voters[e]
                if not whole[c]:
                    partial += 1
            shortfall = costs[j] - held
            if abs(shortfall) <= tolerance * costs[j] and not (partial == 0 and whole_exact):
                close = True
            if shortfall > 0:
                dropped[n_dropped] = j
                n_dropped += 1
                total_slope = 0.0
                for e in range(bounds[j], bounds[j + 1]):
                    total_slope += slope_by[e] * voters[e]
                if total_slope > 0:
                    limit_projects[n_limits] = j
                    limit_distances[n_limits] = shortfall / total_slope
                    n_limits += 1
                alive[j] = False
            else:
                affordable[j] = True
        dropped_at[t + 1] = n_dropped
        snapshots[t] = group_class
        class_counts[t] = classes
        best = -1
        for j in range(n):
            if affordable[j]:
                start, end = bounds[j], bounds[j + 1]
                rho[j], rich[j], poor_slope[j], plain[j], factor[j], near = _price(
                    costs[j], totals[j], weights[start:end], voters[start:end], held_by[start:end],
                    slope_by[start:end], poor[start:end], below[j], tolerance,
                )
                close |= near
                if best < 0 or factor[j] < factor[best]:
                    best = j
        if best < 0:
            limits_at[t + 1] = n_limits
            splits_at[t + 1] = n_splits
            return (chosen, dropped, dropped_at, limit_projects, limit_distances, limits_at, split_classes,
                    split_weights, splits_at, snapshots, class_counts, factors, plains, close, t + 1)
        best_factor = factor[best]
        for j in range(n):
            if not affordable[j] or j == best:
                continue
            if factor[j] - best_factor <= tolerance * best_factor and not (plain[j] and plain[best]):
                close = True
            drift = poor_slope[j] / (rich[j] * costs[j])
            if drift > 0:
                limit_projects[n_limits] = j
                limit_distances[n_limits] = (factor[j] - best_factor) / drift
                n_limits += 1
        limits_at[t + 1] = n_limits
        chosen[t] = best
        factors[t] = best_factor
        plains[t] = plain[best]
        # charge the winner's supporters: each (class, weight) bucket becomes a new class
        start, end = bounds[best], bounds[best + 1]
        packed = np.empty(end - start, dtype=np.int64)
        for e in range(start, end):
            packed[e - start] = group_class[groups[e]] * span + int_weights[e]
        order = np.argsort(packed)
        price = rho[best]
        slope_step = poor_slope[best] / rich[best]
        first = n_splits
        previous = -1
        for k in range(len(order)):
            key = packed[order[k]]
            if key != previous:
                previous = key
                split_classes[n_splits] = key // span
                split_weights[n_splits] = key % span
                n_splits += 1
            group_class[groups[start + order[k]]] = classes + n_splits - first - 1
        splits_at[t + 1] = n_splits
        close |= charge(split_classes[first:n_splits], split_weights[first:n_splits].astype(np.float64), money,
                        slope, whole, classes, price, slope_step, tolerance)
        classes += n_splits - first
        alive[best] = False
        for j in range(n):
            if affordable[j]:
                below[j] = rho[j]  # within a run prices only rise: next round's start
        t += 1


@njit((_INTS, _INTS, _FLOATS, _INTS, types.int64, _INTS), cache=True)
def aggregate(
    groups: np.ndarray, weights: np.ndarray, voters: np.ndarray, group_class: np.ndarray, span: int,
    slots: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A project's supporter groups (with their weights and voters) merged by (class, weight) with the
    classes of ``group_class``: the classes, weights (as floats) and voters. Voters of one class have
    the same money, so the replay prices these few entries instead of every group.

    With every weight 1 (approval) the merge is one pass: ``slots`` (-1 for every class, as it is left)
    holds the position of each class met; otherwise the keys are sorted."""
    classes = np.empty(len(groups), dtype=np.int64)
    merged_weights = np.empty(len(groups))
    merged_voters = np.zeros(len(groups))
    count = 0
    if span <= 2:
        for e in range(len(groups)):
            c = group_class[groups[e]]
            if slots[c] < 0:
                slots[c] = count
                classes[count] = c
                merged_weights[count] = 1.0
                count += 1
            merged_voters[slots[c]] += voters[e]
        for k in range(count):
            slots[classes[k]] = -1
        return classes[:count].copy(), merged_weights[:count].copy(), merged_voters[:count].copy()
    keys = np.empty(len(groups), dtype=np.int64)
    for e in range(len(groups)):
        keys[e] = group_class[groups[e]] * span + weights[e]
    order = np.argsort(keys)
    previous = -1
    for k in range(len(order)):
        key = keys[order[k]]
        if key != previous:
            previous = key
            classes[count] = key // span
            merged_weights[count] = key % span
            count += 1
        merged_voters[count - 1] += voters[order[k]]
    return classes[:count].copy(), merged_weights[:count].copy(), merged_voters[:count].copy()


@njit((_INTS, _FLOATS, _FLOATS, _FLOATS, _FLAGS), cache=True)
def hold(
    classes: np.ndarray, voters: np.ndarray, money: np.ndarray, slope: np.ndarray, whole: np.ndarray
) -> tuple[float, float, int]:
    """What a project's supporters (``aggregate``d entries) hold, their slope sum, and how many entries
    are of a class that paid part of what it had (``FloatRun.held_exactly``)."""
    held, slopes, partial = 0.0, 0.0, 0
    for k in range(len(classes)):
        c = classes[k]
        held += money[c] * voters[k]
        slopes += slope[c] * voters[k]
        if not whole[c]:
            partial += 1
    return held, slopes, partial


@njit(
    (types.float64, types.float64, _INTS, _FLOATS, _FLOATS, _FLOATS, _FLOATS, types.float64, types.float64),
    cache=True,
)
def price_at(
    cost: float,
    total: float,
    classes: np.ndarray,
    weights: np.ndarray,
    voters: np.ndarray,
    money: np.ndarray,
    slope: np.ndarray,
    hint: float,
    tolerance: float,
) -> tuple[float, bool, float, float, bool]:
    """A project's price from its ``aggregate``d supporters.

    ``hint`` is a guess of the price (the last one found for this round and project). Newton's method
    starts from the price of the line through the supporters below the guess, ``(cost - what they
    hold) / the others' weight``: for any set of supporters that line lies above the sum paid, so its
    solution is at most the price. With a good guess it is the price, and one pass confirms it.

    :returns: its factor, whether it is plain, its price, its poor supporters' slope sum per unit of the
        others' weight, and whether it was near a tie."""
    held_by = np.empty(len(classes))
    slope_by = np.empty(len(classes))
    below_hint_held, below_hint_weight = 0.0, 0.0
    for k in range(len(classes)):
        c = classes[k]
        held_by[k] = money[c]
        slope_by[k] = slope[c]
        if money[c] < hint * weights[k]:
            below_hint_held += money[c] * voters[k]
            below_hint_weight += weights[k] * voters[k]
    lower = 0.0
    if below_hint_weight < total:
        lower = (cost - below_hint_held) / (total - below_hint_weight)
    price, rich_weight, poor_slope, plain, factor, close = _price(
        cost, total, weights, voters, held_by, slope_by, np.empty(len(classes), dtype=np.bool_), lower, tolerance
    )
    return factor, plain, price, poor_slope / rich_weight, close


@njit((types.float64, _INTS, _FLOATS, _FLOATS, _FLOATS, _FLOATS), cache=True)
def pay_at_tie(
    tie: float, classes: np.ndarray, weights: np.ndarray, voters: np.ndarray, money: np.ndarray, slope: np.ndarray
) -> tuple[float, float]:
    """What a project's supporters (``aggregate``d) would pay at the price ``tie`` per unit of weight
    (``replay._losing``), and the slope sum of those short of it."""
    paid, slopes = 0.0, 0.0
    for k in range(len(classes)):
        c = classes[k]
        share = tie * weights[k]
        if money[c] < share:
            paid += voters[k] * money[c]
            slopes += voters[k] * slope[c]
        else:
            paid += voters[k] * share
    return paid, slopes


@njit((_INTS, _FLOATS, _FLAGS, _FLAGS, types.float64, types.float64), cache=True)
def split_limits(
    limited: np.ndarray, distances: np.ndarray, live: np.ndarray, forced: np.ndarray, threshold: float,
    step: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A replayed round's limits at ``step`` more (``replay``): of the projects still ``live``, the
    *suspects* (limit at most ``threshold``, or ``forced``) and the others with their limits less ``step``."""
    suspects = np.empty(len(limited), dtype=np.int64)
    kept = np.empty(len(limited), dtype=np.int64)
    kept_distances = np.empty(len(limited))
    n_suspects, n_kept = 0, 0
    for k in range(len(limited)):
        q = limited[k]
        if not live[q]:
            continue
        if distances[k] <= threshold or forced[q]:
            suspects[n_suspects] = q
            n_suspects += 1
        else:
            kept[n_kept] = q
            kept_distances[n_kept] = distances[k] - step
            n_kept += 1
    return suspects[:n_suspects].copy(), kept[:n_kept].copy(), kept_distances[:n_kept].copy()



def _warm_up() -> None:
    """Decide one tiny run: numba finishes setting up a function loaded from its cache on the first call
    (about 10 ms for ``decide_rounds``), which belongs with loading it at import, not in the first count."""
    one, start = np.zeros(1, dtype=np.int64), np.array([0, 1], dtype=np.int64)
    money, slope, whole = np.array([1.0, 0.0, 0.0]), np.array([1.0, 0.0, 0.0]), np.ones(3, dtype=np.bool_)
    decide_rounds(start, one, one + 1, np.ones(1), np.ones(1), np.ones(1), np.ones(1), 2, np.ones(1, dtype=np.bool_),
                  one.copy(), 1, money, slope, whole, True, 1e-9)


_warm_up()
