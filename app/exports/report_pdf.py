"""The advice report as an A4 PDF: the print template ``templates/print/report.html`` through WeasyPrint.

Page 1 is the advice in short (ranking, robustness verdict, participation); then the method and weights,
one section per bidder with distribution bars, participation, the process log and the integrity block.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from app.domain.report import CriterionLine, Report
from app.exports import report_labels as labels
from app.exports.charts import distribution_bar
from app.exports.pdf import html_to_pdf

LEGEND_UP_TO = 8
"""Bars get a row of percentages below them for up to this many bidders; text inside SVG is the slowest
part of a PDF, so a long report leaves it out (the numbers are in the CSV, XLSX and JSON)."""


def criterion_bar(criterion: CriterionLine, legend: bool = True) -> Markup:
    """The criterion's distribution as an SVG bar (all text escaped by ``distribution_bar``)."""
    title = ", ".join(f"{bar.label}: {labels.decimal(bar.weight, 2)}" for bar in criterion.distribution if bar.weight)
    svg = distribution_bar([(bar.label, bar.weight) for bar in criterion.distribution],
                           f"{criterion.name}: {title or '–'}", legend=legend)
    return Markup(svg)  # noqa: S704 - built from escaped parts in app.exports.charts


def template_context(report: Report) -> dict[str, Any]:
    """What ``reports/_body.html`` needs; call inside ``force_locale(report.language)``."""
    legend = len(report.counted.bidders) <= LEGEND_UP_TO
    return {"report": report, "counted": report.counted, "labels": labels,
            "bar": lambda criterion: criterion_bar(criterion, legend), "verdict": labels.verdict_text(report.counted)}


def report_html(report: Report) -> str:
    """The print template; comments flow as one paragraph per bidder (a list of a thousand items costs
    WeasyPrint seconds)."""
    with force_locale(report.language):
        return render_template("print/report.html", compact=True, **template_context(report))


def report_pdf(report: Report) -> bytes:
    """The PDF in the event's language, whatever the reader's language."""
    return html_to_pdf(report_html(report))
