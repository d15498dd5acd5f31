"""Hostile text typed by residents and hosts (script, template and spreadsheet-formula payloads in comments,
questions, titles, bidder names and proposals) stays inert text everywhere it is shown again: the
projector and host pages (HTML-escaped), the live stream (JSON, rendered with textContent), the PDF
(pdftotext shows it literally, nothing evaluated), the CSV and the XLSX (formula cells neutralised)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.models import Scorecard
from app.services import evening, live
from tests.conftest import log_in, make_event, make_user
from tests.live_helpers import make_evening, on_stage
from tests.report_helpers import make_hand_evening

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
TEMPLATES = ("{{7*7}}", "{% print 7*7 %}", "{%")
FORMULAS = ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)")
JS = Path(__file__).parents[2] / "static" / "js"


def _no_raw_markup(html: str) -> None:
    assert SCRIPT not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_projector_host_pages_and_stream_escape_payloads(client, app) -> None:
    found = make_evening(bidders=(SCRIPT, "{{7*7}}"), criteria=("=cmd|' /C calc'!A0", "Prijs"))
    found.event.title = IMAGE
    db.session.commit()
    on_stage(found)
    question = live.ask_question(found.ticket(0), found.event, SCRIPT + " {% print 7*7 %} @SUM(A1)")
    live.moderate_question(found.event, found.host.email, question.public_id, approve=True)
    log_in(client, found.host.email)
    base = f"/live/{found.event.public_id}"
    for path in (f"{base}/projector", f"{base}/console", f"/host/events/{found.event.public_id}/tender/console"):
        html = client.get(path).get_data(as_text=True)
        _no_raw_markup(html)
    preview = client.get(f"{base}/preview").get_data(as_text=True)
    assert SCRIPT not in preview and "<img src=x" not in preview
    console = client.get(f"/host/events/{found.event.public_id}/tender/console").get_data(as_text=True)
    assert "{{7*7}}" in console  # shown as typed: never evaluated as a template
    host_page = client.get(f"/host/events/{found.event.public_id}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in host_page and "<img src=x" not in host_page
    response = client.get(f"{base}/stream", buffered=False)
    first = next(chunk for chunk in response.response if b"data:" in chunk)
    response.close()
    payload = json.loads(first.decode().split("data: ", 1)[1].split("\n\n")[0])
    text = json.dumps(payload, ensure_ascii=False)
    assert SCRIPT in text and "{% print 7*7 %}" in text  # literal text in JSON …


def test_scripts_render_live_text_with_text_content_only() -> None:
    """… which the projector's scripts put on the page as text, never as HTML."""
    sources = {path.name: path.read_text(encoding="utf-8") for path in JS.glob("*.js")}
    assert "live.js" in sources
    for name, source in sources.items():
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in source, (name, sink)
    assert "textContent" in sources["live.js"]


@pytest.fixture
def hostile_report(app):
    """The hand-computed evening with hostile names, titles and comments, published."""
    found = make_hand_evening(title=FORMULAS[0], bidder_names=(SCRIPT, "{{7*7}}"), reveal=True)
    payloads = [*FORMULAS, *TEMPLATES, SCRIPT]
    for index, card in enumerate(db.session.scalars(sa.select(Scorecard).order_by(Scorecard.id))):
        card.comment = payloads[index % len(payloads)] + f" #{index}"
    found.tender.title = "@SUM(A1)"
    db.session.commit()
    evening.publish_results(found.tender, found.host.email)
    return found


def test_report_pdf_shows_payloads_literally(client, hostile_report, tmp_path) -> None:
    log_in(client, hostile_report.host.email)
    pdf = client.get(f"/host/events/{hostile_report.event.public_id}/report/download.pdf").data
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for literal in ("{{7*7}}", "{% print 7*7 %}", "=cmd|' /C calc'!A0", "@SUM(A1)", "<script>alert(1)</script>"):
        assert literal in text, literal
    assert "&lt;script" not in text  # escaped once, not twice


def test_report_csv_and_xlsx_neutralise_formulas(client, hostile_report) -> None:
    log_in(client, hostile_report.host.email)
    base = f"/host/events/{hostile_report.event.public_id}/report"
    rows = list(csv.reader(io.StringIO(client.get(f"{base}/download.csv").get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert any("cmd|" in cell for cell in cells) and any("SUM(A1)" in cell for cell in cells)
    for cell in cells:
        assert not cell.startswith(("=", "+", "@")), cell
        if cell.startswith("-"):
            float(cell)  # only real negative numbers may start with a minus
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/download.xlsx").data))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    assert any("cmd|" in text for text in texts) and any("{{7*7}}" in text for text in texts)


def test_ballot_export_guards_formulas(client, hostile_report) -> None:
    import zipfile

    log_in(client, hostile_report.host.email)
    archive = zipfile.ZipFile(io.BytesIO(client.get(
        f"/host/events/{hostile_report.event.public_id}/report/ballots.zip").data))
    rows = list(csv.reader(io.StringIO(archive.read("ballots.csv").decode("utf-8-sig"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(row[-1].startswith("'=cmd|") for row in rows)


def test_budget_pages_escape_proposal_texts(client, app) -> None:
    from app.services import budget
    from tests.budget_factories import make_round

    item = make_round(make_event(make_user(), title=SCRIPT))
    item.proposals[0].title = SCRIPT
    item.proposals[1].description = "{{7*7}} =cmd|' /C calc'!A0"
    db.session.commit()
    html = client.get(f"/rounds/{item.public_id}").get_data(as_text=True)
    assert SCRIPT not in html and "&lt;script&gt;" in html and "{{7*7}}" in html
    assert budget.round_by_public_id(item.public_id).proposals[0].title == SCRIPT
