"""Card submissions per second through the real phone form, served by gunicorn with gevent workers.

Run: ``.venv/bin/python bench/card_submissions.py [TICKETS] [CLIENTS]``. Builds a throw-away SQLite database
with a tender of 4 criteria and 4 bidders whose scoring is all open, starts gunicorn with the production
``gunicorn.conf.py`` on 127.0.0.1 and a free port, and lets CLIENTS threads act as phones: each GETs the
score card (CSRF token and session cookie), then POSTs the answers and expects the redirect to the
confirmation. Every ticket scores every bidder once: TICKETS × 4 submissions, stopped after 120 s at the
latest. Afterwards the stored cards are counted. Prints figures only; stops its server by itself.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
SECRET = "bench-secret-key"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DEADLINE_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def prepare(url: str, ticket_count: int) -> tuple[list[str], dict[str, str], list[str]]:
    """Bidder ids, valid answers, and one signed session cookie per ticket (as after opening /t/<token>)."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.models import Ticket
    from app.services import evening, events, tickets
    from app.services import tender as tenders

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        db.create_all()
        event = events.add_event(None, events.EventFields(title="Bench"))
        db.session.commit()
        tender = tenders.create_tender(event, "bench", tenders.TenderFields(title="Bench"))
        for index in range(4):
            tenders.add_criterion(tender, "bench", f"Criterium {index + 1}", "", str(index + 1))
        for name in ("Buurtkracht", "Eemland Samen", "De Brug", "Wijkwerk Koppel"):
            tenders.add_bidder(tender, "bench", name)
        tickets.issue_tickets(event, event.groups[0], ticket_count, "bench")
        evening.open_doors(tender, "bench")
        for bidder in tender.bidders:
            evening.open_scoring(tender, bidder, "bench")
        bidders = [b.public_id for b in tender.bidders]
        answers = {f"c-{c.public_id}": str(index + 5) for index, c in enumerate(tender.criteria)}
        ids = db.session.scalars(sa.select(Ticket.id).where(Ticket.event_id == event.id)).all()
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        cookies = [serializer.dumps({"ticket_id": ticket_id, "_permanent": True}) for ticket_id in ids]
        db.session.remove()
        db.engine.dispose()
    return bidders, answers, cookies


def start_gunicorn(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": SECRET, "HOST": HOST, "PORT": str(port),
                        "WEB_CONCURRENCY": "2"}
    with log.open("wb") as handle:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                                    "app:create_app()"], cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        try:
            if urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=2).status == 200:  # noqa: S310
                return process
        except OSError:
            time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


class Phone:
    """One keep-alive connection per client thread."""

    local = threading.local()

    @classmethod
    def connection(cls, port: int) -> http.client.HTTPConnection:
        if getattr(cls.local, "connection", None) is None:
            cls.local.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        return cls.local.connection  # type: ignore[no-any-return]

    @classmethod
    def request(cls, port: int, method: str, path: str, headers: dict[str, str], body: str | None = None
                ) -> http.client.HTTPResponse:
        for attempt in (1, 2):
            connection = cls.connection(port)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                return response
            except (ConnectionError, http.client.HTTPException, OSError):
                connection.close()
                cls.local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def submit(port: int, cookie: str, bidder: str, answers: dict[str, str], stop_at: float) -> tuple[int, float]:
    """GET the card, POST it; the status (302 = stored) and the POST's seconds."""
    if time.monotonic() > stop_at:
        return 0, 0.0
    path = f"/stem/kaart/{bidder}"
    connection = Phone.connection(port)
    connection.request("GET", path, headers={"Cookie": f"session={cookie}"})
    response = connection.getresponse()
    page = response.read().decode()
    fresh = response.getheader("Set-Cookie") or ""
    if fresh.startswith("session="):
        cookie = fresh[len("session="):].split(";", 1)[0]
    token = CSRF.search(page)
    if response.status != 200 or token is None:
        return response.status, 0.0
    body = urlencode(answers | {"csrf_token": token.group(1), "comment": ""})
    started = time.perf_counter()
    posted = Phone.request(port, "POST", path, {"Cookie": f"session={cookie}",
                                                "Content-Type": "application/x-www-form-urlencoded",
                                                "Referer": f"http://{HOST}:{port}{path}"}, body)
    return posted.status, time.perf_counter() - started


def main(ticket_count: int = 300, clients: int = 16) -> None:
    import sqlalchemy as sa

    folder = Path(tempfile.mkdtemp(prefix="buurtstem-bench-"))
    url = f"sqlite:///{folder}/bench.sqlite"
    bidders, answers, cookies = prepare(url, ticket_count)
    port = free_port()
    server = start_gunicorn(url, port, folder / "gunicorn.log")
    try:
        jobs = [(cookie, bidder) for bidder in bidders for cookie in cookies]
        stop_at = time.monotonic() + DEADLINE_SECONDS
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(lambda job: submit(port, job[0], job[1], answers, stop_at), jobs))
        seconds = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    stored_ok = sum(1 for status, _ in results if status == 302)
    posts = sorted(duration for status, duration in results if status == 302)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM scorecards")).scalar_one()
    engine.dispose()
    print(f"gunicorn gevent, 2 workers, SQLite; {clients} client threads on the same 2-core machine")
    print(f"{stored_ok} of {len(jobs)} submissions stored in {seconds:.1f} s: "
          f"{stored_ok / seconds:.0f} cards/s (each a GET of the card and a POST of the form)")
    if posts:
        p50, p95 = posts[len(posts) // 2], posts[int(len(posts) * 0.95)]
        print(f"POST latency: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(f"rows in scorecards: {stored} (expected {stored_ok})")
    other = sorted({status for status, _ in results if status != 302})
    if other:
        print(f"other statuses: {other}")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
