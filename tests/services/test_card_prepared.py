"""PostgreSQL: the card POST's statement is prepared once per connection, and a card is stored whatever
became of what was prepared (a connection replaced, a statement deallocated) or when the setting is off.

The pool here holds one connection, so the one the card POST used is the one these tests look at."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app import database
from app.extensions import db
from app.models import Bidder, Scorecard, ScoringState, Ticket
from app.services import card_post
from app.services.driver_sql import PREPARED, DriverStatement, PreparedStatement
from tests.conftest import make_test_config
from tests.tender_factories import answers, issue, make_tender, open_first


@pytest.fixture
def app_config(tmp_path: Any, postgres_url: str | None) -> dict[str, Any]:
    if postgres_url is None:
        pytest.skip("PostgreSQL only")
    return make_test_config(tmp_path, postgres_url,
                            SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 10})


def _setup(count: int):
    tender = make_tender()
    issue(tender, count)
    open_first(tender)
    ticket_ids = list(db.session.scalars(sa.select(Ticket.id).order_by(Ticket.number)))
    wanted = answers(tender, "7", "8")
    bidder = tender.bidders[0].public_id
    db.session.remove()  # the pool's one connection is the card POST's now
    return bidder, wanted, ticket_ids


def _connection() -> tuple[int, list[tuple[str, int]], bool]:
    """The pool connection's server process, what is prepared on it (name, times run) and whether its
    ``info`` says the card statement is prepared."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        [(pid,)] = cursor.fetchall()
        cursor.execute("SELECT name, generic_plans + custom_plans FROM pg_prepared_statements")
        prepared = cursor.fetchall()
        connection.rollback()
        return pid, prepared, card_post.PREPARED_NAME in connection.info.get(PREPARED, set())
    finally:
        connection.close()


def _cards() -> int:
    count = db.session.scalar(sa.select(sa.func.count(Scorecard.id))) or 0
    db.session.remove()
    return count


def test_the_card_statement_is_prepared_once_per_connection(app) -> None:
    bidder, wanted, tickets = _setup(3)
    for ticket_id in tickets:
        assert card_post.cast_ticket_card(ticket_id, bidder, wanted) is not None
    _, prepared, noted = _connection()
    assert prepared == [(card_post.PREPARED_NAME, 3)] and noted
    assert _cards() == 3


def test_a_replaced_connection_gets_the_statement_prepared_again(app, monkeypatch) -> None:
    """The server ends the connection's process (a restart, a firewall); the idle test on checkout replaces
    it, and the new connection prepares the statement before its first card."""
    bidder, wanted, [first, second] = _setup(2)
    assert card_post.cast_ticket_card(first, bidder, wanted) is not None
    old_pid, _, _ = _connection()
    other = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with other.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": old_pid})
    other.dispose()
    monkeypatch.setattr(database, "IDLE_SECONDS_BEFORE_PING", 0.0)  # every checkout tests its connection
    assert card_post.cast_ticket_card(second, bidder, wanted) is not None
    pid, prepared, noted = _connection()
    assert pid != old_pid and prepared == [(card_post.PREPARED_NAME, 1)] and noted
    assert _cards() == 2


