"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.conftest import make_test_config


def _fresh_database_url(tmp_path, postgres_url: str | None, worker_id: str) -> str:
    if postgres_url is None:
        return f"sqlite:///{tmp_path}/fresh.sqlite"
    name = "buurtstem_migrate_" + re.sub(r"\W", "", worker_id)
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)


def test_upgrade_matches_the_models(tmp_path, postgres_url, worker_id) -> None:
    url = _fresh_database_url(tmp_path, postgres_url, worker_id)
    app = create_app(make_test_config(tmp_path, None, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        runner = app.test_cli_runner()
        result = runner.invoke(args=["users", "create", "a@buurt.test", "--role", "host"], input="")
        assert result.exit_code == 0, result.output
        db.engine.dispose()
