"""CPU per card of the card POST's fast path (``card_post.cast_ticket_card``), in-process, no HTTP.

Usage: ``python bench/card_post_cpu.py [--db sqlite|postgres] [--cards N] [--threads T] [--profile]``

The HTTP bench (``card_vs_bare.py``) shares two cores between its client, the workers and PostgreSQL, so
on a busy machine its ratio moves with whatever else runs. CPU per card does not, much: this calls the
fast path ``--cards`` times (each with a fresh ticket, so every call inserts a card) from ``--threads``
threads in one process and prints this process's CPU per card (``time.process_time``, the live raiser's
thread included) and the PostgreSQL server's (every ``postgres`` process, from ``/proc``: backends, WAL
writer, the lot). ``--profile`` prints cProfile's top functions of one serial run instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import MachineCpu, database, make_app, prepare_evening  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU per card of the card POST's fast path")
    parser.add_argument("--db", default="postgres", choices=("sqlite", "postgres"))
    parser.add_argument("--cards", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds (after a warm-up)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime", help="cProfile order for --profile")
    options = parser.parse_args()

    from app.extensions import db
    from app.services import card_post

    warm = 200
    with database(options.db) as url:
        evening = prepare_evening(url, warm + options.cards * options.rounds)
        app = make_app(url)
        answers = {key.removeprefix("c-"): value for key, value in evening.answers.items()}
        tickets = iter(evening.ticket_ids)
        lock = threading.Lock()

        def cast(count: int) -> None:
            for _ in range(count):
                with lock:
                    ticket_id = next(tickets)
                with app.app_context():
                    assert card_post.cast_ticket_card(ticket_id, evening.bidder, answers, "") is not None

        hub = app.extensions["live_hub"]
        publish = hub.publish
        published = [0]

        def counted(versions: dict[int, int]) -> None:
            published[0] += 1
            publish(versions)

        hub.publish = counted  # type: ignore[method-assign]
        cast(warm)
        if options.profile:
            profile = cProfile.Profile(time.thread_time)  # CPU, not the waits for the database
            profile.runcall(cast, options.cards)
            pstats.Stats(profile).sort_stats(options.sort).print_stats(45)
            time.sleep(0.3)  # the raiser's last round, before the database goes
        machine = MachineCpu()
        rounds = 0 if options.profile else options.rounds
        print(f"{options.db}: {options.cards} cards per round, {options.threads} thread(s)")
        for _ in range(rounds):
            share = options.cards // options.threads
            threads = [threading.Thread(target=cast, args=(share,)) for _ in range(options.threads)]
            started, raised = time.process_time(), published[0]
            machine.start()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            time.sleep(0.3)  # the raiser's last round
            elapsed, _, postgres = machine.stop()
            elapsed -= 0.3
            cards = share * options.threads
            print(f"  this process {(time.process_time() - started) / cards * 1000:.3f} ms CPU per card, "
                  f"PostgreSQL server {postgres / cards * 1000:.3f} ms, {cards / elapsed:,.0f} cards/s, "
                  f"{(published[0] - raised) / cards:.2f} live publishes per card", flush=True)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
