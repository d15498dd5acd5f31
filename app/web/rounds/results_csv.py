"""A budget round's results as CSV, for the municipality's own spreadsheet and for anyone who wants to recount.

Same conventions as the advice report's CSV: UTF-8 with a byte-order mark, one block per table, every text
cell neutralised against formulas (proposal titles and group names are typed by residents). Money is written
as a plain decimal number of euros so that a spreadsheet in any language reads it as a number.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _

from app.exports.report_csv import BOM
from app.exports.report_tables import neutralise
from app.models import BudgetRule
from app.services.budget_results import RoundReport
from app.web.rounds.display import REASONS, RULE_LABELS


def _euros(cents: int) -> str:
    return str(Decimal(cents) / 100)


def _percent(value: Fraction | None) -> str:
    return "" if value is None else str(round(float(value) * 100, 1))


def _yes(funded: bool) -> str:
    return str(_("yes") if funded else _("no"))


def round_csv(title: str, report: RoundReport) -> str:
    """Render inside a request (labels come in the reader's language)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(title)])
    writer.writerow([_("Counted with"), str(RULE_LABELS[report.rule])])
    writer.writerow([_("Budget (EUR)"), _euros(report.budget_cents)])
    writer.writerow([_("Spent (EUR)"), _euros(report.spent_cents)])
    writer.writerow([_("Ballots"), report.ballots])
    writer.writerow([])
    writer.writerow([_("Code"), _("Project"), _("Cost (EUR)"), _("Votes"), _("Support"), _("Funded"),
                     str(RULE_LABELS[BudgetRule.GREEDY]), str(RULE_LABELS[BudgetRule(report.comparison_rule)]),
                     _("Effective support (%)"), _("Why not funded")])
    for row in report.rows:
        writer.writerow([neutralise(row.code), neutralise(row.title), _euros(row.cost_cents), row.votes, row.support,
                         _yes(row.funded), _yes(row.greedy_funded), _yes(row.equal_shares_funded),
                         _percent(row.effective_support),
                         str(REASONS[row.reason]) if row.reason and not row.funded else ""])
    writer.writerow([])
    writer.writerow([_("Voter group"), _("Tickets"), _("Ballots")])
    for group in report.groups:
        writer.writerow([neutralise(group.name or _("Without a ticket")), group.tickets, group.ballots])
    return BOM + buffer.getvalue()
