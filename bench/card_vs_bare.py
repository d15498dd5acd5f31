"""Phone score cards through the real form against a bare endpoint of the same server, in the same run.

Usage: ``python bench/card_vs_bare.py [--quick] [--db sqlite|postgres|both] [--connections 50,500]
[--seconds S]``

Server: gunicorn with the production ``gunicorn.conf.py`` (gevent, 2 workers) on 127.0.0.1, with the
bench-only ``/_bench/ok`` (``BUURTSTEM_BENCH_ENDPOINT=1``: "ok", no database). Client: one asyncio process
holding N keep-alive connections (``bench/_harness.py``); it shares the machine's cores with the server, so
absolute figures are a floor — the ratio is the fairer number. (``bench/card_submissions.py`` is the
thread-based SQLite-only sibling with every bidder open.)

Two ratios to the bare endpoint, both measured per database and connection count, because a phone's
card costs two requests and the issue's "card submission" is the second one:

* **POST** — the submission itself: CSRF check, ticket check, validation, insert, live-version bump,
  commit, 302 to the confirmation. Each connection holds forms fetched beforehand with a real GET of
  ``/stem/kaart/<bidder>`` (its session cookie and CSRF token), done before the measured window and outside
  its CPU figure; a window ends when its fetched forms are used up, and POST/s is counted over the time it
  actually took. The bare endpoint and the POSTs take turns in ``--rounds`` pairs of windows of about
  ``PAIR_SECONDS`` each (bare first, then POST), because this machine's speed drifts by tens of percent
  within a minute (a shared virtual machine): a ratio of one long bare run to one short POST run measured
  the drift as much as the app. Ratio: the median of the pairs' POST/s ÷ bare requests/s (all pairs and
  the pooled ratio are printed too).
* **GET + POST** — the whole phone round: GET the card page, then POST it, timed together. Ratio:
  submissions/s ÷ bare requests/s (one submission is two HTTP requests against one bare request).

Every submission uses a fresh ticket, so every POST inserts a new card. Printed: bare requests/s, POSTs/s,
submissions/s, latency p50/p95/p99 of the bare GET, the POST (in both runs), the GET and the whole
submission, worker CPU per request from ``/proc`` (bare, POST, GET + POST), the two ratios (target: ≥ 25 %
at 50 connections with POST p99 < 250 ms), errors, and afterwards every acknowledged card is looked up in
the database ("acknowledged but missing" must be 0). Runs are bounded by a count and by ``--seconds``
(requests still in flight at the deadline finish).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import (  # noqa: E402
    Connection,
    Evening,
    Form,
    MachineCpu,
    Server,
    bytes_per_row,
    database,
    fetch_form,
    latency_text,
    percentile,
    post_card,
    postgres_available,
    prepare_evening,
    stored_voter_keys,
    submit_card,
)


async def closed_loop(port: int, connections: int, seconds: float,
                      job: Callable[[Connection], Awaitable[bool]]) -> tuple[float, int]:
    """Run ``job`` again and again on each of ``connections`` keep-alive connections until it returns
    ``False`` or ``seconds`` have passed; the seconds it took and the connection errors (the connection is
    then reopened)."""
    errors = 0
    deadline = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal errors
        connection = Connection(port)
        try:
            while time.perf_counter() < deadline:
                try:
                    if not await job(connection):
                        return
                except (OSError, asyncio.IncompleteReadError):
                    errors += 1
                    connection.close()
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    return time.perf_counter() - started, errors


async def bare_load(port: int, connections: int, seconds: float, limit: int) -> tuple[float, list[float], int]:
    """requests/s, latencies, errors for ``GET /_bench/ok``."""
    latencies: list[float] = []
    errors = 0

    async def job(connection: Connection) -> bool:
        nonlocal errors
        started = time.perf_counter()
        status, _, _ = await connection.request("GET", "/_bench/ok")
        if status == 200:
            latencies.append(time.perf_counter() - started)
        else:
            errors += 1
        return len(latencies) < limit

    took, failed = await closed_loop(port, connections, seconds, job)
    return len(latencies) / took, latencies, errors + failed


PAIR_SECONDS = 1.0  # length of each bare window; a POST window gets the forms for about as long
WINDOW_FORMS = 2500  # at most this many forms per POST window


async def fetch_forms(port: int, evening: Evening, first: int, count: int) -> tuple[list[tuple[int, Form]], int]:
    """``count`` card forms (ticket index, form), fetched over 20 connections before a POST-only run;
    and how many tickets that used."""
    forms: list[tuple[int, Form]] = []
    tickets = iter(range(first, min(first + count, len(evening.cookies))))

    async def job(connection: Connection) -> bool:
        index = next(tickets, None)
        if index is None:
            return False
        _, form = await fetch_form(connection, evening, evening.cookies[index])
        if form is not None:
            forms.append((index, form))
        return True

    await closed_loop(port, 20, float("inf"), job)
    return forms, min(count, len(evening.cookies) - first)


async def post_load(port: int, evening: Evening, forms: list[tuple[int, Form]], connections: int,
                    seconds: float) -> tuple[float, list[float], int, list[str]]:
    """POSTs/s, POST latencies, errors and acknowledged keys for POSTs of already fetched forms."""
    posts: list[float] = []
    acknowledged: list[str] = []
    errors = 0
    waiting = iter(forms)

    async def job(connection: Connection) -> bool:
        nonlocal errors
        found = next(waiting, None)
        if found is None:
            return False
        index, form = found
        started = time.perf_counter()
        if await post_card(connection, evening, form) == 302:
            posts.append(time.perf_counter() - started)
            acknowledged.append(f"ticket-{evening.ticket_ids[index]}")
        else:
            errors += 1
        return True

    took, failed = await closed_loop(port, connections, seconds, job)
    return len(posts) / took, posts, errors + failed, acknowledged


async def card_load(port: int, evening: Evening, first: int, connections: int, seconds: float,
                    limit: int) -> tuple[float, list[float], list[float], list[float], int, list[str]]:
    """submissions/s, POST latencies, GET latencies, whole-submission latencies, errors, acknowledged keys."""
    posts: list[float] = []
    gets: list[float] = []
    wholes: list[float] = []
    acknowledged: list[str] = []
    errors = 0
    tickets = iter(range(first, len(evening.cookies)))

    async def job(connection: Connection) -> bool:
        nonlocal errors
        index = next(tickets, None)
        if index is None or len(posts) >= limit:
            return False
        result = await submit_card(connection, evening, evening.cookies[index])
        if result.status == 302:
            posts.append(result.post_seconds)
            gets.append(result.get_seconds)
            wholes.append(result.get_seconds + result.post_seconds)
            acknowledged.append(f"ticket-{evening.ticket_ids[index]}")
        else:
            errors += 1
        return True

    took, failed = await closed_loop(port, connections, seconds, job)
    return len(posts) / took, posts, gets, wholes, errors + failed, acknowledged


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


def alternating(port: int, evening: Evening, used: int, connections: int, rounds: int, server: Server
                ) -> tuple[list[tuple[float, float]], list[float], list[float], int, int, list[str], float, float,
                           tuple[float, float, float]]:
    """``rounds`` pairs of a bare window and a POST window (module docstring): per pair (bare req/s,
    POST/s); bare and POST latencies; POST errors; tickets used; acknowledged keys; worker CPU per bare
    request and per POST (ms); and over the POST windows only, seconds, machine CPU seconds and PostgreSQL
    CPU seconds. A POST window gets as many forms as the last pair's POST rate fills in ``PAIR_SECONDS``
    (the first: a guess)."""
    pairs: list[tuple[float, float]] = []
    bare_latencies: list[float] = []
    post_latencies: list[float] = []
    acknowledged: list[str] = []
    errors = 0
    bare_cpu = post_cpu = 0.0
    machine, during = MachineCpu(), [0.0, 0.0, 0.0]
    per_window = 1000
    for _ in range(rounds):
        cpu = server.cpu_seconds()
        bare_rps, latencies, bare_errors = asyncio.run(bare_load(port, connections, PAIR_SECONDS, 10**9))
        bare_cpu += server.cpu_seconds() - cpu
        bare_latencies += latencies
        errors += bare_errors
        forms, fetched = asyncio.run(fetch_forms(port, evening, used, per_window))
        used += fetched
        cpu = server.cpu_seconds()
        machine.start()
        post_rps, posts, post_errors, keys = asyncio.run(post_load(port, evening, forms, connections, 60))
        during = [total + part for total, part in zip(during, machine.stop(), strict=True)]
        post_cpu += server.cpu_seconds() - cpu
        post_latencies += posts
        errors += post_errors
        acknowledged += keys
        pairs.append((bare_rps, post_rps))
        per_window = min(WINDOW_FORMS, max(200, int(post_rps * PAIR_SECONDS)))
    return (pairs, bare_latencies, post_latencies, errors, used, acknowledged,
            bare_cpu / max(1, len(bare_latencies)) * 1000, post_cpu / max(1, len(post_latencies)) * 1000,
            (during[0], during[1], during[2]))


def run_database(kind: str, levels: list[int], seconds: float, limit: int, workers: int,
                 rates: list[float], rounds: int) -> list[str]:
    summary = []
    with database(kind) as url:
        evening = prepare_evening(url, (limit + WINDOW_FORMS * rounds) * len(levels) + int(sum(rates) * seconds) + 300)
        with Server(url, workers=workers) as server:
            asyncio.run(card_load(server.port, evening, 0, 20, 2, 200))  # warm up: templates, pools, caches
            asyncio.run(bare_load(server.port, 20, 1, 2000))
            used = 200  # the warm-up used at most the first 200 tickets
            print(f"\n== {kind}: gunicorn gevent × {workers} workers, {seconds:.0f} s or {limit} cards per run",
                  flush=True)
            all_acknowledged: list[str] = []
            for connections in levels:
                pairs, bare_lat, post_only, post_errors, used, acknowledged, bare_cpu, post_cpu, during = alternating(
                    server.port, evening, used, connections, rounds, server)
                elapsed, busy, postgres = during
                all_acknowledged += acknowledged
                bare_rps = statistics.median(bare for bare, _ in pairs)
                post_rps = statistics.median(post for _, post in pairs)
                ratios = [post / bare for bare, post in pairs if bare]

                cpu = server.cpu_seconds()
                rps, posts, gets, wholes, errors, acknowledged = asyncio.run(
                    card_load(server.port, evening, used, connections, seconds, limit))
                card_cpu = (server.cpu_seconds() - cpu) / max(1, len(posts)) * 1000
                used += len(posts) + errors
                all_acknowledged += acknowledged
                post_ratio = statistics.median(ratios) if ratios else float("nan")
                ratio = rps / bare_rps if bare_rps else float("nan")
                post_p99 = percentile(sorted(post_only), 0.99) * 1000
                p99 = percentile(sorted(posts), 0.99) * 1000
                print(f"-- {connections} connections")
                print(f"   {rounds} pairs of windows, bare then POST (form fetched before); req/s: "
                      + ", ".join(f"{bare:.0f} / {post:.0f}" for bare, post in pairs))
                print("   ratio per pair: " + ", ".join(f"{r:.1%}" for r in ratios)
                      + f"; pooled {sum(p for _, p in pairs) / sum(b for b, _ in pairs):.1%}")
                print(f"   bare GET /_bench/ok : {bare_rps:7.0f} req/s (median)  {latency_text(bare_lat)}")
                print(f"   POST only           : {post_rps:7.0f} POSTs/s (median), {len(post_only)} stored  "
                      f"errors {post_errors}")
                print(f"     POST (store card) : {latency_text(post_only)}")
                print(f"   GET + POST          : {rps:7.0f} submissions/s ({2 * rps:.0f} req/s)  errors {errors}")
                print(f"     POST (store card) : {latency_text(posts)}")
                print(f"     GET card page     : {latency_text(gets)}")
                print(f"     whole submission  : {latency_text(wholes)}")
                print(f"   server CPU (workers, from /proc): bare {bare_cpu:.2f} ms/request, POST {post_cpu:.1f} ms, "
                      f"GET + POST {card_cpu:.1f} ms (so GET ≈ {card_cpu - post_cpu:.1f} ms)")
                print(f"   during the POSTs: {busy / elapsed:.2f} of {os.cpu_count()} cores busy"
                      + (f", PostgreSQL server {postgres / max(1, len(post_only)) * 1000:.2f} ms CPU per POST"
                         if kind == "postgres" else ""))
                print(f"   ratio POSTs/s ÷ bare req/s (median of pairs): {post_ratio:.1%}; "
                      f"submissions (GET + POST)/s ÷ median bare req/s: "
                      f"{ratio:.1%}", flush=True)
                summary.append(f"{kind:8} {connections:4} conns: bare {bare_rps:6.0f} req/s; POST {post_rps:5.0f}/s "
                               f"(ratio {post_ratio:.1%}, p99 {post_p99:.0f} ms, errors {post_errors}); GET+POST "
                               f"{rps:5.0f}/s (ratio {ratio:.1%}, POST p99 {p99:.0f} ms, errors {errors}); CPU bare "
                               f"{bare_cpu:.2f} ms, POST {post_cpu:.1f} ms, GET+POST {card_cpu:.1f} ms")
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
    parser.add_argument("--rounds", type=int, help="pairs of bare and POST windows (default 7, quick 3)")
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
        rounds = options.rounds or (3 if options.quick else 7)
        summary += run_database(kind, levels, seconds, limit, options.workers, rates, rounds)
    print("\nSummary (target at 50 connections: ratio ≥ 25 %, card POST p99 < 250 ms)")
    for line in summary:
        print("  " + line)


if __name__ == "__main__":
    main()
