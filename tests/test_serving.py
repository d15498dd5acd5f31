"""The production server: gevent workers (live streams must not starve card submission), migrate first."""

from __future__ import annotations

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_server_uses_an_async_worker_that_holds_many_streams() -> None:
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["worker_class"] == "gevent"
    assert settings["worker_connections"] >= 2000
    assert settings["accesslog"] is None  # ticket tokens must not land in logs


def test_a_worker_loads_weasyprint_before_its_first_pdf() -> None:
    """A committee's first advice report from a worker must not also pay WeasyPrint's import."""
    code = ("import runpy, sys; settings = runpy.run_path('gunicorn.conf.py'); assert 'weasyprint' not in sys.modules; "
            "settings['post_worker_init'](None); assert 'weasyprint' in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_several_workers_start_on_a_fresh_database(tmp_path) -> None:
    """``make run`` migrates once, then starts the workers: none of them creates tables itself."""
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path}/fresh.sqlite", "SECRET_KEY": "x",
                        "HOST": "127.0.0.1", "PORT": str(_free_port()), "WEB_CONCURRENCY": "3"}
    env.pop("FLASK_DEBUG", None)
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "--config", "gunicorn.conf.py", "app:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{env['PORT']}/"
        deadline = time.monotonic() + 120  # three workers booting on a busy 2-core machine can take a while
        status = None
        while time.monotonic() < deadline and status is None and server.poll() is None:
            try:
                status = urllib.request.urlopen(url, timeout=2).status  # noqa: S310
            except OSError:
                time.sleep(0.2)
        assert status == 200
        for _ in range(20):
            assert urllib.request.urlopen(url, timeout=5).status == 200  # noqa: S310
        assert server.poll() is None
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=20)[0].decode()
    assert "Worker failed to boot" not in output and "Traceback" not in output, output


def test_one_worker_holds_50_live_streams_and_still_answers(tmp_path) -> None:
    """With 50 projector streams open on a single worker, a page and a form post still get answers.

    A sync or thread worker would give each stream a whole worker or thread and leave nothing for the
    phones; no timing threshold here (bench/live_fanout.py measures), only "answers at all in time".
    """
    from app import create_app
    from app.extensions import db
    from app.services import live
    from tests.conftest import make_event, make_test_config, make_user
    from tests.live_server_process import Browser, free_port, gunicorn, migrate, open_stream, server_env

    database = tmp_path / "streams.sqlite"
    env = server_env(database, free_port(), workers=1, redis_url=None)
    migrate(env)
    app = create_app(make_test_config(tmp_path, None, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}"))
    with app.app_context():
        event = make_event(make_user())
        public_id, key = event.public_id, live.renew_projector_link(event, "host")
        db.session.remove()
        db.engine.dispose()
    with gunicorn(env) as url:
        projector = Browser(url)
        projector.get(f"/live/{public_id}/projector?key={key}")
        streams = []
        try:
            for _ in range(50):
                streams.append(open_stream(url, f"/live/{public_id}/stream", projector.cookie_header(), timeout=60))
            for stream in streams:
                assert stream.next_snapshot()["title"] == "Buurtavond"
            visitor = Browser(url)
            assert "Buurtstem" in visitor.get("/")
            assert visitor.post("/language", {"language": "en", "next": "/"}) == 200
            assert streams[0].connection.sock is not None  # the streams are still open
        finally:
            for stream in streams:
                stream.close()
