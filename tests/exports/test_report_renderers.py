"""The advice report renderers: formula payloads neutralised in CSV and XLSX, escaped in HTML and PDF; the
JSON follows its schema; the PDF reads back with the ranking, method, weights and integrity hash."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from base64 import b64decode
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import openpyxl
import pytest
from flask_babel import force_locale
from PIL import Image

from app.domain import scoring
from app.domain.report import BidderFacts, Decision, LogLine, Reaction, Report, count
from app.domain.scoring import Bidder, Card, Channel, Criterion, Method, Scale
from app.exports.charts import distribution_png, scale_colours
from app.exports.report_csv import report_csv
from app.exports.report_files import render_report
from app.exports.report_json import numbers_document, report_document
from app.exports.report_pdf import report_html
from app.exports.report_tables import neutralise
from app.exports.report_xlsx import report_xlsx

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "report-format.schema.json").read_text())
PAYLOADS = ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A9)", "\tTAB", "\rCR")
EVIL_NAME = "=HYPERLINK(\"http://evil\")<script>alert(1)</script>"
NOW = datetime(2026, 12, 3, 21, 0)


def payload_report(language: str = "nl") -> Report:
    scale = Scale.grade()
    criteria = (Criterion("prijs", "Prijs", 2), Criterion("plan", "Plan", 1))
    bidders = (Bidder("a", EVIL_NAME), Bidder("b", "@Bravo"))
    cards = []
    for index, payload in enumerate(PAYLOADS):
        cards.append(Card(str(index), "a", "bewoners", 1, {"prijs": 5 + index % 3, "plan": 6}, payload))
        cards.append(Card(str(index), "b", "jongeren" if index % 2 else "bewoners", 2 if index % 2 else 1,
                          {"prijs": 7, "plan": None}, "<b>vet</b>", Channel.PAPER if index % 3 else Channel.PHONE))
    export = scoring.export_ballots(scale, criteria, bidders, cards, Method.MEAN)
    counted = count(scale, criteria, bidders, cards, Method.MEAN, scoring.sha256_of_export(export.ballots_csv), 200)
    return Report(
        event_public_id="abc123", event_title="Avond", tender_title="Groen", language=language, location="Buurthuis",
        starts_at=NOW, counted=counted, group_weights=(("bewoners", Fraction(1)), ("jongeren", Fraction(2))),
        weights_frozen_at=NOW, tickets_issued=60, tickets_used=6,
        bidder_facts=(BidderFacts("a", NOW, NOW, 2), BidderFacts("b", NOW, NOW, 0)),
        reactions=(Reaction("a", "applause", 4),), process_log=(LogLine(NOW, "scoring_opened", "=1+1"),),
        revealed_at=NOW, published_at=NOW, generated_at=NOW, manifest_sha256="0" * 64,
        decision=Decision("b", "@Bravo", "-2+3 omdat", NOW))


def test_neutralise() -> None:
    assert [neutralise(cell) for cell in (*PAYLOADS, "ok", 5, -1.5, None)] == [
        "'=cmd|' /C calc'!A0", "'+1", "'-1", "'@SUM(A1:A9)", "'\tTAB", "'\rCR", "ok", 5, -1.5, None]


def test_csv_has_a_bom_and_no_cell_starts_a_formula(app) -> None:
    with force_locale("nl"):
        text = report_csv(payload_report())
    assert text.startswith("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text[1:], newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for payload in (*PAYLOADS, EVIL_NAME, "@Bravo"):
        assert "'" + payload in cells


def test_xlsx_cells_are_text_not_formulas(app) -> None:
    with force_locale("en"):
        workbook = openpyxl.load_workbook(io.BytesIO(report_xlsx(payload_report())))
    values = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row]
    texts = [value for value in values if isinstance(value, str)]
    assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'=cmd|' /C calc'!A0" in texts and "'" + EVIL_NAME in texts
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)


def test_html_escapes_names_and_comments(app) -> None:
    with app.test_request_context():
        html = report_html(payload_report())
    assert "<script>" not in html and "<b>vet</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;vet&lt;/b&gt;" in html


def test_pdf_comments_never_start_a_line_with_a_separator_or_a_count(app) -> None:
    """Comments flow as one paragraph; the " · " between them and the "(6×)" after a repeated one are
    glued to the comment before, so a line never starts with either."""
    with app.test_request_context():
        html = report_html(payload_report())
    assert "&lt;b&gt;vet&lt;/b&gt;\u00a0(6×)" in html
    assert "+1\u00a0· -1" in html  # bidder a's comments, sorted


def test_json_follows_the_schema_and_contains_the_numbers(app) -> None:
    item = payload_report()
    document = json.loads(render_report(item, "json").content)
    jsonschema.validate(document, SCHEMA)
    assert document["ranking"] == [line.name for line in item.counted.ranked]
    assert [(b["name"], b["rank"]) for b in document["bidders"]] == [(EVIL_NAME, 2), ("@Bravo", 1)]
    assert document["ballots_counted"] == 6 and document["method"]["name"] == "mean"
    assert document["bidders"][0]["comments_hidden"] == 2
    assert document["participation"]["groups"][0]["voters"] == "< 10"
    assert_contains(report_document(item), numbers_document(item.counted))


def assert_contains(whole: object, part: object, path: str = "$") -> None:
    """Every key of ``part`` is in ``whole`` with the same value (lists element by element)."""
    if isinstance(part, dict):
        assert isinstance(whole, dict), path
        for key, value in part.items():
            assert key in whole, f"{path}.{key}"
            assert_contains(whole[key], value, f"{path}.{key}")
    elif isinstance(part, list):
        assert isinstance(whole, list) and len(whole) == len(part), path
        for index, (a, b) in enumerate(zip(whole, part, strict=True)):
            assert_contains(a, b, f"{path}[{index}]")
    else:
        assert whole == part, f"{path}: {whole!r} != {part!r}"


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.parametrize(("language", "words"), [
    ("nl", ("Rangorde volgens gewogen gemiddelde", "Methode en gewichten", "Deel van het gewicht")),
    ("en", ("Ranking by weighted mean", "Method and weights", "Share of the weight")),
])
def test_pdf_reads_back(app, tmp_path, language: str, words: tuple[str, ...]) -> None:
    item = payload_report(language)
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(item, "pdf").content)
    text = pdf_text(path)
    for word in words:
        assert word in text
    page_one = pdf_text(path, 1, 1)
    assert page_one.index("@Bravo") < page_one.index("alert(1)")  # the ranking, best first, on page 1
    assert re.search(r"Prijs\s+2\s+66[.,]7%", text) and re.search(r"Plan\s+1\s+33[.,]3%", text)  # weights
    assert re.search(r"jongeren\s+2", text)  # group weight
    assert item.counted.ballots_sha256 in text and item.manifest_sha256 in text
    assert "<script>alert(1)</script>" in text  # shown as text, never run


def test_pdf_bars_are_images_with_their_shares_as_text(app) -> None:
    """The bars are PNGs one pixel high (SVG is drawn node by node in WeasyPrint, and SVG text is slow),
    each value as wide as its share in the scale's colour; every share is printed beside them instead, and
    is the image's alt text. One legend (SVG) says which colour is which value."""
    with app.test_request_context():
        html = report_html(payload_report())
    legends = re.findall(r'alt="Kleuren van de schaal, van slechtst naar best" src="data:image/svg\+xml,([^"]*)"', html)
    assert len(legends) == 1 and ">1</text>" in unquote(legends[0]) and ">10</text>" in unquote(legends[0])
    bars = {alt: Image.open(io.BytesIO(b64decode(png)))
            for alt, png in re.findall(r'alt="([^"]*)" src="data:image/png;base64,([^"]*)"', html)}
    assert len(bars) == 4  # two bidders × two criteria
    assert "<svg" not in html and "<rect" not in html
    # bidder a, Prijs: 5, 6, 7, 5, 6, 7 (group weight 1 each) → a third each, in the colours of 5, 6 and 7
    prijs = bars["Prijs: 5: 33% · 6: 33% · 7: 33%"]
    colours = ["#{:02x}{:02x}{:02x}".format(*pixel) for pixel in prijs.convert("RGB").getdata()]
    assert prijs.height == 1 and [colours.count(colour) for colour in scale_colours(10)[4:7]] == [320, 320, 320]
    assert "5: 33% · 6: 33% · 7: 33%" in html
    assert "7: 100% — 6 " in html  # bidder b, Prijs: everyone gave 7


def test_a_bar_nobody_judged_is_grey() -> None:
    bar = Image.open(io.BytesIO(distribution_png([0, 0, 0], width=10))).convert("RGB")
    assert set(bar.getdata()) == {(0xE6, 0xE9, 0xEC)}
    ones = Image.open(io.BytesIO(distribution_png([1, 0, 2], width=9))).convert("RGB")
    assert [pixel == ones.getpixel((0, 0)) for pixel in ones.getdata()] == [True] * 3 + [False] * 6


def test_shares_leave_out_unused_values_and_flag_tiny_ones() -> None:
    from app.domain.report import CriterionLine, ValueCount
    from app.exports.report_labels import shares

    def line(*weights: int) -> CriterionLine:
        total = Fraction(sum(weights))
        return CriterionLine("c", "C", Fraction(1), sum(weights), 0, total, tuple(
            ValueCount(index, str(index), Fraction(w), Fraction(w) / total if total else Fraction(0))
            for index, w in enumerate(weights, start=1)), None, None)

    assert shares(line(1, 0, 3)) == "1: 25% · 3: 75%"
    assert shares(line(1, 999)) == "1: <1% · 2: 100%"
    assert shares(line(0, 0)) == "–"
