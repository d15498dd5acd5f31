"""The per-process feed: one message per change for every screen, deltas for small changes, the full
snapshot on connect, on a reconnect, on structural changes and for a screen that fell far behind."""

from __future__ import annotations

import json
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from app.extensions import db
from app.services import evening, live, live_feed, live_screen
from app.services.live_bus import hub
from app.services.live_screen import Snapshot
from tests.live_helpers import Evening, cast, make_evening, on_stage

WAIT = 10.0  # seconds; only a bound for a broken feed, never reached when it works


def _event(message: bytes) -> tuple[str, dict]:
    """The kind (``snapshot``/``delta``) and data of one server-sent event as written to the socket."""
    lines = message.decode().split("\n")
    kind = next(line[len("event: "):] for line in lines if line.startswith("event: "))
    data = json.loads(next(line[len("data: "):] for line in lines if line.startswith("data: ")))
    return kind, data[kind]


def _screen(app: Flask, found: Evening, audience: str = "screen") -> Iterator[tuple[str, dict]]:
    """One connected screen of this process, as the stream view runs it."""
    with live_feed.feed_for(app, hub(), found.event.id, audience) as feed:
        for message in live_feed.messages(feed, found.event.live_version):
            assert not message.startswith(b":"), "a keep-alive instead of the change"
            yield _event(message)


def _state(found: Evening, **changes: object) -> Snapshot:
    state = {"version": 1, "pid": 7, "title": found.event.title, "bidder": None, "cards": 0, "revealed": False,
             "results_key": None, "questions": []} | changes
    return Snapshot(int(state["version"]), json.dumps(state), state)  # type: ignore[call-overload]


def test_delta_holds_only_what_changed_and_structural_changes_need_a_snapshot(app) -> None:
    found = make_evening()
    before = _state(found)
    assert live_screen.delta_between(before, _state(found, version=2, cards=3)) == {"cards": 3, "version": 2}
    assert live_screen.delta_between(before, _state(found, version=2)) == {"version": 2}
    assert live_screen.delta_between(before, _state(found, version=2, bidder={"name": "B"})) is None
    assert live_screen.delta_between(before, _state(found, version=2, results_key="x")) is None
    gone = Snapshot(-1, '{"version":-1,"gone":true}', {"version": -1, "gone": True})
    assert live_screen.delta_between(before, gone) is None


def test_a_card_reaches_a_connected_screen_as_a_delta(app) -> None:
    found = make_evening()
    on_stage(found)
    screen = _screen(app, found)
    kind, first = next(screen)
    assert kind == "snapshot" and first["cards"] == 0 and first["bidder"]["name"] == "Buurttuin"
    cast(found, 0)
    kind, delta = next(screen)
    assert kind == "delta" and delta["cards"] == 1 and delta["version"] == found.event.live_version
    assert "bidder" not in delta and "title" not in delta
    live.react(found.ticket(1), found.event, "applause")
    kind, delta = next(screen)
    assert kind == "delta" and delta["reactions"]["applause"] == 1
    screen.close()


def _watching(app: Flask) -> tuple[Evening, Iterator[tuple[str, dict]]]:
    """An evening with the first bidder scoring, and a screen that has read its first snapshot."""
    found = make_evening()
    on_stage(found)
    screen = _screen(app, found)
    next(screen)
    return found, screen


def test_a_reconnecting_screen_gets_the_full_snapshot(app) -> None:
    found, screen = _watching(app)
    cast(found, 0)
    assert next(screen)[0] == "delta"
    screen.close()  # the connection drops
    cast(found, 1)
    again = _screen(app, found)
    kind, snapshot = next(again)
    assert kind == "snapshot" and snapshot["cards"] == 2 and snapshot["version"] == found.event.live_version
    again.close()


def test_the_next_bidder_sends_a_full_snapshot(app) -> None:
    found, screen = _watching(app)
    on_stage(found, open_scoring=False)
    kind, snapshot = next(screen)
    assert kind == "snapshot" and snapshot["bidder"]["name"] == "Speeltuin"
    screen.close()


