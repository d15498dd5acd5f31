"""What stays of an event after its personal data are purged (see ``app/services/privacy.py``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.clock import utcnow


class BallotArchive(db.Model):  # type: ignore[name-defined,misc]
    """The anonymous ballot export of a purged Idols evening, byte for byte as it was published.

    After a purge the per-ticket score cards no longer carry comments, so the report and the ballot
    download are built from this archive: the published numbers and the export's SHA-256 stay the same.
    """

    __tablename__ = "ballot_archives"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    ballots_csv: Mapped[str] = mapped_column(sa.Text)
    manifest_json: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
