"""The host's tender set-up: title and bijsluiter, scale and method, criteria, bidders, shuffle and reset."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.messages import message_for
from app.models import Event, Role, Tender
from app.services import events
from app.services import tender as tenders
from app.services.errors import DomainError
from app.web.access import roles_required
from app.web.tender_host import bp
from app.web.tender_host.forms import ActionForm, BidderForm, CriterionForm, ResetForm, TenderForm

HOSTS = (Role.HOST, Role.ADMIN)


def held(public_id: str) -> tuple[Event, Tender]:
    """The event the current host may manage, and its tender (404 when it has none)."""
    event = events.event_for(current_user, public_id)
    return event, tenders.require_tender(event)


def flash_form_errors(form: FlaskForm) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


def to_setup(event: Event) -> Response:
    return redirect(url_for("tender_host.setup", public_id=event.public_id))


def _fields(form: TenderForm) -> tenders.TenderFields:
    grades = tuple(line.strip() for line in (form.verbal_grades.data or "").splitlines() if line.strip())
    scale_type = form.scale_type.data or "grade"
    return tenders.TenderFields(
        title=form.title.data or "", bijsluiter=form.bijsluiter.data or "", method=form.method.data or "mean",
        scale_type=scale_type, scale_min=form.scale_min.data if form.scale_min.data is not None else 1,
        scale_max=form.scale_max.data if form.scale_max.data is not None else (5 if scale_type == "stars" else 10),
        verbal_grades=grades, slot_minutes=form.slot_minutes.data or 10)


@bp.route("/tender", methods=["GET", "POST"])
@roles_required(*HOSTS)
def setup(public_id: str) -> Response | str:
    """Create or edit the tender; the criteria and bidders are managed on the same page."""
    event = events.event_for(current_user, public_id)
    tender = tenders.tender_for_event(event)
    form = TenderForm()
    if request.method == "GET" and tender is not None:
        form.title.data = tender.title
        form.bijsluiter.data = tender.bijsluiter
        form.method.data = tender.method
        form.scale_type.data = tender.scale_type
        form.scale_min.data = tender.scale_min
        form.scale_max.data = tender.scale_max
        form.verbal_grades.data = "\n".join(tender.scale_labels) or form.verbal_grades.default
        form.slot_minutes.data = tender.slot_seconds // 60
    if form.validate_on_submit():
        try:
            if tender is None:
                tenders.create_tender(event, current_user.email, _fields(form))
                flash(_("The tender is created. Now add the criteria and the bidders."), "info")
            else:
                tenders.update_tender(tender, current_user.email, _fields(form))
                flash(_("Changes saved."), "info")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            return to_setup(event)
    elif request.method == "POST":
        flash_form_errors(form)
    return render_template(
        "tender_host/setup.html", event=event, tender=tender, form=form,
        criterion_form=CriterionForm(prefix="criterion"), bidder_form=BidderForm(prefix="bidder"), action=ActionForm(),
        percentages=tenders.weight_percentages(tender) if tender else {},
        cards=tenders.card_count(tender) if tender else 0)


@bp.post("/tender/criteria")
@roles_required(*HOSTS)
def add_criterion(public_id: str) -> Response:
    event, tender = held(public_id)
    form = CriterionForm(prefix="criterion")
    if form.validate_on_submit():
        try:
            tenders.add_criterion(tender, current_user.email, form.name.data or "", form.description.data or "",
                                  form.weight.data or "")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Criterion added."), "info")
    else:
        flash_form_errors(form)
    return to_setup(event)


@bp.route("/tender/criteria/<criterion_id>", methods=["GET", "POST"])
@roles_required(*HOSTS)
def edit_criterion(public_id: str, criterion_id: str) -> Response | str:
    event, tender = held(public_id)
    criterion = tenders.criterion_of(tender, criterion_id)
    form = CriterionForm(obj=criterion)
    if request.method == "GET":
        form.weight.data = str(criterion.weight.normalize())
    if form.validate_on_submit():
        try:
            tenders.update_criterion(tender, current_user.email, criterion, form.name.data or "",
                                     form.description.data or "", form.weight.data or "")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Changes saved."), "info")
            return to_setup(event)
    return render_template("tender_host/item_form.html", event=event, tender=tender, form=form,
                           heading=_("Edit criterion"))


@bp.post("/tender/criteria/<criterion_id>/delete")
@roles_required(*HOSTS)
def remove_criterion(public_id: str, criterion_id: str) -> Response:
    event, tender = held(public_id)
    if ActionForm().validate_on_submit():
        try:
            tenders.remove_criterion(tender, current_user.email, tenders.criterion_of(tender, criterion_id))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Criterion removed."), "info")
    return to_setup(event)


@bp.post("/tender/bidders")
@roles_required(*HOSTS)
def add_bidder(public_id: str) -> Response:
    event, tender = held(public_id)
    form = BidderForm(prefix="bidder")
    if form.validate_on_submit():
        try:
            tenders.add_bidder(tender, current_user.email, form.name.data or "", form.description.data or "",
                               form.website.data or "")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Bidder added."), "info")
    else:
        flash_form_errors(form)
    return to_setup(event)


@bp.route("/tender/bidders/<bidder_id>", methods=["GET", "POST"])
@roles_required(*HOSTS)
def edit_bidder(public_id: str, bidder_id: str) -> Response | str:
    event, tender = held(public_id)
    bidder = tenders.bidder_of(tender, bidder_id)
    form = BidderForm(obj=bidder)
    if form.validate_on_submit():
        try:
            tenders.update_bidder(tender, current_user.email, bidder, form.name.data or "",
                                  form.description.data or "", form.website.data or "")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Changes saved."), "info")
            return to_setup(event)
    return render_template("tender_host/item_form.html", event=event, tender=tender, form=form,
                           heading=_("Edit bidder"))


@bp.post("/tender/bidders/<bidder_id>/delete")
@roles_required(*HOSTS)
def remove_bidder(public_id: str, bidder_id: str) -> Response:
    event, tender = held(public_id)
    if ActionForm().validate_on_submit():
        try:
            tenders.remove_bidder(tender, current_user.email, tenders.bidder_of(tender, bidder_id))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Bidder removed."), "info")
    return to_setup(event)


@bp.post("/tender/bidders/<bidder_id>/move")
@roles_required(*HOSTS)
def move_bidder(public_id: str, bidder_id: str) -> Response:
    event, tender = held(public_id)
    if ActionForm().validate_on_submit():
        try:
            tenders.move_bidder(tender, current_user.email, tenders.bidder_of(tender, bidder_id),
                                -1 if request.form.get("direction") == "up" else 1)
        except DomainError as error:
            flash(message_for(error), "error")
    return to_setup(event)


@bp.post("/tender/shuffle")
@roles_required(*HOSTS)
def shuffle(public_id: str) -> Response:
    """Draw the presentation order at random; the order and the time are recorded."""
    event, tender = held(public_id)
    if ActionForm().validate_on_submit():
        try:
            order = tenders.shuffle_bidders(tender, current_user.email)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("New order drawn: %(order)s.", order=", ".join(order)), "info")
    return to_setup(event)


@bp.route("/tender/reset", methods=["GET", "POST"])
@roles_required(*HOSTS)
def reset(public_id: str) -> Response | str:
    """Discard all cards to unfreeze the set-up; asks for explicit confirmation first."""
    event, tender = held(public_id)
    form = ResetForm()
    if form.validate_on_submit():
        try:
            discarded = tenders.reset_scoring(tender, current_user.email, bool(form.confirm.data))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("%(count)s score cards deleted. The set-up can be changed again.", count=discarded), "info")
            return to_setup(event)
    return render_template("tender_host/reset.html", event=event, tender=tender, form=form,
                           cards=tenders.card_count(tender))
