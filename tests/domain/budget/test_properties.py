"""Invariants of the budget rules on small random instances."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.budget import Instance, equal_shares, greedy, mes, mes_greedy
from app.domain.budget.equal_shares import add1_completion, mes_run
from app.domain.budget.equal_shares.completion import REPLAY_FROM


@st.composite
def instances(draw: st.DrawFn, points: bool = False) -> Instance:
    n_projects = draw(st.integers(1, 6))
    ids = [f"p{i}" for i in range(n_projects)]
    costs = {p: draw(st.integers(1, 60)) for p in ids}
    weight = st.integers(1, 4) if points else st.just(1)
    ballot = st.dictionaries(st.sampled_from(ids), weight, max_size=n_projects)
    ballots = draw(st.lists(ballot, min_size=1, max_size=8))
    return Instance(budget=draw(st.integers(0, 150)), costs=costs, ballots=tuple(ballots))


@settings(max_examples=80, deadline=None)
@given(instances(points=True))
def test_funded_total_within_budget(instance: Instance) -> None:
    for outcome in (greedy(instance), mes(instance), mes_greedy(instance)):
        assert outcome.spent == sum(instance.costs[p] for p in outcome.winners)
        assert outcome.spent <= instance.budget
        assert len(set(outcome.winners)) == len(outcome.winners)


@settings(max_examples=60, deadline=None)
@given(instances(points=True), st.randoms(use_true_random=False))
def test_ballot_order_does_not_matter(instance: Instance, rnd: object) -> None:
    ballots = list(instance.ballots)
    rnd.shuffle(ballots)  # type: ignore[attr-defined]
    shuffled = Instance(budget=instance.budget, costs=instance.costs, ballots=tuple(ballots))
    for rule in (greedy, mes, mes_greedy):
        assert rule(shuffled).winners == rule(instance).winners


@settings(max_examples=60, deadline=None)
@given(instances())
def test_greedy_funds_everything_that_fits(instance: Instance) -> None:
    if sum(instance.costs.values()) <= instance.budget:
        assert set(greedy(instance).winners) == set(instance.costs)
        supported = {p for ballot in instance.ballots for p in ballot}
        assert set(mes(instance).winners) == supported


@settings(max_examples=60, deadline=None)
@given(instances())
def test_greedy_is_maximal(instance: Instance) -> None:
    outcome = greedy(instance)
    left = instance.budget - outcome.spent
    assert all(cost > left for p, cost in instance.costs.items() if p not in outcome.winners)


@settings(max_examples=80, deadline=None)
@given(instances(points=True), st.sampled_from([0, REPLAY_FROM]))
def test_jumps_equal_one_unit_steps(instance: Instance, replay_from: int) -> None:
    """Replaying runs (and proving intervals) or deciding whole runs: the same result as one-unit steps."""
    jumped = add1_completion(instance, replay_from=replay_from)
    stepped = add1_completion(instance, step_by_one=True, replay_from=replay_from)
    assert jumped.run.winners == stepped.run.winners
    assert jumped.run.per_voter_budget == stepped.run.per_voter_budget


@settings(max_examples=80, deadline=None)
@given(instances(points=True), st.integers(0, 40))
def test_float_pass_equals_exact(instance: Instance, budget: int) -> None:
    assert mes_run(instance, budget).winners == mes_run(instance, budget, exact=True).winners


@settings(max_examples=60, deadline=None)
@given(instances())
def test_single_voter_mes_funds_in_id_order(instance: Instance) -> None:
    voter = dict.fromkeys(instance.costs, 1)
    alone = Instance(budget=instance.budget, costs=instance.costs, ballots=(voter,))
    # One voter pays every price alone, so every factor rho / cost is 1: ties all the way, broken by id.
    expected, left = [], instance.budget
    for project_id in sorted(instance.costs):
        if instance.costs[project_id] <= left:
            expected.append(project_id)
            left -= instance.costs[project_id]
    assert list(mes_run(alone, instance.budget).winners) == expected


@settings(max_examples=80, deadline=None)
@given(instances(points=True), st.integers(0, 40), st.integers(1, 40))
def test_replayed_prefix_decides_as_a_fresh_run(instance: Instance, budget: int, step: int) -> None:
    prep = equal_shares.prepare(instance)
    _, rounds = equal_shares.decide(prep, budget)
    replayed, _ = equal_shares.decide(prep, budget + step, rounds, step)
    fresh, _ = equal_shares.decide(prep, budget + step)
    assert replayed.winners == fresh.winners


@st.composite
def sparse_instances(draw: st.DrawFn) -> Instance:
    """Many projects, short ballots: many pairs of winners without a common supporter."""
    ids = [f"p{i}" for i in range(draw(st.integers(5, 12)))]
    costs = {p: draw(st.integers(1, 60)) for p in ids}
    ballot = st.dictionaries(st.sampled_from(ids), st.integers(1, 3), min_size=1, max_size=3)
    ballots = draw(st.lists(ballot, min_size=10, max_size=40))
    return Instance(budget=0, costs=costs, ballots=tuple(ballots))


@settings(max_examples=200, deadline=None)
@given(sparse_instances(), st.integers(0, 20), st.lists(st.integers(1, 3), min_size=10, max_size=25))
def test_chained_replays_decide_as_fresh_runs(instance: Instance, budget: int, steps: list[int]) -> None:
    # Each run replays the one before, whose rounds may keep purchases moved up (replay.replay).
    prep = equal_shares.prepare(instance)
    _, rounds = equal_shares.decide(prep, budget)
    for step in steps:
        budget += step
        replayed, rounds = equal_shares.decide(prep, budget, rounds, step)
        assert replayed.winners == equal_shares.decide(prep, budget)[0].winners


@settings(max_examples=80, deadline=None)
@given(instances(points=True), st.integers(0, 40), st.integers(1, 30))
def test_a_proven_interval_has_one_outcome(instance: Instance, budget: int, length: int) -> None:
    prep = equal_shares.prepare(instance)
    _, rounds = equal_shares.decide(prep, budget)
    # Prove from a replayed run, whose rounds carry flags from the run before it.
    base, rounds = equal_shares.decide(prep, budget + 1, rounds, 1)
    proven = equal_shares.prove(prep, budget + 1 + length, rounds, length)
    if proven is not None:
        for b in range(budget + 1, budget + length + 2):
            assert equal_shares.decide(prep, b)[0].winners == base.winners


def plain_mes(instance: Instance, budget: int) -> tuple[list[str], list[Fraction], dict[str, Fraction]]:
    """MES at one per-voter budget, voter by voter in fractions, straight from the rule's statement."""
    money = [Fraction(budget)] * len(instance.ballots)
    candidates = {p for p, cost in instance.costs.items() if cost > 0 and any(p in b for b in instance.ballots)}
    winners: list[str] = []
    rhos: list[Fraction] = []
    while True:
        best: tuple[Fraction, str, Fraction] | None = None
        for p in sorted(candidates):
            cost = instance.costs[p]
            voters = [(money[i], ballot[p]) for i, ballot in enumerate(instance.ballots) if p in ballot]
            if sum(m for m, _ in voters) < cost:
                continue
            left, rich = Fraction(cost), sum(w for _, w in voters)
            for m, w in sorted(voters, key=lambda v: v[0] / v[1]):
                if m / w * rich >= left:
                    break
                left, rich = left - m, rich - w
            rho = left / rich
            if best is None or rho / cost < best[0]:
                best = (rho / cost, p, rho)
        if best is None:
            break
        _, p, rho = best
        winners.append(p)
        rhos.append(rho)
        candidates.discard(p)
        for i, ballot in enumerate(instance.ballots):
            if p in ballot:
                money[i] = max(Fraction(0), money[i] - rho * ballot[p])
    left_over = {
        p: sum((money[i] for i, ballot in enumerate(instance.ballots) if p in ballot), Fraction(0)) for p in candidates
    }
    return winners, rhos, left_over


@settings(max_examples=150, deadline=None)
@given(instances(points=True), st.integers(0, 40))
def test_a_run_equals_plain_mes_with_exact_prices(instance: Instance, budget: int) -> None:
    winners, rhos, left_over = plain_mes(instance, budget)
    for run in (mes_run(instance, budget), mes_run(instance, budget, exact=True)):
        assert list(run.winners) == winners
        assert list(run.rhos) == rhos
        assert run.money_left == left_over
