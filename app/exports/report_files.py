"""One entry point for every download of the advice report: format name → bytes, media type, file name.

Everything renders in the event's language (``force_locale``), whoever asks and from where.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale

from app.domain.report import Report
from app.exports import report_labels
from app.exports.report_csv import report_csv
from app.exports.report_json import report_json
from app.exports.report_pdf import report_pdf
from app.exports.report_xlsx import report_xlsx

FORMATS = ("pdf", "csv", "xlsx", "json")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    media_type: str
    filename: str


def render_report(report: Report, fmt: str) -> RenderedReport:
    """:raises ValueError: for a format not in :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    with force_locale(report.language):
        if fmt == "pdf":
            content = report_pdf(report)
        elif fmt == "csv":
            content = report_csv(report).encode("utf-8")
        elif fmt == "xlsx":
            content = report_xlsx(report)
        else:
            content = report_json(report, report_labels.verdict_text(report.counted)).encode("utf-8")
    return RenderedReport(content, MEDIA_TYPES[fmt], f"advice-report-{report.event_public_id}.{fmt}")
