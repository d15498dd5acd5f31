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
1,000 screens cost at most ``1 / MIN_INTERVAL_SECONDS`` writes per second each. Keep-alive comments are
messages of the feed too, appended by the pump after ``keepalive`` seconds without one, so a waiting screen
needs no timer of its own.

**Direct writes.** Waking a screen's greenlet to write one message costs several times the ``send`` itself
(a greenlet switch, the generator chain through werkzeug and gunicorn, gevent's ``sendall``). So when the
server hands the stream its socket and that socket is non-blocking (gunicorn's gevent worker), a screen
that has caught up parks as a :class:`Direct` and the pump writes each message to all parked sockets in
one loop, already framed as the response needs (HTTP/1.1 chunks). A socket that cannot take a whole
message at once (a slow phone), or fails, is handed back to its screen: the screen writes the rest itself
and reads on from the feed like any other until it has caught up again, or ends when the peer is gone.
"""

from __future__ import annotations

import logging
import os
import socket
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
KEEPALIVE_SECONDS = 15.0  # a comment after this long without a message: proxies and browsers keep the stream
MAX_BEHIND = 50  # messages: a screen further behind gets the full snapshot instead
KEEPALIVE = b": keep-alive\n\n"
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


class Direct:
    """A screen's socket that the pump writes to while the screen is parked (see the module docstring).

    ``node`` is the next message this socket needs. When the pump hands the socket back it sets
    ``released``, with ``rest`` the part of a message still to write, ``closed`` if the peer is gone,
    and ``node`` ``None`` after the final message."""

    __slots__ = ("chunked", "closed", "fd", "node", "released", "rest", "sock")

    def __init__(self, sock: socket.socket, chunked: bool) -> None:
        self.sock, self.fd, self.chunked = sock, sock.fileno(), chunked
        self.node: Node | None = None
        self.rest = b""
        self.closed = False
        self.released = threading.Event()


def direct_socket(sock: socket.socket | None, chunked: bool) -> Direct | None:
    """A :class:`Direct` for the stream's socket if the pump may write to it: only a non-blocking socket
    (gunicorn's gevent worker), so that a full send buffer can never stall the pump, and never a TLS
    socket (gunicorn with ``certfile``; stdlib's and gevent's both have ``do_handshake``), whose bytes
    must go through its encryption."""
    if sock is None or hasattr(sock, "do_handshake") or os.get_blocking(sock.fileno()):
        return None
    return Direct(sock, chunked)


class Feed:
    """The messages for the screens of one event and audience in this process."""

    def __init__(self, app: Flask, hub: Hub, event_id: int, audience: str,
                 keepalive: float = KEEPALIVE_SECONDS) -> None:
        self.app, self.hub, self.event_id, self.audience = app, hub, event_id, audience
        self.key = (event_id, audience)
        self.keepalive = keepalive
        self.screens = 0  # changed only under ``hub.feeds_lock``
        self.head = Node(0)  # the next message goes here
        self.current: Snapshot | None = None  # what a screen that has read up to ``head`` shows
        self.parked: set[Direct] = set()  # changed only under ``_lock``
        self.last_message = time.monotonic()
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
            self._append(live_screen.snapshot_message(fresh) if delta is None
                         else live_screen.delta_message(delta), final=fresh.version < 0)

    def keep_alive(self) -> None:
        """Append a keep-alive comment (the pump does after ``keepalive`` seconds without a message)."""
        with self._lock:
            self._append(KEEPALIVE, final=False)

    def _append(self, data: bytes, final: bool) -> None:
        """Under ``_lock``: add a message, wake the screens waiting for it and write it to the parked
        sockets."""
        node = self.head
        node.data, node.final = data, final
        node.next = self.head = Node(node.seq + 1)
        self.last_message = time.monotonic()
        node.ready.set()
        if self.parked:
            self._write_parked(node)

    def _write_parked(self, node: Node) -> None:
        """One non-blocking write per parked socket; a socket that took less than the whole message, or
        failed, goes back to its screen with what is left."""
        framed = {False: node.data, True: b"%X\r\n%s\r\n" % (len(node.data), node.data)}
        for screen in list(self.parked):
            data = framed[screen.chunked]
            try:
                sent = os.write(screen.fd, data)
            except BlockingIOError:
                sent = 0
            except OSError:
                sent, screen.closed = 0, True
            screen.node = None if node.final else node.next
            if sent == len(data) and screen.node is not None:
                continue
            screen.rest = b"" if screen.closed else data[sent:]
            self.parked.discard(screen)
            screen.released.set()

    def park(self, screen: Direct, node: Node) -> bool:
        """Let the pump write to ``screen`` from ``node`` on; refused (``False``) while ``node`` is already
        written, i.e. the screen has not caught up."""
        with self._lock:
            if node.ready.is_set():
                return False
            screen.node, screen.rest = node, b""
            screen.released.clear()
            self.parked.add(screen)
            return True

    def unpark(self, screen: Direct) -> None:
        with self._lock:
            self.parked.discard(screen)

    def start(self) -> None:
        with self._build:
            if self._pump is None:
                self._pump = threading.Thread(target=self._run, name=f"live-feed-{self.event_id}", daemon=True)
                self._pump.start()

    def _run(self) -> None:
        """The pump: wait for the hub's next version, build it once, publish it; a keep-alive when quiet
        for ``keepalive`` seconds; end when idle."""
        last_sent = 0.0
        seen = 0
        while seen >= 0:
            quiet = time.monotonic() - self.last_message
            wanted = self.hub.wait(self.event_id, seen, max(0.0, min(IDLE_SECONDS, self.keepalive - quiet)))
            if wanted <= seen:
                if _drop_if_idle(self):
                    return
                if time.monotonic() - self.last_message >= self.keepalive:
                    self.keep_alive()
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
def feed_for(app: Flask, hub: Hub, event_id: int, audience: str,
             keepalive: float = KEEPALIVE_SECONDS) -> Iterator[Feed]:
    """This process's feed for the event and audience (started if new; ``keepalive`` applies to a new
    one), with one more screen while inside the block."""
    with hub.feeds_lock:
        found: Feed | None = hub.feeds.get((event_id, audience))
        if found is None:
            found = hub.feeds[(event_id, audience)] = Feed(app, hub, event_id, audience, keepalive)
        found.screens += 1
    try:
        found.start()
        yield found
    finally:
        with hub.feeds_lock:
            found.screens -= 1


def messages(feed: Feed, at_least: int, direct: Direct | None = None) -> Iterator[bytes]:
    """What one screen writes: the snapshot (at version ``at_least`` or newer), then each message of the
    feed as it comes, keep-alives included (several at once if the screen fell behind). With ``direct``,
    the screen parks whenever it has caught up and the pump writes to its socket until it hands it back."""
    current, node = feed.join(at_least)
    yield live_screen.snapshot_message(current)
    try:
        while current.version >= 0:
            if direct is not None and feed.park(direct, node):
                direct.released.wait()
                if direct.closed:
                    return
                if direct.rest:
                    direct.sock.sendall(direct.rest)
                if direct.node is None:
                    return  # the final message was written
                node = direct.node
                continue
            node.ready.wait()
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
    finally:
        if direct is not None:
            feed.unpark(direct)
