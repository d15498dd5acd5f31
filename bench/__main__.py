"""``make bench`` / ``python -m bench``: run every benchmark in ``bench/`` in turn and print its figures.

Usage: ``python -m bench [--quick] [--only NAME ...] [--slow FACTOR] [--list]``

Each benchmark runs as its own subprocess with a time limit (killed, with its process group, when it runs
over), its output passed through as it comes. Modules starting with ``_`` are helpers, and
``make_pabulib_reference`` writes test fixtures rather than measuring, so neither is run. Every benchmark
talks only to 127.0.0.1 and stops by itself; none of them is part of ``make test``.

Time: the limits below add up to 35 minutes in full (budget_rules alone 15: pabutools gets 25 s a
file) and 6 minutes with ``--quick`` (a quick run took 3.3 minutes on a busy 2-core machine). They are
a safety net sized for a quiet 2-core machine; on a shared, overloaded one (load average above 10) the
servers alone take tens of seconds to start, so give them ``--slow 3``. A benchmark not listed in
``PLAN`` still runs, with no arguments and the default limit, so a new script is never silently skipped.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOT_BENCHMARKS = {"__main__", "__init__", "make_pabulib_reference"}
SMALL_PB = ["Netherlands_Amsterdam_643", "Poland_Gdansk_2020_Rudniki", "Poland_Czestochowa_2020_Grabowka"]

# name: (full arguments, full limit in s, quick arguments, quick limit in s); quick limit 0 = skipped in --quick
# (card_submissions is the thread-based sibling of card_vs_bare: full runs only)
PLAN: dict[str, tuple[list[str], int, list[str], int]] = {
    "card_vs_bare": ([], 360, ["--quick", "--db", "sqlite", "--connections", "50", "--rates", "17"], 90),
    "card_submissions": ([], 90, ["100", "8"], 0),
    "card_races": ([], 120, ["--quick", "--db", "sqlite"], 45),
    "card_faults": ([], 150, ["--quick", "--db", "sqlite", "--seconds", "8", "--kill-every", "1.5"], 45),
    "live_fanout": ([], 300, ["--screens", "200", "--cards", "60", "--transport", "database"], 90),
    "budget_rules": (["--limit", "10", "--pabutools-limit", "25"], 900, ["--limit", "5", "--only", *SMALL_PB], 20),
    "budget_round": ([], 45, ["200"], 20),
    "report_generation": ([], 60, ["200"], 20),
    "robustness": ([], 45, ["200"], 20),
    "scorecard_page": ([], 30, [], 0),
}
DEFAULT_LIMIT = 120


def benchmarks() -> list[str]:
    found = sorted(path.stem for path in HERE.glob("*.py") if not path.stem.startswith("_"))
    names = [name for name in found if name not in NOT_BENCHMARKS]
    order = list(PLAN)
    return sorted(names, key=lambda name: (order.index(name) if name in order else len(order), name))


def run(name: str, arguments: list[str], limit: int) -> tuple[str, float]:
    """Run one benchmark; returns its outcome ("ok", "exit N", "killed after N s") and seconds taken."""
    print(f"\n{'=' * 100}\n== {name} {' '.join(arguments)}  (limit {limit} s)\n{'=' * 100}", flush=True)
    started = time.monotonic()
    env = os.environ | {"PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(HERE / f"{name}.py"), *arguments], cwd=ROOT, env=env,
                               start_new_session=True)
    try:
        code = process.wait(timeout=limit)
        outcome = "ok" if code == 0 else f"exit {code}"
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the benchmark and the servers it started
        process.wait()
        outcome = f"killed after {limit} s"
    return outcome, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmarks in bench/")
    parser.add_argument("--quick", action="store_true", help="small sizes, about 3 minutes in all")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and their limits")
    parser.add_argument("--slow", type=float, default=1.0, metavar="FACTOR",
                        help="multiply every time limit (a shared or slow machine)")
    options = parser.parse_args()
    names = benchmarks()
    if options.only:
        unknown = sorted(set(options.only) - set(names))
        if unknown:
            parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(names)}")
        names = [name for name in names if name in options.only]
    plan = []
    for name in names:
        full, full_limit, quick, quick_limit = PLAN.get(name, ([], DEFAULT_LIMIT, [], DEFAULT_LIMIT // 4))
        arguments, limit = (quick, quick_limit) if options.quick else (full, full_limit)
        if limit == 0 and not options.only:
            continue
        plan.append((name, arguments, int((limit or full_limit) * options.slow)))
    if options.list:
        for name, arguments, limit in plan:
            print(f"{name:20} {limit:4} s  {' '.join(arguments)}")
        print(f"{'total':20} {sum(limit for _, _, limit in plan):4} s at most")
        return
    results = []
    started = time.monotonic()
    for name, arguments, limit in plan:
        results.append((name, *run(name, arguments, limit)))
    print(f"\n{'=' * 100}\nbenchmarks done in {time.monotonic() - started:.0f} s")
    for name, outcome, seconds in results:
        print(f"  {name:20} {outcome:18} {seconds:6.0f} s")
    if any(outcome != "ok" for _, outcome, _ in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
