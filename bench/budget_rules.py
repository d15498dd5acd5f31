"""Time our budget rules and pabutools' MES with completion on the pabulib files.

Usage: ``python bench/budget_rules.py [PB_DIR] [--limit SECONDS] [--pabutools-limit SECONDS]
[--only NAME ...] [--shard I/N]``

Per file, each side runs in its own child process killed after its limit (ours ``--limit``, default 60 s;
pabutools ``--pabutools-limit``, default the same):

* ours: parse (``parse_pb`` + ``instance_from_election``), ``greedy``, ``mes`` (Add1 completion, with the
  number of MES runs it needed and its CPU seconds), ``mes-greedy`` (the completion again, then greedy);
* pabutools 1.2.3: parse, then ``method_of_equal_shares(sat_class=Cost_Sat, voter_budget_increment=1)``
  (its own completion, which stops at the first exhaustive outcome, so it may do fewer runs than ours).

Prints a table of CPU seconds (``time.process_time`` in each single-threaded child, so a shared, busy
machine slows the figures less than wall time would; ``mes wall`` is the wall-clock time of our ``mes``)
and the speedup of our ``mes`` over pabutools' MES in CPU time (rule time, parse excluded). The limits are
wall-clock. ``--shard 1/2`` takes every second file, so two shards can run side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = Path("/work/shared/pabulib")


def ours(path: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from app.domain.budget import greedy, instance_from_election, mes, mes_greedy, parse_pb

    times: dict[str, float] = {}
    start = time.process_time()
    instance = instance_from_election(parse_pb(path.read_text(encoding="utf-8")))
    times["parse"] = time.process_time() - start
    print(json.dumps(times), flush=True)
    for name, rule in (("greedy", greedy), ("mes", mes), ("mes-greedy", mes_greedy)):
        start, wall = time.process_time(), time.perf_counter()
        outcome = rule(instance)
        times[name] = time.process_time() - start
        if name == "mes":
            times["mes wall"] = time.perf_counter() - wall
            times["runs"] = float(outcome.details["runs"])  # type: ignore[arg-type]
        print(json.dumps(times), flush=True)
    return times


def pabutools(path: Path) -> dict[str, float]:
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, OrdinalProfile, parse_pabulib
    from pabutools.election.satisfaction.additivesatisfaction import AdditiveSatisfaction
    from pabutools.rules import method_of_equal_shares

    def cost_points(instance, profile, ballot, project, precomputed):  # type: ignore[no-untyped-def]
        return ballot.get(project, 0) * project.cost

    class CostPointsSat(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):  # type: ignore[no-untyped-def]
            AdditiveSatisfaction.__init__(self, instance, profile, ballot, cost_points)

    times: dict[str, float] = {}
    start = time.process_time()
    instance, profile = parse_pabulib(str(path))
    if isinstance(profile, OrdinalProfile):
        profile = ApprovalProfile([ApprovalBallot(set(ballot)) for ballot in profile])
    sat_class = Cost_Sat if isinstance(profile, ApprovalProfile) else CostPointsSat
    times["parse"] = time.process_time() - start
    print(json.dumps(times), flush=True)
    start = time.process_time()
    method_of_equal_shares(instance, profile, sat_class=sat_class, voter_budget_increment=1)
    times["mes"] = time.process_time() - start
    print(json.dumps(times), flush=True)
    return times


def run_child(side: str, path: Path, limit: float) -> dict[str, float]:
    """The last timings line a child printed; ``timeout`` is set when it was stopped."""
    command = [sys.executable, __file__, "--child", side, str(path)]
    try:
        # one BLAS thread on both sides: OpenBLAS's idle threads spin after numpy's import (app/__init__.py)
        env = os.environ | {"OPENBLAS_NUM_THREADS": "1"}
        done = subprocess.run(command, timeout=limit, capture_output=True, text=True, cwd=ROOT, env=env)
        output, timed_out = done.stdout, False
    except subprocess.TimeoutExpired as error:
        raw = error.stdout or b""
        output, timed_out = (raw.decode() if isinstance(raw, bytes) else raw), True
    lines = [line for line in output.splitlines() if line.startswith("{")]
    times: dict[str, float] = json.loads(lines[-1]) if lines else {}
    if timed_out:
        times["timeout"] = limit
    return times


def cell(times: dict[str, float], key: str) -> str:
    if key in times:
        return f"{times[key]:.2f}"
    return f">{times['timeout']:.0f}" if "timeout" in times else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pb_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--pabutools-limit", type=float, default=None)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--shard", default="1/1")
    parser.add_argument("--child", nargs=2, default=None)
    args = parser.parse_args()
    if args.child is not None:
        side, path = args.child
        (ours if side == "ours" else pabutools)(Path(path))
        return
    files = sorted(args.pb_dir.glob("*.pb"), key=lambda p: p.stat().st_size)
    shard, shards = (int(part) for part in args.shard.split("/"))
    files = files[shard - 1 :: shards]
    their_limit = args.pabutools_limit if args.pabutools_limit is not None else args.limit
    header = (
        "| file | parse | greedy | mes | mes wall | runs | mes-greedy | pabutools parse | pabutools MES | speedup |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path in files:
        if args.only and path.stem not in args.only:
            continue
        mine = run_child("ours", path, args.limit)
        theirs = run_child("pabutools", path, their_limit)
        if "mes" in mine and "mes" in theirs:
            speedup = f"{theirs['mes'] / max(mine['mes'], 1e-6):.0f}×"
        elif "mes" in mine:
            speedup = f"no pabutools result in {their_limit:.0f} s wall (ours {mine['mes']:.2f} s CPU)"
        else:
            speedup = f"no result within {args.limit:.0f} s"
        row = [
            path.stem[:45],
            cell(mine, "parse"),
            cell(mine, "greedy"),
            cell(mine, "mes"),
            cell(mine, "mes wall"),
            f"{mine['runs']:.0f}" if "runs" in mine else "–",
            cell(mine, "mes-greedy"),
            cell(theirs, "parse"),
            cell(theirs, "mes"),
            speedup,
        ]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
