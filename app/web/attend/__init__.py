from flask import Blueprint

bp = Blueprint("attend", __name__)

from app.web.attend import views  # noqa: E402,F401
