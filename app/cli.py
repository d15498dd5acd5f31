"""Shell commands: ``flask --app app users|tickets|event|setup-link ...``.

Messages go to the operator in Dutch or English, after ``LANG`` (Dutch when it starts with ``nl``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask_babel import force_locale

from app.domain.event_file import EventFileError, event_document, parse_event
from app.extensions import db
from app.messages import message_for
from app.models import Role
from app.services import accounts, event_files, events, tickets
from app.services.errors import DomainError


def shell_language() -> str:
    return "nl" if os.environ.get("LANG", "").lower().startswith("nl") else "en"


@contextmanager
def operator_errors() -> Iterator[None]:
    """Turn refusals into one clear line on stderr and exit code 1, never a traceback."""
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        with force_locale(shell_language()):
            raise click.ClickException(message_for(error)) from None
    except EventFileError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error.problem}") from None


def base_url() -> str:
    """``PUBLIC_URL``, else this machine's LAN address on the port ``make run`` uses."""
    from app.netaddr import lan_addresses

    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    addresses = lan_addresses() or ["127.0.0.1"]
    return f"http://{addresses[0]}:{os.environ.get('PORT', '5000')}"


users_cli = click.Group("users", help="Manage accounts.")
tickets_cli = click.Group("tickets", help="Issue tickets.")
event_cli = click.Group("event", help="Import and export events.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
def create_user(email: str, role: str) -> None:
    """Create an account. The password is read from stdin; with none given, one is generated and printed."""
    password = "" if sys.stdin.isatty() else sys.stdin.readline().strip()
    generated = not password
    if generated:
        password = accounts.generate_password()
    with operator_errors():
        user = accounts.create_user(email, password, Role(role))
    click.echo(f"{user.email} ({user.role.value})")
    if generated:
        click.echo(f"password: {password}")


@tickets_cli.command("issue")
@click.argument("event_ref", metavar="EVENT")
@click.option("--count", type=int, required=True)
@click.option("--group", "group_name", default=None, help="Voter group name (default: the first group).")
def issue(event_ref: str, count: int, group_name: str | None) -> None:
    """Issue COUNT tickets and print CSV ``url,code,group``; the secrets are shown only this once."""
    from app.exports.ticket_sheets import tickets_csv

    with operator_errors():
        event = events.find_event(event_ref)
        group = events.group_named(event, group_name)
        issued = tickets.issue_tickets(event, group, count, "shell")
    click.echo(tickets_csv(issued, base_url()), nl=False)


@event_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--owner", default=None, help="E-mail address of the host who will own the event.")
def import_event(path: str, owner: str | None) -> None:
    """Create an event from a JSON file; the last line printed is the new event's identifier."""
    with operator_errors():
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise EventFileError("(document)", f"is not valid JSON ({error})") from None
        spec = parse_event(data)
        owner_user = accounts.user_by_email(owner) if owner else None
        event = event_files.import_event(spec, owner_user)
    click.echo(event.public_id)


@event_cli.command("export")
@click.argument("event_ref", metavar="EVENT")
def export_event(event_ref: str) -> None:
    """Write the event as JSON in the same format ``event import`` reads."""
    with operator_errors():
        event = events.find_event(event_ref)
    click.echo(json.dumps(event_document(event_files.event_spec(event)), ensure_ascii=False, indent=2))


@click.command("setup-link")
@click.option("--if-needed", is_flag=True, help="Only when there is no account yet.")
def setup_link(if_needed: bool) -> None:
    """Print a one-time link through which the first admin sets their password."""
    if not accounts.needs_first_admin():
        if not if_needed:
            raise click.ClickException("There are accounts already; use 'users create'.")
        return
    token = accounts.create_setup_link()
    click.echo("")
    click.echo("  Eerste keer? Maak het beheerdersaccount via / First time? Create the admin account at:")
    click.echo(f"  {base_url()}/setup/{token}")
    click.echo("")


def init_app(app: Flask) -> None:
    from app.budget_cli import budget_cli
    from app.cli_tender import ballots_cli, demo_command
    from app.privacy_cli import purge_command, purge_expired_command
    from app.report_cli import recount_command, report_command

    event_cli.add_command(purge_command)
    event_cli.add_command(purge_expired_command)

    for command in (users_cli, tickets_cli, event_cli, setup_link, budget_cli, ballots_cli, demo_command,
                    report_command, recount_command):
        app.cli.add_command(command)
