"""Fixtures shared by all tests: ``app``, ``client``, ``runner`` and small factories with defaults.

By default every test gets a fresh SQLite file. With ``--postgres`` (``make test`` adds it when
``TEST_DATABASE_URL`` is set) the same tests run on PostgreSQL, each xdist worker in a database of its own,
emptied between tests.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from typing import Any

import flask_babel
import hypothesis
import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner

from app import create_app
from app.config import normalise_database_url
from app.extensions import db
from app.models import Event, Role, User
from app.services import accounts, events

PASSWORD = "correct horse battery"

# Shared 2-core machines: a slow example is not a failure, so hypothesis gets no per-example deadline;
# derandomized, so CI runs the same examples every time (a failure reproduces, and does not come and go).
hypothesis.settings.register_profile("buurtstem", deadline=None, derandomize=True, database=None)
hypothesis.settings.load_profile("buurtstem")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--postgres", action="store_true", help="run against TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest, worker_id: str) -> str | None:
    """A database of this worker's own on the PostgreSQL server, created once per session. Its name also
    names the checkout, so two checkouts' suites can run against one server at once."""
    if not request.config.getoption("--postgres"):
        return None
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.exit("--postgres needs TEST_DATABASE_URL", returncode=2)
    base = normalise_database_url(base)
    checkout = hashlib.sha256(str(request.config.rootpath).encode()).hexdigest()[:8]
    name = f"buurtstem_test_{checkout}_" + re.sub(r"\W", "", worker_id)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)


def make_test_config(tmp_path: Any, postgres_url: str | None, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": postgres_url or f"sqlite:///{tmp_path}/test.sqlite",
        "WTF_CSRF_ENABLED": False,
        "PUBLIC_URL": "http://buurt.test",
        "LOGIN_LOCK_SECONDS": 60,
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config(tmp_path: Any, postgres_url: str | None) -> dict[str, Any]:
    """Override in a module to change settings (e.g. CSRF on) before the app is made."""
    return make_test_config(tmp_path, postgres_url)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(app_config)

    @application.before_request
    def forget_context_caches() -> None:
        """Tests hold one app context across requests; real requests each get a fresh ``g``."""
        g.pop("_login_user", None)
        flask_babel.refresh()

    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        if application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def make_user(email: str = "host@buurt.test", role: Role = Role.HOST, password: str = PASSWORD) -> User:
    return accounts.create_user(email, password, role)


def make_event(owner: User | None = None, title: str = "Buurtavond", **fields: Any) -> Event:
    owner = owner or make_user()
    return events.create_event(owner, events.EventFields(title=title, **fields))


def log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
