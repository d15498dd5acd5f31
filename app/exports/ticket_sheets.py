"""Printable ticket sheets: an A4 PDF with eight tickets a page, each with its QR code and short code."""

from __future__ import annotations

import csv
import io

from flask import render_template

from app.exports.pdf import html_to_pdf
from app.exports.qr import qr_data_uri
from app.models import Event
from app.services.tickets import IssuedTicket


def ticket_url(base_url: str, token: str) -> str:
    return f"{base_url}/t/{token}"


def ticket_sheets_pdf(event: Event, tickets: list[IssuedTicket], base_url: str) -> bytes:
    cards = [
        {"ticket": ticket, "url": ticket_url(base_url, ticket.token),
         "qr": qr_data_uri(ticket_url(base_url, ticket.token))}
        for ticket in tickets
    ]
    pages = [cards[start:start + 8] for start in range(0, len(cards), 8)]
    html = render_template("print/tickets.html", event=event, pages=pages, code_url=base_url + "/code")
    return html_to_pdf(html)


def tickets_csv(issued: list[IssuedTicket], base_url: str) -> str:
    """CSV ``url,code,group``, for mail merges and other printing tools."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["url", "code", "group"])
    for ticket in issued:
        writer.writerow([ticket_url(base_url, ticket.token), ticket.code, ticket.group])
    return out.getvalue()
