"""Who may see what: role checks for views, and the attendee's ticket held in the session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.extensions import db, login
from app.models import Role, Ticket, User

F = TypeVar("F", bound=Callable[..., Any])


login.login_view = "auth.login"
login.login_message = _l("Please log in to see this page.")
login.login_message_category = "info"


@login.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Logged in with one of ``roles``; anyone else gets 403 (anonymous users are sent to log in)."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


TICKET_ID = "ticket_id"


def remember_ticket(ticket: Ticket) -> None:
    """Keep the ticket in the (signed) session cookie, so the token never has to appear in a URL again."""
    session.permanent = True
    session[TICKET_ID] = ticket.id


def session_ticket() -> Ticket | None:
    ticket_id = session.get(TICKET_ID)
    return db.session.get(Ticket, ticket_id) if isinstance(ticket_id, int) else None
