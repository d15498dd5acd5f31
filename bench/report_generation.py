"""Timing of the advice report (not a test): ``.venv/bin/python bench/report_generation.py [ATTENDEES]``.

Builds the data with the domain types directly (no database): 20 bidders, 4 weighted criteria, 1,000
attendees who each score every bidder (1,000 cards per bidder, 20,000 cards), 8 % can't-judge, two voter
groups (weights 1 and 2), a comment on 1 in 10 cards (half of them unique, so the PDF lists about 1,000
comments). Prints CPU seconds of this process for each step (the fair figure on a shared, busy machine;
wall seconds beside them). Each step runs several times and prints its lowest and median CPU time, the
totals use the medians. The server computes the tally and the bootstrap (2,000 resamples) once per ballot
export and caches them (``app.services.report.cached_counted``): a PDF of results already counted (the
report page was looked at, or another PDF made) pays the export (its hash is the cache key), the template
and WeasyPrint; the first look at an export also pays tally and bootstrap. Importing WeasyPrint is reported
apart: a worker pays it once, with its first PDF (``app.exports.pdf``).
"""

from __future__ import annotations

import importlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import current_app  # noqa: E402
from flask_babel import force_locale  # noqa: E402

from app import create_app  # noqa: E402
from app.domain import scoring  # noqa: E402
from app.domain.report import BidderFacts, LogLine, Report, count, seed_for  # noqa: E402
from app.domain.scoring import Bidder, Card, Criterion, Method, Scale  # noqa: E402
from app.exports.pdf import html_to_pdf  # noqa: E402
from app.exports.report_csv import report_csv  # noqa: E402
from app.exports.report_json import report_json  # noqa: E402
from app.exports.report_pdf import report_html  # noqa: E402
from app.exports.report_xlsx import report_xlsx  # noqa: E402

POOL = ("Goed plan.", "Te duur.", "Ken ze van de buurt.", "Mooi verhaal, weinig concreet.", "Sterk team!")


def evening(attendees: int, bidder_count: int = 20, seed: int = 1) -> tuple[Scale, list[Criterion], list[Bidder],
                                                                           list[Card]]:
    rnd = random.Random(seed)
    criteria = [Criterion(f"c{i}", name, weight) for i, (name, weight) in
                enumerate((("Kennis van de wijk", 30), ("Jongeren", 25), ("Samenwerken", 25), ("Haalbaar", 20)))]
    bidders = [Bidder(f"b{i}", f"Organisatie {i + 1}") for i in range(bidder_count)]
    quality = [rnd.uniform(5.5, 7.5) for _ in bidders]
    cards = []
    for ballot in range(attendees):
        group, weight = rnd.choice([("Bewoners", Fraction(1)), ("Jongeren", Fraction(2))])
        for bidder, level in zip(bidders, quality, strict=True):
            scores = {c.key: None if rnd.random() < 0.08 else max(1, min(10, round(rnd.gauss(level, 1.5))))
                      for c in criteria}
            comment = ""
            if rnd.random() < 0.1:
                comment = rnd.choice(POOL) if rnd.random() < 0.5 else f"Opmerking {ballot}-{bidder.key}: prima."
            cards.append(Card(str(ballot), bidder.key, group, weight, scores, comment))
    return Scale.grade(), criteria, bidders, cards


def timed(label: str, work, results: dict[str, float], runs: int = 3):  # type: ignore[no-untyped-def]
    """Run ``work`` ``runs`` times; print the lowest and median CPU seconds and the median wall seconds;
    keep the median CPU in ``results`` and return the last value."""
    cpu_times, wall_times = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        value = work()
        cpu_times.append(time.process_time() - cpu)
        wall_times.append(time.perf_counter() - started)
    results[label] = statistics.median(cpu_times)
    print(f"{label:>40}: {min(cpu_times):5.2f} s CPU lowest, {results[label]:5.2f} s CPU median, "
          f"{statistics.median(wall_times):5.2f} s wall median ({runs}×)")
    return value


