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

Funded projects are the same for every ``b`` in the interval, so one run per interval decides the
completion exactly as stepping would; the tests compare both on small files and random instances.

Reusing a prefix. The bound is kept per round and per project (``_Round.limits``: project ``q`` cannot
beat round ``k``'s winner, or stays unaffordable, for ``d`` below its limit, given the same earlier
rounds). Which voters form which class (same payments so far), and so each project's supporters as
``(class, weight)`` counts, depend only on the earlier selections, not on ``b``; a run keeps, per round,
the class of every merged ballot (a numpy array, shared with later runs). The run at ``b + step`` then
replays the previous run round by round: the projects whose limit is above ``step`` are proven to decide
as before (their limits carry over less ``step``); only the winner and the *suspects* (limit at most
``step``) are priced at the new budget, with numpy prefix sums over their counts. If every suspect
still loses (or is still unaffordable) the round stands, the suspects get fresh limits and the winner's
supporters are charged; the first round where a suspect wins, or where nothing was affordable and
something now is, is decided again from the stored structure, and so is everything after it. Most
consecutive runs of a completion differ only near their end, or not at all.

Proving a whole interval. For a fixed selection sequence every voter's money at every round is
non-decreasing in ``b`` (point 1 above), so every price and factor ``rho / cost`` is non-increasing. If,
replaying the run at ``b`` with the same selections at ``b2 = b + J``, in every round each suspect is
either still unaffordable at ``b2`` (then at every budget in between) or has a factor at ``b2`` above
the winner's factor at ``b`` (then above the winner's at every budget in between), every run in
``[b, b2]`` makes the same selections, by induction over the rounds. Projects whose limit exceeds ``J``
need no check. A near tie there is a failed proof, not a reason for an exact rerun. The completion
gallops with such intervals and falls back to the bound's step.

A single float pass decides (``_Run``: per-project supporter entries kept sorted by money per unit of
weight, so a price walks only the voters who cannot pay it in full). Every comparison, replayed or not,
within a relative ``1e-9`` of a tie makes the whole run start over in exact fractions
(``_Run(exact=True)``, from round 0); float limits are shrunk by a relative ``1e-6`` before use. One
kind of tie is exact by construction and needs no rerun: when the supporters short of money have exactly
nothing left, the factor is exactly ``1 / weight of the others``, the same float for the same weight
(``_Run._price``); real elections meet such ties at almost every budget (Toulouse 2024).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
    def weight_span(self) -> int:
        """One more than the largest weight, to pack ``(class, weight)`` into one integer."""
        return 1 + max((w for sup in self.supporters for _, w in sup), default=0)


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
    run, _ = _decide(prep, per_voter_budget, exact=exact)
    return _replay_exact(prep, run)


def _decide(
    prep: _Prepared, per_voter_budget: int, base: Sequence[_Round] = (), step: int = 0, *, exact: bool = False
) -> tuple[MesRun, list[_Round]]:
    """Decide one run (float pass, exact rerun on a near tie) and return it with its rounds.

    ``base`` are the rounds of the run at ``per_voter_budget - step``; the float pass replays the ones its
    bounds prove unchanged instead of deciding them again. The exact rerun always starts from round 0.
    """
    if not exact:
        fast = _Run(prep, per_voter_budget, exact=False, base=base, step=step)
        result = fast.result()
        if not fast.close:
            return result, fast.rounds
    slow = _Run(prep, per_voter_budget, exact=True)
    return slow.result(), slow.rounds


def _prove(
    prep: _Prepared, per_voter_budget: int, base: Sequence[_Round], step: int
) -> tuple[MesRun, list[_Round]] | None:
    """The run at ``per_voter_budget`` if every run from ``per_voter_budget - step`` up to it is proven to
    make the selections of ``base`` (module docstring, "Proving a whole interval"), else ``None``."""
    trial = _Run(prep, per_voter_budget, exact=False, base=base, step=step, proving=True)
    if not trial.finished or trial.close:
        return None
    return trial.result(), trial.rounds


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
Entries = dict[tuple[int, int], int]
_TOLERANCE = 1e-9
_SHRINK = 1e-6


