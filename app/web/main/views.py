"""The start page and the language switch."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from app.web.attend.forms import CodeForm
from app.web.main import bp


@bp.get("/")
def index() -> str:
    """Start page: type a ticket code, or log in to run an event."""
    return render_template("main/index.html", form=CodeForm())


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language and go back to where the person was (only within this site)."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)