def main() -> None:
    attendees = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    scale, criteria, bidders, cards = evening(attendees)
    print(f"{len(bidders)} bidders, {len(criteria)} criteria, {attendees} attendees, {len(cards)} cards")
    seconds: dict[str, float] = {}
    export = timed("canonical export + SHA-256", lambda: scoring.export_ballots(scale, criteria, bidders, cards,
                                                                                Method.MEAN), seconds)
    sha = scoring.sha256_of_export(export.ballots_csv)
    checked = timed("bootstrap, 2,000 resamples (cached)", lambda: scoring.robustness(
        scale, criteria, bidders, cards, Method.MEAN, random.Random(seed_for(sha)), 2000), seconds)  # noqa: S311
    counted = timed("tally + report object (cached)", lambda: count(scale, criteria, bidders, cards, Method.MEAN, sha,
                                                           checked=checked), seconds)
    now = datetime(2026, 12, 3, 22, 0)
    report = Report("bench", "Idols-avond benchmark", "Welzijnswerk", "nl", "Buurthuis", now, counted,
                    (("Bewoners", Fraction(1)), ("Jongeren", Fraction(2))), now, attendees + 50, attendees,
                    tuple(BidderFacts(b.key, now, now, 1) for b in bidders), (),
                    tuple(LogLine(now, "scoring_opened", b.name) for b in bidders), now, now, now, "0" * 64, None)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context(), force_locale("nl"):
        html = timed("PDF: fill the print template", lambda: report_html(report), seconds)
        timed("PDF: import WeasyPrint (once per worker)", lambda: importlib.import_module("weasyprint"), seconds, 1)
        print(f"{'fonts subset with':>40}: {font_subsetter()}")
        pdf = timed("PDF: WeasyPrint, first in this process", lambda: html_to_pdf(html), seconds, 1)
        document = timed("PDF: WeasyPrint layout", lambda: weasyprint_layout(html), seconds, 5)
        timed("PDF: WeasyPrint drawing + PDF file", document.write_pdf, seconds, 5)
        timed("CSV", lambda: report_csv(report), seconds)
        timed("XLSX", lambda: report_xlsx(report), seconds)
        timed("JSON", lambda: report_json(report), seconds)
    pages = "?"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False).stdout.decode()
        pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    print(f"PDF: {len(pdf) // 1024} KiB, {pages} pages")
    cached = sum(seconds[step] for step in ("canonical export + SHA-256", "PDF: fill the print template",
                                            "PDF: WeasyPrint layout", "PDF: WeasyPrint drawing + PDF file"))
    print(f"PDF generation, count cached (export + template + WeasyPrint), median: {cached:.2f} s CPU")
    print(f"PDF generation, first for this export (tally and bootstrap included), median: "
          f"{cached + seconds['tally + report object (cached)'] + seconds['bootstrap, 2,000 resamples (cached)']:.2f}"
          f" s CPU")
    print(f"  a worker's first PDF adds the WeasyPrint import: "
          f"{seconds['PDF: import WeasyPrint (once per worker)']:.2f} s CPU")


def font_subsetter() -> str:
    """Which library WeasyPrint cuts the embedded fonts down with: HarfBuzz (C) when Debian's
    ``libharfbuzz-subset0`` is installed, else fontTools (Python, 0.2–0.5 s slower for this report)."""
    from weasyprint.text.ffi import harfbuzz_subset

    return "fontTools (slow: apt-get install libharfbuzz-subset0)" if harfbuzz_subset is None else "HarfBuzz"


def weasyprint_layout(html: str):  # type: ignore[no-untyped-def]
    """What :func:`app.exports.pdf.html_to_pdf` does before writing the file: parse, style, lay out."""
    from weasyprint import HTML

    return HTML(string=html, base_url=current_app.static_folder).render()


if __name__ == "__main__":
    main()
