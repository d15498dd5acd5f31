"""One MES run (``mes_run``) and the Add1 completion (``add1_completion``), package docstring."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.budget.equal_shares.exact import ExactRun, replay_exact
from app.domain.budget.equal_shares.float_run import FloatRun
from app.domain.budget.equal_shares.prepared import MesRun, Prepared, prepare
from app.domain.budget.equal_shares.replay import replay
from app.domain.budget.equal_shares.rounds import Round
from app.domain.budget.instance import Instance


def mes_run(instance: Instance | Prepared, per_voter_budget: int, *, exact: bool = False) -> MesRun:
    """Run MES once with every voter starting at ``per_voter_budget`` (see the package docstring).

    Who is funded is decided by a float pass; if any comparison in it was within a relative ``1e-9`` of
    a tie (far above float rounding error), the run is redone in exact fractions, which is then the
    answer. ``exact=True`` skips the float pass. The prices and money left are always exact (the
    funded sequence is replayed in fractions).
    """
    prep = instance if isinstance(instance, Prepared) else prepare(instance)
    run, _ = decide(prep, per_voter_budget, exact=exact)
    return replay_exact(prep, run)


def decide(
    prep: Prepared, per_voter_budget: int, base: Sequence[Round] = (), step: int = 0, *, exact: bool = False
) -> tuple[MesRun, list[Round]]:
    """Decide one run (float pass, exact rerun on a near tie) and return it with its rounds.

    ``base`` are the rounds of the run at ``per_voter_budget - step``; the float pass replays the ones its
    bounds prove unchanged instead of deciding them again. The exact rerun always starts from round 0.
    """
    if not exact:
        fast = _float_run(prep, per_voter_budget, base, step, proving=False)
        result = fast.result()
        if not fast.close:
            return result, fast.rounds
    slow = ExactRun(prep, per_voter_budget)
    return slow.result(), slow.rounds


def _decide_whole(prep: Prepared, per_voter_budget: int, previous: int) -> MesRun:
    """Decide one run whole in compiled code, keeping none of its rounds. On a near tie, replay it from
    the run at ``previous`` (decided again, with its rounds), and only then rerun exactly: a replay
    re-checks only what the bounds do not cover, so it often passes a tie a whole run must rerun exactly
    (Zürich D10 at 375 and 400 per voter)."""
    fast = FloatRun(prep, per_voter_budget, keep_rounds=False)
    result = fast.result()
    if not fast.close:
        return result
    _, base = decide(prep, previous)
    return decide(prep, per_voter_budget, base, per_voter_budget - previous)[0]


def prove(
    prep: Prepared, per_voter_budget: int, base: Sequence[Round], step: int
) -> tuple[MesRun, list[Round]] | None:
    """The run at ``per_voter_budget`` if every run from ``per_voter_budget - step`` up to it is proven to
    make the selections of ``base`` (package docstring, "Proving a whole interval"), else ``None``."""
    trial = _float_run(prep, per_voter_budget, base, step, proving=True)
    if not trial.finished or trial.close:
        return None
    return trial.result(), trial.rounds


def _float_run(prep: Prepared, b: int, base: Sequence[Round], step: int, *, proving: bool) -> FloatRun:
    run = FloatRun(prep, b, classes=base[-1].classes + 1 if base else 1)
    if base:
        run.finished = replay(run, base, step, proving=proving)
    return run


@dataclass(frozen=True)
class Completion:
    """The Add1 result: the run at the final per-voter budget and the first budget that overspends."""

    run: MesRun
    first_overspending_budget: int | None
    runs: int


REPLAY_FROM = 10_000
"""Replay runs (and prove intervals) on elections with at least this many (group of identical ballots,
project) pairs; below it a whole compiled run (``kernel``) costs less than a replay's rounds in Python
(measured on the pabulib files: Wieliczka 2023, 7,050 pairs, 0.29 s whole against 0.56 s replayed;
Cambridge 2019, 17,178 pairs, 0.09 s against 0.05 s)."""


def add1_completion(
    instance: Instance, *, step_by_one: bool = False, replay_from: int = REPLAY_FROM
) -> Completion:
    """Find the Add1 result (package docstring); ``step_by_one`` disables the jumps (for tests), and
    ``replay_from`` is the size from which runs are replayed (``REPLAY_FROM``; tests vary it).

    Besides the bound's step, the completion tries to prove longer intervals at once: the interval
    doubles after a success, up to a cap that grows by an eighth each time; a failure halves it and puts
    the cap at three quarters of the failed length (a failed try costs a partial replay). After a failure
    at the bound's step, trying waits until the completion has passed twice the failed interval."""
    prep = prepare(instance)
    n = prep.n_voters
    if n == 0 or not prep.ids:
        return Completion(mes_run(prep, 0), None, 1)
    b = instance.budget // n
    run, rounds = decide(prep, b)
    runs = 1
    candidates = len(prep.ids)
    interval, cap, retry_from = 2, 2**62, b
    replaying = len(prep.table[0]) >= replay_from

    def run_at(target: int) -> tuple[MesRun, list[Round]]:
        if replaying:
            return decide(prep, target, rounds, target - b)
        return _decide_whole(prep, target, b), []

    while True:
        if run.stable_for is None or len(run.winners) == candidates:
            return Completion(replay_exact(prep, run), None, runs)
        step = 1 if step_by_one else max(1, math.ceil(run.stable_for))
        proven = None
        while replaying and not step_by_one and b >= retry_from and interval > step and proven is None:
            proven = prove(prep, b + interval, rounds, interval)
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
        following, following_rounds = run_at(b + step)
        runs += 1
        if following.spent > instance.budget:
            last = b + step - 1
            if last != b:
                run, _ = run_at(last)
                runs += 1
            return Completion(replay_exact(prep, run), b + step, runs)
        run, rounds, b = following, following_rounds, b + step
        interval = max(interval, 2)
