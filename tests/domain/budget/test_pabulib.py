"""The .pb reader and writer on the 36 real files, the checker's example files and broken inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.budget.pabulib import Election, PabulibError, parse_pb, write_pb

PB_DIR = Path("/work/shared/pabulib")
FILES = sorted(PB_DIR.glob("*.pb"), key=lambda p: p.stat().st_size)
SMALL = [p for p in FILES if p.stat().st_size < 400_000]

pytestmark = pytest.mark.skipif(not FILES, reason="pabulib files not available")

MINIMAL = """META
key;value
num_projects;2
num_votes;2
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
a;60;Bench
b;50;Tree
VOTES
voter_id;vote
1;a,b
2;b
"""


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:40])
def test_every_file_parses(path: Path) -> None:
    election = parse_pb(read(path))
    assert len(election.votes) == int(election.meta["num_votes"])
    assert len(election.projects) == int(election.meta["num_projects"])
    assert election.budget > 0


@pytest.mark.parametrize("path", SMALL, ids=lambda p: p.stem[:40])
def test_round_trip(path: Path) -> None:
    election = parse_pb(read(path))
    again = parse_pb(write_pb(election))
    assert again == election
    assert write_pb(again) == write_pb(election)


def test_values_read() -> None:
    election = parse_pb(read(PB_DIR / "Poland_Czestochowa_2020_Grabowka.pb"))
    assert election.vote_type == "cumulative"
    vote = election.votes[0]
    assert vote.points is not None and len(vote.points) == len(vote.projects)
    toulouse = parse_pb(read(PB_DIR / "France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine.pb"))
    assert toulouse.budget == 400000


def test_checker_examples() -> None:
    valid = parse_pb(read(PB_DIR / "format-examples" / "example_valid.pb"))
    assert valid.vote_type == "approval" and len(valid.votes) == 76
    # The invalid example is broken in ways a reader does not judge (voter id "290,67", sex X/Z,
    # currency "non_existing"); those values survive as text.
    invalid = parse_pb(read(PB_DIR / "format-examples" / "example_invalid.pb"))
    assert invalid.votes[0].voter_id == "290,67"
    assert invalid.votes[0].extra["sex"] == "X"
    assert invalid.meta["currency"] == "non_existing"


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("num_votes;182", "num_votes;183", 10, "num_votes is 183"),
        ("num_projects;3", "num_projects;4", 9, "num_projects is 4"),
        ("3;8000;3 Miejsce", "3;80x0;3 Miejsce", 24, "not a number"),
        ("3;8000;3 Miejsce", "3;8000.5;3 Miejsce", 24, "not a whole number"),
        ("1376;27;M;3,1;4,1", "1376;27;M;3,1;4", 37, "gives 1 points"),
        ("1376;27;M;3,1;4,1", "1376;27;M;3,9;4,1", 37, "unknown project '9'"),
        ("budget;242800\n", "", 1, "lacks 'budget'"),
        ("vote_type;cumulative\n", "", 1, "lacks 'vote_type'"),
        ("VOTES\nvoter_id;age;sex;vote;points\n", "VOTES\n", 28, "missing header"),
        ("PROJECTS\n", "BALLOTS\nPROJECTS\n", 22, "unknown section 'BALLOTS'"),
    ],
)
def test_invalid_example_mutations(old: str, new: str, line: int, message: str) -> None:
    text = read(PB_DIR / "format-examples" / "example_invalid.pb")
    assert old in text
    with pytest.raises(PabulibError) as caught:
        parse_pb(text.replace(old, new, 1))
    assert caught.value.line == line
    assert message in caught.value.message


def test_tolerates_bom_crlf_spaces_blank_lines_decimal_comma() -> None:
    text = "\ufeff" + MINIMAL.replace("budget;100", "budget; 100,0").replace("a;60;", "a;60.0;")
    text = text.replace("\n", "\r\n", 5).replace("PROJECTS", "\nprojects")
    election = parse_pb(text)
    assert election.budget == 100
    assert election.projects["a"].cost == 60
    assert election.votes[0].projects == ("a", "b")


def test_quoted_fields_round_trip() -> None:
    text = MINIMAL.replace("a;60;Bench", 'a;60;"""Konikowo"" - plac; zabaw"')
    election = parse_pb(text)
    assert election.projects["a"].name == '"Konikowo" - plac; zabaw'
    assert parse_pb(write_pb(election)) == election


def test_writer_recounts() -> None:
    election = parse_pb(MINIMAL)
    fewer = Election(meta=election.meta, projects=election.projects, votes=election.votes[:1])
    assert "num_votes;1" in write_pb(fewer)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("PROJECTS\nproject_id;cost;name\n", "PROJECTS\n", "missing header"),
        ("2;b\n", "2;b,b\n", "twice"),
        ("2;b\n", "1;b\n", "voter '1' appears twice"),
        ("vote_type;approval", "vote_type;pairwise", "unknown vote_type"),
        ("a;60;Bench", "a;-5;Bench", "negative cost"),
        ("META\n", "", "expected the META section title"),
    ],
)
def test_errors(old: str, new: str, message: str) -> None:
    with pytest.raises(PabulibError, match=message):
        parse_pb(MINIMAL.replace(old, new))
