"""The security baseline: CSRF on every form, cookie flags and headers on every route."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, Response

from app import create_app
from app.extensions import db
from app.models import Event, User
from app.security import add_headers
from tests.conftest import PASSWORD, make_event, make_test_config, make_user
from tests.security_world import World, fast_passwords, make_world

CSRF_EXEMPT = {"api.tally_pb": "stateless and cookie-less: see its docstring and docs/api.md"}


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


def _database_state() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove that nothing changed."""
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        state[table.name] = [tuple(row) for row in rows]
    return state


@pytest.mark.usefixtures(fast_passwords.__name__)
@pytest.mark.parametrize("role", ["host_a", "attendee"])
def test_every_post_route_with_real_ids_refuses_a_missing_csrf_token(client, app, role: str) -> None:
    """Logged in as the owner (or holding a ticket), with real ids for every object, every POST route
    without a token answers 400 and the database is unchanged, row for row."""
    world: World = make_world()
    if role == "host_a":
        log_in_with_token(client, world.host_a.email)
    else:
        client.get(f"/t/{world.attendee.token}")
    db.session.expire_all()
    before = _database_state()
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or set())]
    assert len(posts) > 30
    for rule in posts:
        data = {"title": "changed", "email": "x@y.z", "password": PASSWORD, "comment": "x", "text": "vraag"}
        response = client.post(world.path(rule), data=data)
        if rule.endpoint in CSRF_EXEMPT:
            assert response.status_code == 400 and response.is_json, rule.endpoint
        else:
            assert response.status_code == 400, (rule.endpoint, response.status_code)
            assert "Nothing was saved" in response.get_data(as_text=True) or \
                "Er is niets opgeslagen" in response.get_data(as_text=True), rule.endpoint
    db.session.expire_all()
    assert _database_state() == before


def log_in_with_token(client, email: str) -> None:
    """Log in through the real form, CSRF token included."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302


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


def test_security_headers_keep_a_value_the_view_set() -> None:
    response = Response("x", headers={"X-Frame-Options": "SAMEORIGIN", "content-security-policy": "default-src 'none'"})
    add_headers(response)
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert [name for name, _ in response.headers].count("Permissions-Policy") == 1


@pytest.mark.usefixtures(fast_passwords.__name__)
@pytest.mark.parametrize("role", ["anonymous", "host_a"])
def test_security_headers_on_every_get_route(client, app, role: str) -> None:
    """Every GET route, with real ids, as a visitor and as the owner: whatever the status, the headers."""
    world: World = make_world()
    if role == "host_a":
        log_in_with_token(client, world.host_a.email)
    seen = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in {"auth.logout"}:
            continue
        response = client.get(world.path(rule), buffered=False)
        response.close()
        csp = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, rule.endpoint
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, rule.endpoint
        assert response.headers.get("X-Content-Type-Options") == "nosniff", rule.endpoint
        assert response.headers.get("Referrer-Policy") == "no-referrer", rule.endpoint
        assert response.headers.get("X-Frame-Options") == "DENY", rule.endpoint
        seen += 1
    assert seen > 50


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
