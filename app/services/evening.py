"""Running the evening from the host console: doors, bidders, scoring, timer, reveal and publication.

The flow: draft → doors open → per bidder (presenting, scoring open, scoring closed) → all closed →
results revealed → published. Scoring for a bidder may open while it presents or after; the phase becomes
``all_closed`` by itself when the last bidder's scoring closes. Every command here changes what the
projector shows, so each calls ``changes.changed`` before its one commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Bidder, Scorecard, ScoringState, Tender, TenderPhase, Ticket
from app.models.clock import utcnow
from app.services import audit, changes, tickets
from app.services.errors import Conflict, DomainError
from app.services.tender import freeze

RUNNING = (TenderPhase.DOORS_OPEN, TenderPhase.EVENING, TenderPhase.ALL_CLOSED)


def _done(tender: Tender, actor: str, action: str, detail: str = "") -> None:
    audit.record(tender.event, actor, action, detail)
    changes.changed(tender.event)
    db.session.commit()


def open_doors(tender: Tender, actor: str) -> None:
    """Show the join QR: from draft to doors open. Needs at least one criterion and one bidder."""
    if tender.phase is not TenderPhase.DRAFT:
        raise Conflict("wrong_phase")
    if not tender.criteria or not tender.bidders:
        raise Conflict("tender_incomplete")
    tender.phase = TenderPhase.DOORS_OPEN
    tender.doors_opened_at = utcnow()
    _done(tender, actor, "doors_opened")


def current_bidder(tender: Tender) -> Bidder | None:
    return next((b for b in tender.bidders if b.id == tender.current_bidder_id), None)


def step_bidder(tender: Tender, actor: str, offset: int) -> Bidder:
    """Go to the next (+1) or previous (-1) bidder in presentation order; the first step starts the evening."""
    if tender.phase not in RUNNING:
        raise Conflict("wrong_phase")
    order = list(tender.bidders)
    now = current_bidder(tender)
    index = -1 if now is None else order.index(now)
    target = index + offset
    if now is None and offset < 0:
        target = 0
    if not 0 <= target < len(order):
        raise Conflict("no_such_bidder")
    bidder = order[target]
    if now is not None and now.timer_started_at is not None:
        _pause(now)
    tender.current_bidder_id = bidder.id
    if bidder.presented_at is None:
        bidder.presented_at = utcnow()
    if tender.phase is TenderPhase.DOORS_OPEN:
        tender.phase = TenderPhase.EVENING
    _done(tender, actor, "bidder_presenting", bidder.name)
    return bidder


def open_scoring(tender: Tender, bidder: Bidder, actor: str) -> None:
    """Open scoring for ``bidder`` (during or after its presentation); the first opening freezes the tender.

    Reopening a closed bidder is possible until the results are revealed, and is recorded as such.
    """
    if tender.phase not in RUNNING:
        raise Conflict("wrong_phase")
    if bidder.scoring_state is ScoringState.OPEN:
        return
    freeze(tender)
    action = "scoring_reopened" if bidder.scoring_state is ScoringState.CLOSED else "scoring_opened"
    bidder.scoring_state = ScoringState.OPEN
    bidder.scoring_opened_at = utcnow()
    bidder.scoring_closed_at = None
    tender.phase = TenderPhase.EVENING
    _done(tender, actor, action, bidder.name)


def close_scoring(tender: Tender, bidder: Bidder, actor: str) -> None:
    """Close scoring for ``bidder``; when every bidder is closed the evening moves to 'all closed'."""
    if bidder.scoring_state is not ScoringState.OPEN:
        raise Conflict("scoring_not_open", bidder=bidder.name)
    bidder.scoring_state = ScoringState.CLOSED
    bidder.scoring_closed_at = utcnow()
    if all(b.scoring_state is ScoringState.CLOSED for b in tender.bidders):
        tender.phase = TenderPhase.ALL_CLOSED
    _done(tender, actor, "scoring_closed", bidder.name)


def timer_seconds(bidder: Bidder, now: datetime | None = None) -> int:
    """Seconds the bidder's presentation timer has run."""
    running = 0
    if bidder.timer_started_at is not None:
        running = int(((now or utcnow()) - bidder.timer_started_at).total_seconds())
    return bidder.timer_elapsed + max(running, 0)


