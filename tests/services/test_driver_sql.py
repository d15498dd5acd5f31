"""Statements run on the driver's cursor give and take values exactly as SQLAlchemy's own execution does."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Scorecard
from app.services import scorecards
from app.services.driver_sql import DriverStatement
from tests.tender_factories import make_tender

_COLUMNS = (Scorecard.id, Scorecard.channel, Scorecard.scores, Scorecard.comment, Scorecard.comment_hidden,
            Scorecard.created_at, Scorecard.updated_at)


def _run(statement: DriverStatement, values: dict) -> list[tuple]:
    connection = db.engine.raw_connection()
    try:
        rows = statement.rows(connection.cursor(), values)
        connection.commit()
    finally:
        connection.close()
    return rows


def test_a_row_written_through_the_driver_reads_back_the_same_both_ways(app) -> None:
    """JSON, booleans and timestamps go through the columns' type processing in both directions."""
    tender = make_tender()
    dialect = db.engine.dialect
    insert = (sa.insert(Scorecard.__table__).values(
        tender_id=sa.bindparam("tender_id"), bidder_id=sa.bindparam("bidder_id"), voter_key=sa.bindparam("key"),
        group_id=sa.bindparam("group_id"), channel="paper", scores=sa.bindparam("scores", type_=sa.JSON),
        comment=sa.bindparam("comment"),
        comment_hidden=sa.bindparam("hidden", type_=sa.Boolean), created_at=sa.bindparam("at", type_=sa.DateTime),
        updated_at=sa.bindparam("at", type_=sa.DateTime))
        .returning(*_COLUMNS))
    at = datetime(2026, 12, 2, 20, 15, 30, 123456)
    scores = {"a": 7, "b": None, "c": "x"}
    [written] = _run(DriverStatement.compile(insert, dialect), {
        "tender_id": tender.id, "bidder_id": tender.bidders[0].id, "key": scorecards.ticket_key(1),
        "group_id": tender.event.groups[0].id,
        "scores": scores, "comment": "Prima 'avond' 😊", "hidden": True, "at": at})

    by_sqlalchemy = db.session.execute(sa.select(*_COLUMNS)).one()
    read = sa.select(*_COLUMNS).where(Scorecard.id == sa.bindparam("card_id"))
    [by_driver] = _run(DriverStatement.compile(read, dialect), {"card_id": written[0]})
    assert tuple(by_sqlalchemy) == written == by_driver
    assert written[1:] == ("paper", scores, "Prima 'avond' 😊", True, at, at)


def test_a_statement_without_a_row_gives_none(app) -> None:
    statement = DriverStatement.compile(sa.select(Scorecard.id).where(Scorecard.id == sa.bindparam("card_id")),
                                        db.engine.dialect)
    connection = db.engine.raw_connection()
    try:
        assert statement.first(connection.cursor(), {"card_id": 1}) is None
    finally:
        connection.close()
