"""The signed session cookie: Flask's own, opened with less CPU per request.

Every phone request opens the session (it holds the ticket), so its cost is paid on every card. Flask's
``SecureCookieSessionInterface`` builds a new itsdangerous serializer for every request (which serialises
``{}`` once to find out whether its serializer returns text) and signs with a Python wrapper around
``hashlib.sha1``, so HMAC runs in the pure-Python fallback of the ``hmac`` module instead of OpenSSL's.
The cookie is the same: same salt, key derivation, HMAC-SHA1 signature, payload and expiry; cookies
signed by either interface open with the other (``tests/web/test_sessions.py``).
"""

from __future__ import annotations

import hashlib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions with one serializer per secret key (and fallback keys), signed by
    OpenSSL's HMAC-SHA1."""

    digest_method = staticmethod(hashlib.sha1)

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer for the app's current keys, made once; a changed ``SECRET_KEY`` or
        ``SECRET_KEY_FALLBACKS`` gets a new one."""
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        found = self._serializers.get(keys)
        if found is None:
            found = super().get_signing_serializer(app)
            assert found is not None  # noqa: S101 - there is a secret key
            self._serializers.clear()
            self._serializers[keys] = found
        return found


def init_app(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()
