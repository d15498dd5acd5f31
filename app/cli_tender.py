"""Shell commands of the Idols evening: ``flask --app app ballots import EVENT FILE.csv`` and ``demo``."""

from __future__ import annotations

import click

from app.cli import base_url, operator_errors
from app.extensions import db
from app.models import Role, User
from app.services import accounts, ballot_import, demo, events
from app.services.errors import DomainError

ballots_cli = click.Group("ballots", help="Import score cards.")


@ballots_cli.command("import")
@click.argument("event_ref", metavar="EVENT")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_ballots(event_ref: str, path: str) -> None:
    """Import score cards from CSV (columns ballot,bidder,criterion,score[,group]); all or nothing."""
    with operator_errors():
        event = events.find_event(event_ref)
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except UnicodeDecodeError:
            raise DomainError("csv_encoding") from None
        count = ballot_import.import_ballots(event, text, "shell")
    click.echo(f"{count}")


@click.command("demo")
@click.option("--with-cards", is_flag=True, help="Fill plausible random score cards (seeded).")
@click.option("--seed", type=int, default=2027, show_default=True)
@click.option("--owner", default=None, help="E-mail address of the host who will own the event "
                                             "(default: the first admin).")
@click.option("--tickets-csv", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the 60 tickets (url,code,group) to this file; they are shown nowhere else.")
def demo_command(with_cards: bool, seed: int, owner: str | None, tickets_csv: str | None) -> None:
    """Create a Dutch demo Idols evening; the last line printed is the new event's identifier."""
    from app.exports.ticket_sheets import tickets_csv as render_csv

    with operator_errors():
        owner_user = accounts.user_by_email(owner) if owner else db.session.scalar(
            db.select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
        event, issued = demo.create_demo(owner_user, with_cards=with_cards, seed=seed)
    if tickets_csv:
        with open(tickets_csv, "w", encoding="utf-8") as handle:
            handle.write(render_csv(issued, base_url()))
        click.echo(f"tickets: {tickets_csv}")
    click.echo(f"{event.title} · {len(issued)} tickets" + (" · with cards" if with_cards else ""))
    click.echo(event.public_id)
