"""The card POST: a phone's card stored for the ticket its session holds, on the driver's own cursor.

This is ``scorecards.cast_scorecard`` for the busiest request of an evening, in as few statements and as
little CPU as the databases allow. It reads no ticket first: the UPDATE that marks the ticket used checks
it and returns its voter group. It runs its statements on a pool connection of its own, through the
driver (``driver_sql``), not through the Session, and publishes the new live version after the
connection is back in the pool.

* SQLite: the bidder's row, then the ticket, the card's upsert and the event's live version in one
  transaction. The write lock is held from the ticket's UPDATE to the commit, with no Python work of
  SQLAlchemy's in between, so the other worker process waits for it less.
* PostgreSQL: one statement with CTEs that checks the bidder's state, marks the ticket and upserts the
  card, in autocommit mode: one round trip, no BEGIN and no COMMIT; the statement is prepared once per
  connection (``driver_sql.PreparedStatement``, unless ``PREPARED_STATEMENTS`` is off), so the server
  does not parse and plan it for every card; a kept seat's ids and frozen moment are written into its
  ``EXECUTE`` as literals (``PreparedStatement.with_literals``), so a card sends only its own values.
  What the card is checked against before it (the bidder's ids, its frozen tender's scale and criteria)
  is kept per process after the bidder's first card (``cast_ticket_card``); the bidder's and tender's
  state are read by the statement itself, so a bidder closed a moment ago refuses the card. It does not
  touch the event row, which every card of the evening would lock in turn: the live version is raised
  after the commit, for many cards at once (``live_raise``); the statement only stamps the event's first
  ballot while that is still empty (an UPDATE that matches no row locks none).

Every refusal (the ticket, the bidder's state, an answer, the comment) returns ``None`` with nothing
written; the view then takes the general way, which explains the refusal in its usual order. So does a
connection the database server ended (a restart, a failover, a firewall) while the card was on it: the
fast path has no Session to notice that, so it drops the pool itself, and the general way stores the
card on a fresh connection (if the lost statement did commit, the card is stored once all the same: the
ticket's UPDATE and the card's upsert repeat harmlessly).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm.util import identity_key

from app.extensions import db
from app.models import Bidder, Event, Scorecard, ScoringState, Tender, TenderPhase
from app.models.clock import utcnow
from app.services import changes, live_bus, live_raise, scorecards, tickets
from app.services.driver_sql import DriverStatement, PreparedStatement
from app.services.errors import DomainError


@dataclass(frozen=True)
class _Statements:
    target: DriverStatement
    rules: DriverStatement
    use_ticket: DriverStatement
    upsert: DriverStatement
    raise_version: DriverStatement
    one_statement: DriverStatement | None
    prepared: PreparedStatement | None


_COMPILED: dict[tuple[str, str], _Statements] = {}


@dataclass(frozen=True)
class _Seat:
    """An open bidder as a card POST found it, with the moment its tender froze (the rules it checks
    cards against)."""

    target: scorecards.CardTarget
    frozen_at: datetime | None
    # the prepared card statement with the seat's ids and frozen moment as literals (PostgreSQL, psycopg2)
    prepared: PreparedStatement | None = None


PREPARED_NAME = "buurtstem_card"  # the card statement's name on every PostgreSQL connection that ran it
SEATS_KEPT = 256  # bidders whose seat a process keeps (an evening has a handful)


def cast_ticket_card(ticket_id: int, bidder_public_id: str, answers: Mapping[str, str | int | None],
                     comment: str = "") -> int | None:
    """Store the card of the ticket ``ticket_id`` for a bidder whose scoring is open (a later card replaces
    the earlier one); the card's id, or ``None`` when anything refuses it (nothing written then).

    On PostgreSQL the bidder's seat (``_Seat``: ids, scale and criteria of a frozen tender) is kept per
    process after a card it took, and the next card for it is checked against the kept rules and stored
    in one statement that re-checks the bidder's state on the rows as they are (``_one_statement``): one
    round trip per card. Any refusal forgets the seat, so the next card reads it again."""
    engine = db.engine
    statements = _statements(engine.dialect)
    seats: dict[str, _Seat] | None = None
    if statements.one_statement is not None:
        seats = current_app.extensions.setdefault("card_seats", {})
    seat = seats.get(bidder_public_id) if seats is not None else None
    stored = None
    lost: Exception | None = None
    connection = engine.raw_connection()
    driver = connection.driver_connection
    try:
        if seats is not None:
            driver.autocommit = True  # type: ignore[union-attr]
        cursor = connection.cursor()
        if seat is None:
            seat = _read_seat(cursor, statements, bidder_public_id)
        values = None if seat is None else _card_values(seat, ticket_id, answers, comment)
        if values is not None and seat is not None and seat.prepared is not None \
                and current_app.config["PREPARED_STATEMENTS"]:
            stored = seat.prepared.first(connection, cursor, values)
        elif values is not None and statements.one_statement is not None:
            stored = statements.one_statement.first(cursor, values)
        elif values is not None:
            stored = _in_one_transaction(connection, cursor, statements, values)
    except engine.dialect.loaded_dbapi.Error as error:
        if not engine.dialect.is_disconnect(error, driver, None):
            raise
        lost = error
    finally:
        if lost is not None:
            connection.invalidate(lost)
        elif seats is not None:
            driver.autocommit = False  # type: ignore[union-attr]
        connection.close()
    if lost is not None:
        # What a Session does on a lost connection: the pool's other connections are likely gone too (a
        # restart, a failover), so it starts afresh; the view then stores the card the general way.
        engine.dispose()
        return None
    if seats is not None:
        _remember(seats, bidder_public_id, seat if stored is not None else None)
    if stored is None or seat is None:
        return None
    _committed(seat.target.event_id, stored[1] if statements.one_statement is None else None)
    card_id: int = stored[0]
    return card_id


def _read_seat(cursor: Any, statements: _Statements, bidder_public_id: str) -> _Seat | None:
    """The bidder's row and its tender's rules (read unless kept, ``scorecards.tender_rules``)."""
    row = statements.target.first(cursor, {"public_id": bidder_public_id})
    if row is None:
        return None
    target = scorecards.target_from(
        row, bidder_public_id, lambda tender_id: statements.rules.rows(cursor, {"tender_id": tender_id}))
    seat = _Seat(target, row[6])
    if statements.prepared is None:
        return seat
    # the values of ``_card_values`` that are the same for every card of the seat
    same = {"card_bidder_id": target.bidder_id, "card_tender_id": target.tender_id, "in_event": target.event_id,
            "card_frozen_at": seat.frozen_at}
    return dataclasses.replace(seat, prepared=statements.prepared.with_literals(cursor, same))


def _card_values(seat: _Seat, ticket_id: int, answers: Mapping[str, str | int | None],
                 comment: str) -> dict[str, Any] | None:
    """The statements' parameters for a card that ``checked_card`` lets through, else ``None``."""
    target = seat.target
    try:
        scores, text = scorecards.checked_card(target, answers, comment)
    except DomainError:
        return None
    now = utcnow()
    card = {"tender_id": target.tender_id, "bidder_id": target.bidder_id, "ticket_id": ticket_id,
            "voter_key": scorecards.ticket_key(ticket_id), "channel": "phone", "scores": scores,
            "comment": text, "comment_hidden": False, "created_at": now, "updated_at": now,
            "frozen_at": seat.frozen_at}
    # every statement's parameters: its own names, and the card's under the names each statement gives them
    return card | {f"card_{name}": value for name, value in card.items()} | {
        "in_event": target.event_id, "event": target.event_id, "now": now}


