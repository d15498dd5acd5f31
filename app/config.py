"""Configuration: defaults here, then ``instance/config.py``, then environment variables.

The secret key is never a constant in code: when none is configured, a random one is written to
``instance/secret_key`` on first start and read back on every later start, so sessions survive restarts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ENV_KEYS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PUBLIC_URL")


def defaults(instance_path: str) -> dict[str, Any]:
    """Settings that hold when nothing else is configured: SQLite in the instance folder, Dutch first."""
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "buurtstem.sqlite"),
        # the pool's size is added by database.engine_options; no pre-ping on every checkout:
        # app/database.py tests only connections that lay idle
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # PostgreSQL: the card POST's statement is prepared once per connection (app/services/driver_sql.py);
        # switch off behind a pooler that hands each transaction another server connection (PgBouncer's
        # transaction pooling), where a prepared statement is not found again
        "PREPARED_STATEMENTS": True,
        "REDIS_URL": None,
        "PUBLIC_URL": None,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # a phone's session (its ticket) is permanent; re-signing it on every response costs each card
        # request CPU for nothing: it is signed again when it changes, and lives 31 days from then
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_SECONDS": 60,
        "ENVIRONMENT": "production",
    }


def from_environment() -> dict[str, Any]:
    """Environment variables win over files, so a container or service unit can configure everything."""
    found: dict[str, Any] = {}
    for key in ENV_KEYS:
        value = os.environ.get(key)
        if value:
            found[key] = value
    if "DATABASE_URL" in found:
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(found.pop("DATABASE_URL"))
    prepared = os.environ.get("PREPARED_STATEMENTS", "").strip().lower()
    if prepared:
        found["PREPARED_STATEMENTS"] = prepared not in ("0", "false", "no", "off")
    if os.environ.get("BUURTSTEM_ENV"):
        found["ENVIRONMENT"] = os.environ["BUURTSTEM_ENV"]
    return found


def normalise_database_url(url: str) -> str:
    """Hosting platforms still hand out ``postgres://``, which SQLAlchemy 2 no longer accepts; and a bare
    ``postgresql://`` means psycopg 3 since SQLAlchemy 2.1, while we ship psycopg2 (made cooperative under
    gevent by psycogreen), so the driver is named explicitly."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def ensure_secret_key(instance_path: str) -> str:
    """Read the generated secret key, creating it (owner-readable only) the first time."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
