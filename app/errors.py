"""Error pages in the user's language, without stack traces, and the mapping of domain errors to them."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from app.messages import message_for
from app.services.errors import DomainError

TITLES = {
    400: _l("Something in the request was not right"),
    401: _l("Please log in to see this page."),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This is not possible here"),
    410: _l("This is no longer available"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("It is very busy right now"),
}
EXPLANATIONS = {
    400: _l("Go back and try again."),
    401: _l("Log in with an account that has access, or ask the host."),
    403: _l("Log in with an account that has access, or ask the host."),
    404: _l("Check the address, or go back to the start page."),
    405: _l("Go back and try again."),
    410: _l("Ask the host if you need help."),
    413: _l("Choose a smaller file."),
    429: _l("Wait a moment and try again."),
    500: _l("Nothing you entered is lost. Please try again in a moment."),
    503: _l("Your answer was not saved yet. Go back and send it again in a moment."),
}


def error_page(status: int, message: str | None = None) -> tuple[str, int]:
    status = status if status in TITLES else 500
    return render_template("errors/error.html", status=status, title=TITLES[status],
                           message=message or EXPLANATIONS[status]), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[str, int]:
        return error_page(error.status, message_for(error))

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[str, int]:
        return error_page(400, str(_l("This form has expired. Go back, reload the page and try again. "
                                      "Nothing was saved.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return error_page(error.code or 500)

    @app.errorhandler(sa_exc.TimeoutError)
    def database_busy(_error: sa_exc.TimeoutError) -> tuple[str, int]:
        """Every database connection is in use (a burst of cards): say so, and nothing is half-written."""
        return error_page(503)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error", exc_info=error)
        return error_page(500)
