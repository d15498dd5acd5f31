"""Races: T tickets × 200 simultaneous submissions of the same card must leave exactly T stored cards.

Usage: ``python bench/card_races.py [--quick] [--db sqlite|postgres|both] [--tickets T] [--copies 200]``

gunicorn (production config, gevent, 2 workers) on 127.0.0.1 over a scratch database. For every ticket,
``--copies`` connections each GET the score card first (own CSRF token and session cookie), then all
T × copies POSTs are released at the same moment (an asyncio barrier, bytes written back to back). Each copy
sends its own comment, so the stored card must be one of the submitted ones ("the last one counts").

Printed: statuses of the POSTs, the time for the burst, stored cards for those tickets (must be T) and
whether each stored comment is one that was sent. Bounded by a 120 s timeout on the burst.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from bench._harness import (  # noqa: E402
    CSRF,
    HOST,
    Connection,
    Evening,
    Server,
    database,
    postgres_available,
    prepare_evening,
    session_cookie,
)


async def burst(port: int, evening: Evening, tickets: int, copies: int) -> tuple[Counter[int], float]:
    barrier = asyncio.Barrier(tickets * copies + 1)
    statuses: Counter[int] = Counter()
    path = f"/stem/kaart/{evening.bidder}"

    async def copy(ticket: int, number: int) -> None:
        connection = Connection(port)
        body = b""
        headers: dict[str, str] = {}
        try:
            status, got, page = await connection.request("GET", path, {"Cookie": f"session={evening.cookies[ticket]}"})
            token = CSRF.search(page) if status == 200 else None
            if token is not None:
                cookie = session_cookie(got, evening.cookies[ticket])
                body = urlencode(evening.answers | {"csrf_token": token.group(1).decode(),
                                                    "comment": f"copy {number}"}).encode()
                headers = {"Cookie": f"session={cookie}", "Content-Type": "application/x-www-form-urlencoded",
                           "Origin": f"http://{HOST}:{port}"}
        finally:
            await barrier.wait()
        if not body:
            statuses[-1] += 1
            return
        try:
            status, _, _ = await connection.request("POST", path, headers, body)
            statuses[status] += 1
        except (OSError, asyncio.IncompleteReadError):
            statuses[0] += 1
        finally:
            connection.close()

    tasks = [asyncio.create_task(copy(ticket, number)) for ticket in range(tickets) for number in range(copies)]
    await barrier.wait()
    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*tasks), 120)
    return statuses, time.perf_counter() - started


def run(kind: str, tickets: int, copies: int) -> None:
    with database(kind) as url:
        evening = prepare_evening(url, tickets)
        with Server(url, workers=2) as server:
            statuses, seconds = asyncio.run(burst(server.port, evening, tickets, copies))
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT s.voter_key, s.comment FROM scorecards s JOIN bidders b ON b.id = s.bidder_id "
                "WHERE b.public_id = :p"), {"p": evening.bidder}).all()
        engine.dispose()
    keys = Counter(key for key, _ in rows)
    sent = {f"copy {number}" for number in range(copies)}
    print(f"{kind}: {tickets} tickets × {copies} simultaneous POSTs of the same card in {seconds:.1f} s; "
          f"statuses {dict(sorted(statuses.items()))} (302 = stored, -1 = GET failed, 0 = connection error)")
    print(f"  stored cards {len(rows)} (expected {tickets}), tickets with more than one card "
          f"{sum(1 for n in keys.values() if n > 1)}, stored comments that were sent "
          f"{sum(1 for _, comment in rows if comment in sent)}/{len(rows)}  "
          f"→ {'OK' if len(rows) == tickets and len(keys) == tickets else 'WRONG'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Simultaneous submissions of the same card")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default="both", choices=("sqlite", "postgres", "both"))
    parser.add_argument("--tickets", type=int)
    parser.add_argument("--copies", type=int, default=200)
    options = parser.parse_args()
    tickets = options.tickets or (2 if options.quick else 5)
    for kind in (["sqlite", "postgres"] if options.db == "both" else [options.db]):
        if kind == "postgres" and not postgres_available():
            print("postgres: not reachable on 127.0.0.1:5432, skipped")
            continue
        run(kind, tickets, options.copies)


if __name__ == "__main__":
    main()
