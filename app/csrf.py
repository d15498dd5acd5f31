"""CSRF protection: Flask-WTF's, with the token of every POST checked with less CPU.

Flask-WTF's ``validate_csrf`` builds a new itsdangerous serializer for every POST (which serialises ``{}``
once to find out whether its serializer returns text) and signs with a Python wrapper around
``hashlib.sha1``, so HMAC runs in the pure-Python fallback of the ``hmac`` module instead of OpenSSL's —
the same waste ``app/sessions.py`` removes from the session cookie. Here the token is checked by one kept
serializer per key, signed by OpenSSL's HMAC-SHA1. The token is the same: Flask-WTF's salt, key
derivation, signature and payload, so tokens made by ``generate_csrf`` (the forms' hidden field) pass, and
a refusal is Flask-WTF's ``CSRFError`` with its own reason (``tests/web/test_csrf.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, same_origin
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

SALT = "wtf-csrf-token"  # Flask-WTF's
log = logging.getLogger("flask_wtf.csrf")


class KeptSerializerCSRF(CSRFProtect):
    """``CSRFProtect`` whose POST check keeps one serializer per CSRF secret key."""

    def __init__(self) -> None:
        super().__init__()
        self._serializers: dict[Any, URLSafeTimedSerializer] = {}

    def protect(self, apply_exemptions: bool = False) -> None:
        """Flask-WTF's ``protect``: exempt views and safe methods pass, then the token, then (over HTTPS with
        ``WTF_CSRF_SSL_STRICT``) the referrer."""
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        config = current_app.config
        if request.method not in config["WTF_CSRF_METHODS"]:
            return
        reason = self.refusal(self._get_csrf_token())
        if reason is not None:
            log.info(reason)
            self._error_response(reason)
        if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True

    def refusal(self, data: str | None) -> str | None:
        """Why the posted token ``data`` fails (Flask-WTF's ``validate_csrf`` reasons), or ``None``."""
        config = current_app.config
        field_name = config["WTF_CSRF_FIELD_NAME"]
        if not data:
            return "The CSRF token is missing."
        if field_name not in session:
            return "The CSRF session token is missing."
        try:
            token = self._serializer(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key).loads(
                data, max_age=config["WTF_CSRF_TIME_LIMIT"])
        except SignatureExpired:
            return "The CSRF token has expired."
        except BadData:
            return "The CSRF token is invalid."
        if not isinstance(token, str) or not hmac.compare_digest(session[field_name], token):
            return "The CSRF tokens do not match."
        return None

    def _serializer(self, secret_key: Any) -> URLSafeTimedSerializer:
        found = self._serializers.get(secret_key)
        if found is None:
            found = URLSafeTimedSerializer(secret_key, salt=SALT, signer_kwargs={"digest_method": hashlib.sha1})
            self._serializers.clear()
            self._serializers[secret_key] = found
        return found