def test_host_feed_sees_a_pending_question_that_the_projector_feed_skips(app) -> None:
    found = make_evening()
    on_stage(found, open_scoring=False)
    projector, host = _screen(app, found), _screen(app, found, "host")
    next(projector)
    assert next(host)[1]["pending"] == []
    question = live.ask_question(found.ticket(0), found.event, "Waarom?")
    kind, delta = next(host)
    assert kind == "delta" and [q["text"] for q in delta["pending"]] == ["Waarom?"]
    live.moderate_question(found.event, "host", question.public_id, approve=True)
    # the projector's first message since connecting is the approved question: the pending one was skipped
    kind, delta = next(projector)
    assert kind == "delta" and [q["text"] for q in delta["questions"]] == ["Waarom?"]
    projector.close()
    host.close()


def test_every_screen_writes_the_same_bytes_once_per_change(app) -> None:
    found = make_evening()
    on_stage(found)
    with live_feed.feed_for(app, hub(), found.event.id, "screen") as feed:
        screens = [live_feed.messages(feed, found.event.live_version) for _ in range(3)]
        for screen in screens:
            next(screen)
        cast(found, 0)
        written = [next(screen) for screen in screens]
        assert written[0] is written[1] is written[2]
        for screen in screens:
            screen.close()


@contextmanager
def _connected(app: Flask, found: Evening) -> Iterator[tuple[live_feed.Feed, Iterator[bytes]]]:
    """The feed of an event with nobody scoring, and one screen that has read its first snapshot."""
    on_stage(found, open_scoring=False)
    with live_feed.feed_for(app, hub(), found.event.id, "screen") as feed:
        screen = live_feed.messages(feed, found.event.live_version)
        next(screen)
        yield feed, screen


def test_a_screen_far_behind_gets_the_snapshot_instead_of_the_backlog(app) -> None:
    found = make_evening()
    with _connected(app, found) as (feed, slow):
        for index in range(live_feed.MAX_BEHIND + 2):  # more messages than a screen may lag behind
            feed.publish(_state(found, version=found.event.live_version + index + 1, cards=index + 1))
        kind, snapshot = _event(next(slow))
        assert kind == "snapshot" and snapshot["cards"] == live_feed.MAX_BEHIND + 2


def test_the_feed_ends_when_the_event_is_deleted(app) -> None:
    found = make_evening()
    with _connected(app, found) as (feed, screen):
        feed.publish(Snapshot(-1, '{"version":-1,"gone":true}', {"version": -1, "gone": True}))
        kind, snapshot = _event(next(screen))
        assert kind == "snapshot" and snapshot["gone"]
        assert next(screen, None) is None


def test_the_timer_is_stable_between_snapshots_and_brought_to_now_for_the_page(app) -> None:
    found = make_evening()
    on_stage(found, open_scoring=False)
    bidder = evening.current_bidder(found.tender)
    assert bidder is not None
    evening.timer(found.tender, bidder, "host", "start")
    first = live_screen.build_snapshot(found.event.id, "screen", 1)
    db.session.expire_all()
    second = live_screen.build_snapshot(found.event.id, "screen", 1)
    assert first.state["bidder"]["timer"] == second.state["bidder"]["timer"]
    timer = first.state["bidder"]["timer"]
    assert timer["running"] and timer["at"] > 0
    shown = live_screen.timer_now(json.loads(first.body), timer["at"] + 90_000)
    assert shown["bidder"]["timer"]["elapsed"] == timer["elapsed"] + 90


def test_a_quiet_feed_sends_keep_alives_to_every_screen(app) -> None:
    found = make_evening()
    on_stage(found, open_scoring=False)
    with live_feed.feed_for(app, hub(), found.event.id, "screen", keepalive=0.05) as feed:
        screen = live_feed.messages(feed, found.event.live_version)
        next(screen)
        first = feed.head
        assert first.ready.wait(WAIT), "no keep-alive from a quiet feed"
        assert first.data == live_feed.KEEPALIVE
        assert next(screen).startswith(live_feed.KEEPALIVE)
        screen.close()


