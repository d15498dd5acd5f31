"""The POST's CSRF check: Flask-WTF's tokens and reasons, checked through one kept serializer per key."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask, session
from flask_wtf.csrf import ValidationError, generate_csrf, validate_csrf
from itsdangerous import URLSafeTimedSerializer

from app.csrf import SALT, KeptSerializerCSRF
from app.extensions import csrf


def test_the_app_uses_it(app: Flask) -> None:
    assert isinstance(app.extensions["csrf"], KeptSerializerCSRF)
    assert app.extensions["csrf"] is csrf


def _flask_wtf_reason(token: str | None) -> str | None:
    try:
        validate_csrf(token)
    except ValidationError as error:
        return str(error.args[0])
    return None


def _made_by_flask_wtf() -> str | None:
    return str(generate_csrf())


def _no_token() -> str | None:
    generate_csrf()
    return None


def _other_key() -> str | None:
    generate_csrf()
    return URLSafeTimedSerializer("another-secret-key", salt=SALT).dumps(session["csrf_token"])


def _other_session_token() -> str | None:
    token = generate_csrf()
    session["csrf_token"] = "0" * 40
    return str(token)


def _no_session_token() -> str | None:
    token = generate_csrf()
    del session["csrf_token"]
    return str(token)


def _tampered() -> str | None:
    token = str(generate_csrf())
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


@pytest.mark.parametrize(("make", "reason"), [
    (_made_by_flask_wtf, None),
    (_no_token, "The CSRF token is missing."),
    (_other_key, "The CSRF token is invalid."),
    (_tampered, "The CSRF token is invalid."),
    (_other_session_token, "The CSRF tokens do not match."),
    (_no_session_token, "The CSRF session token is missing."),
])
def test_same_verdict_and_reason_as_flask_wtf(app: Flask, make: Callable[[], str | None], reason: str | None) -> None:
    with app.test_request_context():
        token = make()
        assert csrf.refusal(token) == reason
        assert _flask_wtf_reason(token) == reason


def test_an_old_token_expires_when_a_time_limit_is_set(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["WTF_CSRF_TIME_LIMIT"] = 60
    with app.test_request_context():
        token = str(generate_csrf())
        now = time.time()
        monkeypatch.setattr(time, "time", lambda: now + 3600)
        assert csrf.refusal(token) == "The CSRF token has expired."
        assert _flask_wtf_reason(token) == "The CSRF token has expired."


def test_a_separate_csrf_secret_key_is_used(app: Flask) -> None:
    app.config["WTF_CSRF_SECRET_KEY"] = "csrf-only-key"
    with app.test_request_context():
        token = str(generate_csrf())
        assert csrf.refusal(token) is None
        app.config["WTF_CSRF_SECRET_KEY"] = "changed-key"
        assert csrf.refusal(token) == "The CSRF token is invalid."
