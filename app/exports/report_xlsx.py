"""The advice report as an Excel workbook: one sheet per table, numbers as numbers, text neutralised.

openpyxl stores any string that starts with ``=`` as a formula, so neutralising is not optional here.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from app.domain.report import Report
from app.exports.report_tables import Cell, neutralise, report_tables

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _cell(value: Cell) -> Cell:
    """Neutralised, and without the control characters an XLSX file cannot hold."""
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:28] or "Sheet"
    name, number = base, 2
    while name.casefold() in taken:
        name, number = f"{base} {number}", number + 1
    taken.add(name.casefold())
    return name


def report_xlsx(report: Report) -> bytes:
    """Render inside ``force_locale(report.language)``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in report_tables(report):
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        sheet.append([_cell(cell) for cell in table.header])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_cell(cell) for cell in row])
        for column, header in enumerate(table.header, start=1):
            longest = max([len(str(header))] + [len(str(row[column - 1] or "")) for row in table.rows])
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = min(max(longest + 2, 8), 80)
        sheet.freeze_panes = "A2"
    workbook.properties.title = report.event_title[:200]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
