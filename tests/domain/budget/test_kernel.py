"""The compiled float pass's pricing (equal_shares.kernel) against the exact walk, on random projects."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.budget.equal_shares.kernel import _price
from app.domain.budget.equal_shares.rounds import TOLERANCE

Supporter = tuple[int, int, int]
"""(weight, voters, money) of a supporter bucket."""


def exact_price(cost: int, supporters: list[Supporter]) -> tuple[Fraction, int, bool]:
    """The price by the sorted walk of ExactRun.price: price, rich weight, whether the poor have nothing."""
    left, rich, plain = Fraction(cost), sum(w * n for w, n, _ in supporters), True
    for w, n, m in sorted(supporters, key=lambda s: Fraction(s[2], s[0])):
        if Fraction(m, w) * rich >= left:
            break
        left -= n * m
        rich -= n * w
        plain = plain and m == 0
    return left / rich, rich, plain


projects = st.lists(
    st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(0, 60)), min_size=1, max_size=8
).filter(lambda sup: sum(n * m for _, n, m in sup) > 0).flatmap(
    lambda sup: st.tuples(st.integers(1, sum(n * m for _, n, m in sup)), st.just(sup))
)
"""An affordable project: its cost and its supporters."""


@settings(max_examples=150, deadline=None)
@given(st.lists(projects, min_size=1, max_size=5), st.booleans())
def test_prices_equal_the_exact_walk(cases: list[tuple[int, list[Supporter]]], from_below: bool) -> None:
    sizes = [len(sup) for _, sup in cases]
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = [s for _, sup in cases for s in sup]
    weights, voters, money = (np.array([s[i] for s in flat], dtype=np.float64) for i in range(3))
    costs = np.array([cost for cost, _ in cases], dtype=np.float64)
    totals = np.array([sum(w * n for w, n, _ in sup) for _, sup in cases], dtype=np.float64)
    # A start below every price: the price when everybody could pay in full, or a little under it.
    below = costs / totals * (0.5 if from_below else 1.0)
    n = len(cases)
    rho, rich, poor_slope, factor = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    plain = np.zeros(n, dtype=bool)
    poor = np.zeros(len(flat), dtype=bool)
    classes = np.arange(len(flat), dtype=np.int64)
    slope = np.ones(len(flat))
    for k, (cost, sup) in enumerate(cases):
        close = _price(k, bounds, weights, voters, costs, totals, money, classes, slope, below, rho, rich,
                       poor_slope, factor, plain, poor, TOLERANCE)
        if close:
            continue  # a near tie: the run starts over in fractions, nothing to compare
        exact_rho, exact_rich, exact_plain = exact_price(cost, sup)
        assert rich[k] == exact_rich
        assert bool(plain[k]) == exact_plain
        assert abs(rho[k] - float(exact_rho)) <= 1e-12 * float(exact_rho)
        assert factor[k] == (1 / exact_rich if exact_plain else rho[k] / cost)
        poor_voters = sum(n for (w, n, m) in sup if m / w < rho[k])
        assert poor_slope[k] == poor_voters  # every supporter's slope is 1 here
