from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/rounds/<round_id>")

from app.web.rounds import views  # noqa: E402,F401
