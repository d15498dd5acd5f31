"""Phone score cards: every validation rule writes nothing; the last card counts; 200 racing submissions
of one card store exactly one row."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Scorecard, Ticket, TicketStatus
from app.services import accounts, card_post, evening, scorecards, tickets
from app.services.errors import DomainError
from app.services.live_bus import hub
from tests.conftest import make_event
from tests.tender_factories import answers, issue, make_tender, open_first


def _setup(app, count: int = 1):
    tender = make_tender()
    issue(tender, count)
    open_first(tender)
    voters = [scorecards.voter_for_ticket(t) for t in db.session.scalars(sa.select(Ticket).order_by(Ticket.number))]
    return tender, voters


def _cards() -> int:
    return db.session.scalar(sa.select(sa.func.count(Scorecard.id))) or 0


def test_a_valid_card_is_stored_and_marks_the_ticket_used(app) -> None:
    tender, [voter] = _setup(app)
    version = tender.event.live_version
    card = db.session.get(Scorecard, scorecards.cast_scorecard(voter, tender.bidders[0].public_id,
                                                                answers(tender, "7", ""), " Prima "))
    assert card.scores == {tender.criteria[0].public_id: 7, tender.criteria[1].public_id: None}
    assert (card.channel, card.comment, card.voter_key) == ("phone", "Prima", voter.voter_key)
    ticket = db.session.get(Ticket, voter.ticket_id)
    assert (ticket.status, ticket.channel) == (TicketStatus.USED, "phone")
    assert tender.event.first_ballot_at is not None
    assert tender.event.live_version == version + 1


def test_the_last_card_counts(app) -> None:
    tender, [voter] = _setup(app)
    bidder = tender.bidders[0].public_id
    scorecards.cast_scorecard(voter, bidder, answers(tender, "7", "8"))
    scorecards.cast_scorecard(voter, bidder, answers(tender, "3", ""), "Toch niet")
    [card] = db.session.scalars(sa.select(Scorecard)).all()
    assert card.scores == {tender.criteria[0].public_id: 3, tender.criteria[1].public_id: None}
    assert card.comment == "Toch niet"


@pytest.mark.parametrize(("values", "code"), [
    (("11", "5"), "score_out_of_range"),
    (("0", "5"), "score_out_of_range"),
    (("7,5", "5"), "score_unknown"),
    (("zeven", "5"), "score_unknown"),
])
def test_invalid_values_are_refused_and_nothing_written(app, values, code) -> None:
    tender, [voter] = _setup(app)
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, tender.bidders[0].public_id, answers(tender, *values))
    assert refused.value.code == code
    assert refused.value.params["criterion"] == "Kennis van de wijk"
    assert _cards() == 0
    assert db.session.get(Ticket, voter.ticket_id).status is TicketStatus.ISSUED


def test_missing_and_unknown_criteria_are_refused(app) -> None:
    tender, [voter] = _setup(app)
    bidder = tender.bidders[0].public_id
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, bidder, {tender.criteria[0].public_id: "7"})  # silence is not an answer
    assert (refused.value.code, refused.value.params["criterion"]) == ("score_missing", "Aanpak jongeren")
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, bidder, answers(tender, "7", "7") | {"bogus": "7"})
    assert refused.value.code == "criterion_unknown"
    assert _cards() == 0


def test_comment_longer_than_1000_characters_is_refused(app) -> None:
    tender, [voter] = _setup(app)
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, tender.bidders[0].public_id, answers(tender, "7", "7"), "x" * 1001)
    assert refused.value.code == "comment_too_long"
    scorecards.cast_scorecard(voter, tender.bidders[0].public_id, answers(tender, "7", "7"), "x" * 1000)
    assert _cards() == 1


def test_closed_and_not_yet_open_bidders_are_refused(app) -> None:
    tender, [voter] = _setup(app)
    first, second = tender.bidders[0], tender.bidders[1]
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, second.public_id, answers(tender, "7", "7"))
    assert refused.value.code == "scoring_not_open"
    evening.close_scoring(tender, first, "host")
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, first.public_id, answers(tender, "7", "7"))
    assert (refused.value.code, refused.value.status, refused.value.params["bidder"]) == (
        "scoring_closed", 410, "Buurtkracht")
    assert _cards() == 0


def test_wrong_event_unknown_bidder_voided_and_paper_tickets_are_refused(app) -> None:
    tender, [voter] = _setup(app)
    other = make_tender(make_event(accounts.user_by_email("host@buurt.test"), title="Andere avond"))
    open_first(other)
    for bidder in (other.bidders[0].public_id, scorecards.card_target(other.bidders[0].public_id)):  # as the view
        with pytest.raises(DomainError) as refused:
            scorecards.cast_scorecard(voter, bidder, answers(other, "7", "7"))
        assert refused.value.code == "wrong_event"
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, "nonexistent", {})
    assert refused.value.code == "bidder_unknown"
    ticket = db.session.get(Ticket, voter.ticket_id)
    ticket.channel = "paper"
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, tender.bidders[0].public_id, answers(tender, "7", "7"))
    assert refused.value.code == "ticket_used_on_paper"
    tickets.void_ticket(tender.event, ticket.number, "host")
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, tender.bidders[0].public_id, answers(tender, "7", "7"))
    assert refused.value.code == "ticket_voided"
    assert _cards() == 0


def test_the_ticket_card_stores_like_cast_scorecard_and_refuses_by_writing_nothing(app) -> None:
    """``cast_ticket_card`` (the card POST) stores the same card; any refusal returns ``None`` with nothing
    written, so the view can explain it the general way."""
    tender, [voter, other_voter] = _setup(app, 2)
    first, second = tender.bidders[0], tender.bidders[1]
    version = tender.event.live_version
    ticket_id = voter.ticket_id
    assert ticket_id is not None
    card = db.session.get(Scorecard, card_post.cast_ticket_card(ticket_id, first.public_id,
                                                                 answers(tender, "7", ""), " Prima "))
    assert (card.voter_key, card.group_id, card.ticket_id, card.channel, card.comment) == (
        voter.voter_key, voter.group_id, ticket_id, "phone", "Prima")
    assert card.comment_hidden is False and card.created_at == card.updated_at
    assert hub().wait(tender.event.id, version, timeout=10) == version + 1  # PostgreSQL: raised after the commit
    db.session.expire(tender.event)
    assert tender.event.live_version == version + 1 and tender.event.first_ballot_at is not None
    assert db.session.get(Ticket, ticket_id).status is TicketStatus.USED
    other = make_tender(make_event(accounts.user_by_email("host@buurt.test"), title="Andere avond"))
    open_first(other)
    refused = [(ticket_id, second.public_id, answers(tender, "7", "7"), ""),  # not open
               (ticket_id, first.public_id, answers(tender, "11", "7"), ""),  # out of range
               (ticket_id, first.public_id, answers(tender, "7", "7"), "x" * 1001),
               (ticket_id, "nonexistent", {}, ""),
               (ticket_id, other.bidders[0].public_id, answers(other, "7", "7"), ""),  # another event's bidder
               (10_000, first.public_id, answers(tender, "7", "7"), "")]  # no such ticket
    for arguments in refused:
        assert card_post.cast_ticket_card(*arguments) is None
    tickets.void_ticket(tender.event, db.session.get(Ticket, other_voter.ticket_id).number, "host")
    assert other_voter.ticket_id is not None
    assert card_post.cast_ticket_card(other_voter.ticket_id, first.public_id, answers(tender, "7", "7")) is None
    db.session.rollback()
    assert _cards() == 1 and db.session.get(Ticket, other_voter.ticket_id).status is TicketStatus.VOIDED
    assert db.session.scalars(sa.select(Scorecard)).one().comment == "Prima"


def test_cards_after_a_reset_are_checked_against_the_new_criteria(app) -> None:
    """A frozen tender's rules are kept per process; the reset un-freezes it, so they are read again."""
    from app.services import tender as tenders

    tender, [voter] = _setup(app)
    bidder = tender.bidders[0]
    scorecards.cast_scorecard(voter, bidder.public_id, answers(tender, "7", "7"))
    tenders.reset_scoring(tender, "host", confirmed=True)
    tenders.add_criterion(tender, "host", "Samenwerking", "", "1")
    evening.open_scoring(tender, bidder, "host")
    db.session.refresh(tender)
    with pytest.raises(DomainError) as refused:
        scorecards.cast_scorecard(voter, bidder.public_id, {c.public_id: "7" for c in tender.criteria[:2]})
    assert (refused.value.code, refused.value.params["criterion"]) == ("score_missing", "Samenwerking")
    scorecards.cast_scorecard(voter, bidder.public_id, answers(tender, "7", "7", "6"))
    assert db.session.scalars(sa.select(Scorecard)).one().scores[tender.criteria[2].public_id] == 6


