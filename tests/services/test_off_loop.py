"""Long counts run off a gevent worker's loop, so its streams, cards and heartbeat go on meanwhile."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.services import off_loop

ROOT = Path(__file__).resolve().parents[2]


def test_without_gevent_the_work_runs_in_the_calling_thread() -> None:
    assert off_loop.run(threading.get_ident) == threading.get_ident()
    with pytest.raises(ZeroDivisionError):
        off_loop.run(divmod, 1, 0)


# A ticker greenlet counts while a CPU-bound count runs: called directly, the count never yields and the
# ticker stands still; through ``off_loop`` it runs in a real thread and the loop (the ticker) goes on.
UNDER_GEVENT = """
from gevent import monkey
monkey.patch_all()
import gevent, threading
from app.services import off_loop

def count(n):
    return sum(i * i for i in range(n)), threading.get_ident()

ticks = [0]
def ticker():
    while True:
        gevent.sleep(0.001)
        ticks[0] += 1

gevent.spawn(ticker)
gevent.sleep(0.01)
before = ticks[0]
direct, direct_thread = count(2_000_000)
direct_ticks = ticks[0] - before
before = ticks[0]
moved, moved_thread = off_loop.run(count, 2_000_000)
moved_ticks = ticks[0] - before
print(direct == moved, direct_ticks, moved_ticks > 0, moved_thread != threading.get_ident())
try:
    off_loop.run(divmod, 1, 0)
except ZeroDivisionError:
    print("raised")
"""


def test_under_gevent_the_loop_keeps_running_during_the_work() -> None:
    done = subprocess.run([sys.executable, "-c", UNDER_GEVENT], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["True", "0", "True", "True", "raised"], done.stderr
