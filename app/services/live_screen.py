"""What live screens show: one snapshot per event version, computed once per process and shared by all
screens (see ``app/services/live_bus.py``), and the sealed results the host reveals.

Two audiences: ``screen`` (projector and phones: nothing sealed, no pending questions) and ``host`` (adds
the questions waiting for approval). Results are never part of a snapshot: a snapshot only carries
``results_key``, which changes when revealed results change, and the page then reloads to show the
server-rendered results. Before the reveal ``results_key`` is ``None``, so not even a hint leaks.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from flask import Flask

from app.domain import scoring
from app.extensions import db
from app.models import (
    Bidder,
    Event,
    Question,
    Reaction,
    ReactionKind,
    Scorecard,
    Tender,
    Ticket,
    TicketStatus,
)
from app.services import live
from app.services.live_bus import Cached, Hub
from app.services.tender import bidders_of, cards_for_tally, criteria_of, method_of, scale_of

AUDIENCES = ("screen", "host")
PROJECTOR_QUESTIONS = 5


# a change to one of these gives every screen the full snapshot instead of a delta
STRUCTURAL = frozenset({"title", "phase", "bidder", "revealed", "results_key", "pid"})


@dataclass(frozen=True)
class Snapshot:
    """A snapshot as sent: ``body`` is its JSON text, serialised once for every screen; ``state`` the
    same as a dict, to compare with the next one."""

    version: int
    body: str
    state: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _timer(bidder: Bidder, slot_seconds: int) -> dict[str, Any]:
    """The timer as ``elapsed`` seconds at server time ``at`` (ms), running on from there or not.

    While it runs, ``at`` is the moment it was started and ``elapsed`` what ran before: the same values
    in every snapshot until the host touches the timer, so a snapshot rebuilt for a score card does not
    differ in its timer and a delta can leave the timer out. The page adds ``now - at`` while running."""
    elapsed = float(bidder.timer_elapsed or 0)
    at = 0
    if bidder.timer_started_at is not None:
        at = int(bidder.timer_started_at.replace(tzinfo=UTC).timestamp() * 1000)
    return {"elapsed": round(elapsed, 1), "running": bidder.timer_started_at is not None, "slot": slot_seconds,
            "at": at}


def timer_now(state: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """``state`` with the timer's ``elapsed`` brought to ``now_ms``, for a page rendered on the server
    (the no-JavaScript projector shows it as it is)."""
    timer = (state.get("bidder") or {}).get("timer")
    if timer and timer["running"]:
        timer["elapsed"] = round(timer["elapsed"] + max(0.0, (now_ms - timer["at"]) / 1000), 1)
        timer["at"] = now_ms
    return state


def build_snapshot(event_id: int, audience: str, pid: int) -> Snapshot:
    """Read everything a screen shows in one go. The version is read first, so the content is at least
    as new as the version it is labelled with.

    Built once per change and process (for every screen), and then mostly spent building SQL in Python:
    so three statements, built once and reused with parameters (:func:`_statements`): the event with its
    tender and the bidder on stage, every count in one statement (scalar subqueries), the approved
    questions."""
    on_stage, counts_of, questions_of = _statements()
    row = db.session.execute(on_stage, {"event": event_id}).first()
    if row is None:
        gone = {"version": -1, "gone": True}
        return Snapshot(-1, json.dumps(gone), gone)
    event, tender, bidder = row
    version = event.live_version
    counts = db.session.execute(counts_of, {"event": event.id, "tender": tender.id if tender else None,
                                            "bidder": bidder.id if bidder else None}).one()._mapping
    body: dict[str, Any] = {
        "version": version, "pid": pid, "title": event.title, "phase": None, "bidder": None, "cards": 0,
        "tickets_in_use": counts["tickets_in_use"], "revealed": False, "results_key": None, "reactions": None,
        "questions": [],
    }
    if tender is not None:
        body["phase"] = tender.phase.value
        if bidder is not None:
            body["bidder"] = {"id": bidder.public_id, "name": bidder.name, "position": bidder.position + 1,
                              "of": counts["bidders"], "scoring": bidder.scoring_state.value,
                              "timer": _timer(bidder, tender.slot_seconds)}
            body["cards"] = counts["cards"]
            body["reactions"] = {kind.value: counts[kind.value] for kind in ReactionKind}
            body["questions"] = [{"id": q.public_id, "text": q.text, "votes": q.votes}
                                 for q in db.session.scalars(questions_of, {"bidder": bidder.id})]
        if tender.results_revealed_at is not None:
            body["revealed"] = True
            body["results_key"] = f"{tender.results_revealed_at.isoformat()}/{counts['all_cards']}"
    if audience == "host":
        body["pending"] = [{"id": q.public_id, "text": q.text, "bidder": q.bidder.name}
                           for q in live.pending_questions(event)]
    return Snapshot(version, _json(body), body)


@functools.cache
def _statements() -> tuple[sa.Select[Event, Tender, Bidder], sa.Select[Any], sa.Select[Question]]:
    """The snapshot's statements with parameters ``event``, ``tender``, ``bidder`` (``None`` when there is
    none: its counts are then 0). Counts: tickets in use; the tender's bidders and all its cards (for the
    results key); the bidder's cards and its reactions per kind (audience colour, never a score: see
    ``live.reaction_counts``). Questions: as ``live.approved_questions`` with the projector's limit."""

    def count(column: Any, *where: Any) -> Any:
        return sa.select(sa.func.count(column)).where(*where).scalar_subquery()

    event: Any = sa.bindparam("event")
    tender: Any = sa.bindparam("tender")
    bidder: Any = sa.bindparam("bidder")
    counts = [
        count(Ticket.id, Ticket.event_id == event, Ticket.status == TicketStatus.USED).label("tickets_in_use"),
        count(Bidder.id, Bidder.tender_id == tender).label("bidders"),
        count(Scorecard.id, Scorecard.tender_id == tender).label("all_cards"),
        count(Scorecard.id, Scorecard.bidder_id == bidder).label("cards"),
        *(count(Reaction.id, Reaction.bidder_id == bidder, Reaction.kind == kind).label(kind.value)
          for kind in ReactionKind),
    ]
    on_stage = (sa.select(Event, Tender, Bidder).outerjoin(Tender, Tender.event_id == Event.id)
                .outerjoin(Bidder, Bidder.id == Tender.current_bidder_id).where(Event.id == event))
    return on_stage, sa.select(*counts), live.approved_questions_query(bidder, PROJECTOR_QUESTIONS)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def snapshot(app: Flask, hub: Hub, event_id: int, audience: str, at_least: int) -> Snapshot:
    """The snapshot of ``event_id`` at version ``at_least`` or newer, from the process cache if possible.
    Opens (and closes) its own app context and database session: screens hold none while they wait."""

    def compute() -> Cached:
        with app.app_context():
            fresh = build_snapshot(event_id, audience, hub.pid)
        return Cached(fresh.version, fresh)

    found: Snapshot = hub.cached(event_id, audience, at_least, compute).value
    return found


