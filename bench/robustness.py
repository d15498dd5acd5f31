"""Timing of the bootstrap (not a test): ``python bench/robustness.py [ATTENDEES] [CRITERIA]``.

Prints CPU seconds (best of three) for the tally and for ``robustness`` with 2,000 resamples under each
method — validation, canonical ballot order and the exact real ranking included — for 20 bidders,
5 criteria and 1,000 attendees who each score every bidder (20,000 cards), 10 % can't-judge, two voter
groups.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from fractions import Fraction

from app.domain.scoring import Bidder, Card, Criterion, Method, Robustness, Scale, robustness, tally


def evening(
    n_bidders: int = 20, n_ballots: int = 1000, n_criteria: int = 5, seed: int = 1
) -> tuple[Scale, list[Criterion], list[Bidder], list[Card]]:
    rnd = random.Random(seed)
    criteria = [Criterion(f"c{i}", f"Criterium {i}", i + 1) for i in range(n_criteria)]
    bidders = [Bidder(f"b{i}", f"Bieder {i}") for i in range(n_bidders)]
    quality = [rnd.uniform(5, 8) for _ in bidders]
    cards = []
    for ballot in range(n_ballots):
        group, weight = rnd.choice([("bewoners", Fraction(1)), ("jongeren", Fraction(2))])
        for bidder, level in zip(bidders, quality, strict=True):
            scores = {
                c.key: None if rnd.random() < 0.1 else max(1, min(10, round(rnd.gauss(level, 1.5)))) for c in criteria
            }
            cards.append(Card(str(ballot), bidder.key, group, weight, scores))
    return Scale.grade(), criteria, bidders, cards


def best_of_three(run: Callable[[], object]) -> tuple[float, object]:
    """The lowest CPU time of three runs (the machine is shared), and the last result."""
    times, result = [], None
    for _ in range(3):
        started = time.process_time()
        result = run()
        times.append(time.process_time() - started)
    return min(times), result


def main() -> None:
    n_ballots = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    n_criteria = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    scale, criteria, bidders, cards = evening(n_ballots=n_ballots, n_criteria=n_criteria)
    seconds, _ = best_of_three(lambda: tally(scale, criteria, bidders, cards, Method.MEAN))
    print(f"{len(bidders)} bidders × {n_criteria} criteria, {len(cards)} cards; tally: {seconds:.2f} s")
    for method in Method:
        seconds, result = best_of_three(
            lambda method=method: robustness(scale, criteria, bidders, cards, method, random.Random(7), resamples=2000)
        )
        assert isinstance(result, Robustness)
        print(f"{method.value:>18}: {seconds:.2f} s for 2,000 resamples, {result.verdict.value}")


if __name__ == "__main__":
    main()
