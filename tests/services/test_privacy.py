"""Retention and purging: refused before publication; afterwards personal data go, the published numbers and
the ballot export stay the same, and tickets no longer open."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.exports.ballots_zip import ballots_zip
from app.exports.report_json import numbers_document
from app.extensions import db
from app.models import (
    BudgetBallot,
    PaperCardKeying,
    Proposal,
    Question,
    QuestionVote,
    RoundPhase,
    Scorecard,
    Ticket,
    User,
)
from app.models.clock import utcnow
from app.services import budget_ballots, budget_files, budget_results, evening, live, paper, privacy, report, tickets
from app.services.errors import Conflict, DomainError
from tests.budget_factories import make_round
from tests.conftest import make_user
from tests.live_helpers import Evening, cast, close_all_and_reveal, make_evening, on_stage


def _published_evening(host: User | None = None) -> Evening:
    """An evening with phone cards and comments, a paper keying, questions and a vote; then published."""
    found = make_evening(ticket_count=5, host=host)
    on_stage(found)
    cast(found, 0, 7)
    cast(found, 1, 5)
    cards = db.session.scalars(sa.select(Scorecard).order_by(Scorecard.id)).all()
    scorecard, hidden = cards[0], cards[-1]
    assert scorecard is not hidden
    scorecard.comment = "Mijn buurman Jan de Vries vindt dit ook"
    hidden.comment, hidden.comment_hidden = "scheldwoord", True
    db.session.commit()
    question = live.ask_question(found.ticket(2), found.event, "Wat kost het, buurvrouw Els?")
    live.moderate_question(found.event, found.host.email, question.public_id, approve=True)
    live.vote_question(found.ticket(3), found.event, question.public_id)
    bidder = evening.current_bidder(found.tender)
    assert bidder is not None
    paper.key_paper_card(found.tender, bidder, found.issued[4].code, "Piet", {c.public_id: "6" for c in
                                                                               found.tender.criteria}, "", "host")
    close_all_and_reveal(found.tender)
    evening.publish_results(found.tender, found.host.email)
    return found


def _numbers(found: Evening) -> tuple[dict[str, object], str, str, dict[str, object]]:
    built = report.build_report(found.event)
    export = report.snapshot(found.tender).export
    participation = {"issued": built.tickets_issued, "used": built.tickets_used, "hidden": built.comments_hidden}
    return (numbers_document(built.counted), hashlib.sha256(ballots_zip(export)).hexdigest(),
            report.snapshot(found.tender).ballots_sha256, participation)


def test_purge_is_refused_before_publication(app) -> None:
    found = make_evening()
    with pytest.raises(Conflict) as refused:
        privacy.purge_event(found.event, "test")
    assert refused.value.code == "purge_not_published"
    assert found.event.purged_at is None


def test_purge_keeps_the_published_numbers_and_removes_personal_data(app) -> None:
    found = _published_evening()
    tickets_before = db.session.scalar(sa.select(sa.func.count(Ticket.id)))
    before = _numbers(found)
    summary = privacy.purge_event(found.event, "test")
    assert summary.tickets == 5 and summary.questions == 1 and summary.comments == 2
    db.session.expire_all()
    assert _numbers(found) == before
    comments = db.session.scalars(sa.select(Scorecard.comment)).all()
    assert "Mijn buurman Jan de Vries vindt dit ook" not in comments and "scheldwoord" not in comments
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(QuestionVote.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(PaperCardKeying.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Scorecard.id)).where(Scorecard.ticket_id.is_not(None))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == tickets_before
    for issued in found.issued:
        with pytest.raises(DomainError):
            tickets.ticket_by_token(issued.token)
        with pytest.raises(DomainError):
            tickets.ticket_by_code(issued.code)
    with pytest.raises(Conflict) as again:
        privacy.purge_event(found.event, "test")
    assert again.value.code == "purge_already_done"


def test_purge_of_a_budget_round_keeps_its_results_and_export(app) -> None:
    item = make_round()
    issued = tickets.issue_tickets(item.event, item.event.groups[0], 3, "test")
    for index, choice in enumerate(({"1": 1}, {"2": 1, "4": 1}, {"3": 1})):
        budget_ballots.cast_ballot(item, budget_ballots.ticket_voter(tickets.ticket_by_code(issued[index].code)),
                                   choice)
    with pytest.raises(Conflict):
        privacy.purge_event(item.event, "test")
    item.phase = RoundPhase.PUBLISHED
    db.session.commit()
    before = (budget_results.round_report(item), budget_files.export_pb(item))
    privacy.purge_event(item.event, "test")
    db.session.expire_all()
    assert (budget_results.round_report(item), budget_files.export_pb(item)) == before
    assert db.session.scalars(sa.select(Proposal.contact_email)).all() == [""] * 4
    assert db.session.scalar(sa.select(sa.func.count(BudgetBallot.id)).where(BudgetBallot.ticket_id.is_not(None))) == 0
    assert "bewoner1@example.org" not in before[1]


def test_purge_expired_takes_only_published_events_past_their_retention(app) -> None:
    host = make_user()
    old, recent, unpublished = _published_evening(host), _published_evening(host), make_evening(host=host)
    old.tender.published_at = utcnow() - timedelta(days=91)
    recent.event.retention_days = 365
    recent.tender.published_at = utcnow() - timedelta(days=91)
    db.session.commit()
    assert [event.public_id for event in privacy.expired_events()] == [old.event.public_id]
    assert [summary.public_id for summary in privacy.purge_expired("test")] == [old.event.public_id]
    assert privacy.expired_events() == []
    assert recent.event.purged_at is None and unpublished.event.purged_at is None
    assert privacy.expired_events(utcnow() + timedelta(days=366))[0].public_id == recent.event.public_id


def test_cli_purge_and_purge_expired(app, runner) -> None:
    host = make_user()
    found = make_evening(host=host)
    refused = runner.invoke(args=["event", "purge", found.event.public_id], env={"LANG": "en_GB.UTF-8"})
    assert refused.exit_code == 1 and "after every result of this event is published" in refused.output
    published = _published_evening(host)
    done = runner.invoke(args=["event", "purge", published.event.public_id])
    assert done.exit_code == 0 and "5 tickets made unusable" in done.output
    assert runner.invoke(args=["event", "purge-expired"]).output.strip().endswith("0 purged")


def test_retention_is_checked(app) -> None:
    found = make_evening()
    with pytest.raises(DomainError):
        privacy.set_retention(found.event, "test", 0)
    privacy.set_retention(found.event, "test", 30)
    assert found.event.retention_days == 30
