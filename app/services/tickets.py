"""Issuing, voiding and redeeming tickets."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.domain.tickets import hash_secret, new_secret, normalise_code
from app.extensions import db
from app.models import Event, Ticket, TicketStatus, VoterGroup
from app.models.clock import utcnow
from app.services import audit
from app.services.errors import DomainError, Gone, NotFound

MAX_TICKETS_PER_ISSUE = 5000


@dataclass(frozen=True)
class IssuedTicket:
    """The secrets of a new ticket. They exist only in this object: print them, then let them go."""

    number: int
    token: str
    code: str
    group: str
    colour: str


def issue_tickets(event: Event, group: VoterGroup, count: int, actor: str) -> list[IssuedTicket]:
    """Issue ``count`` tickets in ``group``; returns the secrets once, stores only their hashes."""
    if not 1 <= count <= MAX_TICKETS_PER_ISSUE:
        raise DomainError("ticket_count_invalid", maximum=MAX_TICKETS_PER_ISSUE)
    last = db.session.scalar(sa.select(sa.func.max(Ticket.number)).where(Ticket.event_id == event.id)) or 0
    issued = []
    for number in range(last + 1, last + 1 + count):
        secret = new_secret()
        db.session.add(Ticket(event_id=event.id, group_id=group.id, number=number,
                              token_hash=hash_secret(secret.token),
                              code_hash=hash_secret(normalise_code(secret.code) or "")))
        issued.append(IssuedTicket(number, secret.token, secret.code, group.name, group.colour))
    audit.record(event, actor, "tickets_issued", f"{count} in {group.name}")
    db.session.commit()
    return issued


def void_ticket(event: Event, number: int, actor: str) -> None:
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.event_id == event.id, Ticket.number == number))
    if ticket is None:
        raise NotFound("ticket_not_found")
    ticket.status = TicketStatus.VOIDED
    audit.record(event, actor, "ticket_voided", str(number))
    db.session.commit()


def ticket_counts(event: Event) -> dict[str, int]:
    """Tickets per status, for the host's overview."""
    rows = db.session.execute(
        sa.select(Ticket.status, sa.func.count()).where(Ticket.event_id == event.id).group_by(Ticket.status)
    )
    counts = {status.value: 0 for status in TicketStatus}
    for status, count in rows:
        counts[TicketStatus(status).value] = count
    counts["total"] = sum(counts.values())
    return counts


def usable(ticket: Ticket | None) -> Ticket:
    """The ticket itself when it may still vote; otherwise the refusal that explains why."""
    if ticket is None:
        raise NotFound("ticket_unknown")
    if ticket.status == TicketStatus.VOIDED:
        raise Gone("ticket_voided")
    if ticket.channel == "paper":
        raise Gone("ticket_used_on_paper")
    return ticket


def ticket_by_token(token: str) -> Ticket:
    """The ticket behind a QR link. Voided tickets and tickets already counted on paper are refused."""
    if not token or len(token) > 64:
        raise NotFound("ticket_unknown")
    return usable(db.session.scalar(sa.select(Ticket).where(Ticket.token_hash == hash_secret(token))))


def ticket_by_code(typed: str) -> Ticket:
    """The ticket behind a typed short code, forgiving spaces, dashes and lower case."""
    code = normalise_code(typed)
    if code is None:
        raise DomainError("code_malformed")
    return usable(db.session.scalar(sa.select(Ticket).where(Ticket.code_hash == hash_secret(code))))


def mark_used(ticket: Ticket, channel: str) -> None:
    """Record the first use of a ticket (``phone`` or ``paper``) inside the caller's transaction."""
    if ticket.status == TicketStatus.ISSUED:
        ticket.status = TicketStatus.USED
        ticket.used_at = utcnow()
        ticket.channel = channel
