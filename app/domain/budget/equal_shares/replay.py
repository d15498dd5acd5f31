"""Replaying the rounds of the previous run of a completion at a higher per-voter budget, and proving
that a whole interval of budgets makes the same selections (package docstring, "Reusing a prefix" and
"Proving a whole interval")."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from app.domain.budget.equal_shares.kernel import charge, hold, pay_at_tie, price_at, split_limits
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
    ``proving``: check the interval up to ``run``'s budget (``_verify``) and never hand over.

    Moving a purchase up. When exactly one suspect ``q`` now beats the winner, and ``q`` is a later
    winner of ``base`` with no supporter in common with any winner from this round to ``q``'s round nor
    with a purchase moved up before whose own round is not reached, the run funds ``q`` first and then
    this round's winner; the rounds are replayed on in ``base``'s order. Funding ``q`` changes no money
    that those winners' prices depend on, and only lowers the money of other projects' supporters, so
    everything that loses in ``base``'s order still loses, and ``q``'s own round (money as without
    ``q``'s earlier purchase: more than the run has) only charges ``q``'s supporters as it did. The
    round records ``q`` (``Round.promoted``) with the limit of the move, ``(winner's factor - q's
    factor) / winner's drift`` (``q``'s factor only falls); ``q`` gets that limit in the rounds up to its
    own, where it is not looked at, and so do the projects that would beat ``q`` in its own round. A
    swap of two neighbouring purchases is the common case (Toulouse 2024); before, every round after it
    was decided again."""
    prep = run.prep
    revived: set[int] = set()
    threshold = (step + SHRINK) / (1 - SHRINK)  # safe(limit) <= step, or a little more often
    live = np.ones(len(prep.ids), dtype=bool)
    forced = np.zeros(len(prep.ids), dtype=bool)  # ``revived``, as a mask
    chosen_at = {past.chosen: t for t, past in enumerate(base) if past.chosen is not None}
    pending: dict[int, tuple[float, int]] = {}  # moved up, not yet at its own round: limit, round moved

    def movable(t: int, q: int) -> bool:
        own = chosen_at.get(q, t)
        between = [chosen for past in base[t:own] if (chosen := past.chosen) is not None]
        return own > t and not prep.overlapping(q)[between + list(pending)].any()

    for t, past in enumerate(base):
        alive = run.alive
        found, kept_projects, kept_distances = split_limits(*past.limits, live, forced, threshold, float(step))
        suspects = revived.union(found.tolist())
        kept = kept_projects, kept_distances
        moved, carried = past.promoted, None
        if moved is not None and (proving or moved[0] in suspects or not movable(t, moved[0])):
            suspects.add(moved[0])
        elif moved is not None:
            carried, moved = moved, None  # its limit proves the move still holds
        own = pending.get(past.chosen) if past.chosen is not None else None
        verified = None
        if carried is None or live[carried[0]]:
            verified = _verify(
                run, past, suspects, proving, moved, None if own is None else own[0], partial(movable, t)
            )
        if verified is None or (carried is not None and verified[4] is not None):  # a second one beats
            if not proving:
                _hand_over(run, base, min((moved_at for _, moved_at in pending.values()), default=t))
            return False
        fresh, short, factor, plain, promotion = verified
        if short or not suspects.isdisjoint(past.dropped):
            dropped = tuple(sorted(short.union(q for q in past.dropped if q not in suspects)))
        else:
            dropped = past.dropped
        move_limit = math.inf
        if carried is not None:
            promotion = carried
            at = np.flatnonzero(kept[0] == carried[0])
            move_limit = float(kept[1][at[0]]) if len(at) else math.inf
        elif promotion is not None:
            move_limit = next((float(d) for q, d in fresh if q == promotion[0]), math.inf)
        fresh.extend((q, limit) for q, (limit, _) in pending.items() if q != past.chosen and limit < math.inf)
        limits = kept
        if fresh:
            fresh_limits = limit_arrays(fresh)
            limits = np.concatenate([kept[0], fresh_limits[0]]), np.concatenate([kept[1], fresh_limits[1]])
        run.rounds.append(
            Round(
                past.chosen, dropped, limits, past.group_class, past.classes, past.splits, factor, plain, past.arrays,
                past.seen, past.prices, promotion,
            )
        )
        if dropped:
            alive.difference_update(dropped)
            live[list(dropped)] = False
        updated = (revived | suspects.intersection(past.dropped)) - short
        if updated != revived:
            forced[list(revived)] = False
            forced[list(updated)] = True
            revived = updated
        if past.chosen is None:
            return True
        if promotion is not None:
            alive.discard(promotion[0])
            live[promotion[0]] = False
            run.winners.append(promotion[0])
            pending[promotion[0]] = move_limit, t
        if own is not None:
            del pending[past.chosen]
            continue
        alive.discard(past.chosen)
        live[past.chosen] = False
        run.winners.append(past.chosen)
    return True  # not reached: a run's last round has no winner