def _pause(bidder: Bidder) -> None:
    bidder.timer_elapsed = timer_seconds(bidder)
    bidder.timer_started_at = None


def timer(tender: Tender, bidder: Bidder, actor: str, command: str) -> None:
    """``start``, ``pause`` or ``reset`` the presentation timer of ``bidder``."""
    if command == "start":
        if bidder.timer_started_at is None:
            bidder.timer_started_at = utcnow()
    elif command == "pause":
        if bidder.timer_started_at is not None:
            _pause(bidder)
    elif command == "reset":
        bidder.timer_started_at = None
        bidder.timer_elapsed = 0
    else:
        raise DomainError("timer_command_unknown")
    _done(tender, actor, "timer_" + command, bidder.name)


def set_slot(tender: Tender, actor: str, minutes: int) -> None:
    if not 1 <= minutes <= 120:
        raise DomainError("slot_invalid")
    tender.slot_seconds = minutes * 60
    _done(tender, actor, "slot_changed", str(minutes))


def reveal_results(tender: Tender, actor: str) -> None:
    """Show the results on the projector; only when every bidder's scoring is closed."""
    if tender.phase is not TenderPhase.ALL_CLOSED:
        raise Conflict("reveal_too_early")
    tender.phase = TenderPhase.REVEALED
    tender.results_revealed_at = utcnow()
    _done(tender, actor, "results_revealed")


def publish_results(tender: Tender, actor: str) -> None:
    """Make the results public (the advice report reads this phase); only after revealing them."""
    if tender.phase is not TenderPhase.REVEALED:
        raise Conflict("publish_too_early")
    tender.phase = TenderPhase.PUBLISHED
    tender.published_at = utcnow()
    _done(tender, actor, "results_published")


@dataclass(frozen=True)
class BidderCount:
    bidder: Bidder
    cards: int
    phone: int
    paper: int
    imported: int
    open_join: int


@dataclass(frozen=True)
class ConsoleState:
    """What the host console shows besides the tender itself."""

    per_bidder: tuple[BidderCount, ...]
    tickets_issued: int
    tickets_used: int
    tickets_phone: int
    tickets_paper: int


def console_state(tender: Tender) -> ConsoleState:
    """Cards per bidder and channel, and ticket use, in two queries."""
    rows = db.session.execute(
        sa.select(Scorecard.bidder_id, Scorecard.channel, Scorecard.ticket_id.is_(None), sa.func.count())
        .where(Scorecard.tender_id == tender.id)
        .group_by(Scorecard.bidder_id, Scorecard.channel, Scorecard.ticket_id.is_(None))
    ).all()
    counts: dict[int, dict[str, int]] = {b.id: {"phone": 0, "paper": 0, "import": 0, "open": 0} for b in tender.bidders}
    for bidder_id, channel, no_ticket, count in rows:
        per = counts.setdefault(bidder_id, {"phone": 0, "paper": 0, "import": 0, "open": 0})
        per[channel] = per.get(channel, 0) + count
        if channel == "phone" and no_ticket:
            per["open"] += count
    per_bidder = tuple(
        BidderCount(b, sum(v for k, v in counts[b.id].items() if k != "open"), counts[b.id]["phone"],
                    counts[b.id]["paper"], counts[b.id]["import"], counts[b.id]["open"])
        for b in tender.bidders
    )
    by_status = tickets.ticket_counts(tender.event)
    channels: dict[str, int] = {
        str(channel): int(count) for channel, count in db.session.execute(
            sa.select(Ticket.channel, sa.func.count())
            .where(Ticket.event_id == tender.event_id, Ticket.channel.is_not(None))
            .group_by(Ticket.channel))
    }
    return ConsoleState(per_bidder, by_status["total"], by_status["used"],
                        channels.get("phone", 0), channels.get("paper", 0))
