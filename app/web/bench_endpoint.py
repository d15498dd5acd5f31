"""A bare endpoint for benchmarks only: ``GET /_bench/ok`` answers "ok" without touching the database.

``bench/card_submissions.py`` measures the phone score card against this endpoint on the same server in the
same run, so the ratio says what the card itself costs (CSRF, ticket, validation, insert) over the fixed cost
of Flask, the middleware and gunicorn. It exists only when the environment variable
``BUURTSTEM_BENCH_ENDPOINT=1`` is set (or the config key ``BENCH_ENDPOINT`` is true); it is off by default.
"""

from __future__ import annotations

import os

from flask import Flask


def wanted(app: Flask) -> bool:
    return bool(app.config.get("BENCH_ENDPOINT")) or os.environ.get("BUURTSTEM_BENCH_ENDPOINT") == "1"


def register(app: Flask) -> None:
    """Add ``/_bench/ok`` when benchmarks asked for it; nothing otherwise."""
    if not wanted(app):
        return

    def bench_ok() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    app.add_url_rule("/_bench/ok", "bench_ok", bench_ok, methods=["GET"])