def _hand_over(run: FloatRun, base: Sequence[Round], start: int) -> None:
    """Let ``run`` decide from round ``start`` on: the rounds replayed after it are dropped (``start``
    is the first round that moved up a purchase whose own round was not reached)."""
    del run.rounds[start:]
    winners: list[int] = []
    dropped: set[int] = set()
    for past in run.rounds:
        dropped.update(past.dropped)
        if past.promoted is not None:
            winners.append(past.promoted[0])
        if past.chosen is not None and past.chosen not in winners:
            winners.append(past.chosen)
    run.winners = winners
    run.alive = set(range(len(run.prep.ids))) - dropped - set(winners)
    run.take_over(base[start])


Verified = tuple[list[tuple[int, Real]], set[int], Real | None, bool, tuple[int, float] | None]


def _verify(
    run: FloatRun,
    past: Round,
    suspects: set[int],
    proving: bool,
    moved: tuple[int, float] | None,
    own_round_of_moved: float | None,
    movable: Callable[[int], bool],
) -> Verified | None:
    """Check a replayed round at the run's budget and charge its winner (see ``replay``).

    When ``proving``, a suspect must lose here to the winner's factor at the *base* budget, with a
    clear margin, so that it loses at every budget in between (package docstring, "Proving a whole
    interval"); a near tie is then a failure, not a reason to rerun exactly. The purchase ``past``
    moved up (``moved``: project and factor at the base budget, then a suspect) must beat the winner
    here with that factor, so that it does at every budget in between (its factor only falls, the
    winner's too); no other purchase is moved up.

    ``own_round_of_moved``: this is the own round of a purchase this run moved up, with the limit of
    that move; nothing here is decided, a suspect that beats it gets that limit.

    :returns: the fresh limits of the suspects, the suspects that are unaffordable, the winner's
        factor and whether it is plain (both at this budget), the purchase moved up before the winner
        with its factor, or ``None`` when the round's decisions change (or, proving, are not proven)."""
    prep, m, s = run.prep, run.m, run.s
    fresh: list[tuple[int, Real]] = []
    short: set[int] = set()
    contenders: list[int] = []
    for q in sorted(suspects):
        classes, _, voters = past.entry_arrays(prep, q)
        held, total_slope, partial = hold(classes, voters, m, s, run.whole)
        cost = prep.costs[q]
        shortfall = cost - held
        if abs(shortfall) <= TOLERANCE * cost and not run.held_exactly(partial):
            run.close = True
        if shortfall <= 0:
            contenders.append(q)
        else:
            short.add(q)
            if total_slope > 0:
                fresh.append((q, shortfall / total_slope))
    chosen = past.chosen
    if chosen is None:
        return None if contenders else (fresh, short, None, False, None)
    best_factor, best_plain, rho, slope_step = _score(run, past, chosen)
    deciding = own_round_of_moved is None
    if proving and deciding and past.factor is not None:
        reference, reference_plain = float(past.factor), past.plain  # plain ties: the same float as here
    else:
        reference, reference_plain = best_factor, best_plain
    if contenders and not proving:
        contenders = _losing(run, past, contenders, best_factor, fresh)
    beaters: list[tuple[float, int, bool]] = []
    for q in contenders:
        factor, plain, _, poor_slope_step = _score(run, past, q)
        if (factor, q) < (reference, chosen) or (proving and deciding and moved is not None and q == moved[0]):
            beaters.append((factor, q, plain))
            continue
        if deciding and not (plain and reference_plain) and factor - reference <= TOLERANCE * reference:
            if proving:
                return None
            run.close = True
        if poor_slope_step > 0:
            fresh.append((q, (factor - best_factor) / (poor_slope_step / prep.costs[q])))
    promotion: tuple[int, float] | None = None
    if not deciding:
        if own_round_of_moved is not None and own_round_of_moved < math.inf:
            fresh.extend((q, own_round_of_moved) for _, q, _ in beaters)
    elif beaters:
        if len(beaters) > 1:
            return None
        factor, q, plain = beaters[0]
        if not movable(q):
            return None
        if proving:
            if moved is None or q != moved[0] or best_factor - moved[1] <= TOLERANCE * best_factor:
                return None
        elif not (plain and best_plain) and best_factor - factor <= TOLERANCE * best_factor:
            run.close = True
        if slope_step > 0:
            fresh.append((q, (best_factor - factor) / (slope_step / prep.costs[chosen])))
        promotion = q, factor
    old, weights, _ = past.entry_arrays(prep, -1)
    if charge(old, weights, m, s, run.whole, past.classes, rho, slope_step, TOLERANCE):
        run.close = True
    return fresh, short, best_factor, best_plain, promotion


