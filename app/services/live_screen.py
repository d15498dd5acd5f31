"""What live screens show: one snapshot per event version, computed once per process and shared by all
screens (see ``app/services/live_bus.py``), and the sealed results the host reveals.

Two audiences: ``screen`` (projector and phones: nothing sealed, no pending questions) and ``host`` (adds
the questions waiting for approval). Results are never part of a snapshot: a snapshot only carries
``results_key``, which changes when revealed results change, and the page then reloads to show the
server-rendered results. Before the reveal ``results_key`` is ``None``, so not even a hint leaks.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask

from app.domain import scoring
from app.extensions import db
from app.models import Bidder, Event, Scorecard, Tender, Ticket, TicketStatus
from app.models.clock import utcnow
from app.services import live
from app.services.live_bus import Cached, Hub
from app.services.tender import bidders_of, cards_for_tally, criteria_of, method_of, scale_of, tender_for_event

AUDIENCES = ("screen", "host")
PROJECTOR_QUESTIONS = 5


@dataclass(frozen=True)
class Snapshot:
    """A snapshot as sent: ``body`` is its JSON text, serialised once for every screen."""

    version: int
    body: str


def _timer(bidder: Bidder, slot_seconds: int, now_ms: int) -> dict[str, Any]:
    elapsed = float(bidder.timer_elapsed or 0)
    running = bidder.timer_started_at is not None
    if bidder.timer_started_at is not None:
        elapsed += max(0.0, (utcnow() - bidder.timer_started_at).total_seconds())
    return {"elapsed": round(elapsed, 1), "running": running, "slot": slot_seconds, "at": now_ms}


def build_snapshot(event_id: int, audience: str, pid: int) -> Snapshot:
    """Read everything a screen shows in one go. The version is read first, so the content is at least
    as new as the version it is labelled with."""
    event = db.session.get(Event, event_id)
    if event is None:
        return Snapshot(-1, json.dumps({"version": -1, "gone": True}))
    version = event.live_version
    now_ms = int(time.time() * 1000)
    tender = tender_for_event(event)
    tickets_in_use = db.session.scalar(sa.select(sa.func.count(Ticket.id)).where(
        Ticket.event_id == event.id, Ticket.status == TicketStatus.USED)) or 0
    body: dict[str, Any] = {
        "version": version, "pid": pid, "title": event.title, "phase": None, "bidder": None, "cards": 0,
        "tickets_in_use": tickets_in_use, "revealed": False, "results_key": None, "reactions": None,
        "questions": [],
    }
    if tender is not None:
        body["phase"] = tender.phase.value
        bidder = db.session.get(Bidder, tender.current_bidder_id) if tender.current_bidder_id else None
        if bidder is not None:
            body["bidder"] = {"id": bidder.public_id, "name": bidder.name, "position": bidder.position + 1,
                              "of": len(tender.bidders), "scoring": bidder.scoring_state.value,
                              "timer": _timer(bidder, tender.slot_seconds, now_ms)}
            body["cards"] = db.session.scalar(sa.select(sa.func.count(Scorecard.id)).where(
                Scorecard.bidder_id == bidder.id)) or 0
            body["reactions"] = live.reaction_counts(tender)[bidder.public_id]
            body["questions"] = [{"id": q.public_id, "text": q.text, "votes": q.votes}
                                 for q in live.approved_questions(bidder.id, PROJECTOR_QUESTIONS)]
        if tender.results_revealed_at is not None:
            total = db.session.scalar(sa.select(sa.func.count(Scorecard.id)).where(
                Scorecard.tender_id == tender.id)) or 0
            body["revealed"] = True
            body["results_key"] = f"{tender.results_revealed_at.isoformat()}/{total}"
    if audience == "host":
        body["pending"] = [{"id": q.public_id, "text": q.text, "bidder": q.bidder.name}
                           for q in live.pending_questions(event)]
    return Snapshot(version, json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def snapshot(app: Flask, hub: Hub, event_id: int, audience: str, at_least: int) -> Snapshot:
    """The snapshot of ``event_id`` at version ``at_least`` or newer, from the process cache if possible.
    Opens (and closes) its own app context and database session: screens hold none while they wait."""

    def compute() -> Cached:
        with app.app_context():
            fresh = build_snapshot(event_id, audience, hub.pid)
        return Cached(fresh.version, fresh)

    found: Snapshot = hub.cached(event_id, audience, at_least, compute).value
    return found


def sse_message(found: Snapshot) -> str:
    """One server-sent event: the cached snapshot wrapped with the server's clock, for the timer."""
    now_ms = int(time.time() * 1000)
    return f'id: {found.version}\nevent: snapshot\ndata: {{"now":{now_ms},"snapshot":{found.body}}}\n\n'


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class LiveResults:
    """The tally with the names a screen needs; ``result`` is ``None`` while nobody scored anything."""

    result: scoring.TenderResult | None
    criteria_names: dict[str, str]
    revealed: bool


def live_results(tender: Tender) -> LiveResults:
    """Count every card now. For the projector only after the reveal; the host may preview it earlier."""
    criteria = criteria_of(tender)
    bidders = bidders_of(tender)
    names = {criterion.key: criterion.name for criterion in criteria}
    revealed = tender.results_revealed_at is not None
    if not criteria or not bidders:
        return LiveResults(None, names, revealed)
    cards = cards_for_tally(tender)
    if not cards:
        return LiveResults(None, names, revealed)
    return LiveResults(scoring.tally(scale_of(tender), criteria, bidders, cards, method_of(tender)), names, revealed)
