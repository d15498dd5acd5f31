import os
import subprocess
import sys

import pytest

from app import config, create_app


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path) -> None:
    first = config.ensure_secret_key(str(tmp_path))
    assert len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert config.ensure_secret_key(str(tmp_path)) == first


def test_environment_overrides(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    found = config.from_environment()
    assert found["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg2://u@h/db"
    assert found["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert "PREPARED_STATEMENTS" not in found


@pytest.mark.parametrize(("given", "used"), [("0", False), ("off", False), ("False", False), ("1", True),
                                             ("yes", True)])
def test_prepared_statements_can_be_switched_off_from_the_environment(monkeypatch, given: str, used: bool) -> None:
    """Behind PgBouncer's transaction pooling the card POST's prepared statement must be off."""
    monkeypatch.setenv("PREPARED_STATEMENTS", given)
    assert config.from_environment()["PREPARED_STATEMENTS"] is used


@pytest.mark.parametrize(("given", "used"), [
    ("postgres://u@h/db", "postgresql+psycopg2://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg2://u@h/db"),  # SQLAlchemy 2.1 would pick psycopg 3
    ("postgresql+psycopg2://u@h/db", "postgresql+psycopg2://u@h/db"),
    ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
])
def test_database_url_names_the_installed_driver(given: str, used: str) -> None:
    assert config.normalise_database_url(given) == used


def test_debug_outside_development_refuses_to_start(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="development"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    app = create_app({"SECRET_KEY": "x", "ENVIRONMENT": "development",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.debug


def test_sqlite_pragmas(app) -> None:
    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_a_pooled_connection_that_broke_while_idle_is_replaced(app, monkeypatch) -> None:
    """Only idle connections get a test query (app/database.py); one that fails it is replaced, so the
    request that checks it out does not fail."""
    import sqlalchemy as sa

    from app import database
    from app.extensions import db

    def break_it(dbapi_connection, _record) -> None:
        dbapi_connection.close()  # broken while it lies in the pool

    sa.event.listen(db.engine.pool, "checkin", break_it, once=True)
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    monkeypatch.setattr(database, "IDLE_SECONDS_BEFORE_PING", 0.0)
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1
    monkeypatch.setattr(database, "IDLE_SECONDS_BEFORE_PING", 60.0)
    with db.engine.connect() as connection:  # handed back a moment ago: no test query, no round trip
        pinged = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: pinged.append(args))
        assert connection.execute(sa.text("SELECT 2")).scalar() == 2
        assert len(pinged) == 1


def test_the_pool_is_fixed_unless_configured_and_absent_for_an_in_memory_database() -> None:
    from app.database import engine_options

    assert engine_options("sqlite://", {}) == {}
    assert engine_options("sqlite:////srv/buurtstem.sqlite", {}) == {"pool_size": 15, "max_overflow": 0}
    assert engine_options("postgresql+psycopg2://u@h/db", {"pool_size": 5, "pool_timeout": 10}) == {
        "pool_size": 5, "max_overflow": 0, "pool_timeout": 10}


def test_numpy_gets_one_blas_thread_unless_the_environment_says_otherwise() -> None:
    # Spinning BLAS threads took tens of ms of CPU after numpy's import (doubling a small count's CPU).
    probe = "import app, numpy, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    plain = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert subprocess.run([sys.executable, "-c", probe], env=plain, capture_output=True, text=True,
                          check=True).stdout.strip() == "1"
    assert subprocess.run([sys.executable, "-c", probe], env=plain | {"OPENBLAS_NUM_THREADS": "2"},
                          capture_output=True, text=True, check=True).stdout.strip() == "2"
