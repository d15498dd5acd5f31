"""The host reads the comments and hides abusive ones before the advice goes to the committee."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.messages import message_for
from app.services import comments
from app.services.errors import DomainError
from app.web.access import roles_required
from app.web.tender_host import bp
from app.web.tender_host.forms import ActionForm
from app.web.tender_host.views import HOSTS, held


@bp.get("/tender/comments")
@roles_required(*HOSTS)
def comments_page(public_id: str) -> str:
    event, tender = held(public_id)
    return render_template("tender_host/comments.html", event=event, tender=tender,
                           groups=comments.comments_by_bidder(tender), action=ActionForm())


@bp.post("/tender/comments/<int:card_id>")
@roles_required(*HOSTS)
def set_comment_hidden(public_id: str, card_id: int) -> Response:
    event, tender = held(public_id)
    form = ActionForm()
    if form.validate_on_submit():
        hide = request.form.get("hide") == "1"
        try:
            comments.set_comment_hidden(event, tender, card_id, hide, current_user.email)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("The comment is hidden.") if hide else _("The comment is shown again."), "info")
    return redirect(url_for("tender_host.comments_page", public_id=event.public_id))
