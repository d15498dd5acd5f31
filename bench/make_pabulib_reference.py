"""Compute reference outcomes with pabutools 1.2.3 for the pabulib files, for tests/fixtures/pabulib/.

Usage: ``python bench/make_pabulib_reference.py [PB_DIR] [--limit SECONDS] [--only NAME ...]
[--missing-only]``

For every ``.pb`` file, in a child process killed after ``--limit`` seconds (default 1800), so one slow
file cannot hang the run. Our own Add1 completion runs first (it only says *where* to look: pabutools'
completion does not finish on the large files), then single pabutools runs, which are the reference:

* ``mes``: the final per-voter budget ``b*`` of our completion and the first one that overspends;
* ``greedy``: ``greedy_utilitarian_welfare(sat_class=Cost_Sat)`` (points ballots: satisfaction
  ``points * cost``, whose greedy score is the total points);
* ``mes_runs``: ``method_of_equal_shares_scheme`` (same satisfaction, lexicographic tie-breaking) started
  at ``b*`` and at the first per-voter budget our completion says overspends (``b* + 1``) — so the tests
  check that our final outcome is pabutools' outcome there and that pabutools also overspends one unit
  later — and at the starting per-voter budget ``floor(budget / voters)``;
* ``mes_greedy``: pabutools greedy started from pabutools' MES outcome at our final per-voter budget.

Ordinal and choose-1 ballots are read as approval of every named project. Results are merged into
``tests/fixtures/pabulib/reference.json`` (winners as project id strings, in selection order); stages a
child did not finish are simply absent and listed under ``missing``. A new entry with more stages
missing than the stored one, or a stopped one for a complete one, does not replace it. When our
completion ends where the stored entry says, its pabutools stages are kept, so a rerun over every file
costs little more than our own completions and refreshes their CPU seconds (``timings.ours_add1``,
which the tests use to pick quick files). ``--missing-only`` skips files whose entry is complete.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = Path("/work/shared/pabulib")
OUT = ROOT / "tests" / "fixtures" / "pabulib" / "reference.json"


def child(path: Path, out: Path, stored: dict[str, object]) -> None:
    """Compute the reference for one file, rewriting ``out`` after every stage.

    ``stored`` is the file's current entry: when our completion still ends at the same per-voter
    budgets, its pabutools stages are kept and only the missing ones are computed."""
    sys.path.insert(0, str(ROOT))
    from pabutools.election import (
        AbstractApprovalProfile,
        ApprovalBallot,
        ApprovalProfile,
        Cost_Sat,
        OrdinalProfile,
        parse_pabulib,
    )
    from pabutools.election.satisfaction.additivesatisfaction import AdditiveSatisfaction
    from pabutools.rules import BudgetAllocation, greedy_utilitarian_welfare
    from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
    from pabutools.tiebreaking import lexico_tie_breaking

    from app.domain.budget import instance_from_election, parse_pb
    from app.domain.budget.equal_shares import add1_completion

    def cost_points(instance, profile, ballot, project, precomputed):  # type: ignore[no-untyped-def]
        return ballot.get(project, 0) * project.cost

    class CostPointsSat(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):  # type: ignore[no-untyped-def]
            AdditiveSatisfaction.__init__(self, instance, profile, ballot, cost_points)

    result: dict[str, object] = {"timings": {}}
    timings: dict[str, float] = result["timings"]  # type: ignore[assignment]

    def save() -> None:
        out.write_text(json.dumps(result))

    start = time.process_time()
    election = parse_pb(path.read_text(encoding="utf-8"))
    completion = add1_completion(instance_from_election(election))
    timings["ours_add1"] = time.process_time() - start
    final = completion.run.per_voter_budget
    over = completion.first_overspending_budget
    result["mes"] = {"per_voter_budget": final, "first_overspending_budget": over}
    if stored.get("mes") == result["mes"]:
        old_timings: dict[str, float] = stored.get("timings", {})  # type: ignore[assignment]
        timings.update({key: value for key, value in old_timings.items() if key != "ours_add1"})
        kept = ("greedy", "mes_runs", "mes_greedy", "mes_runs_complete")
        result.update({key: stored[key] for key in kept if key in stored})
        if stored.get("status") == "complete":  # made before mes_runs_complete existed
            result["mes_runs_complete"] = True
    save()
    if "mes_runs_complete" in result:
        return

    start = time.perf_counter()
    instance, profile = parse_pabulib(str(path))
    if isinstance(profile, OrdinalProfile):
        profile = ApprovalProfile([ApprovalBallot(set(ballot)) for ballot in profile])
    approval = isinstance(profile, AbstractApprovalProfile)
    sat_class = Cost_Sat if approval else CostPointsSat
    sat_profile = profile.as_sat_profile(sat_class)
    n = profile.num_ballots()
    budget = int(instance.budget_limit)
    timings["parse"] = time.perf_counter() - start

    if "greedy" not in result:
        start = time.perf_counter()
        winners = greedy_utilitarian_welfare(instance, profile, sat_class=sat_class)
        result["greedy"] = [p.name for p in winners]
        timings["greedy"] = time.perf_counter() - start
        save()

    def mes_at(b: int) -> list[object]:
        began = time.perf_counter()
        outcome = method_of_equal_shares_scheme(
            instance,
            profile,
            sat_profile,
            b,
            BudgetAllocation(),
            lexico_tie_breaking,
            binary_sat=approval,
        )
        timings[f"mes_run_{b}"] = time.perf_counter() - began
        return list(outcome)

    runs: dict[str, list[str]] = result.setdefault("mes_runs", {})  # type: ignore[assignment]
    final_outcome = mes_at(final)
    runs[str(final)] = [p.name for p in final_outcome]
    save()
    if over is not None and str(over) not in runs:
        runs[str(over)] = [p.name for p in mes_at(over)]
        save()

    start = time.perf_counter()
    filled = greedy_utilitarian_welfare(instance, profile, sat_class=sat_class, initial_budget_allocation=final_outcome)
    result["mes_greedy"] = runs[str(final)] + [p.name for p in filled if p not in final_outcome]
    timings["mes_greedy_fill"] = time.perf_counter() - start
    save()

    b0 = budget // n
    if str(b0) not in runs:
        runs[str(b0)] = [p.name for p in mes_at(b0)]
    result["mes_runs_complete"] = True
    save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pb_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--limit", type=float, default=1800.0)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--child", type=Path, default=None)
    parser.add_argument("--child-out", type=Path, default=None)
    parser.add_argument("--missing-only", action="store_true")
    args = parser.parse_args()
    if args.child is not None:
        stored = json.loads(args.child_out.read_text()) if args.child_out.exists() else {}
        child(args.child, args.child_out, stored)
        return
    reference = json.loads(OUT.read_text()) if OUT.exists() else {}
    files = sorted(args.pb_dir.glob("*.pb"), key=lambda p: p.stat().st_size)
    for path in files:
        if args.only and path.stem not in args.only:
            continue
        if args.missing_only and reference.get(path.stem, {}).get("status") == "complete":
            continue
        tmp = OUT.parent / f".{path.stem}.partial.json"
        tmp.write_text(json.dumps(reference.get(path.stem, {})))
        command = [sys.executable, __file__, "--child", str(path), "--child-out", str(tmp)]
        began = time.perf_counter()
        try:
            subprocess.run(command, timeout=args.limit, check=True, cwd=ROOT)
            status = "complete"
        except subprocess.TimeoutExpired:
            status = f"stopped after {args.limit:.0f} s"
        except subprocess.CalledProcessError as error:
            status = f"failed ({error.returncode})"
        entry = json.loads(tmp.read_text()) if tmp.exists() else {}
        tmp.unlink(missing_ok=True)
        wanted = ("mes", "greedy", "mes_runs", "mes_greedy", "mes_runs_complete")
        entry["missing"] = [key for key in wanted if key not in entry]
        entry["status"] = status
        old = reference.get(path.stem)
        worse = status != "complete" and old is not None and old.get("status") == "complete"
        if old is not None and (worse or len(entry["missing"]) > len(old.get("missing", wanted))):
            print(f"{path.stem}: {status}, keeping the stored entry", flush=True)
            continue
        reference[path.stem] = entry
        OUT.parent.mkdir(parents=True, exist_ok=True)
        lines = (f"{json.dumps(name)}: {json.dumps(data, sort_keys=True)}" for name, data in sorted(reference.items()))
        OUT.write_text("{\n" + ",\n".join(lines) + "\n}\n")
        print(f"{path.stem}: {status} in {time.perf_counter() - began:.1f} s, missing {entry['missing']}", flush=True)


if __name__ == "__main__":
    main()
