"""The read-only JSON API, version 1 (``/api/v1``): public event facts, published results, a stateless tally.

Documented as OpenAPI 3.1 in :mod:`app.web.api.openapi` (served at ``/api/v1/openapi.json``, copied into
docs/api.md).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.web.api import views  # noqa: E402,F401
