"""The printable paper ballot of a budget round: A4, one box per feasible project, room for the ticket code."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from app.exports.pdf import html_to_pdf
from app.models import BudgetRound
from app.services import budget


def paper_ballot_pdf(item: BudgetRound) -> bytes:
    """The ballot in the event's language, whatever language the host's screen is in."""
    with force_locale(item.event.language):
        html = render_template("print/budget_ballot.html", round=item, event=item.event,
                               proposals=budget.ballot_proposals(item))
    return html_to_pdf(html)
