import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Ticket, TicketStatus
from app.services import tickets
from app.services.errors import DomainError, Gone, NotFound
from tests.conftest import make_event


def test_issue_stores_only_hashes(app) -> None:
    event = make_event()
    issued = tickets.issue_tickets(event, event.groups[0], 3, "host")
    assert [ticket.number for ticket in issued] == [1, 2, 3]
    stored = db.session.scalars(sa.select(Ticket)).all()
    for ticket, row in zip(issued, stored, strict=True):
        assert ticket.token not in (row.token_hash, row.code_hash)
        assert ticket.code.replace("-", "") not in row.code_hash


def test_numbers_continue_across_batches(app) -> None:
    event = make_event()
    tickets.issue_tickets(event, event.groups[0], 2, "host")
    assert [t.number for t in tickets.issue_tickets(event, event.groups[0], 2, "host")] == [3, 4]


def test_ticket_found_by_token_and_by_typed_code(app) -> None:
    event = make_event()
    [issued] = tickets.issue_tickets(event, event.groups[0], 1, "host")
    assert tickets.ticket_by_token(issued.token).number == 1
    assert tickets.ticket_by_code(issued.code.lower().replace("-", " ")).number == 1


def test_unknown_malformed_and_voided_tickets_are_refused(app) -> None:
    event = make_event()
    [issued] = tickets.issue_tickets(event, event.groups[0], 1, "host")
    with pytest.raises(NotFound):
        tickets.ticket_by_token("nope")
    with pytest.raises(DomainError, match="code_malformed"):
        tickets.ticket_by_code("hello")
    tickets.void_ticket(event, 1, "host")
    with pytest.raises(Gone):
        tickets.ticket_by_token(issued.token)
    assert tickets.ticket_counts(event)["voided"] == 1


def test_count_limits(app) -> None:
    event = make_event()
    with pytest.raises(DomainError):
        tickets.issue_tickets(event, event.groups[0], 0, "host")


def test_mark_used_records_the_channel_once(app) -> None:
    event = make_event()
    tickets.issue_tickets(event, event.groups[0], 1, "host")
    row = db.session.scalars(sa.select(Ticket)).one()
    tickets.mark_used(row, "paper")
    tickets.mark_used(row, "phone")
    assert (row.status, row.channel) == (TicketStatus.USED, "paper")
