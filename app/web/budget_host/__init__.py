from flask import Blueprint

bp = Blueprint("budget_host", __name__, url_prefix="/host/events/<public_id>/budget")

from app.web.budget_host import views  # noqa: E402,F401
