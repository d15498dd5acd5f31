"""Printable A4 paper score cards, one page per bidder, for attendees without a smartphone."""

from __future__ import annotations

from flask import render_template

from app.domain import scoring
from app.exports.pdf import html_to_pdf
from app.models import Bidder, Tender
from app.services.tender import scale_of, weight_percentages


def paper_card_pdf(tender: Tender, bidders: list[Bidder], copies: int = 1) -> bytes:
    """``copies`` pages per bidder: the criteria with their explanation, boxes to tick, the ticket code field."""
    scale = scale_of(tender)
    values = [scoring.label(scale, value) for value in scale.values]
    pages = [bidder for bidder in bidders for _ in range(copies)]
    html = render_template("print/paper_card.html", tender=tender, event=tender.event, pages=pages, scale=scale,
                           values=values, percentages=weight_percentages(tender))
    return html_to_pdf(html)
