"""Fuzzing the importers with mutations of real files: truncation, byte flips, dropped lines, wrong types,
huge numbers, missing sections. Each importer may only refuse with its documented error (with a message),
and a refused import writes nothing: every table's row count is unchanged.

- ``.pb``: ``parse_pb`` raises ``PabulibError``; ``budget_files.import_pb`` raises it or a ``DomainError``;
- score-card CSV (``ballots import``): ``ballot_import.import_ballots`` raises ``DomainError``;
- event JSON (``event import``): ``parse_event`` raises ``EventFileError``; ``event_files.import_event`` that
  or a ``DomainError``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.budget import Election, PabulibError, parse_pb, tally
from app.domain.event_file import EventFileError, parse_event
from app.extensions import db
from app.services import ballot_import, budget_files, event_files
from app.services.errors import DomainError
from tests.conftest import make_user
from tests.tender_factories import make_tender
from tests.web.test_api import SMALL_PB

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
DB_FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
HUGE = ("99999999999999999999999999", "-1", "1e309", "NaN", "0", "abc", "", "1.5", "٣")


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` after one to three mutations of the kinds listed in the module docstring."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "drop_line", "swap_value", "duplicate_line", "insert"]))
        if not text:
            break
        position = draw(st.integers(0, len(text) - 1))
        lines = text.split("\n")
        line = draw(st.integers(0, len(lines) - 1))
        if kind == "truncate":
            text = text[:position]
        elif kind == "flip":
            text = text[:position] + draw(st.characters(codec="utf-8")) + text[position + 1:]
        elif kind == "drop_line":
            text = "\n".join(lines[:line] + lines[line + 1:])
        elif kind == "duplicate_line":
            text = "\n".join(lines[:line + 1] + lines[line:])
        elif kind == "insert":
            text = text[:position] + draw(st.text(max_size=12)) + text[position:]
        else:
            cells = lines[line].replace(",", ";").split(";")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(HUGE))
            lines[line] = ";".join(cells) if ";" in lines[line] else ",".join(cells)
            text = "\n".join(lines)
    return text


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables}


@FUZZ
@given(mutated(SMALL_PB))
def test_pb_parser_refuses_only_with_pabulib_errors(text: str) -> None:
    try:
        election = parse_pb(text)
    except PabulibError as error:
        assert error.message and error.line >= 0
        return
    assert isinstance(election, Election)
    for rule in ("greedy", "mes"):
        result = tally(election, rule)
        assert result.spent <= result.budget


def test_pb_import_writes_nothing_when_refused(app) -> None:
    owner = make_user()

    @DB_FUZZ
    @given(mutated(SMALL_PB))
    def run(text: str) -> None:
        before = _row_counts()
        try:
            budget_files.import_pb(text, owner)
        except (PabulibError, DomainError) as error:
            assert str(error)
            db.session.rollback()
            assert _row_counts() == before

    run()


def test_scorecard_csv_import_refuses_cleanly_and_writes_nothing(app) -> None:
    tender = make_tender()
    criteria = [c.public_id for c in tender.criteria]
    names = [b.name for b in tender.bidders]
    lines = ["ballot,bidder,criterion,score,group"]
    for ballot in ("1", "2"):
        for name in names:
            lines += [f"{ballot},{name},{tender.criteria[i].name},{7 + i},{tender.event.groups[0].name}"
                      for i in range(len(criteria))]
    valid = "\n".join(lines) + "\n"
    event = tender.event

    @DB_FUZZ
    @given(mutated(valid))
    def run(text: str) -> None:
        before = _row_counts()
        try:
            ballot_import.import_ballots(event, text, "fuzz")
        except DomainError as error:
            assert error.code.startswith("csv_") or error.code == "already_published", error.code
            db.session.rollback()
            assert _row_counts() == before

    run()


def _event_document(app: Any, runner: Any) -> dict[str, Any]:
    made = runner.invoke(args=["demo"])
    public_id = made.output.strip().splitlines()[-1]
    exported = runner.invoke(args=["event", "export", public_id])
    document: dict[str, Any] = json.loads(exported.output)
    return document


@st.composite
def broken_documents(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    """The document with one value somewhere replaced by a wrong type, a huge number, or removed."""
    broken = copy.deepcopy(document)
    node: Any = broken
    for _ in range(draw(st.integers(0, 4))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) \
            if isinstance(node, list) else []
        children = [(key, value) for key, value in children if isinstance(value, dict | list) and value]
        if not children:
            break
        node = draw(st.sampled_from(children))[1]
    keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
    if not keys:
        return broken
    key = draw(st.sampled_from(keys))
    replacement = draw(st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(),
                                 st.text(max_size=8), st.just([]), st.just({}), st.just("x" * 5000),
                                 st.just("remove")))
    if replacement == "remove" and isinstance(node, dict):
        del node[key]
    else:
        node[key] = replacement
    return broken


def test_event_json_import_refuses_cleanly_and_writes_nothing(app, runner) -> None:
    document = _event_document(app, runner)

    @DB_FUZZ
    @given(broken_documents(document))
    def run(data: Any) -> None:
        before = _row_counts()
        try:
            spec = parse_event(data)
            event_files.import_event(spec, None)
        except (EventFileError, DomainError) as error:
            assert str(error)
            db.session.rollback()
            assert _row_counts() == before

    run()
