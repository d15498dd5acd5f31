from flask import Blueprint

bp = Blueprint("host", __name__, url_prefix="/host")

from app.web.host import views  # noqa: E402,F401
