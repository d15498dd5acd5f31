"""The security baseline: CSRF on every form, cookie flags and headers on every route."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.extensions import db
from app.models import Event, User
from tests.conftest import PASSWORD, make_event, make_test_config, make_user


@pytest.fixture
def app_config(tmp_path: Any, postgres_url: str | None) -> dict[str, Any]:
    return make_test_config(tmp_path, postgres_url, WTF_CSRF_ENABLED=True)


def _post_routes(app: Flask) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or set()))


def test_every_post_without_csrf_token_is_refused_and_changes_nothing(client, app) -> None:
    event = make_event()
    values = {"public_id": event.public_id, "token": "x", "group_id": event.groups[0].id}
    counts_before = (db.session.scalar(sa.select(sa.func.count(User.id))),
                     db.session.scalar(sa.select(sa.func.count(Event.id))))
    for rule in _post_routes(app):
        path = rule
        for key, value in values.items():
            path = path.replace(f"<{key}>", str(value)).replace(f"<int:{key}>", str(value))
        path = path.replace("<", "").replace(">", "")
        response = client.post(path, data={"title": "changed", "email": "x@y.z", "password": PASSWORD})
        assert response.status_code in (400, 404), (rule, response.status_code)
    db.session.expire_all()
    assert (db.session.scalar(sa.select(sa.func.count(User.id))),
            db.session.scalar(sa.select(sa.func.count(Event.id)))) == counts_before
    assert db.session.get(Event, event.id).title == "Buurtavond"


def test_csrf_failure_is_explained(client, app) -> None:
    make_user()
    response = client.post("/login", data={"email": "host@buurt.test", "password": PASSWORD},
                           headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    assert "Er is niets opgeslagen" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/login", "/code", "/t/unknown", "/nope", "/stem"])
def test_security_headers(client, app, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_session_cookie_flags(tmp_path) -> None:
    application = create_app(make_test_config(tmp_path, None, PUBLIC_URL="https://buurt.example"))
    assert application.config["SESSION_COOKIE_HTTPONLY"]
    assert application.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert application.config["SESSION_COOKIE_SECURE"]
    with application.app_context():
        db.create_all()
    client = application.test_client()
    client.post("/language", data={"language": "en"})
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.secure and cookie.same_site == "Lax"
