"""Ticket secrets: a long token for the QR code and a short code that can be read aloud and typed.

The token carries 128 bits (``secrets.token_urlsafe(16)``). The short code has 10 characters from a
30-character alphabet without look-alikes (no 0/O, 1/I/L, no U), which is 10 × log2(30) ≈ 49 bits, shown in
groups as ``ABC-DEF-GHJK``. Only SHA-256 hashes of both are stored, so a database leak reveals no ticket.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
CODE_GROUPS = (3, 3, 4)


@dataclass(frozen=True)
class TicketSecret:
    token: str
    code: str


def new_secret(rng: secrets.SystemRandom | None = None) -> TicketSecret:
    """A fresh token and short code; ``rng`` lets tests make them reproducible."""
    source = rng or secrets.SystemRandom()
    token_bytes = bytes(source.randrange(256) for _ in range(16))
    token = base64.urlsafe_b64encode(token_bytes).rstrip(b"=").decode()
    code = "".join(source.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return TicketSecret(token=token, code=format_code(code))


def format_code(raw: str) -> str:
    """Group a normalised code for reading aloud: ``ABC-DEF-GHJK``."""
    parts = []
    start = 0
    for size in CODE_GROUPS:
        parts.append(raw[start : start + size])
        start += size
    return "-".join(parts)


def normalise_code(typed: str) -> str | None:
    """What a person typed, as the canonical ungrouped code; ``None`` when it cannot be a code.

    Spaces, dashes and case are ignored. A character outside the alphabet is rejected rather than guessed,
    because a wrong guess could open somebody else's ticket.
    """
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def hash_secret(value: str) -> str:
    """SHA-256 hex digest; codes are hashed in their normalised form."""
    return hashlib.sha256(value.encode()).hexdigest()
