"""Reading score cards from CSV (paper cards typed into a spreadsheet, or another tool's export).

Columns ``ballot,bidder,criterion,score`` and optionally ``group``, in any order, with a header line.
``ballot`` names one attendee's set of cards; ``bidder`` and ``criterion`` are names as in the tender
(case and surrounding spaces ignored); ``score`` is a number on the scale or a grade label, empty meaning
"can't judge"; an empty or missing ``group`` means the event's first group. Every (ballot, bidder) pair is
one card and must answer every criterion: the same rule as a phone card (``validate_card``).

Pure and all-or-nothing: either every card comes back, or ``BallotCsvError`` names the line (1 is the
header) and the problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.domain.scoring.cards import Bidder, Criterion, validate_card
from app.domain.scoring.errors import CardError, ScoreError, ScoreErrorCode
from app.domain.scoring.scale import Scale, parse_value

REQUIRED = ("ballot", "bidder", "criterion", "score")
MAX_BALLOT = 40
MAX_ROWS = 200_000


class BallotCsvError(ValueError):
    """``code`` says what is wrong (stable, for translation); ``line`` where; ``params`` the details."""

    def __init__(self, line: int, code: str, **params: str) -> None:
        super().__init__(f"line {line}: {code} {params}")
        self.line = line
        self.code = code
        self.params = params


@dataclass
class ImportedCard:
    """One card as read: ``scores`` by criterion key, ``line`` is where the card's first row is."""

    ballot: str
    bidder: str
    group: str
    line: int
    scores: dict[str, int | None] = field(default_factory=dict)


def _lookup(names: Sequence[tuple[str, str]]) -> dict[str, str]:
    """name or key (folded) → key"""
    found: dict[str, str] = {}
    for key, name in names:
        found[key.strip().casefold()] = key
        found[name.strip().casefold()] = key
    return found


def read_ballot_csv(text: str, scale: Scale, criteria: Sequence[Criterion], bidders: Sequence[Bidder],
                    groups: Sequence[str]) -> list[ImportedCard]:
    """Parse and validate the whole file; ``groups`` are the event's group names, the first is the default.

    :raises BallotCsvError: on the first problem, naming its line.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = [cell.strip().casefold() for cell in next(reader, [])]
    if any(column not in header for column in REQUIRED) or len(set(header)) != len(header):
        raise BallotCsvError(1, "csv_header")
    column = {name: header.index(name) for name in header}
    bidder_keys = _lookup([(b.key, b.name) for b in bidders])
    criterion_keys = _lookup([(c.key, c.name) for c in criteria])
    criterion_names = {c.key: c.name for c in criteria}
    bidder_names = {b.key: b.name for b in bidders}
    group_names = {name.strip().casefold(): name for name in groups}
    cards: dict[tuple[str, str], ImportedCard] = {}
    ballot_groups: dict[str, str] = {}
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise BallotCsvError(number, "csv_too_long")
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise BallotCsvError(number, "csv_columns", expected=str(len(header)), found=str(len(row)))

        def cell(name: str, row: list[str] = row) -> str:
            return row[column[name]].strip() if name in column else ""

        ballot = cell("ballot")
        if not ballot or len(ballot) > MAX_BALLOT:
            raise BallotCsvError(number, "csv_ballot_invalid", maximum=str(MAX_BALLOT))
        bidder = bidder_keys.get(cell("bidder").casefold())
        if bidder is None:
            raise BallotCsvError(number, "csv_unknown_bidder", value=cell("bidder"))
        criterion = criterion_keys.get(cell("criterion").casefold())
        if criterion is None:
            raise BallotCsvError(number, "csv_unknown_criterion", value=cell("criterion"))
        group = group_names.get(cell("group").casefold()) if cell("group") else groups[0]
        if group is None:
            raise BallotCsvError(number, "csv_unknown_group", value=cell("group"))
        if ballot_groups.setdefault(ballot, group) != group:
            raise BallotCsvError(number, "csv_group_mixed", ballot=ballot)
        try:
            value = parse_value(scale, cell("score"))
        except ScoreError:
            raise BallotCsvError(number, "csv_score_invalid", value=cell("score"),
                                 criterion=criterion_names[criterion]) from None
        card = cards.setdefault((ballot, bidder), ImportedCard(ballot, bidder, group, number))
        if criterion in card.scores:
            raise BallotCsvError(number, "csv_duplicate", ballot=ballot, bidder=bidder_names[bidder],
                                 criterion=criterion_names[criterion])
        card.scores[criterion] = value
    if not cards:
        raise BallotCsvError(1, "csv_empty")
    keys = {b.key for b in bidders}
    for card in cards.values():
        try:
            validate_card(scale, criteria, keys, card.bidder, card.scores)
        except CardError as error:
            problem = error.problems[0]
            if problem.code is ScoreErrorCode.MISSING_CRITERION:
                raise BallotCsvError(card.line, "csv_missing_criterion", ballot=card.ballot,
                                     bidder=bidder_names[card.bidder],
                                     criterion=criterion_names.get(problem.criterion, problem.criterion)) from None
            raise BallotCsvError(card.line, "csv_score_invalid", value=problem.value,
                                 criterion=criterion_names.get(problem.criterion, problem.criterion)) from None
    return list(cards.values())
