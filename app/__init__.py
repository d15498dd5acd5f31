"""Buurtstem: neighbourhoods decide and advise together. ``create_app`` reads like a table of contents."""

from __future__ import annotations

import os
from typing import Any

# numpy's OpenBLAS starts a thread per core, which spin for tens of milliseconds after numpy is imported
# and after each threaded BLAS call, burning CPU that a web worker needs for requests. Nothing here needs
# threaded BLAS (the counting uses none; the report's resampling multiplies small matrices), so one thread,
# unless the environment says otherwise. Set before anything imports numpy: this module runs first.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from flask import Flask  # noqa: E402

from app import config  # noqa: E402


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(root, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    app.config.from_mapping(config.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(config.from_environment())
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.ensure_secret_key(app.instance_path)
    if app.debug and app.config["ENVIRONMENT"] != "development":
        raise RuntimeError("Debug mode is only allowed with BUURTSTEM_ENV=development.")
    public_url = app.config.get("PUBLIC_URL") or ""
    if public_url.startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    from app import cli, database, errors, i18n, security, sessions
    from app.extensions import csrf, db, login, migrate
    from app.services import live_bus, live_raise

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    login.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    live_bus.init_app(app)
    live_raise.init_app(app)

    from app.web import bench_endpoint, register_blueprints

    register_blueprints(app)
    bench_endpoint.register(app)  # off unless BUURTSTEM_BENCH_ENDPOINT=1 (benchmarks only)
    return app
