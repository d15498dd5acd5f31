"""Admins manage accounts."""

from __future__ import annotations

from flask import flash, render_template
from flask_babel import gettext as _

from app.messages import message_for
from app.models import Role
from app.services import accounts
from app.services.errors import DomainError
from app.web.access import roles_required
from app.web.admin import bp
from app.web.admin.forms import UserForm


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users() -> str:
    """List accounts and create one; a generated password is shown once, on this page only."""
    form = UserForm()
    generated = None
    if form.validate_on_submit():
        password = form.password.data or accounts.generate_password()
        try:
            user = accounts.create_user(form.email.data or "", password, Role(form.role.data))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Account created for %(email)s.", email=user.email), "info")
            if not form.password.data:
                generated = password
            form = UserForm(formdata=None)
    return render_template("admin/users.html", form=form, users=accounts.users(), generated=generated)
