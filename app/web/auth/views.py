"""Logging in and out, and the first admin's one-time set-up page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from app.messages import message_for
from app.models import Role
from app.services import accounts
from app.services.errors import DomainError
from app.web.auth import bp
from app.web.auth.forms import LoginForm, SetupForm


def _home_for(role: Role) -> str:
    if role == Role.ADMIN:
        return url_for("admin.users")
    if role == Role.HOST:
        return url_for("host.dashboard")
    if role == Role.COMMITTEE:
        return url_for("reports.index")
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Log in; wrong passwords count against the account, not the hall's shared IP address."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data or "", form.password.data or "",
                                         current_app.config["LOGIN_MAX_FAILURES"],
                                         current_app.config["LOGIN_LOCK_SECONDS"])
        except DomainError as error:
            flash(message_for(error), "error")
            return render_template("auth/login.html", form=form), error.status if error.status == 429 else 200
        login_user(user)
        return redirect(_home_for(user.role))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str) -> Response | str:
    """The link printed by ``make run`` on an empty database: the first admin picks their password."""
    if not accounts.setup_link_valid(token):
        abort(410)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = accounts.complete_setup(token, form.email.data or "", form.password.data or "")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            login_user(user)
            flash(_("Welcome! Your admin account is ready."), "info")
            return redirect(url_for("admin.users"))
    return render_template("auth/setup.html", form=form)
