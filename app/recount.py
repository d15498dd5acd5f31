"""Recount an Idols evening from its anonymous ballot export, without a database or a server.

``python -m app.recount ballots.zip`` (or ``flask --app app recount ballots.zip``) prints, as JSON, every
number of the advice report that the export determines: ranking, scores per bidder and criterion,
distributions, the robustness check (the same seeded bootstrap) and participation per group and channel.
Each key appears with the same value at the same place in the report's JSON (``docs/report-format.md``).
"""

from __future__ import annotations

import sys
from typing import Any

from app.domain import scoring
from app.domain.report import count
from app.domain.scoring.robustness import DEFAULT_RESAMPLES
from app.exports.ballots_zip import ExportFileError, read_export
from app.exports.report_json import numbers_document, to_json


class RecountError(Exception):
    """One line for the operator."""


def recount_document(path: str, resamples: int = DEFAULT_RESAMPLES) -> dict[str, Any]:
    """The report's numbers, recomputed from the export at ``path``.

    :raises RecountError: when the file is missing, not an export, altered (hash mismatch) or invalid.
    """
    try:
        export = read_export(path)
        read = scoring.parse_export(export.ballots_csv, export.manifest_json)
    except ExportFileError as error:
        raise RecountError(str(error)) from None
    except scoring.ScoreError as error:
        if error.code is scoring.ScoreErrorCode.EXPORT_HASH_MISMATCH:
            raise RecountError(f"{path}: ballots.csv does not match the SHA-256 in manifest.json") from None
        raise RecountError(f"{path}: not a valid ballot export ({error.code.value}: {error.value})") from None
    counted = count(read.scale, read.criteria, read.bidders, read.cards, read.method,
                    scoring.sha256_of_export(export.ballots_csv), resamples)
    return numbers_document(counted)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print("usage: python -m app.recount EXPORT_FILE  (ballots.zip, or a folder with ballots.csv and "
              "manifest.json)", file=sys.stderr)
        return 2
    try:
        document = recount_document(args[0])
    except RecountError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(to_json(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
