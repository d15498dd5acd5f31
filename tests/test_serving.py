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
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and status is None:
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
