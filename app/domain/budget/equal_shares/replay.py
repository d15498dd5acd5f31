"""Replaying the rounds of the previous run of a completion at a higher per-voter budget, and proving
that a whole interval of budgets makes the same selections (package docstring, "Reusing a prefix" and
"Proving a whole interval")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from app.domain.budget.equal_shares.rounds import SHRINK, TOLERANCE, Real, Round, limit_arrays

if TYPE_CHECKING:
    from app.domain.budget.equal_shares.float_run import FloatRun


def replay(run: FloatRun, base: Sequence[Round], step: int, *, proving: bool = False) -> bool:
    """Replay the rounds of ``base`` that stay the same at ``step`` more; then hand the structure to
    ``run`` at the first round that has to be decided again. :returns: whether every round stayed the same.

    A round stays the same when each project whose carried limit is at most ``step`` (a *suspect*)
    still loses to the winner, or is still unaffordable, at the new budget: only the winner and the
    suspects are priced; the other limits carry over less ``step``, the suspects get fresh ones. A
    project ``base`` had dropped that is affordable here stays a suspect in every later round.
    ``proving``: check the interval up to ``run``'s budget (``_verify``) and never hand over."""
    revived: set[int] = set()
    threshold = (step + SHRINK) / (1 - SHRINK)  # safe(limit) <= step, or a little more often
    live = np.ones(len(run.prep.ids), dtype=bool)
    for past in base:
        alive = run.alive
        limited, distances = past.limits
        on = live[limited]
        limited, distances = limited[on], distances[on]
        near = distances <= threshold
        if revived:
            near |= np.isin(limited, list(revived))
        suspects = revived.union(limited[near].tolist())
        far = ~near
        kept = limited[far], distances[far] - step
        verified = _verify(run, past, suspects, proving)
        if verified is None:
            if not proving:
                run.take_over(past)
            return False
        fresh, short, factor, plain = verified
        dropped = tuple(sorted(short.union(q for q in past.dropped if q not in suspects)))
        fresh_limits = limit_arrays(fresh)
        limits = np.concatenate([kept[0], fresh_limits[0]]), np.concatenate([kept[1], fresh_limits[1]])
        run.rounds.append(
            Round(past.chosen, dropped, limits, past.group_class, past.classes, past.splits, factor, plain, past.arrays)
        )
        alive.difference_update(dropped)
        live[list(dropped)] = False
        revived = (revived | suspects.intersection(past.dropped)) - short
        if past.chosen is None:
            return True
        alive.discard(past.chosen)
        live[past.chosen] = False
        run.winners.append(past.chosen)
    return True  # not reached: a run's last round has no winner


def _verify(
    run: FloatRun, past: Round, suspects: set[int], proving: bool
) -> tuple[tuple[tuple[int, Real], ...], set[int], Real | None, bool] | None:
    """Check a replayed round at the run's budget and charge its winner (see ``replay``).

    When ``proving``, a suspect must lose here to the winner's factor at the *base* budget, with a
    clear margin, so that it loses at every budget in between (package docstring, "Proving a whole
    interval"); a near tie is then a failure, not a reason to rerun exactly.

    :returns: the fresh limits of the suspects, the suspects that are unaffordable, the winner's
        factor and whether it is plain (both at this budget), or ``None`` when the round's decisions
        change (or, proving, are not proven)."""
    prep, m, s = run.prep, run.m, run.s
    fresh: list[tuple[int, Real]] = []
    short: set[int] = set()
    contenders: list[int] = []
    if suspects:
        ordered = sorted(suspects)
        segments, classes, _, voters = _stack(run, past, ordered)
        costs = prep.cost_array[ordered]
        shortfalls = costs - np.bincount(segments, voters * m[classes], minlength=len(ordered))
        if (np.abs(shortfalls) <= TOLERANCE * costs).any():
            run.close = True
        slopes = np.bincount(segments, voters * s[classes], minlength=len(ordered))
        for q, shortfall, total_slope in zip(ordered, shortfalls.tolist(), slopes.tolist(), strict=True):
            if shortfall <= 0:
                contenders.append(q)
            else:
                short.add(q)
                if total_slope > 0:
                    fresh.append((q, shortfall / total_slope))
    chosen = past.chosen
    if chosen is None:
        return None if contenders else (tuple(fresh), short, None, False)
    best_factor, best_plain, rho, slope_step = _score(run, chosen, past.entry_arrays(prep, chosen))
    if proving and past.factor is not None:
        reference, reference_plain = past.factor, past.plain
    else:
        reference, reference_plain = best_factor, best_plain
    if contenders and not proving:
        unsure = _losing(run, past, contenders, best_factor, fresh)
        if unsure is None:
            return None
        contenders = unsure
    for q in contenders:
        factor, plain, _, poor_slope_step = _score(run, q, past.entry_arrays(prep, q))
        if (factor, q) < (reference, chosen):
            return None
        if not (plain and reference_plain) and factor - reference <= TOLERANCE * reference:
            if proving:
                return None
            run.close = True
        if poor_slope_step > 0:
            fresh.append((q, (factor - best_factor) / (poor_slope_step / prep.costs[q])))
    old, weights, _ = past.entry_arrays(prep, -1)
    pay = rho * weights
    old_money = m[old]
    if (np.abs(old_money - pay) <= TOLERANCE * pay).any():
        run.close = True
    new = slice(past.classes, past.classes + len(old))
    m[new] = np.where(old_money < pay, 0.0, old_money - pay)
    s[new] = s[old] + weights * slope_step
    return tuple(fresh), short, best_factor, best_plain


