"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from app.models.accounts import Role, SetupLink, User
from app.models.audit import AuditEntry
from app.models.events import Event, EventStatus, VoterGroup
from app.models.tickets import Ticket, TicketStatus

__all__ = [
    "AuditEntry",
    "Event",
    "EventStatus",
    "Role",
    "SetupLink",
    "Ticket",
    "TicketStatus",
    "User",
    "VoterGroup",
]
