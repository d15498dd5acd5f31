"""Timing of the bootstrap (not a test): ``python -m tests.domain.scoring.bench_robustness``.

Prints CPU seconds for the tally and for 2,000 resamples under each method, for 20 bidders, 5 criteria
and 1,000 attendees who each score every bidder (20,000 cards), 10 % can't-judge, two voter groups.
"""

from __future__ import annotations

import random
import sys
import time
from fractions import Fraction

from app.domain.scoring import Bidder, Card, Criterion, Method, Scale, robustness, tally


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


def main() -> None:
    n_ballots = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    scale, criteria, bidders, cards = evening(n_ballots=n_ballots)
    started = time.process_time()
    tally(scale, criteria, bidders, cards, Method.MEAN)
    print(f"{len(cards)} cards, tally: {time.process_time() - started:.2f} s")
    for method in Method:
        started = time.process_time()
        result = robustness(scale, criteria, bidders, cards, method, random.Random(7), resamples=2000)
        print(f"{method.value:>18}: {time.process_time() - started:.2f} s (tally included), {result.verdict.value}")


if __name__ == "__main__":
    main()
