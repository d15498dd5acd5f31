"""Factories for Idols-evening tests: a tender with criteria and bidders, tickets, and an evening in progress."""

from __future__ import annotations

from typing import Any

from app.models import Event, Tender
from app.services import evening, tickets
from app.services import tender as tenders
from app.services.tickets import IssuedTicket
from tests.conftest import make_event

CRITERIA = (("Kennis van de wijk", "3"), ("Aanpak jongeren", "2"))
BIDDERS = ("Buurtkracht", "Eemland Samen", "De Brug")


def make_tender(event: Event | None = None, criteria: tuple[tuple[str, str], ...] = CRITERIA,
                bidders: tuple[str, ...] = BIDDERS, **fields: Any) -> Tender:
    event = event or make_event()
    tender = tenders.create_tender(event, "host@buurt.test",
                                   tenders.TenderFields(title=fields.pop("title", "Welzijnswerk"), **fields))
    for name, weight in criteria:
        tenders.add_criterion(tender, "host", name, f"Uitleg {name}", weight)
    for name in bidders:
        tenders.add_bidder(tender, "host", name, f"Over {name}")
    return tender


def issue(tender: Tender, count: int = 3, group_index: int = 0) -> list[IssuedTicket]:
    return tickets.issue_tickets(tender.event, tender.event.groups[group_index], count, "host")


def open_first(tender: Tender) -> None:
    """Doors open, first bidder presenting, its scoring open."""
    evening.open_doors(tender, "host")
    bidder = evening.step_bidder(tender, "host", 1)
    evening.open_scoring(tender, bidder, "host")


def answers(tender: Tender, *values: str | None) -> dict[str, str | None]:
    """Answers keyed by criterion public id, in criterion order."""
    return {c.public_id: v for c, v in zip(tender.criteria, values, strict=True)}
