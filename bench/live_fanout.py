"""Live fan-out: 1,000 projector screens on server-sent events while phones send score cards.

gunicorn with the production config (2 gevent workers) on 127.0.0.1 and a scratch SQLite file; one client
process (asyncio, raw sockets) holds 1,000 SSE streams and submits cards through the real phone form
(GET the card, POST it). Two phases: cards at 10 per second, then as fast as 16 phones in parallel can send
them. Reported per phase: screens held, delivered % (screen × card pairs seen), card→screen latency
p50/p95/p99 (from the moment the card's POST was sent until a screen's snapshot counts it) and card
submissions per second. Run with Redis pub/sub (``REDIS_URL``) and with the database watch.

Card *n* is matched to the *n*-th card sent (by send time): exact at 10/s, an approximation when
submissions overlap. Client and server share the machine's cores, so latencies include the client's own
scheduling delay; the client is a bare asyncio protocol per screen (one regular-expression scan per chunk)
and prints the CPU it used, so its share can be judged. Bounded: every phase has a deadline, the server
is stopped by pid at the end.

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
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Screen:
    """One SSE stream; ``counts``/``times`` record (card count, arrival time) each time the count went up."""

    counts: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    pid: str = ""
    open: bool = False
    transport: asyncio.BaseTransport | None = None

    def arrival(self, count: int) -> float | None:
        index = bisect.bisect_left(self.counts, count)
        return self.times[index] if index < len(self.times) else None


class ScreenReader(asyncio.Protocol):
    """The client side of one screen, kept as cheap as possible because it shares the cores with the
    server: a bare protocol (no stream reader, no task per screen), one clock reading per chunk and one
    regular-expression scan for ``"cards":N`` over the bytes (full snapshots and deltas alike)."""

    def __init__(self, screen: Screen, request: bytes, done: asyncio.Future[None]) -> None:
        self.screen, self.request, self.done = screen, request, done
        self.head = b""
        self.tail = b""
        self.last = -1

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
        for found in CARDS.finditer(data):
            count = int(found.group(1))
            if count > self.last:
                screen.counts.append(count)
                screen.times.append(now)
                self.last = count
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


async def post_card(connection: Connection, evening: Evening, cookie: str, sent: list[float]) -> tuple[int, float]:
    """GET the card page (CSRF token), then POST it; the POST's send time goes into ``sent``."""
    path = f"/stem/kaart/{evening.bidder}"
    status, headers, body = await connection.request("GET", path, {"Cookie": f"session={cookie}"})
    token = CSRF.search(body) if status == 200 else None
    if token is None:
        return status, 0.0
    cookie = session_cookie(headers, cookie)
    form = urlencode(evening.answers | {"csrf_token": token.group(1).decode(), "comment": ""}).encode()
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
    phones. Returns the elapsed seconds."""
    started = time.perf_counter()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(first, first + count):
        queue.put_nowait(index)

    async def phone() -> None:
        connection = Connection(port)
        try:
            while not queue.empty():
                index = queue.get_nowait()
                if rate is not None:
                    due = started + (index - first) / rate
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                status, posted = await post_card(connection, evening, evening.cookies[index], sent)
                statuses.append(status)
                post_seconds.append(posted)
        finally:
            connection.close()

    workers = parallel if rate is None else max(4, int(rate))
    await asyncio.gather(*(phone() for _ in range(workers)))
    return time.perf_counter() - started


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


def phase_report(name: str, screens: list[Screen], sent: list[float], base: int, elapsed: float,
                 statuses: list[int], post_seconds: list[float]) -> None:
    sent = sorted(sent)
    latencies: list[float] = []
    delivered = pairs = 0
    for offset, moment in enumerate(sent):
        count = base + offset + 1
        for screen in screens:
            pairs += 1
            arrived = screen.arrival(count)
            if arrived is not None:
                delivered += 1
                latencies.append(max(0.0, arrived - moment))
    held = sum(screen.open for screen in screens)
    ok = sum(status == 302 for status in statuses)
    print(f"  {name}: {len(sent)} cards in {elapsed:5.1f} s = {len(sent) / elapsed:6.1f} cards/s "
          f"({ok} accepted); screens held {held}/{len(screens)}; delivered "
          f"{100 * delivered / max(pairs, 1):6.2f} % of {pairs} screen×card pairs")
    print(f"    card→screen {latency_text(latencies)}  (max {max(latencies, default=0) * 1000:.0f} ms)")
    print(f"    card POST   {latency_text(post_seconds)}")


async def run(url: str, transport: str, screens_wanted: int, max_cards: int) -> None:
    extra = {"REDIS_URL": REDIS_URL} if transport == "redis" else {}
    slow_cards = 100
    evening = prepare_evening(url, slow_cards + max_cards)
    public_id, cookie = projector_cookie(url, evening.event_id).split("|", 1)
    phones = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    with Server(url, workers=2, extra_env=extra) as server, phones:
        screens = [Screen() for _ in range(screens_wanted)]
        path = f"/live/{public_id}/stream"
        tasks = []
        connect_started = time.perf_counter()
        for index, screen in enumerate(screens):
            tasks.append(asyncio.create_task(hold(screen, server.port, path, cookie)))
            if index % 50 == 49:
                await asyncio.sleep(0.05)
        deadline = time.perf_counter() + 90
        while time.perf_counter() < deadline and sum(bool(s.counts) for s in screens) < screens_wanted:
            await asyncio.sleep(0.2)
        with_snapshot = sum(bool(s.counts) for s in screens)
        pids = {s.pid for s in screens if s.pid}
        print(f"[{transport}] {with_snapshot}/{screens_wanted} screens got their first snapshot in "
              f"{time.perf_counter() - connect_started:.1f} s, on {len(pids)} worker processes")

        phases = (("10 cards/s", 0, slow_cards, 10.0), ("max rate", slow_cards, max_cards, None))
        for name, first, count, rate in phases:
            workers = server.worker_pids()
            cpu_before, client_before, wall_before = cpu_seconds(workers), time.process_time(), time.perf_counter()
            loop = asyncio.get_running_loop()
            sent, statuses, post_seconds, elapsed = await asyncio.wait_for(loop.run_in_executor(
                phones, send_cards_process, server.port, evening, first, count, rate, 16), 240)
            await asyncio.sleep(4)
            phase_report(name, screens, sent, first, elapsed, statuses, post_seconds)
            used = cpu_seconds(workers) - cpu_before
            client = time.process_time() - client_before
            print(f"    server CPU {used:5.1f} s for {count} cards = {1000 * used / count:5.1f} ms per card "
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
