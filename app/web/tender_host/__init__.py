from flask import Blueprint

bp = Blueprint("tender_host", __name__, url_prefix="/host/events/<public_id>")

from app.web.tender_host import console, paper, views  # noqa: E402,F401
