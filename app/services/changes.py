"""Marking an event as changed for its live screens.

Every command that changes what a projector or host console shows calls ``changed(event)`` before its
commit. The version rises in the same transaction as the change, so a screen that sees version N sees every
change up to N; the live module fans the new version out to screens after the commit.

The increment is done by the database (``live_version = live_version + 1``), not from the value the
request loaded earlier: two phones' cards that both loaded version N would otherwise both write N + 1, and
the screens, woken once for N + 1, would never learn of the second card. The row lock orders the increments
by commit. Pending writes are flushed first, so the event row is the last row the transaction locks: on
PostgreSQL every card of an event waits for that lock, and it is held only for this statement and the
commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.extensions import db
from app.models import Event
from app.models.clock import utcnow

PENDING_KEY = "live_changed_versions"
_EVENTS = Event.__table__
# a Core statement built once: the ORM's UPDATE path costs about 2 ms of CPU more per command
_RAISE = (sa.update(_EVENTS).where(_EVENTS.c.id == sa.bindparam("event"))
          .values(live_version=_EVENTS.c.live_version + 1).returning(_EVENTS.c.live_version))
# the same, also stamping the event's first ballot (which locks the ballot rules)
RAISE_BALLOT = _RAISE.values(first_ballot_at=sa.func.coalesce(_EVENTS.c.first_ballot_at, sa.bindparam("now")))


def changed(event: Event) -> None:
    """Raise the event's live version; the new version is published once the session commits."""
    db.session.flush()
    _publish(event.id, db.session.connection().execute(_RAISE, {"event": event.id}).scalar_one())


def ballot_stored(event_id: int) -> None:
    """``changed`` for a command that stored a ballot: the same statement also sets the event's
    ``first_ballot_at`` if it is still empty (see ``events.mark_first_ballot``), so a card costs one
    UPDATE of the event row, not two. Takes the id: a phone's card does not load the event."""
    db.session.flush()
    ballot_version_raised(event_id, db.session.connection().execute(
        RAISE_BALLOT, {"event": event_id, "now": utcnow()}).scalar_one())


def ballot_version_raised(event_id: int, version: int) -> None:
    """What ``ballot_stored`` does after its statement, for a command that ran ``RAISE_BALLOT`` (with
    the parameters ``event`` and ``now``) inside a statement of its own."""
    event = _publish(event_id, version)
    if event is not None:
        db.session.expire(event, ["first_ballot_at"])


def _publish(event_id: int, version: int) -> Event | None:
    """Keep a loaded event's ``live_version`` current and note the version to publish after the commit;
    returns the event if this session has it loaded."""
    event = db.session.identity_map.get(identity_key(Event, event_id))
    if event is not None:
        set_committed_value(event, "live_version", version)
    db.session.info.setdefault(PENDING_KEY, {})[event_id] = version
    return event
