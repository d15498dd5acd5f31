"""Live fan-out: 1,000 projector screens on server-sent events while phones send score cards.

gunicorn with the production config (2 gevent workers) on 127.0.0.1 and a scratch SQLite file; one client
process (asyncio, raw sockets) holds 1,000 SSE streams, and phones in a process of their own submit cards
through the real phone form (GET the card page, fill it in, POST it). Three phases:

* **changes only**: 100 applause taps at 10 per second, committed by the bench process itself through
  ``app.services.live.react`` (so published exactly as the app does), no HTTP request: the workers' CPU
  is the fan-out alone (one snapshot per process and change, one write per screen), and change→screen is
  the fan-out's own latency;
* **10 cards/s**: each phone opens its card page beforehand and POSTs it at its due moment;
* **max rate**: 16 phones GET and POST as fast as the server answers.

Reported per phase: screens held, delivered % (screen × change pairs seen), latency p50/p95/p99 from the
moment the change was sent (the card's POST) until a screen's message shows it, the same from the server's
clock in that message (``now``, stamped when the message was built after the commit) until the screen
read it (the delivery alone), card submissions per second and the workers' CPU per change.

Card *n* is matched to the *n*-th card sent (by send time): exact at 10/s, an approximation when
submissions overlap. Client and server share the machine's cores, so latencies include the client's own
scheduling delay; the client is a bare asyncio protocol per screen (one clock reading and two
regular-expression scans per chunk) and prints the CPU it used, so its share can be judged. Bounded: every
phase has a deadline, the server is stopped by pid at the end.

    python -m bench.live_fanout [--screens 1000] [--transport redis|database|both] [--cards 300]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import concurrent.futures
import multiprocessing
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import (  # noqa: E402
    CSRF,
    HOST,
    Connection,
    Evening,
    Server,
    database,
    latency_text,
    make_app,
    prepare_evening,
    session_cookie,
)

CARDS = re.compile(rb'"cards":(\d+)')
APPLAUSE = re.compile(rb'"applause":(\d+)')
NOW = b'"now":'
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Seen:
    """Each time a counter shown on a screen went up: the count, when the screen read it (``perf_counter``)
    and the server's clock in that message (ms since the epoch)."""

    counts: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    stamps: list[int] = field(default_factory=list)

    def arrival(self, count: int) -> tuple[float, int] | None:
        index = bisect.bisect_left(self.counts, count)
        return (self.times[index], self.stamps[index]) if index < len(self.times) else None


@dataclass
class Screen:
    """One SSE stream: the card count and the applause count as they went up."""

    cards: Seen = field(default_factory=Seen)
    applause: Seen = field(default_factory=Seen)
    pid: str = ""
    open: bool = False
    transport: asyncio.BaseTransport | None = None


class ScreenReader(asyncio.Protocol):
    """The client side of one screen, kept as cheap as possible because it shares the cores with the
    server: a bare protocol (no stream reader, no task per screen), one clock reading per chunk and a
    regular-expression scan for ``"cards":N`` and one for ``"applause":N`` over the bytes (full snapshots
    and deltas alike); a message's ``"now":`` is only parsed when a count went up."""

    def __init__(self, screen: Screen, request: bytes, done: asyncio.Future[None]) -> None:
        self.screen, self.request, self.done = screen, request, done
        self.head = b""
        self.tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.screen.transport = transport
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        screen = self.screen
        if not screen.open:
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            head, _, data = self.head.partition(b"\r\n\r\n")
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                self.done.set_exception(RuntimeError(f"stream refused: {head[:80]!r}"))
                return
            found = re.search(rb"(?im)^x-live-pid:\s*(\d+)", head)
            screen.pid = found.group(1).decode() if found else ""
            screen.open = True
        data = self.tail + data
        for pattern, seen in ((CARDS, screen.cards), (APPLAUSE, screen.applause)):
            for found in pattern.finditer(data):
                count = int(found.group(1))
                if not seen.counts or count > seen.counts[-1]:
                    at = data.rfind(NOW, 0, found.start()) + len(NOW)
                    seen.counts.append(count)
                    seen.times.append(now)
                    seen.stamps.append(int(data[at:data.index(b",", at)]) if at >= len(NOW) else 0)
        self.tail = data[-24:]

    def connection_lost(self, exc: Exception | None) -> None:
        self.screen.open = False
        if not self.done.done():
            self.done.set_result(None)


async def hold(screen: Screen, port: int, path: str, cookie: str) -> None:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    request = (f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nCookie: session={cookie}\r\n"
               "Accept: text/event-stream\r\n\r\n").encode()
    await loop.create_connection(lambda: ScreenReader(screen, request, done), HOST, port)
    await done


