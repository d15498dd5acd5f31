"""How a change reaches every live screen, in this process and in the other worker processes.

The rule: a command bumps ``Event.live_version`` with ``changes.changed(event)`` inside its transaction,
which notes the new version in the session. When the session has committed (and given its connection back
to the pool), SQLAlchemy session hooks publish ``(event id, new version)``:

* to this process's :class:`Hub` at once, which wakes the screens of that event waiting here;
* with ``REDIS_URL`` set, on the Redis channel ``buurtstem:live:<hash of the database URL>``; every
  process runs one listener thread (a greenlet under gevent) that feeds the messages into its own hub;
* without Redis, every process runs one watcher thread that polls the versions of the events that have
  screens in this process, one query for all of them every ``POLL_SECONDS``; a change committed by
  another process is seen on its next poll. The query is built once and runs on a bare connection (no
  app context, no ORM session), about a tenth of a millisecond, so it can run 20 times a second: the
  poll adds 25 ms on average to a change's way to the other processes' screens.

Screens never query per change: one pump per (event, audience) and process waits on the hub, takes the
snapshot of the new version from a per-process cache (computed once per event, version and audience, see
``app/services/live_screen.py``) and hands every screen the same message
(``app/services/live_feed.py``). Only standard ``threading`` primitives are used, so the same code
cooperates with gevent (gunicorn monkey-patches them) and runs on werkzeug's threaded test server.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Event
from app.services.changes import PENDING_KEY

CHANNEL_PREFIX = "buurtstem:live:"
POLL_SECONDS = 0.05
VERSIONS = sa.select(Event.id, Event.live_version).where(Event.id.in_(sa.bindparam("ids", expanding=True)))
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cached:
    version: int
    value: Any


class Hub:
    """One per app and process: the newest version known per event, the screens waiting for it, and the
    cached snapshots. Thread-safe; under gevent the locks are gevent's."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._conditions: dict[int, threading.Condition] = {}
        self._versions: dict[int, int] = {}
        self._screens: dict[int, int] = {}
        self._cache: dict[tuple[int, str], Cached] = {}
        self._compute_locks: dict[tuple[int, str], threading.Lock] = {}
        # the message feeds of this process's screens, per (event, audience): see app/services/live_feed.py
        self.feeds: dict[tuple[int, str], Any] = {}
        self.feeds_lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._redis: Any = None
        self._engine: sa.Engine | None = None
        # one channel per database, so two installations sharing a Redis server never wake each other
        database = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
        self.channel = CHANNEL_PREFIX + hashlib.sha256(database.encode()).hexdigest()[:16]

    # -- versions -----------------------------------------------------------------------------------
    def _condition(self, event_id: int) -> threading.Condition:
        condition = self._conditions.get(event_id)
        if condition is None:
            condition = self._conditions.setdefault(event_id, threading.Condition(self._lock))
        return condition

    def notify(self, event_id: int, version: int) -> None:
        """Record that ``event_id`` reached ``version``; wakes its screens if that is news here."""
        condition = self._condition(event_id)
        with condition:
            if version > self._versions.get(event_id, -1):
                self._versions[event_id] = version
                condition.notify_all()

    def version(self, event_id: int) -> int:
        with self._lock:
            return self._versions.get(event_id, -1)

    def wait(self, event_id: int, seen: int, timeout: float) -> int:
        """Block until the event's version is above ``seen`` or ``timeout`` passes; the version then."""
        condition = self._condition(event_id)
        with condition:
            condition.wait_for(lambda: self._versions.get(event_id, -1) > seen, timeout)
            return self._versions.get(event_id, -1)

    @contextmanager
    def subscription(self, event_id: int) -> Iterator[None]:
        """A screen of ``event_id`` is connected in this process while inside the block."""
        self._ensure_watcher()
        with self._lock:
            self._screens[event_id] = self._screens.get(event_id, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._screens.get(event_id, 1) - 1
                if left:
                    self._screens[event_id] = left
                else:
                    self._screens.pop(event_id, None)

    def screens(self) -> dict[int, int]:
        with self._lock:
            return dict(self._screens)

    # -- snapshot cache -----------------------------------------------------------------------------
    def cached(self, event_id: int, audience: str, at_least: int, compute: Callable[[], Cached]) -> Cached:
        """The cached value for ``(event_id, audience)`` if it is at ``at_least`` or newer; otherwise
        computed once by the first caller while the others wait for it."""
        key = (event_id, audience)
        found = self._cache.get(key)
        if found is not None and found.version >= at_least:
            return found
        with self._lock:
            compute_lock = self._compute_locks.setdefault(key, threading.Lock())
        with compute_lock:
            found = self._cache.get(key)
            if found is not None and found.version >= at_least:
                return found
            fresh = compute()
            if found is None or fresh.version >= found.version:
                self._cache[key] = fresh
            self.notify(event_id, fresh.version)
            return fresh

    # -- across processes ---------------------------------------------------------------------------
    def publish(self, changed: dict[int, int]) -> None:
        """Tell this process's screens at once, and the other processes through Redis if configured."""
        for event_id, version in changed.items():
            self.notify(event_id, version)
        url = self.app.config.get("REDIS_URL")
        if not url:
            return
        try:
            client = self._redis_client(url)
            for event_id, version in changed.items():
                client.publish(self.channel, f"{event_id} {version}")
        except Exception:  # noqa: BLE001 - the change is committed; screens here already know, others poll on
            log.warning("Could not publish a live change to Redis", exc_info=True)

    def _redis_client(self, url: str) -> Any:
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        return self._redis

    def _ensure_watcher(self) -> None:
        if self._watcher is not None and self._watcher.is_alive() and self.pid == os.getpid():
            return
        with self._lock:
            if self._watcher is not None and self._watcher.is_alive() and self.pid == os.getpid():
                return
            self.pid = os.getpid()
            self._redis = self._engine = None
            target = self._listen_redis if self.app.config.get("REDIS_URL") else self._poll_database
            self._watcher = threading.Thread(target=target, name="live-watcher", daemon=True)
            self._watcher.start()

    def _poll_database(self) -> None:
        """One query per process per ``POLL_SECONDS`` for all events with screens here."""
        while True:
            watched = list(self.screens())
            if watched:
                try:
                    for event_id, version in self.read_versions(watched).items():
                        self.notify(event_id, version)
                except Exception:  # noqa: BLE001 - a locked or restarting database must not end the watcher
                    log.warning("Live version poll failed", exc_info=True)
            time.sleep(POLL_SECONDS)

    def read_versions(self, event_ids: list[int]) -> dict[int, int]:
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        with self._engine.connect() as connection:
            return {event_id: version for event_id, version in connection.execute(VERSIONS, {"ids": event_ids})}

    def _listen_redis(self) -> None:
        """Feed Redis messages into this hub; reconnect with a pause if Redis goes away. After every
        (re)connect the versions are read from the database once, so nothing missed stays missed."""
        import redis

        while True:
            try:
                client = redis.Redis.from_url(self.app.config["REDIS_URL"], socket_connect_timeout=2)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                watched = list(self.screens())
                if watched:
                    for event_id, version in self.read_versions(watched).items():
                        self.notify(event_id, version)
                for message in pubsub.listen():  # type: ignore[no-untyped-call]
                    event_id, version = (int(part) for part in message["data"].split())
                    self.notify(event_id, version)
            except Exception:  # noqa: BLE001 - keep listening whatever happened
                log.warning("Live Redis listener lost its connection; retrying", exc_info=True)
                time.sleep(1)


def hub() -> Hub:
    found: Hub = current_app.extensions["live_hub"]
    return found


def init_app(app: Flask) -> None:
    app.extensions["live_hub"] = Hub(app)


COMMITTED_KEY = "live_committed_versions"


@sa.event.listens_for(Session, "after_commit")
def _note_committed(session: Session) -> None:
    """The versions are committed; they are published once the transaction has ended (below)."""
    changed: dict[int, int] | None = session.info.pop(PENDING_KEY, None)
    if changed:
        session.info[COMMITTED_KEY] = changed


@sa.event.listens_for(Session, "after_transaction_end")
def _publish_after_commit(session: Session, _transaction: Any) -> None:
    """Publish after the connection went back to the pool: under gevent, waking the hub's screens
    yields (``Condition.notify_all`` checks its lock with a non-blocking acquire, and gevent's lock
    then lets other greenlets run), and a greenlet that yields while still holding its connection makes
    the others open overflow connections (on SQLite a connect and four pragmas each time)."""
    changed: dict[int, int] | None = session.info.pop(COMMITTED_KEY, None)
    if changed and has_app_context() and "live_hub" in current_app.extensions:
        hub().publish(changed)


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
