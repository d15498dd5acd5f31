"""One message feed per (event, audience) and process: a change is turned into bytes once, and every
screen of this process writes the same bytes.

A *pump* (one thread per feed; a greenlet under gevent) waits for a new version in the process's hub,
builds the snapshot once (``live_screen.snapshot``: one computation per version per process), compares it
with the previous one and appends one message to the feed: a small ``delta`` event with the fields that
changed (score cards, tickets in use, reactions, questions), or the full ``snapshot`` event when the
change is structural (another bidder, the timer, the phase, the reveal). The message is serialised once,
with the server's clock; the screens only write it.

The feed is a chain of :class:`Node` objects: a screen holds the node it will read next and waits on that
node's event, so one ``set()`` wakes every screen at once and no screen ever waits on a lock held by
another. A screen that joins takes the feed's current snapshot and the node after it in one step, so the
deltas it then reads apply to exactly that snapshot. A screen that fell far behind (a slow connection)
gets the full snapshot again instead of a backlog of deltas.

Bursts are coalesced by the pump, not per screen: the first change after a quiet spell goes out at once,
later ones at most every ``MIN_INTERVAL_SECONDS``, always the newest version. However fast cards arrive,
1,000 screens cost at most ``1 / MIN_INTERVAL_SECONDS`` writes per second each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from app.services import live_screen
from app.services.live_bus import Hub
from app.services.live_screen import Snapshot

MIN_INTERVAL_SECONDS = 0.05
IDLE_SECONDS = 5.0  # a pump without screens ends after this long
MAX_BEHIND = 50  # messages: a screen further behind gets the full snapshot instead
log = logging.getLogger(__name__)


class Node:
    """One message of a feed once ``ready`` is set: ``data`` to write, ``next`` the node after it.
    ``final`` marks the last message (the event was deleted)."""

    __slots__ = ("data", "final", "next", "ready", "seq")

    def __init__(self, seq: int) -> None:
        self.seq = seq
        self.data = b""
        self.final = False
        self.next: Node | None = None
        self.ready = threading.Event()


class Feed:
    """The messages for the screens of one event and audience in this process."""

    def __init__(self, app: Flask, hub: Hub, event_id: int, audience: str) -> None:
        self.app, self.hub, self.event_id, self.audience = app, hub, event_id, audience
        self.key = (event_id, audience)
        self.screens = 0  # changed only under ``hub.feeds_lock``
        self.head = Node(0)  # the next message goes here
        self.current: Snapshot | None = None  # what a screen that has read up to ``head`` shows
        self._lock = threading.Lock()
        self._build = threading.Lock()
        self._pump: threading.Thread | None = None

    def join(self, at_least: int = 0) -> tuple[Snapshot, Node]:
        """The snapshot to send a new (or lagging) screen first, at version ``at_least`` or newer if the
        database has it, and the node it reads next."""
        if self.current is None or self.current.version < at_least:
            with self._build:  # the first screens of a feed: one of them builds, the others wait
                if self.current is None or self.current.version < at_least:
                    self.publish(live_screen.snapshot(self.app, self.hub, self.event_id, self.audience, at_least))
        with self._lock:
            assert self.current is not None
            return self.current, self.head

    def publish(self, fresh: Snapshot) -> None:
        """Append the message that brings screens from the current snapshot to ``fresh``."""
        with self._lock:
            before = self.current
            if before is not None and 0 <= fresh.version <= before.version:
                return
            self.current = fresh
            if before is None:
                return  # nobody has read anything yet
            delta = live_screen.delta_between(before, fresh)
            if delta is not None and len(delta) == 1:
                return  # only the version moved: nothing this audience sees changed
            node = self.head
            node.data = (live_screen.snapshot_message(fresh) if delta is None
                         else live_screen.delta_message(delta))
            node.final = fresh.version < 0
            node.next = self.head = Node(node.seq + 1)
        node.ready.set()

    def start(self) -> None:
        with self._build:
            if self._pump is None:
                self._pump = threading.Thread(target=self._run, name=f"live-feed-{self.event_id}", daemon=True)
                self._pump.start()

    def _run(self) -> None:
        """The pump: wait for the hub's next version, build it once, publish it; end when idle."""
        last_sent = 0.0
        seen = 0
        while seen >= 0:
            wanted = self.hub.wait(self.event_id, seen, IDLE_SECONDS)
            if wanted <= seen:
                if _drop_if_idle(self):
                    return
                continue
            time.sleep(max(0.0, MIN_INTERVAL_SECONDS - (time.monotonic() - last_sent)))
            wanted = max(wanted, self.hub.version(self.event_id))
            try:
                fresh = live_screen.snapshot(self.app, self.hub, self.event_id, self.audience, wanted)
            except Exception:  # noqa: BLE001 - a locked or restarting database must not end the pump
                log.warning("Live snapshot failed; retrying", exc_info=True)
                if _drop_if_idle(self):
                    return
                time.sleep(1)
                continue
            self.publish(fresh)
            last_sent = time.monotonic()
            seen = max(seen, fresh.version, wanted) if fresh.version >= 0 else -1
        _drop(self)  # the event is gone


def _drop_if_idle(feed: Feed) -> bool:
    with feed.hub.feeds_lock:
        if feed.screens:
            return False
        _drop(feed)
        return True


def _drop(feed: Feed) -> None:
    if feed.hub.feeds.get(feed.key) is feed:
        del feed.hub.feeds[feed.key]


@contextmanager
def feed_for(app: Flask, hub: Hub, event_id: int, audience: str) -> Iterator[Feed]:
    """This process's feed for the event and audience (started if new), with one more screen while
    inside the block."""
    with hub.feeds_lock:
        found: Feed | None = hub.feeds.get((event_id, audience))
        if found is None:
            found = hub.feeds[(event_id, audience)] = Feed(app, hub, event_id, audience)
        found.screens += 1
    try:
        found.start()
        yield found
    finally:
        with hub.feeds_lock:
            found.screens -= 1


def messages(feed: Feed, at_least: int, keepalive: float) -> Iterator[bytes]:
    """What one screen writes: the snapshot (at version ``at_least`` or newer), then each message of the
    feed as it comes (several at once if the screen fell behind), a keep-alive comment after
    ``keepalive`` seconds without any."""
    current, node = feed.join(at_least)
    yield live_screen.snapshot_message(current)
    while current.version >= 0:
        if not node.ready.wait(keepalive):
            yield b": keep-alive\n\n"
            continue
        if feed.head.seq - node.seq > MAX_BEHIND:
            current, node = feed.join()
            yield live_screen.snapshot_message(current)
            continue
        parts = []
        while node.ready.is_set() and node.next is not None:
            parts.append(node.data)
            if node.final:
                break
            node = node.next
        yield parts[0] if len(parts) == 1 else b"".join(parts)
        if node.final:
            return
