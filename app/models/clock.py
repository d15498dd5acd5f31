"""One source of 'now' for all models: timezone-aware UTC, stored without zone for SQLite parity."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC, because SQLite drops zones and both databases must compare the same way."""
    return datetime.now(UTC).replace(tzinfo=None)
