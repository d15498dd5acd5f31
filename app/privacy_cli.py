"""Shell commands for retention: ``flask --app app event purge EVENT`` and ``event purge-expired``."""

from __future__ import annotations

import click

from app.cli import operator_errors
from app.services import events, privacy


def _line(summary: privacy.PurgeSummary) -> str:
    return (f"{summary.public_id}: {summary.tickets} tickets made unusable, {summary.comments} comments, "
            f"{summary.questions} questions, {summary.keyings} paper keyings and {summary.contacts} contact "
            "details removed")


@click.command("purge")
@click.argument("event_ref", metavar="EVENT")
def purge_command(event_ref: str) -> None:
    """Remove the personal data of a published event; the published numbers and the ballot export stay."""
    with operator_errors():
        summary = privacy.purge_event(events.find_event(event_ref), "shell")
    click.echo(_line(summary))


@click.command("purge-expired")
def purge_expired_command() -> None:
    """Purge every published event whose retention period (``retention_days``) has passed."""
    with operator_errors():
        summaries = privacy.purge_expired("shell")
    for summary in summaries:
        click.echo(_line(summary))
    click.echo(f"{len(summaries)} purged")
