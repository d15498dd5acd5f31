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

Reusing a prefix. The bound is kept per round and per project (``Round.limits``: project ``q`` cannot
beat round ``k``'s winner, or stays unaffordable, for ``d`` below its limit, given the same earlier
rounds). Which voters form which class (same payments so far), and so each project's supporters as
``(class, weight)`` counts, depend only on the earlier selections, not on ``b``; a run keeps, per round,
the class of every merged ballot (a numpy array, shared with later runs). The run at ``b + step`` then
replays the previous run round by round: the projects whose limit is above ``step`` are proven to decide
as before (their limits carry over less ``step``); only the winner and the *suspects* (limit at most
``step``) are priced at the new budget, in compiled code over their ``(class, weight)`` counts (Newton's
method from the line through the supporters below the price found last time). If every suspect
still loses (or is still unaffordable) the round stands, the suspects get fresh limits and the winner's
supporters are charged; the first round where a suspect wins, or where nothing was affordable and
something now is, is decided again from the stored structure, and so is everything after it. Most
consecutive runs of a completion differ only near their end, or not at all. A suspect that
clearly still loses is not priced: what its supporters would pay at the price of a tie with the winner
shows it loses, and gives its fresh limit (``replay._losing``; the same argument as point 3, at the
tie price instead of its own).

Moving a purchase up. When exactly one suspect ``q`` now beats a replayed round's winner, ``q`` is a
later winner of the previous run, and no ballot supports both ``q`` and any winner from this round up to
``q``'s own round (nor a purchase moved up earlier whose own round is not reached), the run buys ``q``
first and replays on in the previous order: ``q``'s supporters pay what they would in its own round, the
winners in between pay as without ``q`` (no common supporter), and everybody else only has less money,
so every project that lost still loses (prices only rise with less money). The rounds keep the
previous order and record ``q`` (``Round.promoted``); the move holds while ``d`` stays below ``(winner's
factor - q's factor) / winner's drift`` (point 3: ``q``'s factor only falls), a limit ``q`` also gets in
the rounds up to its own, where it is not looked at. A proof of an interval checks a recorded move with
``q``'s factor at the base budget against the winner's at the end of the interval.

Proving a whole interval. For a fixed selection sequence every voter's money at every round is
non-decreasing in ``b`` (point 1 above), so every price and factor ``rho / cost`` is non-increasing. If,
replaying the run at ``b`` with the same selections at ``b2 = b + J``, in every round each suspect is
either still unaffordable at ``b2`` (then at every budget in between) or has a factor at ``b2`` above
the winner's factor at ``b`` (then above the winner's at every budget in between), every run in
``[b, b2]`` makes the same selections, by induction over the rounds. Projects whose limit exceeds ``J``
need no check. A near tie there is a failed proof, not a reason for an exact rerun. The completion
gallops with such intervals and falls back to the bound's step.

A single float pass decides (``float_run.FloatRun``: the rounds not replayed are decided in compiled code,
``kernel``, each project priced by Newton's method on the sum of what its supporters pay; ``replay``
replays and proves). On small elections (``completion.REPLAY_FROM``) a whole compiled run costs less than
a replay, so there every run is decided whole, and replayed only when that meets a near tie. Every
comparison, replayed or not, within a relative ``1e-9`` of a tie makes the whole run start over in
exact fractions (``exact.ExactRun``, from round 0, per-project supporter entries kept sorted by money
per unit of weight); float limits are shrunk by a relative ``1e-6`` before use. One kind of tie is exact
by construction and needs no rerun: when the supporters short of money have exactly nothing left, the
factor is exactly ``1 / weight of the others``, the same float for the same weight
(``ExactRun.price``); real elections meet such ties at almost every budget (Toulouse 2024).

The modules: ``prepared`` (the instance indexed once), ``rounds`` (what a run records per round),
``float_run``, ``kernel``, ``replay``, ``exact`` and ``completion`` (``mes_run`` and ``add1_completion``).
"""

from __future__ import annotations

from app.domain.budget.equal_shares.completion import Completion, add1_completion, decide, mes_run, prove
from app.domain.budget.equal_shares.prepared import MesRun, Prepared, prepare

__all__ = ["Completion", "MesRun", "Prepared", "add1_completion", "decide", "mes_run", "prepare", "prove"]
