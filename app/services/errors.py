"""Errors that services raise; ``app/errors.py`` turns them into pages in the user's language."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal with a stable ``code`` (for tests and translation) and the HTTP status to answer with."""

    status = 400

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Gone(DomainError):
    status = 410


class TooManyAttempts(DomainError):
    status = 429


class Conflict(DomainError):
    status = 409
