"""A change written through one worker process reaches screens connected to the other worker.

gunicorn with 2 gevent workers on a migrated SQLite file, once with Redis pub/sub and once with the
database watch that is used without Redis. Streams are opened until both worker pids hold one (the pid
is in the ``X-Live-Pid`` header and in every snapshot); then a phone taps the applause button over HTTP
and every stream must show it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.services import live
from tests.conftest import make_test_config
from tests.live_helpers import make_evening, on_stage
from tests.live_server_process import Browser, free_port, gunicorn, migrate, open_stream, server_env

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.mark.parametrize("transport", ["redis", "database"])
def test_a_change_through_one_worker_reaches_screens_on_both(tmp_path: Path, transport: str) -> None:
    if transport == "redis" and not _redis_available():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    database = tmp_path / "live.sqlite"
    env = server_env(database, free_port(), workers=2, redis_url=REDIS_URL if transport == "redis" else None)
    migrate(env)
    app = create_app(make_test_config(tmp_path, None, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}"))
    with app.app_context():
        found = make_evening(ticket_count=2)
        on_stage(found, open_scoring=False)
        event_id = found.event.public_id
        key = live.renew_projector_link(found.event, "host")
        token = found.issued[0].token
        db.session.remove()
        db.engine.dispose()

    with gunicorn(env) as url:
        projector = Browser(url)
        projector.get(f"/live/{event_id}/projector?key={key}")
        streams, by_pid = [], {}
        try:
            # the second worker may still be importing the app when the first one answers: keep connecting
            # (bounded) until a stream lands on each worker
            deadline = time.monotonic() + 60
            while len(by_pid) < 2 and time.monotonic() < deadline:
                stream = open_stream(url, f"/live/{event_id}/stream", projector.cookie_header())
                streams.append(stream)
                first = stream.next_snapshot()
                assert str(first["pid"]) == stream.pid and first["reactions"]["applause"] == 0
                if stream.pid in by_pid:
                    time.sleep(0.2)
                by_pid.setdefault(stream.pid, stream)
            assert len(by_pid) == 2, "all streams landed on one worker"

            phone = Browser(url)
            phone.get(f"/t/{token}")
            assert phone.post(f"/live/{event_id}/react", {"kind": "applause"}) == 200  # redirected to /stem

            for stream in by_pid.values():
                snapshot = stream.next_snapshot()
                while snapshot["reactions"]["applause"] == 0:
                    snapshot = stream.next_snapshot()
                assert snapshot["reactions"]["applause"] == 1
        finally:
            for stream in streams:
                stream.close()
