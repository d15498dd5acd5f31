"""Budget round figures on this machine: storing phone ballots and building the results page's report.

Run: ``.venv/bin/python bench/budget_round.py [VOTERS]``. Uses a throw-away SQLite file; prints figures only.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time

from app import create_app
from app.extensions import db
from app.models import BallotKind, Review, RoundPhase
from app.services import budget, budget_ballots, budget_results, events


def main(voters: int = 500, projects: int = 20) -> None:
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench",
                      "TESTING": True})
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        event = events.add_event(None, events.EventFields(title="Bench"))
        item = budget.add_round(event, budget.RoundFields(title="Bench", budget_cents=100_000_00,
                                                          ballot_kind=BallotKind.KNAPSACK), "bench")
        for index in range(projects):
            proposal = budget.new_proposal(item, budget.ProposalFields(
                title=f"P{index}", description="", cost_cents=rng.randrange(2, 40) * 1000_00, submitted_as="host"))
            proposal.review = Review.FEASIBLE
        item.phase = RoundPhase.VOTING
        db.session.commit()
        costs = {p.code: p.ballot_cost_cents for p in item.proposals}
        timings = []
        for voter in range(voters):
            choice: dict[str, int] = {}
            spent = 0
            for code in rng.sample(list(costs), k=len(costs)):
                if spent + costs[code] <= item.budget_cents and rng.random() < 0.5:
                    choice[code] = 1
                    spent += costs[code]
            start = time.perf_counter()
            budget_ballots.cast_ballot(item, budget_ballots.open_voter(str(voter)), choice or {code: 1})
            timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = budget_results.round_report(item)
        report_seconds = time.perf_counter() - start
        start = time.perf_counter()
        budget_results.round_report(item)
        cached_seconds = time.perf_counter() - start
    timings.sort()
    print(f"voters={voters} projects={projects} (SQLite, one process)")
    print(f"cast_ballot: median {statistics.median(timings) * 1000:.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms")
    print(f"round_report (greedy + MES + participation): {report_seconds * 1000:.0f} ms, "
          f"{sum(r.funded for r in report.rows)} funded; again, unchanged round: {cached_seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
