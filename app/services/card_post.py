"""The card POST: a phone's card stored for the ticket its session holds, on the driver's own cursor.

This is ``scorecards.cast_scorecard`` for the busiest request of an evening, in as few statements and as
little CPU as the databases allow. It reads no ticket first: the UPDATE that marks the ticket used checks
it and returns its voter group. It runs its statements on a pool connection of its own, through the
driver (``driver_sql``), not through the Session, and publishes the new live version after the
connection is back in the pool.

* SQLite: the bidder's row, then the ticket, the card's upsert and the event's live version in one
  transaction. The write lock is held from the ticket's UPDATE to the commit, with no Python work of
  SQLAlchemy's in between, so the other worker process waits for it less.
* PostgreSQL: the bidder's row, then one statement with CTEs that marks the ticket and upserts the card,
  in autocommit mode: two round trips, no BEGIN and no COMMIT. It does not touch the event row, which
  every card of the evening would lock in turn: the live version is raised after the commit, for many
  cards at once (``live_raise``); the statement only stamps the event's first ballot while that is
  still empty (an UPDATE that matches no row locks none).

Every refusal (the ticket, the bidder's state, an answer, the comment) returns ``None`` with nothing
written; the view then takes the general way, which explains the refusal in its usual order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm.util import identity_key

from app.extensions import db
from app.models import Event, Scorecard
from app.models.clock import utcnow
from app.services import changes, live_bus, live_raise, scorecards, tickets
from app.services.driver_sql import DriverStatement
from app.services.errors import DomainError


@dataclass(frozen=True)
class _Statements:
    target: DriverStatement
    rules: DriverStatement
    use_ticket: DriverStatement
    upsert: DriverStatement
    raise_version: DriverStatement
    one_statement: DriverStatement | None


_COMPILED: dict[tuple[str, str], _Statements] = {}


def cast_ticket_card(ticket_id: int, bidder_public_id: str, answers: Mapping[str, str | int | None],
                     comment: str = "") -> int | None:
    """Store the card of the ticket ``ticket_id`` for a bidder whose scoring is open (a later card replaces
    the earlier one); the card's id, or ``None`` when anything refuses it (nothing written then)."""
    engine = db.engine
    statements = _statements(engine.dialect)
    connection = engine.raw_connection()
    driver = connection.driver_connection
    autocommit = statements.one_statement is not None
    try:
        if autocommit:
            driver.autocommit = True  # type: ignore[union-attr]
        cursor = connection.cursor()
        row = statements.target.first(cursor, {"public_id": bidder_public_id})
        if row is None:
            return None
        target = scorecards.target_from(
            row, bidder_public_id, lambda tender_id: statements.rules.rows(cursor, {"tender_id": tender_id}))
        try:
            scores, text = scorecards.checked_card(target, answers, comment)
        except DomainError:
            return None
        now = utcnow()
        card = {"tender_id": target.tender_id, "bidder_id": target.bidder_id, "ticket_id": ticket_id,
                "voter_key": scorecards.ticket_key(ticket_id), "channel": "phone", "scores": scores,
                "comment": text, "comment_hidden": False, "created_at": now, "updated_at": now}
        # every statement's parameters: its own names, and the card's under the names each statement gives them
        values = card | {f"card_{name}": value for name, value in card.items()} | {
            "in_event": target.event_id, "event": target.event_id, "now": now}
        if statements.one_statement is not None:
            stored = statements.one_statement.first(cursor, values)
        else:
            stored = _in_one_transaction(connection, cursor, statements, values)
    finally:
        if autocommit:
            driver.autocommit = False  # type: ignore[union-attr]
        connection.close()
    if stored is None:
        return None
    _committed(target.event_id, stored[1] if statements.one_statement is None else None)
    card_id: int = stored[0]
    return card_id


def _in_one_transaction(connection: Any, cursor: Any, statements: _Statements,
                        values: dict[str, Any]) -> tuple[int, int] | None:
    """SQLite: the driver begins the transaction at the ticket's UPDATE; a refused ticket rolls it back."""
    group = statements.use_ticket.first(cursor, values)
    if group is None:
        connection.rollback()
        return None
    card = statements.upsert.first(cursor, values | {"group_id": group[0]})
    version = statements.raise_version.first(cursor, values)
    connection.commit()
    assert card is not None and version is not None  # noqa: S101 - the upsert and the UPDATE return a row
    return card[0], version[0]


def _committed(event_id: int, version: int | None) -> None:
    """What the Session's commit does for a command's live version (``changes``), for a card written on a
    connection of its own: a loaded event is refreshed when next read, and the version goes to the
    screens; without one (PostgreSQL) the version is raised now, by this process's raiser.

    The usual card POST never opens the request's Session, and one is not made just to look in it (making
    and closing an empty Session costs about as much CPU as one of the card's statements)."""
    if db.session.registry.has():
        event = db.session.identity_map.get(identity_key(Event, event_id))
        if event is not None:
            db.session.expire(event, ["live_version", "first_ballot_at"])
    if version is None:
        live_raise.raiser().soon(event_id)
    else:
        live_bus.hub().publish({event_id: version})


def _statements(dialect: Dialect) -> _Statements:
    """Compiled once per driver: compiling costs more CPU than running them."""
    key = (dialect.name, dialect.driver)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = _Statements(
            DriverStatement.compile(scorecards.TARGET, dialect),
            DriverStatement.compile(scorecards.RULES, dialect),
            DriverStatement.compile(tickets.USE_FOR_PHONE, dialect),
            DriverStatement.compile(scorecards.upsert_statement(dialect.name), dialect),
            DriverStatement.compile(changes.RAISE_BALLOT, dialect),
            DriverStatement.compile(_one_statement(), dialect) if dialect.name == "postgresql" else None)
    return found


def _one_statement() -> sa.Select[Any]:
    """``WITH ticket AS (UPDATE tickets … RETURNING group_id), card AS (INSERT INTO scorecards … SELECT …
    FROM ticket ON CONFLICT … RETURNING id), first AS (UPDATE events SET first_ballot_at … WHERE
    first_ballot_at IS NULL AND EXISTS (SELECT … FROM card)) SELECT card.id``: each part runs only if the
    one before it wrote, so the rows are locked in the usual order (ticket, card, event).

    The card's parameters are named ``card_<column>``: a parameter named like a column of ``tickets`` or
    ``events`` would be taken as a value to SET by the UPDATEs inside (SQLAlchemy compiles DML with the
    parameter names as column keys)."""
    table = Scorecard.__table__
    events = Event.__table__
    ticket = tickets.USE_FOR_PHONE.cte("ticket")
    given = ("tender_id", "bidder_id", "ticket_id", "voter_key", "channel", "scores", "comment", "comment_hidden",
             "created_at", "updated_at")
    insert = postgresql.insert(table).from_select(
        [*given, "group_id"],
        sa.select(*(sa.cast(sa.bindparam(f"card_{name}", type_=table.c[name].type), table.c[name].type)
                    for name in given), ticket.c.group_id))
    card = insert.on_conflict_do_update(
        index_elements=[table.c.bidder_id, table.c.voter_key],
        set_={"scores": insert.excluded.scores, "comment": insert.excluded.comment,
              "updated_at": insert.excluded.updated_at}).returning(table.c.id).cte("card")
    first = (sa.update(events)
             .where(events.c.id == sa.bindparam("event"), events.c.first_ballot_at.is_(None),
                    sa.exists(card.select()))
             .values(first_ballot_at=sa.bindparam("now")).cte("first"))
    return sa.select(card.c.id).add_cte(first)
