"""Total transfer of the phone score card page, measured with the real page in headless Chromium.

Run: ``.venv/bin/python bench/scorecard_page.py``. Serves the app on 127.0.0.1 (werkzeug, a free port) over
a throw-away SQLite file with the demo evening (4 criteria, grade 1–10), opens a ticket link in a fresh
phone-sized context (no cache), then loads the score card and counts every response: HTML, CSS, JS, images,
headers included. Target: at most 50 KB. Prints figures only.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services import demo, evening  # noqa: E402
from app.services import tender as tenders  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def measure(page, url: str) -> tuple[int, list[tuple[str, int]]]:  # type: ignore[no-untyped-def]
    """Bytes on the wire (headers + body) for loading ``url``, and the responses one by one."""
    seen: list[tuple[str, int]] = []

    def count(request) -> None:  # type: ignore[no-untyped-def]
        sizes = request.sizes()
        seen.append((request.url.rsplit("/", 1)[-1] or request.url,
                     sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", count)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", count)
    return sum(size for _, size in seen), seen


def main() -> None:
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    folder = tempfile.mkdtemp(prefix="buurtstem-bench-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench",
                      "TESTING": False})
    with app.app_context():
        db.create_all()
        event, issued = demo.create_demo(None)
        tender = tenders.require_tender(event)
        evening.open_doors(tender, "bench")
        bidder = evening.step_bidder(tender, "bench", 1)
        evening.open_scoring(tender, bidder, "bench")
        bidder_id = bidder.public_id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740}, is_mobile=True)
            page = context.new_page()
            page.goto(f"{base}/t/{issued[0].token}")
            # a fresh context with the same session cookie: nothing cached
            cookies = context.cookies()
            fresh = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740}, is_mobile=True)
            fresh.add_cookies(cookies)
            card_page = fresh.new_page()
            total, parts = measure(card_page, f"{base}/stem/kaart/{bidder_id}")
            print(f"score card page (4 criteria, grade 1–10), first load: {total / 1024:.1f} KB total")
            for name, size in parts:
                print(f"  {name:<28} {size / 1024:6.1f} KB")
            print(f"target ≤ 50 KB: {'met' if total <= 50 * 1024 else 'NOT met'}")
            cold = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740}, is_mobile=True)
            cold.add_cookies(cookies)
            home_total, _ = measure(cold.new_page(), f"{base}/stem")
            print(f"attendee page /stem (cold cache): {home_total / 1024:.1f} KB total")
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
