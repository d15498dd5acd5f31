"""Volunteers key paper score cards in twice; printable paper cards (hosts only)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.exports.paper_cards import paper_card_pdf
from app.messages import message_for
from app.services import paper, scorecards
from app.services import tender as tenders
from app.services.errors import DomainError
from app.services.scorecards import CardRefused
from app.web.access import roles_required
from app.web.scorecard.forms import answers_from, options, refilled
from app.web.tender_host import bp
from app.web.tender_host.forms import DiscardForm, PaperForm
from app.web.tender_host.views import HOSTS, held

OUTCOME_TEXT = {
    paper.KeyingOutcome.WAITING: _l("First keying saved. A second volunteer must key this card too."),
    paper.KeyingOutcome.COUNTED: _l("Both keyings agree: the card counts."),
    paper.KeyingOutcome.MISMATCH: _l("The keyings do not agree. The card is listed below until it is resolved."),
}


@bp.get("/paper/")
@roles_required(*HOSTS)
def paper_home(public_id: str) -> str:
    """Choose a bidder to key cards for; cards waiting for a second keying; mismatches."""
    event, tender = held(public_id)
    return render_template("tender_host/paper.html", event=event, tender=tender, counts=paper.paper_counts(tender),
                           waiting=paper.waiting(tender), mismatches=paper.mismatches(tender),
                           discard_form=DiscardForm())


@bp.route("/paper/<bidder_id>", methods=["GET", "POST"])
@roles_required(*HOSTS)
def key(public_id: str, bidder_id: str) -> BaseResponse | tuple[str, int]:
    event, tender = held(public_id)
    bidder = tenders.bidder_of(tender, bidder_id)
    form = PaperForm()
    status, error, problems = 200, None, {}
    values: dict[str, str] = {}
    if form.validate_on_submit():
        answers = answers_from(request.form)
        values = refilled(answers)
        try:
            outcome = paper.key_paper_card(tender, bidder, form.code.data or "", form.keyed_by.data or "", answers,
                                           form.comment.data or "", current_user.email)
        except CardRefused as refusal:
            status, error = refusal.status, message_for(refusal)
            problems = {p.criterion: error for p in refusal.problems[:1] if p.criterion}
        except DomainError as refusal:
            status, error = refusal.status, message_for(refusal)
        else:
            flash(str(OUTCOME_TEXT[outcome]), "error" if outcome is paper.KeyingOutcome.MISMATCH else "info")
            keyer = form.keyed_by.data or ""
            return redirect(url_for("tender_host.key", public_id=event.public_id, bidder_id=bidder.public_id,
                                    keyer=keyer))
    elif request.method == "GET":
        form.keyed_by.data = request.args.get("keyer", "")
    return render_template(
        "tender_host/paper_key.html", event=event, tender=tender, bidder=bidder, form=form, error=error,
        problems=problems, values=values, criteria=tender.criteria, options=options(tender),
        scale=tenders.scale_of(tender), percentages=tenders.weight_percentages(tender),
        maximum=scorecards.MAX_COMMENT), status


@bp.post("/paper/<bidder_id>/discard")
@roles_required(*HOSTS)
def discard(public_id: str, bidder_id: str) -> BaseResponse:
    event, tender = held(public_id)
    form = DiscardForm()
    if form.validate_on_submit():
        try:
            count = paper.discard_keyings(tender, tenders.bidder_of(tender, bidder_id), form.ticket_number.data or 0,
                                          current_user.email)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("%(count)s keyings set aside; the card can be keyed again.", count=count), "info")
    return redirect(url_for("tender_host.paper_home", public_id=event.public_id))


@bp.get("/paper/cards.pdf")
@roles_required(*HOSTS)
def cards_pdf(public_id: str) -> Response:
    """A4 paper score cards: one page per bidder (``?bidder=<id>`` for one bidder, ``copies`` each)."""
    event, tender = held(public_id)
    wanted = request.args.get("bidder")
    bidders = [tenders.bidder_of(tender, wanted)] if wanted else list(tender.bidders)
    copies = max(1, min(request.args.get("copies", 1, type=int) or 1, 200))
    return Response(paper_card_pdf(tender, bidders, copies), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=paper-cards-{event.public_id}.pdf"})
