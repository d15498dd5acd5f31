"""``flask budget import|export|tally``: pabulib files in and out, all-or-nothing, and counting without a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.domain.budget import mes, parse_pb, tally
from app.domain.budget.instance import instance_from_election
from app.extensions import db
from app.models import BudgetBallot, BudgetRound, Event, Proposal
from app.services import budget, budget_results

PB_DIR = Path("/work/shared/pabulib")
if not PB_DIR.exists():
    PB_DIR = Path(__file__).resolve().parents[2] / "shared" / "pabulib"
REFERENCE = Path(__file__).resolve().parent / "fixtures" / "pabulib" / "reference.json"
SMALL_FILES = ("Netherlands_Assen_2024.pb", "Switzerland_Zurich_D10.pb", "Netherlands_Amsterdam_643.pb")

pytestmark = pytest.mark.skipif(not PB_DIR.exists(), reason="the shared pabulib files are not on this machine")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))  # type: ignore[return-value]
                 for model in (Event, BudgetRound, Proposal, BudgetBallot))


def test_invalid_file_names_a_line_and_writes_nothing(runner, app) -> None:
    result = runner.invoke(args=["budget", "import", str(PB_DIR / "format-examples" / "example_invalid.pb")])
    assert result.exit_code == 1
    assert "line 20" in result.output and "currency" in result.output
    assert counts() == (0, 0, 0, 0)


def test_malformed_file_names_the_line_and_writes_nothing(runner, app, tmp_path) -> None:
    text = read(PB_DIR / "Netherlands_Assen_2024.pb")
    broken = tmp_path / "broken.pb"
    lines = text.splitlines()
    lines[-1] = lines[-1] + ",999"  # the last ballot names a project that does not exist
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["budget", "import", str(broken)])
    assert result.exit_code == 1 and f"line {len(lines)}" in result.output
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("name", SMALL_FILES)
def test_import_export_reparse_gives_the_same_election(runner, app, tmp_path, name: str) -> None:
    original = parse_pb(read(PB_DIR / name))
    result = runner.invoke(args=["budget", "import", str(PB_DIR / name)])
    assert result.exit_code == 0, result.output
    round_id = result.output.strip().splitlines()[-1]
    item = budget.find_round(round_id)
    assert item.public_id == round_id and len(item.proposals) == len(original.projects)
    exported = tmp_path / "out.pb"
    result = runner.invoke(args=["budget", "export", round_id, "--output", str(exported)])
    assert result.exit_code == 0, result.output
    assert parse_pb(exported.read_text(encoding="utf-8")) == original
    stdout = runner.invoke(args=["budget", "export", round_id])
    assert parse_pb(stdout.output) == original


def test_imported_round_counts_like_the_file(runner, app) -> None:
    result = runner.invoke(args=["budget", "import", str(PB_DIR / "Netherlands_Assen_2024.pb")])
    item = budget.find_round(result.output.strip().splitlines()[-1])
    election = parse_pb(read(PB_DIR / "Netherlands_Assen_2024.pb"))
    assert budget_results.outcome(item).winners == mes(instance_from_election(election)).winners


def _expected_mes_winners() -> list[str]:
    """The domain's Assen result, cross-checked against the reference fixture when it is present."""
    election = parse_pb(read(PB_DIR / "Netherlands_Assen_2024.pb"))
    winners = list(tally(election, "mes").winners)
    if REFERENCE.exists():
        reference = json.loads(REFERENCE.read_text())["Netherlands_Assen_2024"]
        per_voter = str(reference["mes"]["per_voter_budget"])
        assert sorted(reference["mes_runs"][per_voter]) == sorted(winners)
    return winners


def test_tally_json_without_a_database(tmp_path) -> None:
    """Run in a fresh process whose database path cannot even be created: tally must not touch it."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/none.sqlite", "SECRET_KEY": "x"}
    completed = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "budget", "tally", str(PB_DIR / "Netherlands_Assen_2024.pb"),
         "--rule", "mes", "--json"], capture_output=True, text=True, env=env, check=False,
        cwd=Path(__file__).resolve().parents[1])
    assert completed.returncode == 0, completed.stderr
    printed = json.loads(completed.stdout.strip().splitlines()[-1])
    election = parse_pb(read(PB_DIR / "Netherlands_Assen_2024.pb"))
    assert printed == {"rule": "mes", "winners": _expected_mes_winners(),
                       "spent": sum(election.projects[p].cost for p in printed["winners"])}
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("rule", ["greedy", "mes-greedy"])
def test_tally_other_rules(runner, rule: str) -> None:
    result = runner.invoke(args=["budget", "tally", str(PB_DIR / "Netherlands_Assen_2024.pb"), "--rule", rule,
                                 "--json"])
    election = parse_pb(read(PB_DIR / "Netherlands_Assen_2024.pb"))
    assert json.loads(result.output)["winners"] == list(tally(election, rule).winners)  # type: ignore[arg-type]
    if REFERENCE.exists():
        reference = json.loads(REFERENCE.read_text())["Netherlands_Assen_2024"]
        assert json.loads(result.output)["winners"] == reference[rule.replace("-", "_")]


def test_event_file_carries_budget_rounds_without_contact_details(runner, app, tmp_path) -> None:
    from tests.budget_factories import make_round

    item = make_round()
    item.proposals[1].review_reason = "Past goed"
    db.session.commit()
    exported = runner.invoke(args=["event", "export", item.event.public_id])
    assert exported.exit_code == 0, exported.output
    document = json.loads(exported.output)
    assert document["budget_rounds"][0]["proposals"][0]["cost"] == 4000
    assert "bewoner1@example.org" not in exported.output and "Bewoner 1" not in exported.output
    path = tmp_path / "event.json"
    path.write_text(exported.output, encoding="utf-8")
    imported = runner.invoke(args=["event", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    rounds = db.session.scalars(sa.select(BudgetRound).order_by(BudgetRound.id)).all()
    assert len(rounds) == 2 and [p.title for p in rounds[1].proposals] == [p.title for p in rounds[0].proposals]
    assert rounds[1].phase == rounds[0].phase and rounds[1].proposals[0].contact_email == ""
