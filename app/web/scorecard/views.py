"""Attendees' phone pages: what is open now, the score card for one bidder, and the confirmation."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from app.extensions import db
from app.messages import message_for
from app.models import Bidder, Event, ScoringState, Ticket
from app.services import card_post, scorecards
from app.services.errors import DomainError, Gone
from app.services.scorecards import CardRefused, Voter
from app.services.tender import criteria_of, scale_of, tender_for_event, weight_percentages
from app.web.access import TICKET_ID
from app.web.scorecard import bp
from app.web.scorecard.forms import answers_from, chosen, options, refilled

OPEN_VOTER = "open_voter"
OPEN_EVENT = "open_event"


def current_voter() -> Voter | None:
    """The ticket in the session wins; otherwise a browser that joined through the open link."""
    ticket_id = session.get(TICKET_ID)
    if isinstance(ticket_id, int):
        voter = scorecards.voter_for_ticket_id(ticket_id)
        if voter is not None:
            return voter
    key, event_id = session.get(OPEN_VOTER), session.get(OPEN_EVENT)
    if isinstance(key, str) and isinstance(event_id, int):
        event = db.session.get(Event, event_id)
        if event is not None:
            return scorecards.voter_for_browser(event, key)
    return None


@bp.app_context_processor
def open_now_helper() -> dict[str, object]:
    """``scorecard_open_now(ticket)`` for ``attend/_open_now.html``: open bidders and whether this ticket
    already sent a card for each."""

    def scorecard_open_now(ticket: Ticket) -> list[tuple[Bidder, bool]]:
        voter = scorecards.voter_for_ticket(ticket)
        done = scorecards.cards_of(voter)
        return [(bidder, bidder.id in done) for bidder in scorecards.open_bidders(ticket.event_id)]

    return {"scorecard_open_now": scorecard_open_now, "scorecard_tender": tender_for_event}


@bp.get("/open/<public_id>")
def open_join(public_id: str) -> Response:
    """The event's open join link (only when the host allows it): one set of cards per browser."""
    event = scorecards.open_join_event(public_id)
    if session.get(OPEN_EVENT) != event.id or not isinstance(session.get(OPEN_VOTER), str):
        session[OPEN_VOTER] = scorecards.new_browser_key()
        session[OPEN_EVENT] = event.id
    session.permanent = True
    return redirect(url_for("scorecard.now"))


@bp.get("/nu")
def now() -> Response | str:
    """Which bidders can be scored right now."""
    voter = current_voter()
    if voter is None:
        return redirect(url_for("attend.code"))
    event = db.session.get(Event, voter.event_id)
    done = scorecards.cards_of(voter)
    bidders = [(bidder, bidder.id in done) for bidder in scorecards.open_bidders(voter.event_id)]
    return render_template("scorecard/now.html", event=event, bidders=bidders, open_join=voter.ticket_id is None,
                           tender=tender_for_event(event) if event else None)


def _render_card(bidder: Bidder, values: dict[str, str], comment: str, error: DomainError | None = None,
                 problems: dict[str, str] | None = None) -> tuple[str, int]:
    tender = bidder.tender
    return render_template(
        "scorecard/card.html", bidder=bidder, tender=tender, event=tender.event, criteria=tender.criteria,
        options=options(tender), scale=scale_of(tender), values=values, comment=comment,
        percentages=weight_percentages(tender), error=message_for(error) if error else None,
        problems=problems or {}, maximum=scorecards.MAX_COMMENT,
    ), (error.status if error else 200)


@bp.route("/kaart/<bidder_id>", methods=["GET", "POST"])
def card(bidder_id: str) -> Response | tuple[str, int]:
    """The score card for one bidder: one radio group per criterion, an optional comment, submit."""
    if request.method == "POST" and _stored_for_ticket(bidder_id):
        return redirect(url_for("scorecard.received", bidder_id=bidder_id))
    voter = current_voter()
    if voter is None:
        return redirect(url_for("attend.code"))
    if request.method == "POST":
        return _store_card(voter, bidder_id)
    bidder = scorecards.bidder_for_voter(voter, bidder_id)
    if bidder.scoring_state is ScoringState.CLOSED:
        raise Gone("scoring_closed", bidder=bidder.name)
    if bidder.scoring_state is not ScoringState.OPEN:
        raise DomainError("scoring_not_open", bidder=bidder.name)
    stored = scorecards.card_of(voter, bidder)
    return _render_card(bidder, chosen(stored.scores if stored else None, bidder.tender),
                        stored.comment if stored else "")


def _stored_for_ticket(bidder_id: str) -> bool:
    """The usual card POST: the session holds a ticket and the card is stored without reading the voter
    first. ``False`` when there is no ticket or anything refused the card; the view then goes the general
    way, which explains the refusal."""
    ticket_id = session.get(TICKET_ID)
    if not isinstance(ticket_id, int):
        return False
    form = request.form
    return card_post.cast_ticket_card(ticket_id, bidder_id, answers_from(form), form.get("comment", "")) is not None


def _store_card(voter: Voter, bidder_id: str) -> Response | tuple[str, int]:
    """Store the posted card and go to the confirmation; a refused card comes back with its messages (the
    bidder's models are loaded only then: storing a card reads none)."""
    form = request.form
    comment = form.get("comment", "")
    answers = answers_from(form)
    try:
        scorecards.cast_scorecard(voter, bidder_id, answers, comment)
    except CardRefused as refusal:
        bidder = scorecards.bidder_for_voter(voter, bidder_id)
        names = {c.key: c.name for c in criteria_of(bidder.tender)}
        scale = scale_of(bidder.tender)
        problems = {p.criterion: message_for(DomainError(
            scorecards.PROBLEM_CODES.get(p.code, "card_invalid"), criterion=names.get(p.criterion, p.criterion),
            value=p.value, minimum=scale.minimum, maximum=scale.maximum))
            for p in refusal.problems if p.criterion}
        return _render_card(bidder, refilled(answers), comment, refusal, problems)
    except DomainError as refusal:
        if refusal.code != "comment_too_long":
            raise
        return _render_card(scorecards.bidder_for_voter(voter, bidder_id), refilled(answers), comment, refusal)
    return redirect(url_for("scorecard.received", bidder_id=bidder_id))


@bp.get("/kaart/<bidder_id>/ontvangen")
def received(bidder_id: str) -> Response | str:
    """What was recorded, so the attendee can check it (and change it while scoring is open)."""
    voter = current_voter()
    if voter is None:
        return redirect(url_for("attend.code"))
    bidder = scorecards.bidder_for_voter(voter, bidder_id)
    stored = scorecards.card_of(voter, bidder)
    if stored is None:
        return redirect(url_for("scorecard.card", bidder_id=bidder_id))
    tender = bidder.tender
    shown = chosen(stored.scores, tender)
    rows = [(criterion, shown.get(criterion.public_id, "")) for criterion in tender.criteria]
    return render_template("scorecard/received.html", bidder=bidder, event=tender.event, rows=rows, card=stored,
                           still_open=bidder.scoring_state is ScoringState.OPEN, scale=scale_of(tender))
