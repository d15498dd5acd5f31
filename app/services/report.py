"""Building the advice report of an event from the database and the scoring domain, and publishing it.

:func:`build_report` is a query: it reads the tender, its cards and records, counts with
``app.domain.report.count`` and returns one frozen :class:`~app.domain.report.Report`. The cards go
through the canonical anonymous ballot export first; its SHA-256 seeds the bootstrap and is printed in the
report, so anyone holding the export can repeat every number (``flask --app app recount``).

Everything counted depends only on the export: the bootstrap (2,000 resamples, the slow part) on the
ballots and the method, the whole :class:`~app.domain.report.Counted` (tally, bootstrap, participation) on
the ballots and the manifest (names, weights, method, scale). Both are kept in small per-process caches
keyed by those hashes, so a second look at the same results (the report page, then its PDF) pays only the
export, not the count again.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Generic, TypeVar

import sqlalchemy as sa

from app.domain import scoring
from app.domain.report import (
    BidderFacts,
    Counted,
    Decision,
    LogLine,
    Reaction,
    Report,
    count,
    seed_for,
)
from app.domain.scoring.robustness import DEFAULT_RESAMPLES
from app.extensions import db
from app.models import AuditEntry, Bidder, Event, EventStatus, Scorecard, Tender, TenderPhase
from app.models.clock import utcnow
from app.models.report import CommitteeDecision
from app.services import tender as tenders
from app.services import tickets
from app.services.errors import Conflict, NotFound

# what the process log leaves out: presentation-timer clicks and similar console noise
QUIET_ACTIONS = frozenset({"timer_start", "timer_pause", "timer_reset", "slot_changed", "bidder_moved"})
CACHE_SIZE = 16

T = TypeVar("T")


class _Recent(Generic[T]):
    """The last :data:`CACHE_SIZE` values computed, by key (least recently used dropped first); thread-safe.
    Two threads that miss the same key at once both compute it: the values are equal, the last one stays."""

    def __init__(self) -> None:
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > CACHE_SIZE:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_robustness: _Recent[scoring.Robustness] = _Recent()
_counted: _Recent[Counted] = _Recent()


@dataclass(frozen=True)
class Snapshot:
    """The counted inputs of a report: the domain set-up, the cards and their canonical export."""

    scale: scoring.Scale
    criteria: tuple[scoring.Criterion, ...]
    bidders: tuple[scoring.Bidder, ...]
    method: scoring.Method
    cards: tuple[scoring.Card, ...]
    export: scoring.BallotExport

    @property
    def ballots_sha256(self) -> str:
        return scoring.sha256_of_export(self.export.ballots_csv)


def tender_of(event: Event) -> Tender:
    """The event's tender; ``no_report`` when the event has no Idols evening."""
    tender = tenders.tender_for_event(event)
    if tender is None:
        raise NotFound("no_report")
    return tender


def snapshot(tender: Tender) -> Snapshot:
    """The tender's cards as the domain sees them (hidden comments already blanked) and their export.

    After a privacy purge the cards come from the archived export (see ``app/services/privacy.py``).
    """
    from app.services.privacy import archived_export

    archived = archived_export(tender.event_id)
    if archived is not None:
        read = scoring.parse_export(archived.ballots_csv, archived.manifest_json)
        return Snapshot(read.scale, read.criteria, read.bidders, read.method, read.cards,
                        scoring.BallotExport(archived.ballots_csv, archived.manifest_json))
    scale, method = tenders.scale_of(tender), tenders.method_of(tender)
    criteria, bidders = tuple(tenders.criteria_of(tender)), tuple(tenders.bidders_of(tender))
    if not criteria or not bidders:
        raise Conflict("report_nothing_to_count")
    cards = tuple(tenders.cards_for_tally(tender))
    export = scoring.export_ballots(scale, criteria, bidders, cards, method)
    return Snapshot(scale, criteria, bidders, method, cards, export)


def cached_robustness(found: Snapshot, resamples: int = DEFAULT_RESAMPLES) -> scoring.Robustness:
    """The bootstrap for these cards, computed once per process and export."""
    return _robustness.get(
        (found.ballots_sha256, found.method.value, resamples),
        lambda: scoring.robustness(found.scale, found.criteria, found.bidders, found.cards, found.method,
                                   random.Random(seed_for(found.ballots_sha256)), resamples),  # noqa: S311
    )