def delta_between(before: Snapshot, after: Snapshot) -> dict[str, Any] | None:
    """The fields of ``after`` that differ from ``before``, with its ``version``: what a screen showing
    ``before`` needs to show ``after``. ``None`` when the change is structural (another bidder, the
    timer, the phase, the reveal) or the event is gone: screens then get the full snapshot. A delta of
    only ``version`` means nothing this audience sees has changed."""
    if before.version < 0 or after.version < 0 or before.state.keys() != after.state.keys():
        return None
    delta = {key: value for key, value in after.state.items() if before.state[key] != value}
    if STRUCTURAL.intersection(delta):
        return None
    delta["version"] = after.version
    return delta


def snapshot_message(found: Snapshot, now_ms: int | None = None) -> bytes:
    """One server-sent event with the full snapshot, wrapped with the server's clock (for the timer)."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    return (f'id: {found.version}\nevent: snapshot\ndata: {{"now":{now_ms},"snapshot":{found.body}}}\n\n'
            .encode())


def delta_message(delta: dict[str, Any], now_ms: int | None = None) -> bytes:
    """One server-sent event with the fields that changed; the page merges them into its snapshot."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    return f'id: {delta["version"]}\nevent: delta\ndata: {{"now":{now_ms},"delta":{_json(delta)}}}\n\n'.encode()


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
