"""The float pass's pricing (equal_shares.pricing.Prices) against the exact walk, on random projects."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.budget.equal_shares.pricing import Prices

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
    segments = np.array([k for k, (_, sup) in enumerate(cases) for _ in sup], dtype=np.int64)
    flat = [s for _, sup in cases for s in sup]
    weights, voters, money = (np.array([s[i] for s in flat], dtype=np.float64) for i in range(3))
    costs = np.array([cost for cost, _ in cases], dtype=np.float64)
    totals = np.bincount(segments, weights * voters, minlength=len(cases))
    # A start below every price: the price when everybody could pay in full, or a little under it.
    below = costs / totals * 0.5 if from_below else None
    prices = Prices(segments, weights, voters, money, np.ones(len(flat)), costs, totals, below)
    for k, (cost, sup) in enumerate(cases):
        rho, rich, plain = exact_price(cost, sup)
        if prices.close:
            continue  # a near tie: the run starts over in fractions, nothing to compare
        assert prices.rich_weight[k] == rich
        assert bool(prices.plain[k]) == plain
        assert abs(prices.rho[k] - float(rho)) <= 1e-12 * float(rho)
        assert prices.factor[k] == (1 / rich if plain else prices.rho[k] / cost)
