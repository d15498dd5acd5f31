"""Attendees: opening a ticket by QR link or typed code, and their page for the event."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.messages import message_for
from app.services import tickets
from app.services.errors import DomainError
from app.web.access import remember_ticket, session_ticket
from app.web.attend import bp
from app.web.attend.forms import CodeForm


@bp.get("/t/<token>")
def ticket(token: str) -> Response:
    """A ticket's QR link: remember the ticket in the session and move on, so the token leaves the URL bar."""
    found = tickets.ticket_by_token(token)
    remember_ticket(found)
    return redirect(url_for("attend.home"))


@bp.route("/code", methods=["GET", "POST"])
def code() -> Response | str | tuple[str, int]:
    """Type the short code from a paper ticket."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            found = tickets.ticket_by_code(form.code.data or "")
        except DomainError as error:
            form.code.errors = [message_for(error)]
            return render_template("attend/code.html", form=form), error.status
        remember_ticket(found)
        return redirect(url_for("attend.home"))
    return render_template("attend/code.html", form=form)


@bp.get("/stem")
def home() -> Response | str:
    """The attendee's page for their event: what they can do now."""
    held = session_ticket()
    if held is None:
        return redirect(url_for("attend.code"))
    tickets.usable(held)
    return render_template("attend/home.html", ticket=held, event=held.event)
