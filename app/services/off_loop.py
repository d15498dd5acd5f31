"""Long CPU-bound work that must not stall a gevent worker.

A gevent worker serves every request, every live stream and its own heartbeat to the gunicorn master on one
OS thread. A count that runs for seconds (the Method of Equal Shares on a city-wide budget round: 7–18 s on
Budapest 2024's ballots) would stall all of them, and past gunicorn's ``timeout`` the master kills the
worker in the middle of the count, again on every retry. Under gevent the work therefore runs in gevent's
pool of real threads: the interpreter gives the worker's own thread its turn every few milliseconds
(``sys.getswitchinterval``), so screens, cards and the heartbeat go on, only slower. Without gevent (the
development server, tests, the shell) the work runs in the calling thread.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")


def run(work: Callable[..., Result], *args: Any) -> Result:
    """``work(*args)``, off the gevent loop when there is one; its exception is raised here."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("threading"):
        return work(*args)
    import gevent

    result: Result = gevent.get_hub().threadpool.apply(work, args)
    return result
