"""The host console: runs the evening with plain POST buttons (a small script only refreshes the page)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.exports.qr import qr_svg
from app.messages import message_for
from app.models import Tender
from app.netaddr import public_base_url
from app.services import evening
from app.services import tender as tenders
from app.services.errors import DomainError
from app.web.access import roles_required
from app.web.tender_host import bp
from app.web.tender_host.forms import ActionForm, SlotForm
from app.web.tender_host.views import HOSTS, held


def to_console(public_id: str) -> Response:
    return redirect(url_for("tender_host.console", public_id=public_id))


@bp.get("/tender/console")
@roles_required(*HOSTS)
def console(public_id: str) -> str:
    """State of the evening, the bidders with their buttons, counts and the join codes."""
    event, tender = held(public_id)
    base = public_base_url()
    join_url = f"{base}/code"
    open_url = f"{base}{url_for('scorecard.open_join', public_id=event.public_id)}" if event.allow_open_join else None
    slot = SlotForm()
    slot.minutes.data = tender.slot_seconds // 60
    return render_template(
        "tender_host/console.html", event=event, tender=tender, state=evening.console_state(tender),
        current=evening.current_bidder(tender), action=ActionForm(), slot_form=slot,
        timer_seconds=evening.timer_seconds, join_url=join_url, open_url=open_url,
        join_qr=qr_svg(open_url or join_url, box_size=12),
        projector_url=f"/live/{event.public_id}/projector")


def _run(public_id: str, command: str) -> Response:
    """Validate the CSRF-only form, run one console command, flash a refusal, back to the console."""
    event, tender = held(public_id)
    if ActionForm().validate_on_submit():
        try:
            _dispatch(tender, command)
        except DomainError as error:
            flash(message_for(error), "error")
    return to_console(event.public_id)


def _dispatch(tender: Tender, command: str) -> None:
    actor = current_user.email
    bidder_id = request.form.get("bidder", "")
    if command == "doors":
        evening.open_doors(tender, actor)
    elif command in ("next", "previous"):
        evening.step_bidder(tender, actor, 1 if command == "next" else -1)
    elif command in ("open", "close"):
        bidder = tenders.bidder_of(tender, bidder_id)
        (evening.open_scoring if command == "open" else evening.close_scoring)(tender, bidder, actor)
    elif command in ("start", "pause", "reset"):
        evening.timer(tender, tenders.bidder_of(tender, bidder_id), actor, command)
    elif command == "reveal":
        evening.reveal_results(tender, actor)
    elif command == "publish":
        evening.publish_results(tender, actor)
    else:
        raise DomainError("wrong_phase")


@bp.post("/tender/console/<command>")
@roles_required(*HOSTS)
def command(public_id: str, command: str) -> Response:
    """doors, next, previous, open, close, start, pause, reset (timer), reveal, publish."""
    return _run(public_id, command)


@bp.post("/tender/slot")
@roles_required(*HOSTS)
def slot(public_id: str) -> Response:
    event, tender = held(public_id)
    form = SlotForm()
    if form.validate_on_submit():
        try:
            evening.set_slot(tender, current_user.email, form.minutes.data or 0)
        except DomainError as error:
            flash(message_for(error), "error")
    return to_console(event.public_id)
