"""Advice reports: the host's preview and publish step, committee access (accounts and secret links), the
committee's decision, and the event's public page."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

import app.web.reports.views  # noqa: E402,F401
