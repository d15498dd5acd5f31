"""The session cookie: Flask's signed cookie, opened through one kept serializer per secret key."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from app.sessions import SignedCookieSessions


def _environ(app: Flask, cookie: str) -> dict[str, object]:
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as context:
        return context.request.environ


def _open(app: Flask, interface: SecureCookieSessionInterface, cookie: str) -> dict[str, object]:
    found = interface.open_session(app, app.request_class(_environ(app, cookie)))
    return dict(found or {})


def test_the_app_uses_it(app: Flask) -> None:
    assert isinstance(app.session_interface, SignedCookieSessions)


def test_cookies_open_with_flasks_own_interface_and_back(app: Flask) -> None:
    """Same salt, key derivation and signature: sessions signed before the change still open, and back."""
    data = {"ticket_id": 7, "_permanent": True, "csrf_token": "abc"}
    flasks = SecureCookieSessionInterface()
    ours = SignedCookieSessions()
    by_flask = flasks.get_signing_serializer(app).dumps(data)  # type: ignore[union-attr]
    by_ours = ours.get_signing_serializer(app).dumps(data)  # type: ignore[union-attr]
    assert _open(app, ours, by_flask) == data
    assert _open(app, flasks, by_ours) == data


def test_a_new_secret_key_refuses_old_cookies_unless_listed_as_fallback(app: Flask) -> None:
    ours = SignedCookieSessions()
    cookie = ours.get_signing_serializer(app).dumps({"ticket_id": 7})  # type: ignore[union-attr]
    assert _open(app, ours, cookie) == {"ticket_id": 7}
    old, app.secret_key = app.secret_key, "another-secret-key"
    try:
        assert _open(app, ours, cookie) == {}
        app.config["SECRET_KEY_FALLBACKS"] = [old]
        assert _open(app, ours, cookie) == {"ticket_id": 7}
    finally:
        app.secret_key = old
        app.config["SECRET_KEY_FALLBACKS"] = []
