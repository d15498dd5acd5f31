"""Production server settings for ``make run``.

gevent workers: every live screen holds a server-sent-events stream open for the whole evening. A plain
sync or thread worker would give each stream a whole thread, and a handful of screens would starve card
submission; a gevent worker holds thousands of idle streams in one process. ``tests/test_serving.py``
fails when this regresses.
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"  # noqa: S104 (phones on the Wi-Fi)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gevent"
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "4000"))
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = None  # access logs would contain ticket URLs (/t/<token>); errors still go to stderr
errorlog = "-"


def post_fork(server, worker):  # noqa: ARG001
    """psycopg2 blocks the whole gevent loop unless it waits cooperatively."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()


def post_worker_init(worker):  # noqa: ARG001
    """A committee's first PDF from this worker should not wait for WeasyPrint's import and font set-up."""
    from app.exports.pdf import warm_up

    warm_up()


def when_ready(server):
    from app.netaddr import print_addresses

    print_addresses(os.environ.get("PORT", "5000"))