@dataclass(frozen=True)
class _Round:
    """What a run did in one round, kept so the next run of the completion can replay it.

    ``group_class`` (the class of each merged ballot) and ``classes`` describe the voters at the round's
    start; they follow from the earlier selections alone, not from the per-voter budget, so later runs
    share them (and nobody changes them). Each project's supporters as ``(class, weight) -> voters``
    follow from them (``entry_arrays``). ``splits`` are the
    ``(class, weight)`` buckets of the winner's supporters in the order their new classes were made.
    ``factor`` is the winner's ``rho / cost`` and ``plain`` whether it was exactly ``1 / weight`` (see
    ``_Run._price``). ``dropped`` are the projects found unaffordable in the round, ``chosen`` is
    ``None`` in the last round (nothing affordable). ``limits`` hold, per project that could change the
    round (beat the winner, or become affordable when dropped), the distance it is proven not to, before
    the float shrink; the round's part of the bound ``D`` is their minimum.
    """

    chosen: int | None
    dropped: tuple[int, ...]
    limits: tuple[tuple[int, Real], ...]
    group_class: np.ndarray
    classes: int
    splits: tuple[tuple[int, int], ...]
    factor: Real | None
    plain: bool
    arrays: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Entries as numpy arrays for the replay, made on first use and shared with later runs."""

    def entry_arrays(self, prep: _Prepared, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Project ``j``'s supporters at the round's start as arrays: classes, weights and voters, one
        element per ``(class, weight)`` (``j = -1``: the splits, with voters 1)."""
        cached = self.arrays.get(j)
        if cached is None:
            if j < 0:
                keys = np.array(self.splits, dtype=np.int64).reshape(-1, 2)
                cached = (keys[:, 0], keys[:, 1].astype(np.float64), np.ones(len(keys)))
            else:
                groups, weights, voters = prep.supporter_arrays[j]
                span = prep.weight_span
                packed, where = np.unique(self.group_class[groups] * span + weights, return_inverse=True)
                cached = (packed // span, (packed % span).astype(np.float64), np.bincount(where, voters))
            self.arrays[j] = cached
        return cached

    @property
    def limit(self) -> Real | None:
        """The smallest of ``limits`` (``None``: no decision in the round can change)."""
        return min((limit for _, limit in self.limits), default=None)


def _safe(limit: Real) -> Real:
    """A float limit shrunk by a relative ``1e-6`` to stay on the safe side of rounding; exact ones as they are."""
    if isinstance(limit, Fraction):
        return limit
    return max(0.0, limit * (1 - _SHRINK) - _SHRINK)


class _Run:
    """The state of one run. Voters with the same money and slope form a class; per project, the
    supporters are kept as (class, weight) entries sorted by money per unit of weight, so finding the
    price only walks the entries that cannot pay it in full.

    With ``exact=False`` numbers are floats and ``close`` records whether any decision was nearly tied;
    the bound ``stable_for`` is then shrunk by a relative ``1e-6`` to stay on the safe side.

    ``base`` and ``step``: the rounds of the run at ``b - step``. The rounds before the first one whose
    safe limit is at most ``step`` make the same decisions here (module docstring, "Reusing a prefix"):
    they are replayed (the winner's price and its supporters' new money, nothing else), their limits
    carried over less ``step``, and deciding starts at that round from its shared structure."""

    def __init__(
        self,
        prep: _Prepared,
        b: int,
        *,
        exact: bool,
        base: Sequence[_Round] = (),
        step: int = 0,
        proving: bool = False,
    ) -> None:
        self.prep = prep
        self.b = b
        self.exact = exact
        self.close = False
        self.num: type[Fraction] | type[float] = Fraction if exact else float
        num = self.num
        self.money: list[Real] = [num(b)]
        self.slope: list[Real] = [num(1)]
        n = len(prep.ids)
        self.alive = set(range(n))
        self.winners: list[int] = []
        self.rounds: list[_Round] = []
        self.order: list[list[tuple[Real, int, int]]] = [[] for _ in range(n)]
        self.total_money: list[Real] = [num(0)] * n
        self.total_slope: list[Real] = [num(0)] * n
        self.finished = False
        self.proving = proving
        if base and not exact:
            self.finished = self._replay(base, step)
            return
        self.group_class = [0] * len(prep.ballots)
        self.entries: list[Entries] = [{} for _ in range(n)]
        for j, sup in enumerate(prep.supporters):
            entries = self.entries[j]
            for g, w in sup:
                entries[(0, w)] = entries.get((0, w), 0) + prep.multiplicity[g]
        self._index(self.alive)

    def _index(self, projects: set[int]) -> None:
        """Sort each project's entries by money per unit of weight and total its supporters' money."""
        money, slope = self.money, self.slope
        for j in projects:
            entries = self.entries[j]
            self.order[j] = sorted((money[c] / w, c, w) for (c, w) in entries)
            self.total_money[j] = sum((count * money[c] for (c, _), count in entries.items()), self.num(0))
            self.total_slope[j] = sum((count * slope[c] for (c, _), count in entries.items()), self.num(0))

    def _replay(self, base: Sequence[_Round], step: int) -> bool:
        """Replay the rounds of ``base`` that stay the same at ``step`` more; then take over the structure
        at the first round that has to be decided again. :returns: whether every round stayed the same.

        A round stays the same when each project whose carried limit is at most ``step`` (a *suspect*)
        still loses to the winner, or is still unaffordable, at the new budget: only the winner and the
        suspects are priced; the other limits carry over less ``step``, the suspects get fresh ones. A
        project ``base`` had dropped that is affordable here stays a suspect in every later round."""
        revived: set[int] = set()
        self.m = np.zeros(base[-1].classes + 1)
        self.s = np.zeros(base[-1].classes + 1)
        self.m[0], self.s[0] = self.b, 1.0
        threshold = (step + _SHRINK) / (1 - _SHRINK)  # _safe(limit) <= step, or a little more often
        for past in base:
            alive = self.alive
            suspects = revived.union(q for q, limit in past.limits if q in alive and limit <= threshold)
            kept = tuple((q, float(limit) - step) for q, limit in past.limits if q in alive and q not in suspects)
            verified = self._verify(past, suspects)
            if verified is None:
                if self.proving:
                    return False
                self._take_over(past)
                return False
            fresh, short, factor, plain = verified
            dropped = tuple(sorted(short.union(q for q in past.dropped if q not in suspects)))
            self.rounds.append(replace(past, dropped=dropped, limits=kept + fresh, factor=factor, plain=plain))
            self.alive.difference_update(dropped)
            revived = (revived | suspects.intersection(past.dropped)) - short
            if past.chosen is None:
                return True
            self.alive.discard(past.chosen)
            self.winners.append(past.chosen)
        return True  # not reached: a run's last round has no winner

    def _take_over(self, past: _Round) -> None:
        """Start deciding at ``past``'s round: money as replayed, entries of the live projects rebuilt."""
        self.money = self.m[: past.classes].tolist()
        self.slope = self.s[: past.classes].tolist()
        self.group_class = past.group_class.tolist()
        self.entries = [{} for _ in self.prep.ids]
        for j in self.alive:
            classes, weights, voters = past.entry_arrays(self.prep, j)
            keys = zip(classes.tolist(), weights.astype(np.int64).tolist(), strict=True)
            self.entries[j] = dict(zip(keys, voters.astype(np.int64).tolist(), strict=True))
        self._index(self.alive)

    def _verify(
        self, past: _Round, suspects: set[int]
    ) -> tuple[tuple[tuple[int, Real], ...], set[int], Real | None, bool] | None:
        """Check a replayed round at this run's budget and charge its winner (see ``_replay``).

        When ``proving``, a suspect must lose here to the winner's factor at the *base* budget, with a
        clear margin, so that it loses at every budget in between (module docstring, "Proving a whole
        interval"); a near tie is then a failure, not a reason to rerun exactly.

        :returns: the fresh limits of the suspects, the suspects that are unaffordable, the winner's
            factor and whether it is plain (both at this budget), or ``None`` when the round's decisions
            change (or, proving, are not proven)."""
        prep, m, s = self.prep, self.m, self.s
        fresh: list[tuple[int, Real]] = []
        short: set[int] = set()
        contenders: list[int] = []
        for q in sorted(suspects):
            cost = prep.costs[q]
            classes, _, voters = past.entry_arrays(self.prep, q)
            shortfall = cost - float(voters @ m[classes])
            if abs(shortfall) <= _TOLERANCE * cost:
                self.close = True
            if shortfall <= 0:
                contenders.append(q)
                continue
            short.add(q)
            total_slope = float(voters @ s[classes])
            if total_slope > 0:
                fresh.append((q, shortfall / total_slope))
        chosen = past.chosen
        if chosen is None:
            return None if contenders else (tuple(fresh), short, None, False)
        best_factor, best_plain, rho, slope_step = self._score(chosen, past.entry_arrays(self.prep, chosen))
        if self.proving and past.factor is not None:
            reference, reference_plain = past.factor, past.plain
        else:
            reference, reference_plain = best_factor, best_plain
        for q in contenders:
            factor, plain, _, poor_slope_step = self._score(q, past.entry_arrays(self.prep, q))
            if (factor, q) < (reference, chosen):
                return None
            if not (plain and reference_plain) and factor - reference <= _TOLERANCE * reference:
                if self.proving:
                    return None
                self.close = True
            if poor_slope_step > 0:
                fresh.append((q, (factor - best_factor) / (poor_slope_step / prep.costs[q])))
        old, weights, _ = past.entry_arrays(self.prep, -1)
        pay = rho * weights
        old_money = m[old]
        if (np.abs(old_money - pay) <= _TOLERANCE * pay).any():
            self.close = True
        new = slice(past.classes, past.classes + len(old))
        m[new] = np.where(old_money < pay, 0.0, old_money - pay)
        s[new] = s[old] + weights * slope_step
        return tuple(fresh), short, best_factor, best_plain

    def _score(self, j: int, arrays: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[float, bool, float, float]:
        """A project's factor at this run's budget from its entries alone, as ``_price`` walks them but
        with prefix sums: the factor, whether nobody is short of money, the price and the poor supporters'
        slope per unit of the others' weight."""
        classes, weights, voters = arrays
        cost, total_weight = self.prep.costs[j], self.prep.weight_totals[j]
        money = self.m[classes]
        ratios = money / weights
        order = ratios.argsort()
        counted = voters[order]
        paid = counted * money[order]
        weight = counted * weights[order]
        paid_before = paid.cumsum() - paid
        weight_before = weight.cumsum() - weight
        gap = ratios[order] * (total_weight - weight_before) - (cost - paid_before)
        reached = gap >= 0
        stop = int(reached.argmax())
        found = bool(reached[stop])
        rich_weight = float(total_weight - weight_before[stop])
        if not found or rich_weight <= 0 or (np.abs(gap[: stop + 1]) <= _TOLERANCE * cost).any():
            self.close = True  # a near tie, or (without one) float rounding: the exact rerun decides
        if not found or rich_weight <= 0:
            return 1.0, False, float(cost), 0.0
        poor = order[:stop]
        rho = float(cost - paid_before[stop]) / rich_weight
        plain = not money[poor].any()
        factor = 1 / rich_weight if plain else rho / cost
        return factor, plain, rho, float(voters[poor] @ self.s[classes[poor]]) / rich_weight

    def _price(
        self, j: int, entries: Entries, order: list[tuple[Real, int, int]]
    ) -> tuple[Real, Real, int, bool]:
        """The price per unit of weight for an affordable project, the slope sum of its poor
        supporters, the weight of the others and whether the poor ones have nothing left (*plain*: the
        price is then exactly ``cost / weight of the others``, and the factor ``1 / that weight``, the
        same float for equal weights, so a tie between plain factors is exact and needs no rerun).

        Money that is exactly 0 is exact: a float pass sets it only when a voter paid all they had, and
        a near tie there makes the run start over in fractions."""
        cost = self.prep.costs[j]
        left_cost: Real = self.num(cost)
        rich_weight = self.prep.weight_totals[j]
        poor_slope: Real = self.num(0)
        exact = self.exact
        plain = True
        for ratio, c, w in order:
            gap = ratio * rich_weight - left_cost
            if not exact and abs(float(gap)) <= _TOLERANCE * cost:
                self.close = True
            if gap >= 0:
                break
            count = entries[(c, w)]
            if self.money[c]:
                plain = False
                left_cost -= count * self.money[c]
            rich_weight -= count * w
            poor_slope += count * self.slope[c]
        if rich_weight == 0:  # only reachable through float rounding: the exact rerun decides
            self.close = True
            return self.num(cost), poor_slope, 1, False
        return left_cost / rich_weight, poor_slope, rich_weight, plain

    def result(self) -> MesRun:
        prep = self.prep
        alive = self.alive
        exact = self.exact
        while not self.finished:
            snapshot = np.array(self.group_class, dtype=np.int64), len(self.money)
            limits: list[tuple[int, Real]] = []
            dropped: list[int] = []
            scores: list[tuple[Real, int, Real, Real, Real, int, bool]] = []
            for j in sorted(alive):
                cost = prep.costs[j]
                shortfall = cost - self.total_money[j]
                if not exact and abs(shortfall) <= _TOLERANCE * cost:
                    self.close = True
                if shortfall > 0:
                    dropped.append(j)
                    if self.total_slope[j] > 0:
                        limits.append((j, shortfall / self.total_slope[j]))
                    continue
                rho, poor_slope, rich_weight, plain = self._price(j, self.entries[j], self.order[j])
                factor = 1 / self.num(rich_weight) if plain else rho / cost
                scores.append((factor, j, poor_slope / (rich_weight * cost), rho, poor_slope, rich_weight, plain))
            alive.difference_update(dropped)
            if not scores:
                self.rounds.append(_Round(None, tuple(dropped), tuple(limits), *snapshot, (), None, False))
                break
            best = min(scores)
            best_factor, chosen = best[0], best[1]
            best_plain = best[6]
            for factor, j, drift, _, _, _, plain in scores:
                if j == chosen:
                    continue
                if not exact and not (plain and best_plain) and factor - best_factor <= _TOLERANCE * best_factor:
                    self.close = True
                if drift > 0:
                    limits.append((j, (factor - best_factor) / drift))
            alive.discard(chosen)
            _, _, _, rho, poor_slope, rich_weight, _ = best
            self.winners.append(chosen)
            splits = self.fund(chosen, rho, poor_slope / rich_weight)
            self.rounds.append(
                _Round(chosen, tuple(dropped), tuple(limits), *snapshot, splits, best_factor, best_plain)
            )
        raw = [limit for past in self.rounds for _, limit in past.limits]
        return MesRun(
            per_voter_budget=self.b,
            winners=tuple(prep.ids[j] for j in self.winners),
            rhos=(),
            money_left={},
            stable_for=Fraction(_safe(min(raw))) if raw else None,
            spent=sum(prep.costs[j] for j in self.winners),
        )

    def fund(self, chosen: int, rho: Real, slope_step: Real) -> tuple[tuple[int, int], ...]:
        """Charge the supporters of ``chosen`` and move them to new classes in every live project's index.

        :returns: the (class, weight) buckets that became new classes, in order.
        """
        prep = self.prep
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for g, w in prep.supporters[chosen]:
            buckets[(self.group_class[g], w)].append(g)
        zero = self.num(0)
        alive = self.alive
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
                    if q in alive:
                        moved[(q, wq)] += m
            money_step, slope_delta = new_money - old_money, new_slope - old_slope
            for (q, wq), count in moved.items():
                self._move(q, wq, old, new, count)
                self.total_money[q] += count * money_step
                self.total_slope[q] += count * slope_delta
        return tuple(buckets)

    def _move(self, q: int, wq: int, old: int, new: int, count: int) -> None:
        entries, order = self.entries[q], self.order[q]
        left = entries[(old, wq)] - count
        entries[(new, wq)] = count
        if left:
            entries[(old, wq)] = left
        else:
            del entries[(old, wq)]
            del order[bisect_left(order, (self.money[old] / wq, old, wq))]
        insort(order, (self.money[new] / wq, new, wq))


@dataclass(frozen=True)
class Completion:
    """The Add1 result: the run at the final per-voter budget and the first budget that overspends."""

    run: MesRun
    first_overspending_budget: int | None
    runs: int


def add1_completion(instance: Instance, *, step_by_one: bool = False) -> Completion:
    """Find the Add1 result (module docstring); ``step_by_one`` disables the jumps (for tests).

    Besides the bound's step, the completion tries to prove longer intervals at once: the interval
    doubles after a success, up to a cap that grows by an eighth each time; a failure halves it and puts
    the cap at three quarters of the failed length (a failed try costs a partial replay). After a failure
    at the bound's step, trying waits until the completion has passed twice the failed interval."""
    prep = prepare(instance)
    n = prep.n_voters
    if n == 0 or not prep.ids:
        return Completion(mes_run(prep, 0), None, 1)
    b = instance.budget // n
    run, rounds = _decide(prep, b)
    runs = 1
    candidates = len(prep.ids)
    interval, cap, retry_from = 2, 2**62, b
    while True:
        if run.stable_for is None or len(run.winners) == candidates:
            return Completion(_replay_exact(prep, run), None, runs)
        step = 1 if step_by_one else max(1, math.ceil(run.stable_for))
        proven = None
        while not step_by_one and b >= retry_from and interval > step and proven is None:
            proven = _prove(prep, b + interval, rounds, interval)
            runs += 1
            if proven is None:
                if interval // 2 <= step:
                    retry_from = b + 2 * interval
                cap = max(2, interval * 3 // 4)
                interval //= 2
        if proven is not None:
            (run, rounds), b = proven, b + interval
            interval = min(2 * interval, cap)
            cap += cap // 8 + 1
            continue
        following, following_rounds = _decide(prep, b + step, rounds, step)
        runs += 1
        if following.spent > instance.budget:
            last = b + step - 1
            if last != b:
                run, _ = _decide(prep, last, rounds, last - b)
                runs += 1
            return Completion(_replay_exact(prep, run), b + step, runs)
        run, rounds, b = following, following_rounds, b + step
        interval = max(interval, 2)
