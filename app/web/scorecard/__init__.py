from flask import Blueprint

bp = Blueprint("scorecard", __name__, url_prefix="/stem")

from app.web.scorecard import views  # noqa: E402,F401
