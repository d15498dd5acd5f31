"""The raiser: a card's live version raised after its commit, many cards in one round, none forgotten."""

from __future__ import annotations

import dataclasses
import logging
import time

import sqlalchemy as sa

from app.extensions import db
from app.models import Event
from app.services import live_raise
from app.services.driver_sql import DriverStatement
from app.services.live_bus import hub
from tests.live_helpers import make_evening


def _stored_version(event_id: int) -> int:
    with db.engine.connect() as connection:
        version: int = connection.execute(sa.select(Event.live_version).where(Event.id == event_id)).scalar_one()
    return version


def test_a_raise_reaches_the_database_and_the_screens(app) -> None:
    found = make_evening()
    before = found.event.live_version
    db.session.commit()
    live_raise.raiser().soon(found.event.id)
    assert hub().wait(found.event.id, before, timeout=10) == before + 1
    assert _stored_version(found.event.id) == before + 1


def test_raises_asked_for_meanwhile_are_done_in_one_round(app) -> None:
    """While the raiser is busy, twenty cards ask; one more round covers all of them."""
    found = make_evening()
    before = found.event.live_version
    db.session.commit()
    raiser = live_raise.raiser()
    with raiser._condition:  # the raiser cannot take the events asked for until this block ends
        for _ in range(20):
            raiser.soon(found.event.id)
    assert hub().wait(found.event.id, before, timeout=10) == before + 1
    time.sleep(0.2)  # a second round, if any, would have raised it again by now
    assert _stored_version(found.event.id) == before + 1


def test_a_round_runs_on_the_driver_and_gives_its_connection_back_as_it_found_it(app) -> None:
    """No statement of SQLAlchemy's Connection (its execution costs more CPU than the UPDATE), and on
    PostgreSQL the connection goes back to the pool out of autocommit mode."""
    found = make_evening()
    event_id, before = found.event.id, found.event.live_version
    db.session.commit()
    db.session.remove()
    executed: list[str] = []
    checked_in: list[bool] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: executed.append(args[2]))
    sa.event.listen(db.engine, "checkin", lambda driver, _record: checked_in.append(
        bool(getattr(driver, "autocommit", False))))
    live_raise.raiser().soon(event_id)
    assert hub().wait(event_id, before, timeout=10) == before + 1
    assert executed == []
    assert checked_in == [False]
    assert _stored_version(event_id) == before + 1


def test_a_failed_raise_is_tried_again(app, monkeypatch, caplog) -> None:
    """The round fails on the server; its connection leaves the pool, and the next round raises the version."""
    found = make_evening()
    before = found.event.live_version
    db.session.commit()
    invalidated: list[bool] = []
    sa.event.listen(db.engine, "invalidate", lambda *_args: invalidated.append(True))
    monkeypatch.setattr(live_raise, "RETRY_SECONDS", 0.01)
    real = live_raise.Raiser._raise

    def broken(engine: sa.Engine, statement: DriverStatement, ids: list[int]) -> dict[int, int]:
        return real(engine, dataclasses.replace(statement, sql="UPDATE no_such_table SET x = 1 RETURNING x"), ids)

    monkeypatch.setattr(live_raise.Raiser, "_raise", staticmethod(broken))
    with caplog.at_level(logging.WARNING, logger=live_raise.__name__):
        live_raise.raiser().soon(found.event.id)
        deadline = time.monotonic() + 10
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.01)
    assert "Could not raise live versions" in caplog.records[0].getMessage()
    assert hub().version(found.event.id) < before + 1
    assert invalidated
    monkeypatch.undo()
    assert hub().wait(found.event.id, before, timeout=10) == before + 1
    assert _stored_version(found.event.id) == before + 1
