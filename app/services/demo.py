"""A realistic Dutch demo evening (``flask --app app demo``), for trying Buurtstem out and for screenshots.

The tender, bidders and organisations are made up; Kruiskamp and Koppel are real Amersfoort
neighbourhoods. With ``with_cards`` every bidder gets plausible cards from 48 of the 60 tickets, drawn from
a seeded random source, so reports have data and the same seed always gives the same cards.
"""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.domain import scoring
from app.domain.tender_file import BidderSpec, CriterionSpec, TenderSpec
from app.extensions import db
from app.models import Event, Scorecard, ScoringState, TenderPhase, Ticket, User
from app.models.clock import utcnow
from app.services import events, tender, tickets
from app.services.scorecards import ticket_voter_key
from app.services.tickets import IssuedTicket

BIDDERS = (
    BidderSpec("Stichting Buurtkracht Amersfoort",
               "Buurtwerkers in de wijk, een jongerenwerker per 400 jongeren, inloop in De Kei.",
               "https://buurtkracht.example.org"),
    BidderSpec("Welzijn Eemland Samen", "Groot welzijnsbureau uit de regio; vaste teams en een wijkpunt.",
               "https://eemland-samen.example.org"),
    BidderSpec("De Brug Sociaal Werk", "Kleine organisatie die vrijwilligers en bewoners zelf laat organiseren.",
               "https://debrug.example.org"),
    BidderSpec("Coöperatie Wijkwerk Koppel", "Bewonerscoöperatie met professionals in loondienst.",
               "https://wijkwerk-koppel.example.org"),
)
CRITERIA = (
    CriterionSpec("Kennis van de wijk", Decimal(30), "Kent de organisatie Kruiskamp en Koppel en de mensen daar?"),
    CriterionSpec("Aanpak voor jongeren", Decimal(25), "Is er een goed plan voor jongeren van 12 tot 23 jaar?"),
    CriterionSpec("Samenwerken met bewoners", Decimal(25), "Mogen bewoners meedenken en meedoen?"),
    CriterionSpec("Haalbaar en betaalbaar", Decimal(20), "Kan het plan met dit geld en deze mensen?"),
)
BIJSLUITER = (
    "De gemeente Amersfoort kiest in januari wie het welzijnswerk in Kruiskamp en Koppel doet van 2027 tot "
    "en met 2030. Het college van B en W besluit. Uw scores zijn een advies van de wijk: de commissie leest "
    "ze naast de eigen beoordeling, en legt in het besluit uit wat zij met het advies heeft gedaan."
)
#: how good each bidder is on average, per criterion (1-10), for the made-up cards
QUALITY = ((7.4, 6.1, 7.0, 6.2), (6.6, 6.8, 5.9, 7.3), (7.0, 7.6, 8.0, 5.8), (7.8, 6.4, 7.5, 6.0))
COMMENTS = ("Goed verhaal, maar hoe houden ze de jongeren vast?", "Ik ken ze van het buurthuis, ze zijn er echt.",
            "Te veel beloftes voor dit geld.", "Fijn dat bewoners mee mogen beslissen.", "")


def create_demo(owner: User | None, with_cards: bool = False, seed: int = 2027) -> tuple[Event, list[IssuedTicket]]:
    """Create the demo evening; returns the event and the 60 ticket secrets (shown only this once)."""
    fields = events.EventFields(
        title="Idols-avond welzijnswerk Kruiskamp-Koppel", location="Buurthuis De Kei, Amersfoort",
        starts_at=datetime(2026, 12, 3, 19, 30), ends_at=datetime(2026, 12, 3, 22, 0),
        description="Vier organisaties presenteren hun plan. U geeft elk een cijfer op uw telefoon of op papier.")
    event = events.add_event(owner, fields, [("Bewoners", Decimal(1)), ("Jongeren", Decimal(1))])
    event.groups[1].colour = "#a4161a"
    spec = TenderSpec(title="Welzijnswerk Kruiskamp-Koppel 2027–2030", bijsluiter=BIJSLUITER, method="mean",
                      scale=scoring.Scale.grade(), criteria=CRITERIA, bidders=BIDDERS)
    tender.add_from_spec(event, owner.email if owner else "shell", spec)
    db.session.commit()
    issued = tickets.issue_tickets(event, event.groups[0], 40, "demo")
    issued += tickets.issue_tickets(event, event.groups[1], 20, "demo")
    if with_cards:
        _fill_cards(event, seed)
    return event, issued


def _fill_cards(event: Event, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311  (made-up demo data; seeded on purpose)
    held = tender.require_tender(event)
    tender.freeze(held)
    now = utcnow()
    voters = list(db.session.scalars(
        sa.select(Ticket).where(Ticket.event_id == event.id).order_by(Ticket.number).limit(48)))
    for bidder, quality in zip(held.bidders, QUALITY, strict=True):
        bidder.scoring_state = ScoringState.CLOSED
        bidder.presented_at = bidder.scoring_opened_at = bidder.scoring_closed_at = now
        for ticket in voters:
            scores: dict[str, int | None] = {}
            for criterion, mean in zip(held.criteria, quality, strict=True):
                scores[criterion.public_id] = (None if rng.random() < 0.06
                                               else max(1, min(10, round(rng.gauss(mean, 1.4)))))
            db.session.add(Scorecard(tender_id=held.id, bidder_id=bidder.id, ticket_id=ticket.id,
                                     voter_key=ticket_voter_key(ticket), group_id=ticket.group_id, channel="phone",
                                     scores=scores, comment=rng.choice(COMMENTS), created_at=now, updated_at=now))
            tickets.mark_used(ticket, "phone")
    held.phase = TenderPhase.ALL_CLOSED
    held.doors_opened_at = now
    events.mark_first_ballot(event)
    db.session.commit()