def projector_cookie(url: str, event_id: int) -> str:
    """A signed session with the projector flag, as the secret projector link would leave it."""
    from app.extensions import db
    from app.models import Event

    app = make_app(url)
    with app.app_context():
        public_id = db.session.get(Event, event_id).public_id
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        cookie = serializer.dumps({"projector_events": [public_id]})
        db.engine.dispose()
    return f"{public_id}|{cookie}"


async def open_card(connection: Connection, evening: Evening, cookie: str) -> tuple[str, bytes] | None:
    """GET the card page as a phone opening it: the session cookie and the filled-in form to POST."""
    status, headers, body = await connection.request("GET", f"/stem/kaart/{evening.bidder}",
                                                     {"Cookie": f"session={cookie}"})
    token = CSRF.search(body) if status == 200 else None
    if token is None:
        return None
    form = urlencode(evening.answers | {"csrf_token": token.group(1).decode(), "comment": ""}).encode()
    return session_cookie(headers, cookie), form


async def post_card(connection: Connection, evening: Evening, cookie: str, form: bytes,
                    sent: list[float]) -> tuple[int, float]:
    """POST a filled-in card; its send time goes into ``sent``."""
    path = f"/stem/kaart/{evening.bidder}"
    started = time.perf_counter()
    sent.append(started)
    status, _, _ = await connection.request("POST", path, {
        "Cookie": f"session={cookie}", "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://{HOST}:{connection.port}", "Referer": f"http://{HOST}:{connection.port}{path}"}, form)
    return status, time.perf_counter() - started


def send_cards_process(port: int, evening: Evening, first: int, count: int, rate: float | None,
                       parallel: int) -> tuple[list[float], list[int], list[float], float]:
    """The phones run in a process of their own, so the 1,000 screens' reading cannot delay them; the
    monotonic clock (``perf_counter``) is the same in both processes on Linux."""
    sent: list[float] = []
    statuses: list[int] = []
    post_seconds: list[float] = []
    elapsed = asyncio.run(send_cards(port, evening, first, count, rate, parallel, sent, statuses, post_seconds))
    return sent, statuses, post_seconds, elapsed


async def send_cards(port: int, evening: Evening, first: int, count: int, rate: float | None,
                     parallel: int, sent: list[float], statuses: list[int], post_seconds: list[float]) -> float:
    """Submit ``count`` cards with tickets ``first..``; at ``rate`` per second, or flat out with ``parallel``
    phones. At a rate, a phone opens its card page ahead of time (people fill cards in before they send
    them) and POSTs it at the card's due moment, so only the POST is on the clock and the rate holds as
    long as the server keeps up. Returns the elapsed seconds."""
    started = time.perf_counter() + (1.0 if rate is not None else 0.0)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(first, first + count):
        queue.put_nowait(index)

    async def phone() -> None:
        connection = Connection(port)
        try:
            while not queue.empty():
                index = queue.get_nowait()
                opened = await open_card(connection, evening, evening.cookies[index])
                if opened is None:
                    statuses.append(0)
                    continue
                if rate is not None:
                    due = started + (index - first) / rate
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                status, posted = await post_card(connection, evening, opened[0], opened[1], sent)
                statuses.append(status)
                post_seconds.append(posted)
        finally:
            connection.close()

    # at a rate: enough phones that each has two seconds between its due moments
    workers = parallel if rate is None else max(4, int(rate * 2))
    await asyncio.gather(*(phone() for _ in range(workers)))
    return time.perf_counter() - started


def react_process(url: str, redis_url: str | None, evening: Evening, count: int,
                  rate: float) -> tuple[list[float], float]:
    """The changes-only phase: ``count`` applause taps at ``rate`` per second, each by another ticket,
    committed through the app's own service (which publishes like a worker does: Redis when configured,
    else the workers' database watch sees it). Returns when each was sent (before its transaction)."""
    from app.extensions import db
    from app.models import Event, Ticket
    from app.services import live

    app = make_app(url)
    if redis_url:
        app.config["REDIS_URL"] = redis_url
    sent: list[float] = []
    with app.app_context():
        started = time.perf_counter()
        for index in range(count):
            time.sleep(max(0.0, started + index / rate - time.perf_counter()))
            event = db.session.get(Event, evening.event_id)
            ticket = db.session.get(Ticket, evening.ticket_ids[index])
            assert event is not None
            sent.append(time.perf_counter())
            live.react(ticket, event, "applause")
        elapsed = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return sent, elapsed


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the worker processes so far (from /proc, in clock ticks)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def phase_report(name: str, screens: list[Screen], which: str, sent: list[float], base: int, elapsed: float,
                 statuses: list[int] | None = None, post_seconds: list[float] | None = None) -> None:
    """Delivered %, change→screen (from the bench's send time) and message→screen (from the server's clock
    in the message) for the ``which`` counter (``cards`` or ``applause``) of every screen."""
    wall = time.time() - time.perf_counter()  # perf_counter → seconds since the epoch, like the server's ``now``
    sent = sorted(sent)
    latencies: list[float] = []
    delivery: list[float] = []
    delivered = pairs = 0
    for offset, moment in enumerate(sent):
        count = base + offset + 1
        for screen in screens:
            pairs += 1
            arrived = getattr(screen, which).arrival(count)
            if arrived is not None:
                delivered += 1
                latencies.append(max(0.0, arrived[0] - moment))
                if arrived[1]:
                    delivery.append(max(0.0, arrived[0] + wall - arrived[1] / 1000))
    held = sum(screen.open for screen in screens)
    accepted = f" ({sum(status == 302 for status in statuses)} accepted)" if statuses is not None else ""
    print(f"  {name}: {len(sent)} changes in {elapsed:5.1f} s = {len(sent) / elapsed:6.1f} per s{accepted}; "
          f"screens held {held}/{len(screens)}; delivered {100 * delivered / max(pairs, 1):6.2f} % of {pairs} "
          f"screen×change pairs")
    print(f"    sent→screen    {latency_text(latencies)}  (max {max(latencies, default=0) * 1000:.0f} ms)")
    print(f"    message→screen {latency_text(delivery)}  (server clock in the message → read by the screen)")
    if post_seconds is not None:
        print(f"    card POST      {latency_text(post_seconds)}")


