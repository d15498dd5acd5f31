"""Writing audit entries; callers commit."""

from __future__ import annotations

from app.extensions import db
from app.models import AuditEntry, Event


def record(event: Event | None, actor: str, action: str, detail: str = "") -> None:
    """Add an entry to the session; the calling command's commit stores it with the change it describes."""
    db.session.add(AuditEntry(event_id=event.id if event else None, actor=actor, action=action, detail=detail))
