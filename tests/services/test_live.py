"""Projector link, applause meter, questions and the live bus (publish after commit, cache per version)."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, QuestionStatus
from app.models.clock import utcnow
from app.services import changes, live, live_screen
from app.services.errors import Conflict, DomainError, Forbidden, TooManyAttempts
from app.services.live_bus import Cached, hub
from tests.live_helpers import cast, close_all_and_reveal, make_evening, on_stage


def test_projector_link_renewal_stops_the_old_link(app) -> None:
    found = make_evening()
    first = live.renew_projector_link(found.event, "host")
    assert live.event_for_projector_key(found.event.public_id, first) == found.event
    second = live.renew_projector_link(found.event, "host")
    assert live.event_for_projector_key(found.event.public_id, second) == found.event
    for wrong in (first, "", "x" * 100):
        with pytest.raises(Forbidden):
            live.event_for_projector_key(found.event.public_id, wrong)


def test_reactions_are_rate_limited_per_ticket_and_counted_per_bidder(app) -> None:
    found = make_evening()
    with pytest.raises(Conflict):  # nobody on stage yet
        live.react(found.ticket(0), found.event, "applause")
    on_stage(found, open_scoring=False)
    now = utcnow()
    live.react(found.ticket(0), found.event, "applause", now)
    with pytest.raises(TooManyAttempts):
        live.react(found.ticket(0), found.event, "heart", now + timedelta(seconds=1))
    live.react(found.ticket(1), found.event, "heart", now + timedelta(seconds=1))
    live.react(found.ticket(0), found.event, "applause", now + timedelta(seconds=3))
    with pytest.raises(DomainError):
        live.react(found.ticket(2), found.event, "boo")
    first, second = found.tender.bidders
    counts = live.reaction_counts(found.tender)
    assert counts[first.public_id] == {"applause": 2, "heart": 1, "thinking": 0}
    assert counts[second.public_id] == {"applause": 0, "heart": 0, "thinking": 0}


def test_questions_wait_for_approval_and_votes_are_unique(app) -> None:
    found = make_evening()
    on_stage(found, open_scoring=False)
    with pytest.raises(DomainError):
        live.ask_question(found.ticket(0), found.event, "x" * 281)
    with pytest.raises(DomainError):
        live.ask_question(found.ticket(0), found.event, "   ")
    shown = live.ask_question(found.ticket(0), found.event, "Hoeveel  kost het?")
    hidden = live.ask_question(found.ticket(1), found.event, "Iets onaardigs")
    assert shown.text == "Hoeveel kost het?"
    assert [q.public_id for q in live.pending_questions(found.event)] == [shown.public_id, hidden.public_id]
    with pytest.raises(DomainError):  # not approved yet: cannot be voted for
        live.vote_question(found.ticket(2), found.event, shown.public_id)
    live.moderate_question(found.event, "host", shown.public_id, approve=True)
    live.moderate_question(found.event, "host", hidden.public_id, approve=False)
    live.vote_question(found.ticket(2), found.event, shown.public_id)
    with pytest.raises(Conflict):
        live.vote_question(found.ticket(2), found.event, shown.public_id)
    live.vote_question(found.ticket(1), found.event, shown.public_id)
    db.session.refresh(shown)
    assert shown.votes == 2 and hidden.status is QuestionStatus.HIDDEN
    assert [q.public_id for q in live.approved_questions(shown.bidder_id)] == [shown.public_id]


def test_snapshot_has_no_hidden_questions_and_no_results_before_the_reveal(app) -> None:
    found = make_evening()
    on_stage(found)
    question = live.ask_question(found.ticket(0), found.event, "Geheim?")
    live.moderate_question(found.event, "host", question.public_id, approve=False)
    body = json.loads(live_screen.build_snapshot(found.event.id, "screen", 1).body)
    assert "Geheim" not in json.dumps(body) and body["results_key"] is None and not body["revealed"]
    assert body["bidder"]["name"] == "Buurttuin" and body["cards"] == 0
    host_body = json.loads(live_screen.build_snapshot(found.event.id, "host", 1).body)
    assert host_body["pending"] == []


def test_snapshot_counts_only_what_belongs_to_the_bidder_on_stage(app) -> None:
    found = make_evening(ticket_count=4)
    on_stage(found)
    cast(found, 0)
    live.react(found.ticket(0), found.event, "applause")
    live.react(found.ticket(1), found.event, "heart")
    on_stage(found)  # the next bidder: the first one's card and reactions are not its own
    cast(found, 1)
    live.react(found.ticket(2), found.event, "applause")
    body = json.loads(live_screen.build_snapshot(found.event.id, "screen", 1).body)
    assert body["bidder"]["name"] == "Speeltuin" and body["bidder"]["of"] == 2 and body["bidder"]["position"] == 2
    assert body["cards"] == 1 and body["reactions"] == {"applause": 1, "heart": 0, "thinking": 0}
    close_all_and_reveal(found.tender)
    revealed = json.loads(live_screen.build_snapshot(found.event.id, "screen", 1).body)
    assert revealed["revealed"] and revealed["results_key"].endswith("/2")  # every card of the tender


def test_commit_publishes_the_new_version_to_the_hub(app) -> None:
    found = make_evening()
    live_hub = hub()
    before = found.event.live_version
    changes.changed(found.event)
    assert live_hub.version(found.event.id) < before + 1  # nothing before the commit
    db.session.commit()
    assert live_hub.version(found.event.id) == before + 1
    changes.changed(found.event)
    db.session.rollback()
    assert live_hub.version(found.event.id) == before + 1


def test_a_version_raised_meanwhile_by_another_command_is_not_lost(app) -> None:
    """Two phones' cards load the event at the same version; each must still commit a new version, or the
    screens, woken once, never learn of the second card."""
    found = make_evening()
    before = found.event.live_version  # this command has loaded the event ...
    with db.engine.begin() as other:  # ... when another one commits its own change
        other.execute(sa.update(Event).where(Event.id == found.event.id).values(live_version=before + 1))
    changes.changed(found.event)
    db.session.commit()
    assert found.event.live_version == before + 2
    assert hub().version(found.event.id) == before + 2


def test_a_waiting_screen_wakes_up_on_a_commit(app) -> None:
    found = make_evening()
    live_hub = hub()
    seen = found.event.live_version
    woke: list[int] = []
    waiter = threading.Thread(target=lambda: woke.append(live_hub.wait(found.event.id, seen, 5)))
    waiter.start()
    changes.changed(found.event)
    db.session.commit()
    waiter.join(5)
    assert woke == [seen + 1]


def test_snapshots_are_computed_once_per_version(app) -> None:
    found = make_evening()
    live_hub = hub()
    calls: list[int] = []

    def compute() -> Cached:
        calls.append(1)
        return Cached(found.event.live_version, "snapshot")

    version = found.event.live_version
    threads = [threading.Thread(target=live_hub.cached, args=(found.event.id, "screen", version, compute))
               for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    live_hub.cached(found.event.id, "screen", version, compute)
    assert len(calls) == 1
    live_hub.cached(found.event.id, "screen", version + 1, compute)
    assert len(calls) == 2
