"""Small factories for live-screen tests: an event with a tender, bidders, criteria and tickets."""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import Event, Tender, Ticket, User
from app.services import evening, scorecards, tender, tickets
from app.services.tickets import IssuedTicket
from tests.conftest import make_event, make_user


@dataclass
class Evening:
    host: User
    event: Event
    tender: Tender
    issued: list[IssuedTicket]

    def ticket(self, index: int = 0) -> Ticket:
        return tickets.ticket_by_token(self.issued[index].token)


def make_evening(bidders: tuple[str, ...] = ("Buurttuin", "Speeltuin"), criteria: tuple[str, ...] = ("Plan", "Prijs"),
                 ticket_count: int = 3, host: User | None = None) -> Evening:
    host = host or make_user()
    event = make_event(host)
    item = tender.create_tender(event, host.email, tender.TenderFields(title="Idols"))
    for name in criteria:
        tender.add_criterion(item, host.email, name, "", "1")
    for name in bidders:
        tender.add_bidder(item, host.email, name)
    issued = tickets.issue_tickets(event, event.groups[0], ticket_count, host.email)
    evening.open_doors(item, host.email)
    return Evening(host, event, item, issued)


def on_stage(found: Evening, open_scoring: bool = True) -> None:
    """Move to the next bidder and (by default) open its scoring."""
    bidder = evening.step_bidder(found.tender, found.host.email, 1)
    if open_scoring:
        evening.open_scoring(found.tender, bidder, found.host.email)


def cast(found: Evening, ticket_index: int, value: int = 7) -> None:
    bidder = evening.current_bidder(found.tender)
    assert bidder is not None
    voter = scorecards.voter_for_ticket(found.ticket(ticket_index))
    scorecards.cast_scorecard(voter, bidder.public_id, {c.public_id: value for c in found.tender.criteria})


def close_all_and_reveal(item: Tender, actor: str = "host@buurt.test") -> None:
    """Close scoring for every bidder (opening it first where needed), then reveal the results."""
    for bidder in item.bidders:
        if bidder.scoring_state.value != "closed":
            if bidder.scoring_state.value == "waiting":
                evening.open_scoring(item, bidder, actor)
            evening.close_scoring(item, bidder, actor)
    evening.reveal_results(item, actor)
    db.session.refresh(item)
