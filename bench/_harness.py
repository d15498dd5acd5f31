"""Shared pieces for the HTTP benchmarks (not a benchmark itself: ``python -m bench`` skips ``_`` modules).

* :func:`database` — a scratch SQLite file or a scratch PostgreSQL database ``buurtstem_bench_<pid>`` on
  127.0.0.1:5432 (dropped afterwards), migrated with ``flask db upgrade`` like ``make run`` does;
* :class:`Server` — gunicorn with the production ``gunicorn.conf.py`` (gevent workers) on 127.0.0.1 and a
  free port, with the bench-only endpoint ``/_bench/ok`` switched on;
* :func:`prepare_evening` — an Idols evening with the first bidder's scoring open and tickets issued; phones
  are simulated by signing the session cookie a redeemed ticket gets (``{"ticket_id": ...}``);
* :class:`Connection` — a tiny HTTP/1.1 keep-alive client on asyncio streams, so one client process can hold
  hundreds of connections with little CPU (the machine has 2 cores, shared with the server);
* :func:`submit_card` — one phone submission through the real form: GET the card (CSRF token and cookie),
  POST the answers, expect the 302 to the confirmation.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SECRET = "bench-secret-key-not-for-production"
PG_BASE = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg2://root@127.0.0.1:5432/test")
PG_NAME = f"buurtstem_bench_{os.getpid()}"  # one per run: two benches can share the server
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def postgres_available() -> bool:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 — any failure means "skip PostgreSQL"
        return False


def _migrate(url: str) -> None:
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": SECRET}
    subprocess.run([str(BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A migrated scratch database URL; removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="buurtstem-bench-") as folder:
            url = f"sqlite:///{folder}/bench.sqlite"
            _migrate(url)
            yield url
        return
    import sqlalchemy as sa

    admin = sa.create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{PG_NAME}"'))
    url = sa.engine.make_url(PG_BASE).set(database=PG_NAME).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
        admin.dispose()


class Server:
    """gunicorn with the production config; ``workers`` gevent processes."""

    def __init__(self, url: str, workers: int = 2, port: int | None = None, extra_env: dict[str, str] | None = None):
        self.url = url
        self.workers = workers
        self.port = port or free_port()
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="buurtstem-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, wait: float = 120) -> None:
        env = os.environ | {"DATABASE_URL": self.url, "SECRET_KEY": SECRET, "HOST": HOST, "PORT": str(self.port),
                            "WEB_CONCURRENCY": str(self.workers), "BUURTSTEM_BENCH_ENDPOINT": "1"} | self.extra_env
        env.pop("FLASK_DEBUG", None)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:create_app()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)  # same process group: python -m bench
        deadline = time.monotonic() + wait                                    # kills it with the benchmark
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.tail()}")
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(self.base + "/_bench/ok", timeout=2).status == 200:  # noqa: S310
                    if len(self.worker_pids()) >= self.workers:
                        return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {wait} s: {self.tail()}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in path.read_text().split()]
        return []

    def cpu_seconds(self) -> float:
        """User + system CPU seconds used so far by the live worker processes (from /proc)."""
        total = 0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def tail(self, lines: int = 20) -> str:
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Evening:
    """What a simulated phone needs: the open bidder, valid answers, and one signed cookie per ticket."""

    bidder: str
    answers: dict[str, str]
    ticket_ids: list[int]
    cookies: list[str] = field(default_factory=list)
    event_id: int = 0


class MachineCpu:
    """CPU seconds of the whole machine (not idle, from ``/proc/stat``) and of the PostgreSQL server's
    processes, between ``start`` and ``stop``: whether a phase kept the cores busy, and what the database
    server itself cost."""

    def start(self) -> None:
        self._at, self._busy, self._postgres = time.perf_counter(), self._busy_now(), self._postgres_now()

    def stop(self) -> tuple[float, float, float]:
        """Seconds elapsed, machine CPU seconds and PostgreSQL server CPU seconds since ``start``."""
        postgres = self._postgres_now()
        spent = sum(seconds - self._postgres.get(pid, 0.0) for pid, seconds in postgres.items())
        return time.perf_counter() - self._at, self._busy_now() - self._busy, spent

    @staticmethod
    def _busy_now() -> float:
        user, nice, system, idle, iowait, *rest = (int(v) for v in Path("/proc/stat").read_text().split()[1:11])
        return (user + nice + system + sum(rest)) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _postgres_now() -> dict[int, float]:
        found = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                head, tail = stat.read_text().rsplit(")", 1)
                if head.endswith("(postgres"):
                    fields = tail.split()
                    found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return found


def make_app(url: str):  # type: ignore[no-untyped-def]
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})


def prepare_evening(url: str, ticket_count: int, criteria: int = 4) -> Evening:
    """An event with a tender (``criteria`` criteria, 3 bidders), the first bidder's scoring open."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Role, Ticket
    from app.services import accounts, evening, events, tickets
    from app.services import tender as tenders

    app = make_app(url)
    with app.app_context():
        owner = accounts.create_user(f"host{time.time_ns()}@bench.test", "correct horse battery", Role.HOST)
        event = events.create_event(owner, events.EventFields(title="Bench"))
        tender = tenders.create_tender(event, "bench", tenders.TenderFields(title="Bench"))
        for index in range(criteria):
            tenders.add_criterion(tender, "bench", f"Criterium {index + 1}", "", str(index + 1))
        for name in ("Buurtkracht", "Eemland Samen", "De Brug"):
            tenders.add_bidder(tender, "bench", name, "")
        left = ticket_count
        while left > 0:
            batch = min(left, tickets.MAX_TICKETS_PER_ISSUE)
            tickets.issue_tickets(event, event.groups[0], batch, "bench")
            left -= batch
        evening.open_doors(tender, "bench")
        bidder = evening.step_bidder(tender, "bench", 1)
        evening.open_scoring(tender, bidder, "bench")
        answers = {f"c-{c.public_id}": str((index % 10) + 1) for index, c in enumerate(tender.criteria)}
        ids = list(db.session.scalars(sa.select(Ticket.id).where(Ticket.event_id == event.id).order_by(Ticket.id)))
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        cookies = [serializer.dumps({"ticket_id": ticket_id, "_permanent": True}) for ticket_id in ids]
        found = Evening(bidder.public_id, answers, ids, cookies, event.id)
        db.session.remove()
        db.engine.dispose()
    return found


