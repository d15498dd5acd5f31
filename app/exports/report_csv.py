"""The advice report as CSV: UTF-8 with a byte-order mark (so spreadsheets read accents right), one block
per table (title row, header row, data rows, an empty row), every text cell neutralised against formulas."""

from __future__ import annotations

import csv
import io

from app.domain.report import Report
from app.exports.report_tables import neutralise, report_tables

BOM = "\ufeff"


def report_csv(report: Report) -> str:
    """Render inside ``force_locale(report.language)``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in report_tables(report):
        writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(cell) for cell in table.header])
        for row in table.rows:
            writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
        writer.writerow([])
    return BOM + buffer.getvalue()