def _losing(
    run: FloatRun, past: Round, contenders: list[int], best_factor: float, fresh: list[tuple[int, Real]]
) -> list[int] | None:
    """Which affordable suspects clearly lose to the winner here, from one sum each instead of their
    prices: what a suspect's supporters would pay at the price ``tie`` of a tie with the winner,
    ``f(tie)``. Less than its cost (beyond the float tolerance), and its price is above ``tie``: it
    loses. Then at ``d`` more per voter (same selections before), a supporter short of ``tie`` has at
    most ``d * slope`` more and the others pay ``tie`` already, while the winner's factor, and so
    ``tie``, only fall; so it still loses while ``d * (slope sum of those short of tie) < cost - f(tie)``.
    That limit (no smaller than ``(factor - best) / drift`` from its price, ``f`` being concave) goes to
    ``fresh``.

    :returns: ``None`` when a suspect pays more than its cost at ``tie`` (it wins), else the suspects too
        near the tie to tell, to be scored in full."""
    prep = run.prep
    segments, classes, weights, voters = _stack(run, past, contenders)
    money = run.m[classes]
    costs = prep.cost_array[contenders]
    tie = best_factor * costs[segments] * weights
    short = money < tie
    paid = np.bincount(segments, voters * np.where(short, money, tie), minlength=len(contenders))
    if (paid > costs * (1 + TOLERANCE)).any():
        return None
    slopes = np.bincount(segments[short], (voters * run.s[classes])[short], minlength=len(contenders))
    unsure: list[int] = []
    for q, cost, pays, slope in zip(contenders, costs.tolist(), paid.tolist(), slopes.tolist(), strict=True):
        if pays >= cost * (1 - TOLERANCE):
            unsure.append(q)
        elif slope > 0:
            fresh.append((q, (cost - pays) / slope))
    return unsure


def _stack(run: FloatRun, past: Round, projects: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The supporters of ``projects`` at ``past``'s start, one after the other: segments (the position in
    ``projects``), classes, weights and voters."""
    parts = [past.entry_arrays(run.prep, j) for j in projects]
    if len(parts) == 1:
        classes, weights, voters = parts[0]
        return np.zeros(len(classes), dtype=np.int64), classes, weights, voters
    segments = np.repeat(np.arange(len(parts)), [len(part[0]) for part in parts])
    classes, weights, voters = (np.concatenate(column) for column in zip(*parts, strict=True))
    return segments, classes, weights, voters


def _score(
    run: FloatRun, j: int, arrays: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[float, bool, float, float]:
    """A project's factor at the run's budget from its entries alone, as ``ExactRun.price`` walks them
    but with prefix sums: the factor, whether nobody is short of money, the price and the poor
    supporters' slope per unit of the others' weight.

    The walk's test ``ratio * rich weight - cost left`` never decreases along the sorted entries (from
    one entry to the next it changes by the rise in ratio times the weight still rich), so the
    entries nearest a tie among those walked are the last poor one and the first rich one; only they are
    checked, and the poor have nothing left exactly when the last of them has nothing."""
    classes, weights, voters = arrays
    cost, total_weight = run.prep.costs[j], run.prep.weight_totals[j]
    money = run.m[classes]
    ratios = money / weights
    order = ratios.argsort()
    ratios = ratios[order]
    paid = (money * voters)[order]
    weight = (weights * voters)[order]
    paid_before = paid.cumsum()
    paid_before -= paid
    weight_before = weight.cumsum()
    weight_before -= weight
    gap = ratios * (total_weight - weight_before)
    gap += paid_before
    gap -= cost
    reached = gap >= 0
    stop = int(reached.argmax())
    rich_weight = float(total_weight - weight_before[stop])
    if not reached[stop] or rich_weight <= 0:
        run.close = True  # float rounding only: the exact rerun decides
        return 1.0, False, float(cost), 0.0
    limit = TOLERANCE * cost
    if abs(gap[stop]) <= limit or (stop and abs(gap[stop - 1]) <= limit):
        run.close = True
    rho = float(cost - paid_before[stop]) / rich_weight
    if not stop:
        return 1 / rich_weight, True, rho, 0.0
    plain = not ratios[stop - 1]
    factor = 1 / rich_weight if plain else rho / cost
    poor = order[:stop]
    return factor, plain, rho, float(voters[poor] @ run.s[classes[poor]]) / rich_weight
