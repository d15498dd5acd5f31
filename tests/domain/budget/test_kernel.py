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
    for cost, sup in cases:
        weights, voters, money = (np.array([s[i] for s in sup], dtype=np.float64) for i in range(3))
        total = float(weights @ voters)
        # A start below the price: the price when everybody could pay in full, or a little under it.
        start = cost / total * (0.5 if from_below else 1.0)
        rho, rich, poor_slope, plain, factor, close = _price(
            float(cost), total, weights, voters, money, np.ones(len(sup)), np.zeros(len(sup), dtype=bool), start,
            TOLERANCE,
        )
        if close:
            continue  # a near tie: the run starts over in fractions, nothing to compare
        exact_rho, exact_rich, exact_plain = exact_price(cost, sup)
        assert rich == exact_rich
        assert plain == exact_plain
        assert abs(rho - float(exact_rho)) <= 1e-12 * float(exact_rho)
        assert factor == (1 / exact_rich if exact_plain else rho / cost)
        assert poor_slope == sum(n for w, n, m in sup if m / w < rho)  # every supporter's slope is 1 here
