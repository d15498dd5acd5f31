"""Checks an import applies to a ``.pb`` file on top of what the reader judges (pure, no I/O).

``parse_pb`` reads every file that can be read unambiguously, including ones the official pabulib checker
rejects. Before a file becomes a budget round in the database it must also keep its own ballot rules:
a voter id without commas, a three-letter currency code, points at most ``max_sum_points`` in all and
between ``min_points`` and ``max_points`` each, and ballots within ``min_length`` to ``max_length``.
Too few points are let through: a published file (Mechanical Turk Utilities 7) has a voter below its
``min_sum_points``, and fewer points only weaken that voter's own ballot. The first problem in file
order is raised as a :class:`PabulibError` naming its line.
"""

from __future__ import annotations

import csv
import re

from app.domain.budget.pabulib import Election, PabulibError

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _lines(text: str) -> tuple[dict[str, int], list[int]]:
    """The line of each META key and of each VOTES row (the reader has no quoted line breaks)."""
    meta_lines: dict[str, int] = {}
    vote_lines: list[int] = []
    section = ""
    header_seen = False
    for number, line in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), start=1):
        row = [cell.strip() for cell in next(csv.reader([line], delimiter=";"), [])]
        if not any(row):
            continue
        if not any(row[1:]) and row[0].lower() in ("meta", "projects", "votes"):
            section, header_seen = row[0].lower(), False
            continue
        if not header_seen:
            header_seen = True
            continue
        if section == "meta":
            meta_lines.setdefault(row[0], number)
        elif section == "votes":
            vote_lines.append(number)
    return meta_lines, vote_lines


def _limit(meta: dict[str, str], key: str, line: int) -> int | None:
    value = meta.get(key, "").strip()
    if not value or value == "None":
        return None
    try:
        return int(float(value.replace(",", ".")))
    except ValueError:
        raise PabulibError(line, f"{key} {value!r} is not a number") from None


def check_importable(text: str, election: Election) -> None:
    """Raise :class:`PabulibError` for the first ballot or META value that breaks the file's own rules."""
    meta = dict(election.meta)
    meta_lines, vote_lines = _lines(text)
    currency = meta.get("currency")
    if currency is not None and not _CURRENCY.match(currency):
        raise PabulibError(meta_lines.get("currency", 1), f"currency {currency!r} is not a code like EUR")
    limits = {key: _limit(meta, key, meta_lines.get(key, 1)) for key in
              ("min_length", "max_length", "max_sum_points", "min_points", "max_points")}
    for index, vote in enumerate(election.votes):
        line = vote_lines[index] if index < len(vote_lines) else 0
        if "," in vote.voter_id:
            raise PabulibError(line, f"voter id {vote.voter_id!r} contains a comma")
        count = len(vote.projects)
        if count and limits["min_length"] is not None and count < limits["min_length"]:
            raise PabulibError(line, f"voter {vote.voter_id!r} chose {count} projects, min_length is "
                                     f"{limits['min_length']}")
        if limits["max_length"] is not None and count > limits["max_length"]:
            raise PabulibError(line, f"voter {vote.voter_id!r} chose {count} projects, max_length is "
                                     f"{limits['max_length']}")
        if vote.points is None:
            continue
        total = sum(vote.points)
        if limits["max_sum_points"] is not None and total > limits["max_sum_points"]:
            raise PabulibError(line, f"voter {vote.voter_id!r} gives {total} points, max_sum_points is "
                                     f"{limits['max_sum_points']}")
        for points in vote.points:
            if limits["max_points"] is not None and points > limits["max_points"]:
                raise PabulibError(line, f"voter {vote.voter_id!r} gives {points} points to one project, "
                                         f"max_points is {limits['max_points']}")
            if points < (limits["min_points"] or 0):
                raise PabulibError(line, f"voter {vote.voter_id!r} gives {points} points to one project")
