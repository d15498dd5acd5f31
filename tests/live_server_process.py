"""Helpers for tests that run the real production server (gunicorn, gevent workers) in a subprocess:
start it on a migrated SQLite file, hold server-sent-event streams, and talk to it as a phone would."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(database: Path, port: int, workers: int, redis_url: str | None) -> dict[str, str]:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "multiprocess-test-key",
                        "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers),
                        "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    env.pop("FLASK_DEBUG", None)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def migrate(env: dict[str, str]) -> None:
    """``flask db upgrade heads``: every branch of the migration tree, as ``make run`` would."""
    subprocess.run([str(BIN / "flask"), "--app", "app", "db", "upgrade", "heads"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[str]:
    """The production server with ``gunicorn.conf.py``; yields its base URL, stops it by pid."""
    server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        deadline = time.monotonic() + 120  # the first request is slow on a busy machine
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=60)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown: open streams would hold a graceful one
        try:
            errors = server.communicate(timeout=20)[1].decode()
        except subprocess.TimeoutExpired:
            server.kill()
            errors = server.communicate()[1].decode()
        assert "Traceback" not in errors, errors


class Browser:
    """A cookie jar and the CSRF token of the last page: enough to be a phone without JavaScript."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.url + path, timeout=30) as response:
            page = str(response.read().decode())
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page)
        if found:
            self.csrf = found.group(1)
        return page

    def post(self, path: str, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode({"csrf_token": self.csrf, **data}).encode()
        with self.opener.open(self.url + path, data=body, timeout=30) as response:
            return int(response.status)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


@dataclass
class Stream:
    """One open server-sent-events stream, read by hand from a plain socket. ``state`` is what a page
    would show: the last snapshot with the deltas since merged in."""

    connection: http.client.HTTPConnection
    response: http.client.HTTPResponse
    pid: str
    state: dict = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)

    def next_snapshot(self) -> dict:
        """The state after the next ``snapshot`` or ``delta`` event (keep-alive comments and retry lines
        skipped); ``kinds`` records which kind each event was."""
        lines: list[str] = []
        while True:
            line = self.response.readline().decode()
            if not line:
                raise ConnectionError("stream closed")
            if line.strip():
                lines.append(line.rstrip("\n"))
                continue
            data = [each[len("data: "):] for each in lines if each.startswith("data: ")]
            kind = next((each[len("event: "):] for each in lines if each.startswith("event: ")), "message")
            lines = []
            if data:
                message = json.loads(data[0])
                self.kinds.append(kind)
                if kind == "delta":
                    assert self.state, "a delta before any snapshot"
                    self.state = {**self.state, **message["delta"]}
                else:
                    self.state = dict(message["snapshot"])
                return dict(self.state)

    def close(self) -> None:
        self.connection.close()


def open_stream(url: str, path: str, cookie: str, timeout: float = 15) -> Stream:
    parsed = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    connection.request("GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"})
    response = connection.getresponse()
    assert response.status == 200, response.status
    return Stream(connection, response, response.getheader("X-Live-Pid", ""))
