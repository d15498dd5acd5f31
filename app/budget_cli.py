"""``flask --app app budget import|export|tally``: budget rounds and pabulib ``.pb`` files.

``tally`` reads a file and counts it without touching the database, so it works on a machine where no
database is configured or migrated.
"""

from __future__ import annotations

import json
import sys

import click

from app.domain.budget import PabulibError, parse_pb, tally
from app.domain.budget.rules import RuleName

budget_cli = click.Group("budget", help="Budget rounds and pabulib .pb files.")


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: not UTF-8 text ({error})") from None


def _pb_error(path: str, error: PabulibError) -> click.ClickException:
    return click.ClickException(f"{path}: line {error.line}: {error.message}")


@budget_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--owner", default=None, help="E-mail address of the host who will own the new event.")
def import_round(path: str, owner: str | None) -> None:
    """Create an event with one round from a .pb file; the last line printed is the round's id."""
    from app.cli import operator_errors
    from app.services import accounts, budget_files

    text = _read(path)
    with operator_errors():
        owner_user = accounts.user_by_email(owner) if owner else None
        try:
            item = budget_files.import_pb(text, owner_user)
        except PabulibError as error:
            raise _pb_error(path, error) from None
        click.echo(f"{len(item.proposals)} projects, event {item.event.public_id}")
    click.echo(item.public_id)


@budget_cli.command("export")
@click.argument("round_ref", metavar="ROUND")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def export_round(round_ref: str, output: str | None) -> None:
    """Write a round as a .pb file (feasible projects and every ballot; no contact details)."""
    from app.cli import operator_errors
    from app.services import budget, budget_files

    with operator_errors():
        text = budget_files.export_pb(budget.find_round(round_ref))
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


@budget_cli.command("tally")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--rule", type=click.Choice(["greedy", "mes", "mes-greedy"]), default="mes", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def tally_file(path: str, rule: str, as_json: bool) -> None:
    """Count a .pb file with a rule, without the database."""
    try:
        election = parse_pb(_read(path))
    except PabulibError as error:
        raise _pb_error(path, error) from None
    result = tally(election, _rule_name(rule))
    if as_json:
        click.echo(json.dumps({"rule": result.rule, "winners": list(result.winners), "spent": result.spent}))
        return
    click.echo(f"{result.rule}: {len(result.winners)} projects, {result.spent} of {result.budget} spent")
    for project_id in result.winners:
        name = election.projects[project_id].name
        click.echo(f"  {project_id}\t{election.projects[project_id].cost}\t{name}")


def _rule_name(rule: str) -> RuleName:
    if rule == "greedy":
        return "greedy"
    if rule == "mes-greedy":
        return "mes-greedy"
    return "mes"