def cached_counted(found: Snapshot, resamples: int = DEFAULT_RESAMPLES) -> Counted:
    """Tally, bootstrap and participation for this export, computed once per process and export.

    Keyed by the manifest's hash, which holds the ballots' hash, the method, the scale, and the criteria and
    bidders with their names and weights: all that :func:`~app.domain.report.count` reads.
    """
    return _counted.get(
        (scoring.sha256_of_export(found.export.manifest_json), resamples),
        lambda: count(found.scale, found.criteria, found.bidders, found.cards, found.method, found.ballots_sha256,
                      resamples, cached_robustness(found, resamples)),
    )


def build_report(event: Event, now: datetime | None = None, resamples: int = DEFAULT_RESAMPLES) -> Report:
    """The advice report of ``event`` in its current state (published or not: callers check access)."""
    tender = tender_of(event)
    found = snapshot(tender)
    counted = cached_counted(found, resamples)
    ticket_counts = tickets.ticket_counts(event)
    return Report(
        event_public_id=event.public_id,
        event_title=event.title,
        tender_title=tender.title,
        language=event.language,
        location=event.location,
        starts_at=event.starts_at,
        counted=counted,
        group_weights=tuple((group.name, Fraction(group.weight)) for group in event.groups),
        weights_frozen_at=tender.frozen_at,
        tickets_issued=ticket_counts["total"] - ticket_counts.get("voided", 0),
        tickets_used=ticket_counts["used"],
        bidder_facts=_bidder_facts(tender),
        reactions=_reactions(tender),
        process_log=_process_log(event),
        revealed_at=tender.results_revealed_at,
        published_at=tender.published_at,
        generated_at=now or utcnow(),
        manifest_sha256=scoring.sha256_of_export(found.export.manifest_json),
        decision=decision_of(event),
    )


def _bidder_facts(tender: Tender) -> tuple[BidderFacts, ...]:
    hidden: dict[int, int] = {bidder_id: amount for bidder_id, amount in db.session.execute(
        sa.select(Scorecard.bidder_id, sa.func.count())
        .where(Scorecard.tender_id == tender.id, Scorecard.comment_hidden.is_(True), Scorecard.comment != "")
        .group_by(Scorecard.bidder_id)
    )}
    return tuple(BidderFacts(bidder.public_id, bidder.scoring_opened_at, bidder.scoring_closed_at,
                             int(hidden.get(bidder.id, 0)))
                 for bidder in tender.bidders)


def _reactions(tender: Tender) -> tuple[Reaction, ...]:
    from app.services.live import reaction_counts

    return tuple(Reaction(bidder, kind, amount)
                 for bidder, kinds in reaction_counts(tender).items() for kind, amount in kinds.items())


def _process_log(event: Event) -> tuple[LogLine, ...]:
    """The event's audit entries, oldest first, without console noise and without who did it (the report
    is about the process, not about the volunteers)."""
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.event_id == event.id).order_by(AuditEntry.at, AuditEntry.id)
    )
    return tuple(LogLine(entry.at, entry.action, entry.detail) for entry in entries
                 if entry.action not in QUIET_ACTIONS)


def decision_of(event: Event) -> Decision | None:
    row = db.session.scalar(sa.select(CommitteeDecision).where(CommitteeDecision.event_id == event.id))
    if row is None:
        return None
    bidder = db.session.get(Bidder, row.bidder_id) if row.bidder_id is not None else None
    return Decision(bidder.public_id if bidder else None, bidder.name if bidder else None, row.reasons,
                    row.decided_at)


def is_published(event: Event) -> bool:
    tender = tenders.tender_for_event(event)
    return tender is not None and tender.published_at is not None


def publish_report(event: Event, actor: str) -> None:
    """Publish the results and the advice report (the console's publish step: only after the reveal)."""
    from app.services.evening import publish_results

    tender = tender_of(event)
    if tender.phase is TenderPhase.PUBLISHED:
        raise Conflict("already_published")
    publish_results(tender, actor)


@dataclass(frozen=True)
class PublicPage:
    """What ``/e/<public_id>`` shows: always the title and bijsluiter, the report only once published."""

    title: str
    description: str
    tender_title: str
    bijsluiter: str
    report: Report | None


def public_page(event: Event) -> PublicPage:
    """The event's public page; a draft event (nothing announced yet) is "not found"."""
    tender = tenders.tender_for_event(event)
    announced = event.status is not EventStatus.DRAFT or (tender is not None and tender.phase is not TenderPhase.DRAFT)
    if not announced:
        raise NotFound("event_not_found")
    published = tender is not None and tender.published_at is not None
    return PublicPage(event.title, event.description, tender.title if tender else "",
                      tender.bijsluiter if tender else "", build_report(event) if published else None)