def _remember(seats: dict[str, _Seat], bidder_public_id: str, seat: _Seat | None) -> None:
    """Keep the seat of a bidder that just took a card; forget it after a refusal."""
    if seat is None:
        seats.pop(bidder_public_id, None)
    elif bidder_public_id not in seats:
        if len(seats) >= SEATS_KEPT:
            seats.clear()
        seats[bidder_public_id] = seat


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
        one = DriverStatement.compile(_one_statement(), dialect) if dialect.name == "postgresql" else None
        found = _COMPILED[key] = _Statements(
            DriverStatement.compile(scorecards.TARGET, dialect),
            DriverStatement.compile(scorecards.RULES, dialect),
            DriverStatement.compile(tickets.USE_FOR_PHONE, dialect),
            DriverStatement.compile(scorecards.upsert_statement(dialect.name), dialect),
            DriverStatement.compile(changes.RAISE_BALLOT, dialect),
            one,
            PreparedStatement.of(one, PREPARED_NAME) if one is not None and dialect.driver == "psycopg2" else None)
    return found


def _one_statement() -> sa.Select[Any]:
    """``WITH open AS (SELECT … FROM bidders JOIN tenders … WHERE <the bidder still takes this card>), ticket
    AS (UPDATE tickets … WHERE … AND EXISTS (SELECT … FROM open) RETURNING group_id), card AS (INSERT INTO
    scorecards … SELECT … FROM ticket ON CONFLICT … RETURNING id), first AS (UPDATE events SET
    first_ballot_at … WHERE first_ballot_at IS NULL AND EXISTS (SELECT … FROM card)) SELECT card.id``: each
    part runs only if the one before it found or wrote its row, so the rows are locked in the usual order
    (ticket, card, event), and a refusal writes nothing.

    ``open`` is ``checked_card``'s test of the bidder's state, made by the statement itself on the rows as
    they are now: the bidder's scoring is open, its tender is not revealed or published, and the tender is
    still frozen at the moment whose rules the card was checked against (``card_frozen_at``).

    The card's parameters are named ``card_<column>``: a parameter named like a column of ``tickets`` or
    ``events`` would be taken as a value to SET by the UPDATEs inside (SQLAlchemy compiles DML with the
    parameter names as column keys)."""
    table = Scorecard.__table__
    events = Event.__table__
    bidders, tenders = Bidder.__table__, Tender.__table__
    still_open = (sa.select(bidders.c.id).join_from(bidders, tenders, bidders.c.tender_id == tenders.c.id)
                  .where(bidders.c.id == sa.bindparam("card_bidder_id"),
                         tenders.c.id == sa.bindparam("card_tender_id"),
                         tenders.c.event_id == sa.bindparam("in_event"),
                         tenders.c.frozen_at == sa.bindparam("card_frozen_at"),
                         bidders.c.scoring_state == ScoringState.OPEN,
                         tenders.c.phase != TenderPhase.REVEALED, tenders.c.phase != TenderPhase.PUBLISHED)
                  .cte("open"))
    ticket = tickets.USE_FOR_PHONE.where(sa.exists(still_open.select())).cte("ticket")
    given = ("tender_id", "bidder_id", "ticket_id", "voter_key", "channel", "scores", "comment", "comment_hidden",
             "created_at", "updated_at")
    # values the statement already takes under another name, or that every phone card has, are not sent again
    shared = {"ticket_id": sa.bindparam("ticket_id"), "created_at": sa.bindparam("now"),
              "updated_at": sa.bindparam("now"), "channel": sa.literal("phone"), "comment_hidden": sa.literal(False)}
    insert = postgresql.insert(table).from_select(
        [*given, "group_id"],
        sa.select(*(sa.cast(shared.get(name, sa.bindparam(f"card_{name}", type_=table.c[name].type)),
                            table.c[name].type) for name in given), ticket.c.group_id))
    card = insert.on_conflict_do_update(
        index_elements=[table.c.bidder_id, table.c.voter_key],
        set_={"scores": insert.excluded.scores, "comment": insert.excluded.comment,
              "updated_at": insert.excluded.updated_at}).returning(table.c.id).cte("card")
    first = (sa.update(events)
             .where(events.c.id == sa.bindparam("in_event"), events.c.first_ballot_at.is_(None),
                    sa.exists(card.select()))
             .values(first_ballot_at=sa.bindparam("now")).cte("first"))
    return sa.select(card.c.id).add_cte(first)