def test_the_card_post_leaves_its_connection_in_transactions(app) -> None:
    """On PostgreSQL the card POST reads and stores in autocommit mode on a pool connection of its own; every
    connection goes back to the pool with the mode off, whether the card was stored or refused."""
    tender, [voter] = _setup(app)
    ticket_id, bidder = voter.ticket_id, tender.bidders[0].public_id
    wanted = answers(tender, "7", "7")
    assert ticket_id is not None
    returned: list[bool] = []

    def checked_in(dbapi_connection, record) -> None:
        returned.append(getattr(dbapi_connection, "autocommit", False) is True)

    db.session.remove()
    sa.event.listen(db.engine, "checkin", checked_in)
    try:
        for bidder_id in (bidder, tender.bidders[1].public_id):  # stored, then refused (scoring not open)
            assert (card_post.cast_ticket_card(ticket_id, bidder_id, wanted) is None) == (bidder_id != bidder)
    finally:
        sa.event.remove(db.engine, "checkin", checked_in)
    assert returned and set(returned) == {False}
    assert _cards() == 1


def test_open_join_needs_the_hosts_permission(app) -> None:
    tender = make_tender()
    open_first(tender)
    with pytest.raises(DomainError) as refused:
        scorecards.open_join_event(tender.event.public_id)
    assert refused.value.code == "open_join_closed"
    tender.event.allow_open_join = True
    db.session.commit()
    voter = scorecards.voter_for_browser(tender.event, scorecards.new_browser_key())
    card_id = scorecards.cast_scorecard(voter, tender.bidders[0].public_id, answers(tender, "6", "6"))
    card = db.session.get(Scorecard, card_id)
    assert (card.ticket_id, card.group_id) == (None, tender.event.groups[0].id)
    state = evening.console_state(tender)
    assert (state.per_bidder[0].cards, state.per_bidder[0].open_join) == (1, 1)


@pytest.mark.parametrize("way", ["cast_scorecard", "cast_ticket_card"])
def test_200_simultaneous_submissions_of_one_card_store_exactly_one(app, way) -> None:
    """Threads, each with its own app context and session, race on one (ticket, bidder) card, the general
    way and the card POST's (on PostgreSQL a single statement)."""
    tender, [voter] = _setup(app)
    bidder = tender.bidders[0].public_id
    wanted = answers(tender, "7", "8")
    barrier = threading.Barrier(200)
    failures: list[BaseException] = []

    def submit(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                if way == "cast_scorecard":
                    scorecards.cast_scorecard(voter, bidder, wanted, f"kaart {index % 7}")
                else:
                    assert voter.ticket_id is not None
                    assert card_post.cast_ticket_card(voter.ticket_id, bidder, wanted, f"kaart {index % 7}")
            except BaseException as error:  # noqa: BLE001 - collected and asserted below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Scorecard)).all()
    assert len(rows) == 1
    assert rows[0].scores == {tender.criteria[0].public_id: 7, tender.criteria[1].public_id: 8}
    assert db.session.get(Ticket, voter.ticket_id).status == TicketStatus.USED  # written with the card
