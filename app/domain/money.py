"""Euro amounts as people type them, to integer cents and back. Pure: no Flask, no database."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^\d{1,3}([.\s]\d{3})+(,\d{1,2})?$|^\d+([.,]\d{1,2})?$")
MAX_CENTS = 10**14
"""A trillion euros: more than any neighbourhood budget, far below the database's 64-bit limit."""


def parse_euros(text: str) -> int | None:
    """Cents from ``"1250"``, ``"1.250"``, ``"1.250,50"``, ``"1250,5"``, ``"1250.50"`` or ``"€ 1 250"``.

    A dot or space followed by exactly three digits groups thousands (Dutch style); otherwise a dot or
    comma before one or two digits marks the cents. Returns ``None`` when the text is not an amount.
    """
    cleaned = text.strip().replace("€", "").replace("\u00a0", " ").strip()
    if not cleaned or not _AMOUNT.match(cleaned):
        return None
    if re.search(r"[.\s]\d{3}(?!\d)", cleaned) and not re.fullmatch(r"\d+\.\d{1,2}", cleaned):
        cleaned = cleaned.replace(".", "").replace(" ", "")
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None
    cents = int(amount * 100)
    return cents if 0 <= cents <= MAX_CENTS else None


def euros_text(cents: int) -> str:
    """``1250,50`` or ``1250``: the plain amount, as a form field shows it back."""
    whole, part = divmod(cents, 100)
    return f"{whole},{part:02d}" if part else str(whole)