def _read(peer: socket.socket, ending: bytes) -> bytes:
    """Bytes from ``peer`` until they end with ``ending`` (bounded by ``WAIT``)."""
    peer.settimeout(WAIT)
    data = b""
    while not data.endswith(ending):
        data += peer.recv(65536)
    return data


def _until_parked(feed: live_feed.Feed) -> None:
    """Wait (bounded by ``WAIT``) until a screen of ``feed`` has parked."""
    deadline = time.monotonic() + WAIT
    while not feed.parked and time.monotonic() < deadline:
        time.sleep(0.01)


@contextmanager
def _parked_screen(app: Flask, found: Evening, direct: live_feed.Direct) -> Iterator[
        tuple[live_feed.Feed, threading.Thread, list[bytes]]]:
    """A screen on a thread with ``direct`` as its socket, parked after its snapshot; what it yielded
    itself (rather than the pump writing it) goes into the list."""
    written: list[bytes] = []
    with live_feed.feed_for(app, hub(), found.event.id, "screen") as feed:
        screen = threading.Thread(target=lambda: written.extend(
            live_feed.messages(feed, found.event.live_version, direct)), daemon=True)
        screen.start()
        _until_parked(feed)
        yield feed, screen, written


def test_the_pump_writes_changes_to_a_parked_socket_and_hands_back_a_closed_one(app) -> None:
    found = make_evening()
    on_stage(found)
    ours, peer = socket.socketpair()
    assert live_feed.direct_socket(ours, chunked=True) is None, "a blocking socket would stall the pump"
    ours.setblocking(False)
    tls = ssl.create_default_context().wrap_socket(socket.socket(), server_hostname="buurt.test",
                                                      do_handshake_on_connect=False)
    tls.setblocking(False)
    assert live_feed.direct_socket(tls, chunked=True) is None, "TLS bytes must go through the TLS socket"
    tls.close()
    direct = live_feed.direct_socket(ours, chunked=True)
    assert direct is not None
    with _parked_screen(app, found, direct) as (feed, screen, written):
        cast(found, 0)
        framed = _read(peer, b"\n\n\r\n")
        size, _, message = framed.partition(b"\r\n")
        assert int(size, 16) == len(message) - 2
        kind, delta = _event(message[:-2])
        assert kind == "delta" and delta["cards"] == 1
        assert [_event(each)[0] for each in written] == ["snapshot"], "the pump wrote the change, not the screen"
        peer.close()
        cast(found, 1)
        screen.join(WAIT)
        assert not screen.is_alive(), "the screen did not end when its peer was gone"
        assert not feed.parked
    ours.close()


def test_a_socket_that_cannot_take_a_whole_message_is_written_by_its_screen_and_parks_again(app) -> None:
    found = make_evening()
    on_stage(found)
    ours, peer = socket.socketpair()
    ours.settimeout(WAIT)  # non-blocking underneath, like a gevent socket: the pump may write to it
    direct = live_feed.direct_socket(ours, chunked=False)
    assert direct is not None
    with _parked_screen(app, found, direct) as (feed, screen, written):
        full = 0  # fill the socket's buffer: the pump's write of the next change cannot go through whole
        try:
            while True:
                full += os.write(ours.fileno(), b" " * 4096)
        except BlockingIOError:
            pass
        cast(found, 0)
        received = _read(peer, b"\n\n")  # the screen writes what the pump could not, once the peer reads
        assert len(received) > full and _event(received[full:].lstrip(b" "))[1]["cards"] == 1
        _until_parked(feed)  # caught up: parked again
        assert feed.parked == {direct}
        cast(found, 1)
        assert _event(_read(peer, b"\n\n"))[1]["cards"] == 2
        assert [_event(each)[0] for each in written] == ["snapshot"], "the screen yielded no message itself"
        peer.close()
        cast(found, 2)
        screen.join(WAIT)
        assert not screen.is_alive()
    ours.close()
