from flask import Blueprint

bp = Blueprint("tender_host", __name__, url_prefix="/host/events/<public_id>")

from app.web.tender_host import views  # noqa: E402,F401,I001
from app.web.tender_host import console  # noqa: E402,F401
from app.web.tender_host import paper  # noqa: E402,F401
from app.web.tender_host import comments  # noqa: E402,F401
