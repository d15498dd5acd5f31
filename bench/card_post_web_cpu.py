"""CPU per card POST through the whole Flask app (the web path), in-process, no HTTP: what a worker runs
for a phone's card from the WSGI environ to the 302, and nothing of the server, client or other load.

Usage: ``python bench/card_post_web_cpu.py [--db sqlite|postgres] [--posts N] [--gevent] [--profile]``

Every POST is what a phone sends after its GET of the card page: the session cookie that GET set (ticket,
CSRF token, Flask-Login's marks), the form with the page's CSRF token and an answer per criterion, Origin
and Referer; each with a fresh ticket, so every POST inserts a card. The environs are built before the
measured loop, which only calls the WSGI app and reads its answer. ``--gevent`` runs it as a gunicorn
gevent worker does: the standard library monkey-patched, psycopg2 waiting through psycogreen (so the
PostgreSQL raiser is a greenlet and its work is counted with the POSTs'). Wall-clock and ``process_time`` figures
move with the machine's other load; instruction counts do not. For those, run it under callgrind::

    PYTHONHASHSEED=0 valgrind --tool=callgrind --separate-threads=yes --zero-before=getpgrp \\
        --dump-before=getppid --callgrind-out-file=/tmp/web.out .venv/bin/python bench/card_post_web_cpu.py

The loop is bracketed by ``os.getpgrp()`` (counters zeroed) and ``os.getppid()`` (counters dumped), so
``/tmp/web.out.1-01`` holds the main thread's instructions for exactly the measured POSTs (``--print-counts``
reads them: ``python bench/card_post_web_cpu.py --print-counts /tmp/web.out --posts N``). Without
``--gevent``, the PostgreSQL raiser's thread is not in that file.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import CSRF, HOST, database, make_app, prepare_evening  # noqa: E402

PORT = 8000
WARM = 50  # POSTs before the measured ones: compiled statements, the bidder's kept seat, the pool, the caches


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU per card POST through the Flask app")
    parser.add_argument("--db", default="postgres", choices=("sqlite", "postgres"))
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--gevent", action="store_true", help="monkey-patched, psycopg2 through psycogreen")
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions instead of figures")
    parser.add_argument("--sort", default="tottime", help="cProfile order for --profile")
    parser.add_argument("--print-counts", metavar="CALLGRIND_OUT",
                        help="print instructions per POST from a callgrind run of this bench, and stop")
    options = parser.parse_args()
    if options.print_counts:
        print_counts(options.print_counts, options.posts)
        return
    if options.gevent:
        from gevent import monkey

        monkey.patch_all()
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()

    from app.extensions import db

    with database(options.db) as url:
        evening = prepare_evening(url, WARM + options.posts)
        app = make_app(url)
        environs = posts(app, evening)
        answers: list[int] = []

        def start_response(status: str, _headers: list[tuple[str, str]], _exc_info: Any = None) -> None:
            answers.append(int(status.split(" ", 1)[0]))

        def send(environ_list: list[dict[str, Any]]) -> None:
            for environ in environ_list:
                body = app(environ, start_response)
                for _ in body:
                    pass
                if hasattr(body, "close"):
                    body.close()

        send(environs[:WARM])
        measured = environs[WARM:]
        if options.profile:
            profile = cProfile.Profile()
            profile.runcall(send, measured)
            pstats.Stats(profile).sort_stats(options.sort).print_stats(60)
        else:
            started = time.process_time()
            os.getpgrp()  # callgrind: --zero-before=getpgrp
            send(measured)
            os.getppid()  # callgrind: --dump-before=getppid
            spent = time.process_time() - started
            print(f"{options.db}: {len(measured)} card POSTs, {spent / len(measured) * 1000:.3f} ms CPU per POST "
                  f"(process_time; moves with the machine's load)")
        assert answers == [302] * len(answers), f"not every POST answered 302: {set(answers)}"
        time.sleep(0.3)  # the raiser's last round, before the database goes
        with app.app_context():
            db.engine.dispose()


def posts(app: Any, evening: Any) -> list[dict[str, Any]]:
    """One WSGI environ per ticket, as a phone's browser POSTs the card after its GET of the card page. The
    first ticket's GET is real; the others get the same session with their own ticket and CSRF token."""
    from flask import session as request_session
    from flask_wtf.csrf import generate_csrf

    client = app.test_client()
    client.set_cookie("session", evening.cookies[0], domain=HOST)
    page = client.get(f"/stem/kaart/{evening.bidder}", base_url=f"http://{HOST}:{PORT}")
    assert page.status_code == 200, page.status_code
    found = CSRF.search(page.data)
    assert found is not None
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = client.get_cookie("session", domain=HOST)
    first = serializer.loads(cookie.value if cookie is not None else evening.cookies[0])
    path = f"/stem/kaart/{evening.bidder}"
    environs = []
    for index, ticket_id in enumerate(evening.ticket_ids):
        if index == 0:
            session, token = first, found.group(1).decode()
        else:
            with app.test_request_context():
                token = generate_csrf()
                raw = request_session["csrf_token"]
            session = first | {"ticket_id": ticket_id, "csrf_token": raw}
        body = urlencode(evening.answers | {"csrf_token": token, "comment": ""}).encode()
        environs.append({
            "REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": HOST, "SERVER_PORT": str(PORT), "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "50000",
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
            "HTTP_HOST": f"{HOST}:{PORT}", "HTTP_COOKIE": f"session={serializer.dumps(session)}",
            "HTTP_ORIGIN": f"http://{HOST}:{PORT}", "HTTP_REFERER": f"http://{HOST}:{PORT}{path}",
            "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Mobile", "HTTP_ACCEPT_LANGUAGE": "nl-NL,nl;q=0.9",
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        })
    return environs


def print_counts(out: str, count: int) -> None:
    """Instructions per POST from the first dump of each thread of a callgrind run of this bench."""
    for path in sorted(Path(out).parent.glob(Path(out).name + ".1-*")):
        total = re.search(r"^(?:summary|totals): (\d+)", path.read_text(), re.MULTILINE)
        if total is not None:
            print(f"{path.name}: {int(total.group(1)) / count:,.0f} instructions per POST")


if __name__ == "__main__":
    main()