def test_a_card_on_a_connection_the_server_ended_leaves_it_to_the_general_way(app, client) -> None:
    """A connection used a moment ago (so not tested on checkout) whose server process is gone: the fast
    path writes nothing and drops the pool, the view stores the card the general way, and the next card
    takes the fast path again on a new connection."""
    bidder, wanted, [first, second, third] = _setup(3)
    assert card_post.cast_ticket_card(first, bidder, wanted) is not None
    old_pid, _, _ = _connection()
    _terminate(old_pid)
    assert card_post.cast_ticket_card(second, bidder, wanted) is None
    assert card_post.cast_ticket_card(second, bidder, wanted) is not None  # what the view's general way gets
    assert _connection()[0] != old_pid
    with client.session_transaction() as session:
        session["ticket_id"] = third
    _terminate(_connection()[0])
    response = client.post(f"/stem/kaart/{bidder}", data={f"c-{key}": value for key, value in wanted.items()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/ontvangen")
    assert _cards() == 3


def _terminate(pid: int) -> None:
    other = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with other.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


def test_a_statement_gone_from_the_connection_is_prepared_again(app) -> None:
    """``DEALLOCATE`` (or ``DISCARD ALL``) behind the pool's back: the connection still notes the statement
    as prepared, the server no longer has it; the card is stored all the same."""
    bidder, wanted, [first, second] = _setup(2)
    assert card_post.cast_ticket_card(first, bidder, wanted) is not None
    connection = db.engine.raw_connection()
    connection.cursor().execute("DEALLOCATE ALL")
    connection.commit()
    connection.close()
    assert card_post.cast_ticket_card(second, bidder, wanted) is not None
    _, prepared, noted = _connection()
    assert prepared == [(card_post.PREPARED_NAME, 1)] and noted
    assert _cards() == 2


def test_with_prepared_statements_off_nothing_is_prepared(app) -> None:
    """``PREPARED_STATEMENTS = False`` (behind PgBouncer's transaction pooling) runs the statement as it is."""
    app.config["PREPARED_STATEMENTS"] = False
    bidder, wanted, [ticket_id] = _setup(1)
    assert card_post.cast_ticket_card(ticket_id, bidder, wanted) is not None
    assert _connection()[1:] == ([], False)
    assert _cards() == 1


def test_a_prepared_statement_takes_repeated_parameters_and_percent_signs(app) -> None:
    """Parameters become ``$1, $2 …`` once each, however often they stand in the statement (each takes its
    type from where it stands: here the casts); a literal ``%`` (doubled for psycopg2) is a single one in
    ``PREPARE``."""
    a, b = sa.cast(sa.bindparam("a"), sa.Integer), sa.cast(sa.bindparam("b"), sa.Integer)
    statement = sa.select(a + b, a, sa.literal_column("'50%'"))
    prepared = PreparedStatement.of(DriverStatement.compile(statement, db.engine.dialect), "buurtstem_test")
    connection = db.engine.raw_connection()
    try:
        connection.driver_connection.autocommit = True
        assert prepared.first(connection, connection.cursor(), {"a": 2, "b": 3}) == (5, 2, "50%")
        assert prepared.first(connection, connection.cursor(), {"a": 4, "b": 3}) == (7, 4, "50%")
    finally:
        connection.driver_connection.autocommit = False
        connection.close()


def test_a_prepared_statement_carries_its_constants_as_literals(app) -> None:
    """Values the statement carries itself are written into ``PREPARE`` in their type processing (an enum
    member as its stored name, quotes and ``%`` escaped); ``EXECUTE`` sends only the values of each run."""
    enum = Bidder.__table__.c.scoring_state.type
    statement = sa.select(sa.cast(sa.bindparam("a"), sa.Integer), sa.literal("it's 50%"),
                          sa.literal(ScoringState.OPEN, type_=enum), sa.literal(False))
    prepared = PreparedStatement.of(DriverStatement.compile(statement, db.engine.dialect), "buurtstem_test")
    assert prepared.execute.sql == "EXECUTE buurtstem_test (%(a)s)" and "'OPEN'" in prepared.prepare
    connection = db.engine.raw_connection()
    try:
        connection.driver_connection.autocommit = True
        assert prepared.first(connection, connection.cursor(), {"a": 2}) == (2, "it's 50%", ScoringState.OPEN, False)
    finally:
        connection.driver_connection.autocommit = False
        connection.close()


def test_values_written_as_literals_are_not_sent_again(app) -> None:
    """``with_literals`` writes values into ``EXECUTE`` as psycopg2 quotes them (after their type processing:
    an enum member as its stored name; a quote and a ``%`` escaped); each run sends only the others."""
    enum = Bidder.__table__.c.scoring_state.type
    statement = sa.select(sa.cast(sa.bindparam("a"), sa.Integer), sa.cast(sa.bindparam("text"), sa.Text),
                          sa.cast(sa.bindparam("state", type_=enum), enum))
    prepared = PreparedStatement.of(DriverStatement.compile(statement, db.engine.dialect), "buurtstem_test")
    connection = db.engine.raw_connection()
    try:
        connection.driver_connection.autocommit = True
        cursor = connection.cursor()
        fixed = prepared.with_literals(cursor, {"text": "it's 50%", "state": ScoringState.OPEN})
        assert fixed.execute.sql == "EXECUTE buurtstem_test (%(a)s, 'it''s 50%%', 'OPEN')"
        assert fixed.first(connection, cursor, {"a": 2}) == (2, "it's 50%", ScoringState.OPEN)
        assert fixed.first(connection, cursor, {"a": 3, "text": "ignored"}) == (3, "it's 50%", ScoringState.OPEN)
    finally:
        connection.driver_connection.autocommit = False
        connection.close()


def test_a_kept_seat_sends_only_the_cards_own_values(app) -> None:
    """The bidder's ids and its tender's frozen moment are the same for every card of the seat: written into
    the seat's ``EXECUTE`` once, not adapted and sent for every card."""
    bidder, wanted, [first, second] = _setup(2)
    assert card_post.cast_ticket_card(first, bidder, wanted) is not None
    seat = app.extensions["card_seats"][bidder]
    sql = seat.prepared.execute.sql
    assert "%(ticket_id)s" in sql and "%(card_scores)s" in sql and "%(now)s" in sql
    for name in ("card_bidder_id", "card_tender_id", "in_event", "card_frozen_at"):
        assert f"%({name})s" not in sql
    assert f"({seat.target.bidder_id}, {seat.target.tender_id}, {seat.target.event_id}, '" in sql
    assert card_post.cast_ticket_card(second, bidder, wanted) is not None
    assert _cards() == 2
