"""Blueprints by audience. Each feature folder holds ``__init__.py`` (the blueprint), views and forms."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed"), "published": _l("Published")}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def register_blueprints(app: Flask) -> None:
    from app.web.admin import bp as admin_bp
    from app.web.api import bp as api_bp
    from app.web.attend import bp as attend_bp
    from app.web.auth import bp as auth_bp
    from app.web.budget_host import bp as budget_host_bp
    from app.web.host import bp as host_bp
    from app.web.live import bp as live_bp
    from app.web.main import bp as main_bp
    from app.web.reports import bp as reports_bp
    from app.web.rounds import bp as rounds_bp
    from app.web.rounds import display as budget_display
    from app.web.scorecard import bp as scorecard_bp
    from app.web.tender_host import bp as tender_host_bp

    app.jinja_env.globals["status_label"] = status_label
    budget_display.init_app(app)
    for blueprint in (main_bp, auth_bp, admin_bp, host_bp, attend_bp, live_bp, budget_host_bp, rounds_bp, reports_bp,
                      scorecard_bp, tender_host_bp, api_bp):
        app.register_blueprint(blueprint)
