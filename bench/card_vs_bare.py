"""Phone score cards through the real form against a bare endpoint of the same server, in the same run.

Usage: ``python bench/card_vs_bare.py [--quick] [--db sqlite|postgres|both] [--connections 50,500]
[--seconds S]``

Server: gunicorn with the production ``gunicorn.conf.py`` (gevent, 2 workers) on 127.0.0.1, with the
bench-only ``/_bench/ok`` (``BUURTSTEM_BENCH_ENDPOINT=1``: "ok", no database). Client: one asyncio process
holding N keep-alive connections (``bench/_harness.py``); it shares the machine's cores with the server, so
absolute figures are a floor — the ratio is the fairer number. (``bench/card_submissions.py`` is the
thread-based SQLite-only sibling with every bidder open.)

One *card submission* is what a phone does: GET ``/stem/kaart/<bidder>`` (ticket from the session cookie,
CSRF token in the page), then POST the answers (CSRF check, ticket check, validation, insert, live version
bump, commit) and get the 302 to the confirmation. Every submission uses a fresh ticket, so every POST inserts
a new card. Printed per database and connection count: bare requests/s, card submissions/s (and the HTTP
requests/s they make: twice that), latency percentiles of the bare GET, the card POST and the whole
submission, and the ratio submissions/s ÷ bare requests/s (target: ≥ 25 % at 50 connections, POST p99
< 250 ms). Afterwards every acknowledged card is looked up in the database. Runs are bounded by a count and
by ``--seconds`` (requests still in flight at the deadline finish).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import (  # noqa: E402
    Connection,
    Evening,
    Server,
    bytes_per_row,
    database,
    latency_text,
    percentile,
    postgres_available,
    prepare_evening,
    stored_voter_keys,
    submit_card,
)


async def bare_load(port: int, connections: int, seconds: float, limit: int) -> tuple[float, list[float], int]:
    """requests/s, latencies, errors for ``GET /_bench/ok``."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal errors
        connection = Connection(port)
        try:
            while time.perf_counter() < deadline and len(latencies) < limit:
                started = time.perf_counter()
                try:
                    status, _, _ = await connection.request("GET", "/_bench/ok")
                except (OSError, asyncio.IncompleteReadError):
                    errors += 1
                    connection.close()
                    continue
                if status == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    return len(latencies) / (time.perf_counter() - started), latencies, errors


async def card_load(port: int, evening: Evening, first: int, connections: int, seconds: float,
                    limit: int) -> tuple[float, list[float], list[float], list[float], int, list[str]]:
    """submissions/s, POST latencies, GET latencies, whole-submission latencies, errors, acknowledged keys."""
    posts: list[float] = []
    gets: list[float] = []
    wholes: list[float] = []
    acknowledged: list[str] = []
    errors = 0
    next_ticket = first
    deadline = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal errors, next_ticket
        connection = Connection(port)
        try:
            while time.perf_counter() < deadline and len(posts) < limit and next_ticket < len(evening.cookies):
                index = next_ticket
                next_ticket += 1
                try:
                    result = await submit_card(connection, evening, evening.cookies[index])
                except (OSError, asyncio.IncompleteReadError):
                    errors += 1
                    connection.close()
                    continue
                if result.status == 302:
                    posts.append(result.post_seconds)
                    gets.append(result.get_seconds)
                    wholes.append(result.get_seconds + result.post_seconds)
                    acknowledged.append(f"ticket-{evening.ticket_ids[index]}")
                else:
                    errors += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    return len(posts) / (time.perf_counter() - started), posts, gets, wholes, errors, acknowledged


async def paced_cards(port: int, evening: Evening, first: int, rate: float, seconds: float
                      ) -> tuple[list[float], list[float], int, list[str]]:
    """Open loop: a new phone every ``1 / rate`` s (own connection), whatever the server's pace; returns POST
    latencies, whole-submission latencies, errors and acknowledged keys."""
    posts: list[float] = []
    wholes: list[float] = []
    acknowledged: list[str] = []
    errors = 0

    async def phone(index: int) -> None:
        nonlocal errors
        connection = Connection(port)
        try:
            result = await asyncio.wait_for(submit_card(connection, evening, evening.cookies[index]), 30)
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            errors += 1
            return
        finally:
            connection.close()
        if result.status == 302:
            posts.append(result.post_seconds)
            wholes.append(result.get_seconds + result.post_seconds)
            acknowledged.append(f"ticket-{evening.ticket_ids[index]}")
        else:
            errors += 1

    tasks = []
    started = time.perf_counter()
    for number in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
        if first + number >= len(evening.cookies):
            break
        tasks.append(asyncio.create_task(phone(first + number)))
    await asyncio.gather(*tasks)
    return posts, wholes, errors, acknowledged


