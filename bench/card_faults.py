"""Crashes under load: no acknowledged card may be lost, and the database must stay consistent.

Usage: ``python bench/card_faults.py [--quick] [--db sqlite|postgres|both] [--seconds S]``

gunicorn (production config, gevent, 2 workers) on 127.0.0.1 over a scratch database; 30 simulated phones
send cards through the real form (GET the card, POST it), each with a fresh ticket. Meanwhile a worker is
killed with SIGKILL ``--kill-every`` seconds after the master has replaced the previous one, and once, halfway,
the master itself is killed with SIGKILL; when its orphaned workers have gone, the server is started again on the same
port. A card counts as *acknowledged* only when the phone got the 302 to the confirmation page.

Printed: cards acknowledged, failed submissions (connection refused/reset, 5xx), kills, and then the checks:
every acknowledged card is in the database (``lost`` must be 0), no duplicate (bidder, voter) pair, no card
without its bidder or ticket, every card's ticket marked used (same transaction), and the engine's own check
(SQLite ``PRAGMA integrity_check`` and ``foreign_key_check``; PostgreSQL: the unique index is valid and the
table scans cleanly). Bounded: ``--seconds`` of load plus restart time; stops its server by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from bench._harness import (  # noqa: E402
    Connection,
    Evening,
    Server,
    database,
    postgres_available,
    prepare_evening,
    stored_voter_keys,
    submit_card,
)


async def phones(port: int, evening: Evening, count: int, deadline: list[float], acknowledged: list[str],
                 failures: dict[str, int]) -> None:
    next_ticket = 0

    async def one() -> None:
        nonlocal next_ticket
        connection = Connection(port)
        while time.perf_counter() < deadline[0] and next_ticket < len(evening.cookies):
            index = next_ticket
            next_ticket += 1
            try:
                result = await asyncio.wait_for(submit_card(connection, evening, evening.cookies[index]), 20)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
                failures[type(error).__name__] = failures.get(type(error).__name__, 0) + 1
                connection.close()
                await asyncio.sleep(0.05)
                continue
            if result.status == 302:
                acknowledged.append(f"ticket-{evening.ticket_ids[index]}")
            else:
                failures[f"HTTP {result.status}"] = failures.get(f"HTTP {result.status}", 0) + 1
        connection.close()

    await asyncio.gather(*(one() for _ in range(count)))


async def chaos(server: Server, seconds: float, kill_every: float, log: list[str], deadline: list[float]) -> None:
    """Kill a random worker ``kill_every`` s after the previous one was replaced; kill the master once,
    halfway, then start it again (the phones then go on for at least another ``seconds / 2``)."""
    started = time.perf_counter()
    master_killed = False
    rnd = random.Random(7)
    while time.perf_counter() - started < seconds - kill_every:
        await asyncio.sleep(kill_every)
        if not master_killed and time.perf_counter() - started >= seconds / 2:
            master_killed = True
            assert server.process is not None
            orphans = server.worker_pids()
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait()
            down = time.perf_counter()
            while any(Path(f"/proc/{pid}").exists() for pid in orphans) and time.perf_counter() - down < 15:
                await asyncio.sleep(0.1)
            for pid in orphans:  # our own children; gunicorn workers exit by themselves within ~1 s
                if Path(f"/proc/{pid}").exists():
                    os.kill(pid, signal.SIGKILL)
            await asyncio.to_thread(server.start)
            deadline[0] = max(deadline[0], time.perf_counter() + seconds / 2)
            log.append(f"master killed (-9) at {down - started:.1f} s, orphaned workers gone and server "
                       f"answering again after {time.perf_counter() - down:.1f} s")
            continue
        workers = server.worker_pids()
        if workers:
            os.kill(rnd.choice(workers), signal.SIGKILL)
            log.append("worker")
            await recovered(server, workers)


async def recovered(server: Server, before: list[int], limit: float = 60) -> None:
    """Wait until the master has replaced the killed worker (so load goes through between kills)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        now = server.worker_pids()
        if len(now) >= server.workers and set(now) != set(before):
            return
        await asyncio.sleep(0.2)