def stored_voter_keys(url: str, bidder: str) -> set[str]:
    """Voter keys of the cards stored for the bidder (read straight from the database)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT s.voter_key FROM scorecards s JOIN bidders b ON b.id = s.bidder_id WHERE b.public_id = :p"),
            {"p": bidder}).scalars().all()
    engine.dispose()
    return set(rows)


# --- a small HTTP/1.1 client --------------------------------------------------------------------------------

class Connection:
    """One keep-alive connection; reconnects when the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names; ``set-cookie`` values joined by ``\\n``) and body."""
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            assert self.reader is not None and self.writer is not None
            lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
            lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
            if body or method == "POST":
                lines.append(f"Content-Length: {len(body)}")
            try:
                self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed before the status line")
            except (ConnectionError, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            return await self._read_response(status_line)
        raise AssertionError("unreachable")

    async def _read_response(self, status_line: bytes) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None
        status = int(status_line.split()[1])
        found: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            key, text = name.strip().lower(), value.strip()
            found[key] = f"{found[key]}\n{text}" if key in found else text
        if "content-length" in found:
            data = await self.reader.readexactly(int(found["content-length"]))
        elif found.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            data = b"".join(chunk[:-2] for chunk in chunks)
        else:
            data = await self.reader.read()
            self.close()
        if found.get("connection", "").lower() == "close":
            self.close()
        return status, found, data


def session_cookie(headers: dict[str, str], fallback: str) -> str:
    for cookie in headers.get("set-cookie", "").split("\n"):
        if cookie.startswith("session="):
            return cookie[len("session="):].split(";", 1)[0]
    return fallback


@dataclass
class Submission:
    status: int
    get_seconds: float
    post_seconds: float


@dataclass(frozen=True)
class Form:
    """A card form as a phone holds it after the GET: the session cookie and the page's CSRF token."""

    cookie: str
    token: str


async def fetch_form(connection: Connection, evening: Evening, cookie: str) -> tuple[int, Form | None]:
    """GET the card page with the ticket's session cookie; the status and the form (``None`` unless 200
    with a CSRF token)."""
    status, headers, body = await connection.request("GET", f"/stem/kaart/{evening.bidder}",
                                                     {"Cookie": f"session={cookie}"})
    token = CSRF.search(body) if status == 200 else None
    if token is None:
        return (status if status != 200 else -1), None
    return status, Form(session_cookie(headers, cookie), token.group(1).decode())


async def post_card(connection: Connection, evening: Evening, form: Form) -> int:
    """POST the answers of a fetched form like a phone's browser would; 302 to the confirmation, or the
    status (-2 for a 302 elsewhere)."""
    path = f"/stem/kaart/{evening.bidder}"
    body = urlencode(evening.answers | {"csrf_token": form.token, "comment": ""}).encode()
    status, headers, _ = await connection.request("POST", path, {
        "Cookie": f"session={form.cookie}", "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://{HOST}:{connection.port}", "Referer": f"http://{HOST}:{connection.port}{path}"}, body)
    if status == 302 and not headers.get("location", "").endswith("/ontvangen"):
        return -2
    return status


async def submit_card(connection: Connection, evening: Evening, cookie: str) -> Submission:
    """GET the card page (CSRF token, session), then POST the answers like a phone's browser would."""
    started = time.perf_counter()
    status, form = await fetch_form(connection, evening, cookie)
    got = time.perf_counter()
    if form is None:
        return Submission(status, got - started, 0.0)
    status = await post_card(connection, evening, form)
    return Submission(status, got - started, time.perf_counter() - got)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


def latency_text(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"p50 {percentile(ordered, 0.50) * 1000:6.1f} ms  p95 {percentile(ordered, 0.95) * 1000:6.1f} ms  "
            f"p99 {percentile(ordered, 0.99) * 1000:6.1f} ms")


def bytes_per_row(url: str) -> dict[str, float]:
    """Disk bytes per row (indexes included) of the tables a voter fills, for sizing; PostgreSQL only
    (on SQLite the whole file is shared by every table)."""
    import sqlalchemy as sa

    if not url.startswith("postgresql"):
        return {}
    engine = sa.create_engine(url)
    found = {}
    with engine.connect() as connection:
        connection.execute(sa.text("ANALYZE"))
        for table in ("scorecards", "tickets", "audit_log", "budget_ballots"):
            exists = connection.execute(sa.text("SELECT to_regclass(:t)"), {"t": table}).scalar()
            if exists is None:
                continue
            rows = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0  # noqa: S608
            size = connection.execute(sa.text("SELECT pg_total_relation_size(:t)"), {"t": table}).scalar() or 0
            if rows:
                found[table] = size / rows
    engine.dispose()
    return found
