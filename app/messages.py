"""The user-facing text for every error code a service can raise, translated at request time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

MESSAGES = {
    "bad_login": _l("That e-mail address and password do not match."),
    "login_locked": _l("Too many wrong passwords. Wait %(seconds)s seconds and try again."),
    "invalid_email": _l("Please enter a valid e-mail address."),
    "password_too_short": _l("The password must be at least %(length)s characters long."),
    "email_taken": _l("There is already an account with this e-mail address."),
    "setup_link_used": _l("This set-up link has already been used."),
    "title_required": _l("Please give a title."),
    "unknown_language": _l("This language is not available: %(language)s."),
    "ends_before_start": _l("The end time is before the start time."),
    "weight_invalid": _l("A weight must be a number above 0, like 1 or 1.5 (you entered %(weight)s)."),
    "weights_locked": _l("Weights can no longer change: the first votes are already in."),
    "group_exists": _l("There is already a group called %(name)s."),
    "group_name_required": _l("Please give the group a name (at most 80 characters)."),
    "group_not_found": _l("This group does not exist."),
    "event_not_found": _l("This event does not exist, or you do not have access to it."),
    "ticket_count_invalid": _l("You can issue between 1 and %(maximum)s tickets at a time."),
    "ticket_not_found": _l("There is no ticket with this number."),
    "ticket_unknown": _l("We do not know this ticket. Check the code, or ask the host for help."),
    "ticket_voided": _l("This ticket has been cancelled. Ask the host for a new one."),
    "ticket_used_on_paper": _l("This ticket was already used for a paper score card."),
    "code_malformed": _l("A ticket code has 10 letters and digits, like ABC-DEF-GHJK. Please check it."),
    "user_not_found": _l("This account does not exist."),
    "event_file_invalid": _l("The event file is not valid: %(field)s: %(problem)s"),
}


def message_for(error: DomainError) -> str:
    """The translated sentence for ``error``; an unknown code shows the code itself rather than nothing."""
    template = MESSAGES.get(error.code)
    if template is None:
        return error.code
    text = str(template)
    return text % {key: str(value) for key, value in error.params.items()} if error.params else text
