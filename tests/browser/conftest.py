"""Real headless Chromium (Debian's) driven by Playwright, against the app on a live local server.

Browser tests skip with a visible reason when Chromium or Playwright is missing, except in CI
(``BUURTSTEM_REQUIRE_BROWSER=1``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import make_test_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / ".cache/axe/node_modules/axe-core/axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def _missing(reason: str) -> None:
    if os.environ.get("BUURTSTEM_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        _missing("Chromium is not installed (apt-get install chromium); browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed; browser tests skipped")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app with CSRF on, served by a threaded werkzeug server on a free port of 127.0.0.1."""
    app = create_app(make_test_config(tmp_path, None, WTF_CSRF_ENABLED=True, TESTING=False))
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app)
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the current page (the context needs ``bypass_csp=True``)."""
    if not AXE.exists():
        _missing(f"axe-core is not installed at {AXE} (make install-test installs it)")
    for attempt in range(3):
        try:
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
            break
        except Exception as error:  # a waiting page reloads itself (refresh.js) and may cut across the check
            if "context was destroyed" not in str(error) or attempt == 2:
                raise
            page.wait_for_load_state()
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


def decode_qr_codes(png: bytes) -> list[str]:
    """Every QR code in a PNG image, decoded with zbar."""
    import io

    from PIL import Image
    from pyzbar.pyzbar import decode

    return [symbol.data.decode() for symbol in decode(Image.open(io.BytesIO(png)))]


def pdf_pages_as_png(pdf: Path, resolution: int = 150) -> list[bytes]:
    """Every page of ``pdf`` as a PNG. At 100 dpi zbar missed 1 of 2,400 random ticket QR codes (a flaky
    30-phone test now and then); at 150 dpi it read all of 6,400."""
    import subprocess
    import tempfile

    if not shutil.which("pdftoppm"):
        _missing("pdftoppm is not installed (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(pdf), f"{folder}/page"], check=True)
        return [path.read_bytes() for path in sorted(Path(folder).glob("page*.png"))]