async def run(url: str, transport: str, screens_wanted: int, max_cards: int) -> None:
    redis_url = REDIS_URL if transport == "redis" else None
    slow_cards = reactions = 100
    evening = prepare_evening(url, slow_cards + max_cards)
    public_id, cookie = projector_cookie(url, evening.event_id).split("|", 1)
    phones = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    with Server(url, workers=2, extra_env={"REDIS_URL": redis_url} if redis_url else {}) as server, phones:
        screens = [Screen() for _ in range(screens_wanted)]
        path = f"/live/{public_id}/stream"
        tasks = []
        connect_started = time.perf_counter()
        for index, screen in enumerate(screens):
            tasks.append(asyncio.create_task(hold(screen, server.port, path, cookie)))
            if index % 50 == 49:
                await asyncio.sleep(0.05)
        deadline = time.perf_counter() + 90
        while time.perf_counter() < deadline and sum(bool(s.cards.counts) for s in screens) < screens_wanted:
            await asyncio.sleep(0.2)
        with_snapshot = sum(bool(s.cards.counts) for s in screens)
        pids = {s.pid for s in screens if s.pid}
        print(f"[{transport}] {with_snapshot}/{screens_wanted} screens got their first snapshot in "
              f"{time.perf_counter() - connect_started:.1f} s, on {len(pids)} worker processes")

        loop = asyncio.get_running_loop()
        phases = (("changes only, 10/s", 0, reactions, 10.0), ("10 cards/s", 0, slow_cards, 10.0),
                  ("max rate", slow_cards, max_cards, None))
        for name, first, count, rate in phases:
            workers = server.worker_pids()
            cpu_before, client_before, wall_before = cpu_seconds(workers), time.process_time(), time.perf_counter()
            if rate is not None and name.startswith("changes"):
                sent, elapsed = await asyncio.wait_for(loop.run_in_executor(
                    phones, react_process, url, redis_url, evening, count, rate), 240)
                await asyncio.sleep(4)
                phase_report(name, screens, "applause", sent, first, elapsed)
            else:
                sent, statuses, post_seconds, elapsed = await asyncio.wait_for(loop.run_in_executor(
                    phones, send_cards_process, server.port, evening, first, count, rate, 16), 240)
                await asyncio.sleep(4)
                phase_report(name, screens, "cards", sent, first, elapsed, statuses, post_seconds)
            used = cpu_seconds(workers) - cpu_before
            client = time.process_time() - client_before
            print(f"    worker CPU {used:5.1f} s for {count} changes = {1000 * used / count:5.1f} ms per change "
                  f"(both workers; includes the fan-out to {len(screens)} screens and 4 s of idle screens); "
                  f"the screens' client used {client:4.1f} s CPU in {time.perf_counter() - wall_before:4.1f} s; "
                  f"load average {os.getloadavg()[0]:.1f}")
        for task in tasks:
            task.cancel()
        for screen in screens:
            if screen.transport is not None:
                screen.transport.close()
        await asyncio.gather(*tasks, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=1000)
    parser.add_argument("--cards", type=int, default=300, help="cards in the max-rate phase")
    parser.add_argument("--transport", choices=("redis", "database", "both"), default="both")
    args = parser.parse_args()
    print(f"live fan-out: {args.screens} SSE screens, gunicorn 2 gevent workers, SQLite, {os.cpu_count()} cores "
          f"shared with the client; load average before {os.getloadavg()[0]:.1f}")
    for transport in (("redis", "database") if args.transport == "both" else (args.transport,)):
        with database("sqlite") as url:
            asyncio.run(asyncio.wait_for(run(url, transport, args.screens, args.cards), 600))


if __name__ == "__main__":
    main()