def _losing(
    run: FloatRun, past: Round, contenders: list[int], best_factor: float, fresh: list[tuple[int, Real]]
) -> list[int]:
    """Which affordable suspects clearly lose to the winner here, from one sum each instead of their
    prices: what a suspect's supporters would pay at the price ``tie`` of a tie with the winner,
    ``f(tie)``. Less than its cost (beyond the float tolerance), and its price is above ``tie``: it
    loses. Then at ``d`` more per voter (same selections before), a supporter short of ``tie`` has at
    most ``d * slope`` more and the others pay ``tie`` already, while the winner's factor, and so
    ``tie``, only fall; so it still loses while ``d * (slope sum of those short of tie) < cost - f(tie)``.
    That limit (no smaller than ``(factor - best) / drift`` from its price, ``f`` being concave) goes to
    ``fresh``.

    :returns: the suspects too near the tie to tell or that beat the winner, to be scored in full."""
    unsure: list[int] = []
    for q in contenders:
        classes, weights, voters = past.entry_arrays(run.prep, q)
        cost = run.prep.costs[q]
        pays, slope = pay_at_tie(best_factor * cost, classes, weights, voters, run.m, run.s)
        if pays >= cost * (1 - TOLERANCE):
            unsure.append(q)
        elif slope > 0:
            fresh.append((q, (cost - pays) / slope))
    return unsure


def _score(run: FloatRun, past: Round, j: int) -> tuple[float, bool, float, float]:
    """A project's factor at the run's budget with the classes at ``past``'s start (``kernel.price_at``):
    the factor, whether it is plain, the price and the poor supporters' slope per unit of the others'
    weight. A near tie makes the run start over in fractions."""
    prep = run.prep
    classes, weights, voters = past.entry_arrays(prep, j)
    factor, plain, rho, slope_step, close = price_at(
        float(prep.costs[j]), float(prep.weight_totals[j]), classes, weights, voters, run.m, run.s,
        past.prices.get(j, 0.0), TOLERANCE,
    )
    past.prices[j] = rho
    if close:
        run.close = True
    return factor, plain, rho, slope_step
