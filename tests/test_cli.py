import csv
import io
import json

import sqlalchemy as sa

from app.extensions import db
from app.models import Event, Role, Ticket, User


def test_users_create_reads_the_password_from_stdin(runner, app) -> None:
    result = runner.invoke(args=["users", "create", "host@buurt.test", "--role", "host"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "password:" not in result.output
    user = db.session.scalars(sa.select(User)).one()
    assert user.role == Role.HOST


def test_users_create_generates_and_prints_a_password(runner, app) -> None:
    result = runner.invoke(args=["users", "create", "c@buurt.test", "--role", "committee"], input="")
    assert result.exit_code == 0
    assert "password: " in result.output


def test_users_create_refuses_duplicates_with_a_clear_message(runner, app) -> None:
    runner.invoke(args=["users", "create", "a@buurt.test", "--role", "host"], input="")
    result = runner.invoke(args=["users", "create", "a@buurt.test", "--role", "host"], input="",
                           env={"LANG": "nl_NL.UTF-8"})
    assert result.exit_code == 1
    assert "Er is al een account met dit e-mailadres" in result.output


def test_event_import_issue_and_export(runner, app, tmp_path) -> None:
    source = {"title": "Buurtavond", "starts_at": "2026-12-03T19:30", "location": "De Kei", "language": "nl",
              "groups": [{"name": "Bewoners", "weight": 1}, {"name": "Jongeren", "weight": 2}]}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(source), encoding="utf-8")
    result = runner.invoke(args=["event", "import", str(path)])
    assert result.exit_code == 0, result.output
    event_id = result.output.strip().splitlines()[-1]
    issued = runner.invoke(args=["tickets", "issue", event_id, "--count", "4", "--group", "Jongeren"])
    rows = list(csv.DictReader(io.StringIO(issued.output)))
    assert len(rows) == 4 and {row["group"] for row in rows} == {"Jongeren"}
    assert rows[0]["url"].startswith("http://buurt.test/t/")
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 4
    exported = json.loads(runner.invoke(args=["event", "export", event_id]).output)
    assert exported["groups"] == [{"name": "Bewoners", "weight": 1, "colour": "#1f6f8b"},
                                  {"name": "Jongeren", "weight": 2, "colour": "#1f6f8b"}]
    assert exported["starts_at"] == "2026-12-03T19:30"
    # the exported file imports again into an identical event
    path.write_text(json.dumps(exported), encoding="utf-8")
    again = runner.invoke(args=["event", "import", str(path)])
    assert again.exit_code == 0


def test_event_import_names_the_bad_field_and_writes_nothing(runner, app, tmp_path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"title": "X", "groups": [{"name": "A", "weight": -1}]}))
    result = runner.invoke(args=["event", "import", str(path)])
    assert result.exit_code == 1
    assert "groups[0].weight" in result.output
    path.write_text("{not json")
    assert "not valid JSON" in runner.invoke(args=["event", "import", str(path)]).output
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_unknown_event_is_reported(runner, app) -> None:
    result = runner.invoke(args=["tickets", "issue", "nope", "--count", "1"])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_setup_link_only_on_an_empty_database(runner, app) -> None:
    first = runner.invoke(args=["setup-link", "--if-needed"])
    assert "http://buurt.test/setup/" in first.output
    runner.invoke(args=["users", "create", "a@buurt.test", "--role", "admin"], input="")
    assert runner.invoke(args=["setup-link", "--if-needed"]).output == ""
