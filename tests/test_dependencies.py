"""``make run`` installs only the runtime dependencies: everything the server imports must come from them.

The test environment has more installed (pytest brings ``packaging``, for one), so an import that only the
test extras satisfy passes every other test and still breaks ``make run`` on a fresh machine. It did:
gunicorn's gevent worker imports ``packaging``, which only gunicorn's ``[gevent]`` extra declares.
"""

from __future__ import annotations

import importlib.metadata as metadata
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

IMPORT_EVERYTHING = """
import importlib, pkgutil, sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"{name} is not installed by the runtime dependencies")
        return None

sys.meta_path.insert(0, Refuse())
import app
for module in pkgutil.walk_packages(app.__path__, "app."):
    if ".migrations" not in module.name:
        importlib.import_module(module.name)
import gunicorn.workers.ggevent, psycogreen.gevent, weasyprint  # loaded by the server and on the first PDF
import runpy
runpy.run_path("gunicorn.conf.py")
print("ok")
"""


def runtime_distributions() -> set[str]:
    """The installed distributions that ``pip install .`` (no extras) pulls in, with the extras they ask for."""
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [("buurtstem", frozenset[str]())]
    while todo:
        name, extras = todo.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        for line in metadata.distribution(name).requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in {"", *extras}):
                todo.append((requirement.name, frozenset(requirement.extras)))
    return {name for name, _ in seen}


def top_level_modules(distribution: metadata.Distribution) -> set[str]:
    listed = distribution.read_text("top_level.txt")
    if listed:
        return set(listed.split())
    names = set()
    for file in distribution.files or []:
        first = file.parts[0]
        if first.endswith(".py"):
            names.add(first[:-3])
        elif len(file.parts) > 1 and not first.endswith((".dist-info", ".data")) and first not in {"..", "__pycache__"}:
            names.add(first)
    return names


def test_the_app_and_its_server_import_with_the_runtime_dependencies_alone() -> None:
    runtime = runtime_distributions()
    assert {"flask", "gunicorn", "gevent", "packaging", "weasyprint"} <= runtime
    provided, other = set(), set()
    for distribution in metadata.distributions():
        modules = top_level_modules(distribution)
        (provided if canonicalize_name(distribution.metadata["Name"]) in runtime else other).update(modules)
    blocked = other - provided
    assert {"pytest", "hypothesis"} <= blocked  # the check really hides the test tools
    result = subprocess.run([sys.executable, "-c", f"BLOCKED = {sorted(blocked)!r}\n{IMPORT_EVERYTHING}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
