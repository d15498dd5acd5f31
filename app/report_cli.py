"""``flask --app app report EVENT --format pdf|csv|xlsx|json|ballots --output FILE`` and
``flask --app app recount EXPORT_FILE``.

``report`` writes the advice report in any state, published or not: whoever has the shell operates the
server. ``recount`` needs no database (see ``app/recount.py``).
"""

from __future__ import annotations

import sys

import click

from app.exports.report_files import FORMATS


@click.command("report")
@click.argument("event_ref", metavar="EVENT")
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "ballots"]), default="pdf", show_default=True,
              help="'ballots' writes the anonymous ballot export (a ZIP) that 'recount' reads.")
@click.option("--output", "output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="File to write; '-' for standard output.")
def report_command(event_ref: str, fmt: str, output: str) -> None:
    """Write the advice report of EVENT (its public id, or its number)."""
    from app.cli import operator_errors
    from app.exports.ballots_zip import ballots_zip
    from app.exports.report_files import render_report
    from app.services import events, report

    with operator_errors():
        event = events.find_event(event_ref)
        if fmt == "ballots":
            content = ballots_zip(report.snapshot(report.tender_of(event)).export)
        else:
            content = render_report(report.build_report(event), fmt).content
    if output == "-":
        sys.stdout.buffer.write(content)
        return
    with open(output, "wb") as handle:
        handle.write(content)
    click.echo(output)


@click.command("recount")
@click.argument("path", metavar="EXPORT_FILE")
def recount_command(path: str) -> None:
    """Recount from an anonymous ballot export and print the report's numbers as JSON."""
    from app.exports.report_json import to_json
    from app.recount import RecountError, recount_document

    try:
        document = recount_document(path)
    except RecountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(to_json(document), nl=False)
