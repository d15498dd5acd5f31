"""The advice report as an A4 PDF: the print template ``templates/print/report.html`` through WeasyPrint.

Page 1 is the advice in short (ranking, robustness verdict, participation); then the method and weights,
one section per bidder with distribution bars, participation, the process log and the integrity block.

What keeps WeasyPrint fast (see ``bench/report_generation.py``): each bar is a PNG one pixel high in a
``data:`` URL, stretched (WeasyPrint drew an SVG bar rectangle by rectangle in Python, and an inline
``<svg>`` went through its HTML parser and CSS cascade as well); the bars' numbers are one line of HTML
text below them (SVG ``<text>`` costs milliseconds per label); tables have a fixed layout (no
min/max-content pass over every cell); comments flow as one paragraph per bidder (a list of a thousand
items costs seconds); and no ``overflow-wrap: anywhere``, which makes every word a break opportunity.
"""

from __future__ import annotations

from base64 import b64encode
from typing import Any
from urllib.parse import quote

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.domain.report import Counted, CriterionLine, Report
from app.exports import report_labels as labels
from app.exports.charts import distribution_bar, distribution_png, legend_svg
from app.exports.pdf import html_to_pdf


def criterion_bar(criterion: CriterionLine) -> Markup:
    """The criterion's distribution as an SVG bar of rectangles (title escaped by ``distribution_bar``);
    the template prints the shares as text beside it (:func:`app.exports.report_labels.shares`)."""
    svg = distribution_bar([(bar.label, bar.weight) for bar in criterion.distribution],
                           f"{criterion.name}: {labels.shares(criterion)}", height=12, show_labels=False)
    return Markup(svg)  # noqa: S704 - built from escaped parts in app.exports.charts


def criterion_bar_image(criterion: CriterionLine) -> Markup:
    """:func:`criterion_bar` for the PDF: a PNG one pixel high, stretched to the bar (see the module
    docstring); its alt text is the shares."""
    png = b64encode(distribution_png([bar.weight for bar in criterion.distribution])).decode()
    return Markup('<img class="chart bar" alt="{}" src="data:image/png;base64,{}">').format(
        f"{criterion.name}: {labels.shares(criterion)}", png)


def scale_legend(counted: Counted) -> Markup:
    """Which colour of the bars stands for which value of the scale (once per report: SVG text is slow)."""
    return Markup(legend_svg(counted.scale, _("Colours of the scale, worst to best"), size=24))  # noqa: S704 - escaped in app.exports.charts


def _image(svg: str, alt: str) -> Markup:
    """An ``<img>`` of the SVG in a ``data:`` URL, for the PDF (see the module docstring)."""
    return Markup('<img class="chart" alt="{}" src="data:image/svg+xml,{}">').format(alt, quote(svg, safe="/:=,."))


def template_context(report: Report) -> dict[str, Any]:
    """What ``reports/_body.html`` needs; call inside ``force_locale(report.language)``."""
    return {"report": report, "counted": report.counted, "labels": labels, "bar": criterion_bar,
            "legend": scale_legend(report.counted), "verdict": labels.verdict_text(report.counted)}


def report_html(report: Report) -> str:
    """The filled print template (``compact``: comments as one paragraph per bidder; charts as images)."""
    with force_locale(report.language):
        context = template_context(report)
        context.update(bar=criterion_bar_image,
                       legend=_image(scale_legend(report.counted), _("Colours of the scale, worst to best")))
        return render_template("print/report.html", compact=True, **context)


def report_pdf(report: Report) -> bytes:
    """The PDF in the event's language, whatever the reader's language."""
    return html_to_pdf(report_html(report))
