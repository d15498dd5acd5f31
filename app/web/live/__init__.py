"""The live evening: projector, its server-sent-events stream, the host's preview and moderation, and the
audience's reactions and questions."""

from flask import Blueprint

bp = Blueprint("live", __name__, url_prefix="/live")

from app.web.live import views  # noqa: E402,F401