def run_database(kind: str, levels: list[int], seconds: float, limit: int, workers: int,
                 rates: list[float]) -> list[str]:
    summary = []
    with database(kind) as url:
        evening = prepare_evening(url, limit * len(levels) + int(sum(rates) * seconds) + 300)
        with Server(url, workers=workers) as server:
            asyncio.run(card_load(server.port, evening, 0, 20, 2, 200))  # warm up: templates, pools, caches
            asyncio.run(bare_load(server.port, 20, 1, 2000))
            used = 200  # the warm-up used at most the first 200 tickets
            print(f"\n== {kind}: gunicorn gevent × {workers} workers, {seconds:.0f} s or {limit} cards per run",
                  flush=True)
            all_acknowledged: list[str] = []
            for connections in levels:
                cpu = server.cpu_seconds()
                bare_rps, bare_lat, bare_err = asyncio.run(bare_load(server.port, connections, seconds, limit * 4))
                bare_cpu = (server.cpu_seconds() - cpu) / max(1, len(bare_lat)) * 1000
                cpu = server.cpu_seconds()
                rps, posts, gets, wholes, errors, acknowledged = asyncio.run(
                    card_load(server.port, evening, used, connections, seconds, limit))
                card_cpu = (server.cpu_seconds() - cpu) / max(1, len(posts)) * 1000
                used += len(posts) + errors
                all_acknowledged += acknowledged
                ratio = rps / bare_rps if bare_rps else float("nan")
                p99 = percentile(sorted(posts), 0.99) * 1000
                print(f"-- {connections} connections")
                print(f"   bare GET /_bench/ok : {bare_rps:7.0f} req/s  {latency_text(bare_lat)}  errors {bare_err}")
                print(f"   card submissions    : {rps:7.0f} cards/s ({2 * rps:.0f} req/s)  errors {errors}")
                print(f"     POST (store card) : {latency_text(posts)}")
                print(f"     GET card page     : {latency_text(gets)}")
                print(f"     whole submission  : {latency_text(wholes)}")
                print(f"   server CPU (workers, from /proc): bare {bare_cpu:.2f} ms/request, "
                      f"card {card_cpu:.1f} ms/submission (GET + POST) → {bare_cpu / card_cpu:.1%} on CPU alone")
                print(f"   ratio cards/s ÷ bare req/s: {ratio:.1%}", flush=True)
                summary.append(f"{kind:8} {connections:4} conns: bare {bare_rps:6.0f} req/s, cards {rps:5.0f}/s "
                               f"(ratio {ratio:.1%}), card POST p99 {p99:.0f} ms, errors {errors}, "
                               f"CPU bare {bare_cpu:.2f} ms, card {card_cpu:.1f} ms")
            for rate in rates:
                posts, wholes, errors, acknowledged = asyncio.run(
                    paced_cards(server.port, evening, used, rate, seconds))
                used += len(posts) + errors
                all_acknowledged += acknowledged
                print(f"-- open loop: a new phone every {1000 / rate:.0f} ms ({rate:.0f} cards/s = "
                      f"{rate * 60:,.0f} a minute) for {seconds:.0f} s, {len(posts)} stored, errors {errors}")
                print(f"     POST (store card) : {latency_text(posts)}")
                print(f"     whole submission  : {latency_text(wholes)}", flush=True)
                summary.append(f"{kind:8} open loop {rate:4.0f} cards/s: POST p50 "
                               f"{percentile(sorted(posts), 0.5) * 1000:.0f} ms, p99 "
                               f"{percentile(sorted(posts), 0.99) * 1000:.0f} ms, errors {errors}")
            stored = stored_voter_keys(url, evening.bidder)
            missing = [key for key in all_acknowledged if key not in stored]
            print(f"   acknowledged cards {len(all_acknowledged)}, stored {len(stored)} (warm-up included), "
                  f"acknowledged but missing {len(missing)}")
            sizes = bytes_per_row(url)
            if sizes:
                print("   disk bytes per row (indexes included): "
                      + ", ".join(f"{table} {size:,.0f}" for table, size in sizes.items()))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description="Card submissions vs a bare endpoint")
    parser.add_argument("--quick", action="store_true", help="short runs (about a minute in all)")
    parser.add_argument("--db", default="both", choices=("sqlite", "postgres", "both"))
    parser.add_argument("--connections", default="50,500")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rates", default="17,50", help="open-loop card rates per second (17/s = 1,000 a minute)")
    options = parser.parse_args()
    seconds = options.seconds or (3.0 if options.quick else 10.0)
    limit = 600 if options.quick else 8000
    levels = [int(n) for n in options.connections.split(",") if n]
    kinds = ["sqlite", "postgres"] if options.db == "both" else [options.db]
    summary: list[str] = []
    for kind in kinds:
        if kind == "postgres" and not postgres_available():
            print("\n== postgres: not reachable on 127.0.0.1:5432, skipped")
            continue
        rates = [float(rate) for rate in options.rates.split(",") if rate]
        summary += run_database(kind, levels, seconds, limit, options.workers, rates)
    print("\nSummary (target at 50 connections: ratio ≥ 25 %, card POST p99 < 250 ms)")
    for line in summary:
        print("  " + line)


if __name__ == "__main__":
    main()
