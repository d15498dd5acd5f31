"""The host's pages: their events, voter groups and tickets."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.exports.ticket_sheets import ticket_sheets_pdf, tickets_csv
from app.messages import message_for
from app.models import EventStatus, Role
from app.netaddr import public_base_url
from app.services import events, tickets
from app.services.errors import DomainError
from app.web.access import roles_required
from app.web.host import bp
from app.web.host.forms import ConfirmForm, EventForm, GroupForm, TicketIssueForm, TicketVoidForm

HOSTS = (Role.HOST, Role.ADMIN)


def _fields(form: EventForm) -> events.EventFields:
    return events.EventFields(
        title=form.title.data or "", description=form.description.data or "",
        location=form.location.data or "", starts_at=form.starts_at.data, ends_at=form.ends_at.data,
        language=form.language.data or "nl", allow_open_join=bool(form.allow_open_join.data),
        retention_days=form.retention_days.data or 90)


@bp.get("/")
@roles_required(*HOSTS)
def dashboard() -> str:
    """The host's own events."""
    return render_template("host/dashboard.html", events=events.events_for(current_user))


@bp.route("/events/new", methods=["GET", "POST"])
@roles_required(*HOSTS)
def new_event() -> BaseResponse | str:
    form = EventForm()
    del form.status
    if form.validate_on_submit():
        try:
            event = events.create_event(current_user, _fields(form))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Event created."), "info")
            return redirect(url_for("host.event", public_id=event.public_id))
    return render_template("host/event_form.html", form=form, event=None)


@bp.get("/events/<public_id>")
@roles_required(*HOSTS)
def event(public_id: str) -> str:
    """Overview of one event: groups, tickets and what to do next."""
    item = events.event_for(current_user, public_id)
    issue_form = TicketIssueForm()
    issue_form.group.choices = [(group.id, group.name) for group in item.groups]
    return render_template("host/event.html", event=item, counts=tickets.ticket_counts(item),
                           issue_form=issue_form, void_form=TicketVoidForm(), group_form=GroupForm())


@bp.route("/events/<public_id>/edit", methods=["GET", "POST"])
@roles_required(*HOSTS)
def edit_event(public_id: str) -> BaseResponse | str:
    item = events.event_for(current_user, public_id)
    form = EventForm(obj=item)
    if form.validate_on_submit():
        try:
            events.update_event(item, current_user, _fields(form), EventStatus(form.status.data))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Changes saved."), "info")
            return redirect(url_for("host.event", public_id=item.public_id))
    return render_template("host/event_form.html", form=form, event=item)


@bp.route("/events/<public_id>/delete", methods=["GET", "POST"])
@roles_required(*HOSTS)
def delete_event(public_id: str) -> BaseResponse | str:
    """Deleting asks for confirmation first: it removes tickets and votes too."""
    item = events.event_for(current_user, public_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        events.delete_event(item)
        flash(_("The event has been deleted."), "info")
        return redirect(url_for("host.dashboard"))
    return render_template("host/delete_event.html", event=item, form=form)


@bp.post("/events/<public_id>/groups")
@roles_required(*HOSTS)
def add_group(public_id: str) -> BaseResponse:
    item = events.event_for(current_user, public_id)
    form = GroupForm()
    if form.validate_on_submit():
        try:
            events.add_group(item, current_user, form.name.data or "", events.parse_weight(form.weight.data or ""),
                             form.colour.data or "#1f6f8b")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Group added."), "info")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("host.event", public_id=item.public_id))


@bp.route("/events/<public_id>/groups/<int:group_id>", methods=["GET", "POST"])
@roles_required(*HOSTS)
def edit_group(public_id: str, group_id: int) -> BaseResponse | str:
    item = events.event_for(current_user, public_id)
    group = events.group_of(item, group_id)
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        try:
            events.update_group(item, current_user, group, form.name.data or "",
                                events.parse_weight(form.weight.data or ""), form.colour.data or group.colour)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Group saved."), "info")
            return redirect(url_for("host.event", public_id=item.public_id))
    return render_template("host/group_form.html", event=item, group=group, form=form)


@bp.post("/events/<public_id>/tickets")
@roles_required(*HOSTS)
def issue_tickets(public_id: str) -> BaseResponse:
    """Issue tickets and hand them over at once: the secrets are not stored, so this is the only copy."""
    item = events.event_for(current_user, public_id)
    form = TicketIssueForm()
    form.group.choices = [(group.id, group.name) for group in item.groups]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("host.event", public_id=item.public_id))
    group = events.group_of(item, form.group.data or 0)
    issued = tickets.issue_tickets(item, group, form.count.data or 0, current_user.email)
    base = public_base_url()
    stem = f"tickets-{item.public_id}-{issued[0].number}-{issued[-1].number}"
    if form.output.data == "csv":
        return Response(tickets_csv(issued, base), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={stem}.csv"})
    return Response(ticket_sheets_pdf(item, issued, base), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={stem}.pdf"})


@bp.post("/events/<public_id>/tickets/void")
@roles_required(*HOSTS)
def void_ticket(public_id: str) -> BaseResponse:
    item = events.event_for(current_user, public_id)
    form = TicketVoidForm()
    if form.validate_on_submit():
        try:
            tickets.void_ticket(item, form.number.data or 0, current_user.email)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Ticket %(number)s is cancelled.", number=form.number.data), "info")
    return redirect(url_for("host.event", public_id=item.public_id))
