"""Connection settings that make SQLite behave like a server database for a busy evening, and a check
that a pooled connection still works after it lay idle."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import Pool

# a fixed pool per process: with overflow connections, a burst of cards under gevent opened and closed
# connections all the time (on PostgreSQL a new server process each, more CPU than the cards)
POOL = {"pool_size": 15, "max_overflow": 0}
# a connection handed back less than this many seconds ago is used without a test query
IDLE_SECONDS_BEFORE_PING = 5.0
CHECKED_IN_AT = "checked_in_at"


def engine_options(url: str, configured: dict[str, Any]) -> dict[str, Any]:
    """The configured engine options with the pool's size added where the configuration leaves it out;
    an in-memory SQLite database has a single connection and no pool to size."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        return configured
    return POOL | configured


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets phones read while a card is written; foreign keys on; wait 5 s for a lock, never fail fast."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Pool, "checkin")
def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[CHECKED_IN_AT] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """SQLAlchemy's ``pool_pre_ping``, but only for a connection that lay idle: a database restart, a
    firewall or a pooler closes connections that sit unused, not ones handed back a moment ago. A ping
    is a round trip to PostgreSQL on every request that uses the database (one of three for a card POST);
    during an evening the pool's connections are seldom idle for long. A connection that fails the test
    query is replaced (the pool opens a new one). One that broke while in use makes its request fail, as
    any statement cut off would, and SQLAlchemy then replaces every connection the pool holds; the phone's
    card POST, which runs on the driver's cursor, does the same itself and then stores the card the
    general way instead of failing (``card_post``).
    """
    checked_in = record.info.get(CHECKED_IN_AT)
    if checked_in is not None and time.monotonic() - checked_in < IDLE_SECONDS_BEFORE_PING:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # noqa: BLE001 - whatever the driver raises, the connection is unusable
        raise exc.DisconnectionError("idle connection failed its test query") from error
