"""Importing score cards from CSV (``flask --app app ballots import EVENT FILE.csv``).

All-or-nothing: the file is read and validated completely (``app/domain/ballot_csv.py``, the same card
validation as phones), then every card is stored in one transaction. Imported cards are not tied to
tickets: each ballot gets the voter key ``import-<ballot>`` and channel ``import``. A ballot name already
imported for the same bidder is refused rather than overwritten. Any state of the evening is fine; like
the first scoring, an import freezes the tender.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.domain.ballot_csv import BallotCsvError, read_ballot_csv
from app.extensions import db
from app.models import Event, Scorecard, TenderPhase
from app.models.clock import utcnow
from app.services import audit, changes
from app.services.errors import Conflict, DomainError
from app.services.tender import bidders_of, criteria_of, freeze, require_tender, scale_of


def import_voter_key(ballot: str) -> str:
    return "import-" + ballot


def import_ballots(event: Event, text: str, actor: str) -> int:
    """Store every card in ``text``; returns how many cards were stored."""
    tender = require_tender(event)
    if tender.phase is TenderPhase.PUBLISHED:
        raise Conflict("already_published")
    try:
        cards = read_ballot_csv(text, scale_of(tender), criteria_of(tender), bidders_of(tender),
                                [group.name for group in event.groups])
    except BallotCsvError as error:
        raise DomainError(error.code, line=error.line, **error.params) from None
    bidder_ids = {b.public_id: b.id for b in tender.bidders}
    group_ids = {g.name: g.id for g in event.groups}
    existing: set[tuple[int, str]] = {(row[0], row[1]) for row in db.session.execute(
        sa.select(Scorecard.bidder_id, Scorecard.voter_key).where(Scorecard.tender_id == tender.id,
                                                                  Scorecard.channel == "import"))}
    freeze(tender)
    now = utcnow()
    for card in cards:
        key = import_voter_key(card.ballot)
        if (bidder_ids[card.bidder], key) in existing:
            raise DomainError("csv_ballot_exists", line=card.line, ballot=card.ballot)
        db.session.add(Scorecard(tender_id=tender.id, bidder_id=bidder_ids[card.bidder], ticket_id=None,
                                 voter_key=key, group_id=group_ids[card.group], channel="import",
                                 scores=card.scores, comment="", created_at=now, updated_at=now))
    audit.record(event, actor, "ballots_imported", f"{len(cards)} cards")
    changes.ballot_stored(event.id)
    db.session.commit()
    return len(cards)
