"""Small factories for budget-round tests: a round in voting with feasible proposals, and tickets."""

from __future__ import annotations

from typing import Any

from app.models import BallotKind, BudgetRound, Event, Review, RoundPhase, Ticket
from app.services import budget, tickets
from app.services.tickets import IssuedTicket
from tests.conftest import make_event


def make_round(event: Event | None = None, costs: tuple[int, ...] = (4000_00, 3000_00, 2000_00, 1000_00),
               phase: RoundPhase = RoundPhase.VOTING, **fields: Any) -> BudgetRound:
    """A round with one feasible proposal per cost (codes "1", "2", …), budget € 6.000 unless given."""
    event = event or make_event()
    values: dict[str, Any] = {"title": "Buurtbudget", "budget_cents": 6000_00, "ballot_kind": BallotKind.APPROVAL}
    values.update(fields)
    item = budget.add_round(event, budget.RoundFields(**values), "test")
    for index, cost in enumerate(costs, start=1):
        proposal = budget.new_proposal(item, budget.ProposalFields(
            title=f"Project {index}", description=f"Plan {index}", cost_cents=cost, submitted_as="resident",
            contact_name=f"Bewoner {index}", contact_email=f"bewoner{index}@example.org",
            contact_phone="06-12345678"))
        proposal.review = Review.FEASIBLE
    item.phase = phase
    budget.db.session.commit()
    return item


def issue(event: Event, count: int = 3) -> list[IssuedTicket]:
    return tickets.issue_tickets(event, event.groups[0], count, "test")


def ticket_of(issued: IssuedTicket) -> Ticket:
    return tickets.ticket_by_code(issued.code)
