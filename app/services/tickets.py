"""Issuing, voiding and redeeming tickets."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.tickets import hash_secret, new_secret, normalise_code
from app.extensions import db
from app.models import Event, Ticket, TicketStatus, VoterGroup
from app.models.clock import utcnow
from app.services import audit
from app.services.errors import DomainError, Forbidden, Gone, NotFound

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
    check_usable(ticket.status, ticket.channel)
    return ticket


def check_usable(status: TicketStatus, channel: str | None) -> None:
    """Refuse a voided ticket, and a ticket already counted on paper."""
    if status == TicketStatus.VOIDED:
        raise Gone("ticket_voided")
    if channel == "paper":
        raise Gone("ticket_used_on_paper")


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


_TICKETS = Ticket.__table__
# a Core statement built once (paper cards and budget ballots); the ORM's flush costs more
_USE = (sa.update(_TICKETS).where(_TICKETS.c.id == sa.bindparam("ticket_id"), _TICKETS.c.status == TicketStatus.ISSUED)
        .values(status=TicketStatus.USED, used_at=sa.bindparam("now"), channel=sa.bindparam("channel")))


# check and mark in one statement: a ticket voided (or used on paper) a moment ago matches no row; the
# card POST runs it on the driver's cursor, on PostgreSQL inside a single statement (``card_post``)
USE_FOR_PHONE = (sa.update(_TICKETS)
                  .where(_TICKETS.c.id == sa.bindparam("ticket_id"), _TICKETS.c.event_id == sa.bindparam("in_event"),
                         _TICKETS.c.status != TicketStatus.VOIDED,
                         sa.func.coalesce(_TICKETS.c.channel, "phone") == "phone")
                  .values(status=TicketStatus.USED, used_at=sa.func.coalesce(_TICKETS.c.used_at, sa.bindparam("now")),
                          channel="phone")
                  .returning(_TICKETS.c.group_id))


def mark_used_by_phone(ticket_id: int, event_id: int) -> int | None:
    """Mark the ticket used from a phone if it may still vote from one in this event (its first use stays
    the one recorded), inside the caller's transaction, without loading it; returns the ticket's voter
    group, or ``None`` (nothing written) when the ticket is missing, voided, used on paper or another
    event's."""
    group_id: int | None = db.session.connection().execute(
        USE_FOR_PHONE, {"ticket_id": ticket_id, "in_event": event_id, "now": utcnow()}).scalar()
    return group_id


def use_for_phone(ticket_id: int, event_id: int) -> None:
    """``mark_used_by_phone``, refusing a ticket it does not mark.

    :raises: the refusal ``usable`` gives, or ``wrong_event``; nothing is written then."""
    if mark_used_by_phone(ticket_id, event_id) is None:
        ticket = db.session.get(Ticket, ticket_id)
        if ticket is not None and ticket.event_id != event_id:
            raise Forbidden("wrong_event")
        usable(ticket)
        raise Gone("ticket_used_on_paper")  # what is left: the statement matches every other usable ticket


def mark_used(ticket: Ticket, channel: str) -> None:
    """Record the first use of a ticket (``phone`` or ``paper``) inside the caller's transaction.

    Only an issued ticket changes (in the statement too, so a ticket voided meanwhile stays voided)."""
    if ticket.status == TicketStatus.ISSUED:
        now = utcnow()
        db.session.execute(_USE, {"ticket_id": ticket.id, "now": now, "channel": channel})
        for name, value in (("status", TicketStatus.USED), ("used_at", now), ("channel", channel)):
            set_committed_value(ticket, name, value)