CHECKS = (
    ("duplicate (bidder, voter) cards", "SELECT count(*) FROM (SELECT bidder_id, voter_key FROM scorecards "
                                        "GROUP BY bidder_id, voter_key HAVING count(*) > 1) d"),
    ("cards without their bidder",
     "SELECT count(*) FROM scorecards s LEFT JOIN bidders b ON b.id = s.bidder_id WHERE b.id IS NULL"),
    ("cards without their ticket", "SELECT count(*) FROM scorecards s LEFT JOIN tickets t ON t.id = s.ticket_id "
                                   "WHERE s.ticket_id IS NOT NULL AND t.id IS NULL"),
    ("cards whose ticket is not marked used", "SELECT count(*) FROM scorecards s JOIN tickets t "
                                              "ON t.id = s.ticket_id WHERE t.status <> 'USED' AND t.status <> 'used'"),
)
SQLITE_CHECKS = (("PRAGMA integrity_check", "PRAGMA integrity_check"),)
POSTGRES_CHECKS = (
    ("invalid indexes on scorecards/tickets/events", "SELECT count(*) FROM pg_index i JOIN pg_class c "
     "ON c.oid = i.indrelid WHERE c.relname IN ('scorecards', 'tickets', 'events') AND NOT i.indisvalid"),
    ("rows read by a full scan of scorecards", "SELECT count(*) FROM scorecards"),
)


def integrity(url: str) -> list[str]:
    """Consistency checks; each line ends with the number of bad rows (or the engine's verdict)."""
    engine = sa.create_engine(url)
    found = []
    with engine.connect() as connection:
        extra = SQLITE_CHECKS if url.startswith("sqlite") else POSTGRES_CHECKS
        for label, sql in CHECKS + extra:
            found.append(f"{label}: {connection.execute(sa.text(sql)).scalar()}")
        if url.startswith("sqlite"):
            broken = connection.execute(sa.text("PRAGMA foreign_key_check")).all()
            found.append(f"PRAGMA foreign_key_check: {len(broken)}")
    engine.dispose()
    return found


def run(kind: str, seconds: float, kill_every: float, tickets: int) -> list[str]:
    with database(kind) as url:
        evening = prepare_evening(url, tickets)
        server = Server(url, workers=2)
        server.start()
        acknowledged: list[str] = []
        failures: dict[str, int] = {}
        log: list[str] = []
        try:
            async def both() -> None:
                deadline = [time.perf_counter() + seconds]
                await asyncio.gather(phones(server.port, evening, 30, deadline, acknowledged, failures),
                                     chaos(server, seconds, kill_every, log, deadline))

            asyncio.run(both())
        finally:
            server.stop()
        stored = stored_voter_keys(url, evening.bidder)
        lost = [key for key in acknowledged if key not in stored]
        lines = [f"{kind}: {seconds:.0f} s of load, {log.count('worker')} workers killed (-9), "
                 + next((line for line in log if line != "worker"), "master not killed"),
                 f"acknowledged {len(acknowledged)}, stored {len(stored)}, lost {len(lost)}, "
                 f"failed submissions {sum(failures.values())} {dict(sorted(failures.items()))}"]
        lines += ["  " + line for line in integrity(url)]
    for line in lines:
        print(line, flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="Crashes under card load")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default="both", choices=("sqlite", "postgres", "both"))
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--kill-every", type=float, default=3.0)
    options = parser.parse_args()
    seconds = options.seconds or (12.0 if options.quick else 20.0)
    for kind in (["sqlite", "postgres"] if options.db == "both" else [options.db]):
        if kind == "postgres" and not postgres_available():
            print("postgres: not reachable on 127.0.0.1:5432, skipped")
            continue
        run(kind, seconds, options.kill_every, 1500 if options.quick else 6000)


if __name__ == "__main__":
    main()
