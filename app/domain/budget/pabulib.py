"""Read and write the pabulib ``.pb`` format (https://pabulib.org/format) from and to a string.

A file has three ``;``-separated CSV sections, ``META``, ``PROJECTS`` and ``VOTES``, each a title line,
one header line and data rows. The reader tolerates what real files contain: a BOM, LF/CRLF/CR or mixed
line ends, blank lines, spaces around cells (``key; value``), section titles in any case, and decimal
commas or a ``.0`` in money (``400000.0``, ``1000,0``). Money must be a whole number of currency units.
Anything it cannot read unambiguously raises :class:`PabulibError` with the 1-based line number.

Values are kept as text except the ones the counting needs (cost, ballot, points); unknown META keys and
columns survive a round trip ``parse_pb(write_pb(e)) == e``.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

VOTE_TYPES = ("approval", "choose-1", "ordinal", "cumulative", "scoring")
"""The ``vote_type`` values of the format; ``scoring`` is read but no file uses it."""

POINTS_VOTE_TYPES = ("cumulative", "scoring")
"""Vote types whose ballots must carry a ``points`` column."""

_SECTIONS = ("meta", "projects", "votes")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"[A-Za-z_]+")


class PabulibError(ValueError):
    """A ``.pb`` text that cannot be read; ``line`` is 1-based (0 when no line is to blame)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Project:
    """One row of PROJECTS. ``extra`` keeps every other column (votes, score, selected, …) as text."""

    id: str
    cost: int
    name: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Vote:
    """One row of VOTES: the named projects in file order, their points if the file has points."""

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[int, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Election:
    """A whole ``.pb`` file. ``meta`` keeps every key in file order, values as text."""

    meta: Mapping[str, str]
    projects: Mapping[str, Project]
    votes: tuple[Vote, ...]

    @property
    def budget(self) -> int:
        """The ``budget`` META value in whole currency units."""
        return _whole(self.meta["budget"])

    @property
    def vote_type(self) -> str:
        """The ``vote_type`` META value, lower case."""
        return self.meta["vote_type"].lower()


def parse_pb(text: str) -> Election:
    """Read a ``.pb`` file's text.

    :raises PabulibError: on an unknown or missing section, a missing header, a row that does not fit its
        header, a non-numeric or fractional cost or budget, a missing ``budget``/``vote_type``, a ballot
        naming an unknown project (or one project twice), a points count that differs from the vote
        count, duplicate ids, or ``num_projects``/``num_votes`` that disagree with the rows.
    """
    with no_cyclic_gc():
        return _parse(text[1:] if text.startswith("\ufeff") else text)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects (about a third of
    the parse time of a 100,000-ballot file otherwise goes to collections that free nothing)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(text: str) -> Election:
    section = ""
    header: list[str] = []
    expect_header = False
    seen: list[str] = []
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: dict[str, Project] = {}
    votes: list[Vote] = []
    voter_ids: set[str] = set()
    section_lines: dict[str, int] = {}
    read_vote: Callable[[list[str], int], Vote] | None = None
    for line, text_line in enumerate(_LINE_BREAK.split(text), start=1):
        row = list(map(str.strip, _cells(text_line, line)))
        if read_vote is not None and len(row) == len(header) and any(row[1:]):
            # The hot path: a full VOTES row (checked exactly as below, without the section logic).
            vote = read_vote(row, line)
            if vote.voter_id in voter_ids:
                raise PabulibError(line, f"voter {vote.voter_id!r} appears twice")
            voter_ids.add(vote.voter_id)
            votes.append(vote)
            continue
        if not any(row):
            continue
        title = row[0].lower() if not any(row[1:]) else ""
        if title in _SECTIONS:
            if title in seen:
                raise PabulibError(line, f"section {row[0]} appears twice")
            if _SECTIONS.index(title) != len(seen):
                raise PabulibError(line, f"section {row[0]} out of order (META, PROJECTS, VOTES)")
            seen.append(title)
            section, expect_header = title, True
            section_lines[title] = line
            continue
        if not section:
            raise PabulibError(line, "expected the META section title")
        if expect_header:
            header = _check_header(section, row, line)
            expect_header = False
            if section == "votes":
                read_vote = _vote_reader(header, meta, projects)
            continue
        if len(row) > len(header):
            raise PabulibError(line, f"{len(row)} cells, but the header has {len(header)}")
        if len(row) < len(header):
            if title and _WORD.fullmatch(row[0]):
                raise PabulibError(line, f"unknown section {row[0]!r}")
            raise PabulibError(line, f"{len(row)} cells, but the header has {len(header)}")
        if section == "meta":
            key, value = row[0], row[1]
            if key in meta:
                raise PabulibError(line, f"META key {key!r} appears twice")
            meta[key] = value
            meta_lines[key] = line
        elif section == "projects":
            project = _read_project(dict(zip(header, row, strict=True)), line)
            if project.id in projects:
                raise PabulibError(line, f"project {project.id!r} appears twice")
            projects[project.id] = project
        else:
            assert read_vote is not None
            vote = read_vote(row, line)
            if vote.voter_id in voter_ids:
                raise PabulibError(line, f"voter {vote.voter_id!r} appears twice")
            voter_ids.add(vote.voter_id)
            votes.append(vote)
    for name in _SECTIONS:
        if name not in seen:
            raise PabulibError(0, f"section {name.upper()} is missing")
    if expect_header:
        raise PabulibError(section_lines[section], f"section {section.upper()} has no header line")
    _check_counts(meta, meta_lines, len(projects), len(votes))
    return Election(meta=meta, projects=projects, votes=tuple(votes))


def _cells(text_line: str, line: int) -> list[str]:
    """The ``;``-separated cells of one line; CSV quoting is only parsed where there is a quote.

    Quoting is read leniently, as real files need (``"Odkupmy" i my`` is kept as ``Odkupmy i my``); a
    quoted cell ends with its line (no file has line breaks inside a cell)."""
    if '"' not in text_line:
        return text_line.split(";")
    try:
        return next(csv.reader([text_line], delimiter=";"))
    except csv.Error as error:  # pragma: no cover - the lenient reader only fails on NUL characters
        raise PabulibError(line, f"unreadable cell: {error}") from None


def write_pb(election: Election) -> str:
    """Write an election as ``.pb`` text (LF line ends, no BOM, integer money and points).

    ``num_projects`` and ``num_votes`` are written from the rows, so they can never disagree. Projects
    and votes keep their order; the column order is ``project_id;cost;name`` then the other columns in
    first-seen order, and ``voter_id;vote;points`` likewise.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.votes))
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(meta.items())

    writer.writerow(["PROJECTS"])
    project_extra = _columns(project.extra for project in election.projects.values())
    writer.writerow(["project_id", "cost", "name", *project_extra])
    for project in election.projects.values():
        extra = [project.extra.get(key, "") for key in project_extra]
        writer.writerow([project.id, str(project.cost), project.name, *extra])

    writer.writerow(["VOTES"])
    vote_extra = _columns(vote.extra for vote in election.votes)
    has_points = any(vote.points is not None for vote in election.votes)
    writer.writerow(["voter_id", "vote", *(["points"] if has_points else []), *vote_extra])
    for vote in election.votes:
        cells = [vote.voter_id, ",".join(vote.projects)]
        if has_points:
            cells.append("" if vote.points is None else ",".join(str(p) for p in vote.points))
        cells.extend(vote.extra.get(key, "") for key in vote_extra)
        writer.writerow(cells)
    return out.getvalue()


def _columns(rows: Iterable[Mapping[str, str]]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        for key in row:
            columns.setdefault(key, None)
    return list(columns)


def _check_header(section: str, row: list[str], line: int) -> list[str]:
    names = [cell.lower() if section == "meta" else cell for cell in row]
    required = {"meta": ("key", "value"), "projects": ("project_id", "cost"), "votes": ("voter_id", "vote")}
    first = required[section][0]
    if names[0] != first:
        raise PabulibError(line, f"missing header line for {section.upper()}: expected {first!r} first")
    for name in required[section]:
        if name not in names:
            raise PabulibError(line, f"{section.upper()} header lacks the {name!r} column")
    if len(set(names)) != len(names):
        raise PabulibError(line, f"{section.upper()} header repeats a column")
    return names


def _read_project(cells: dict[str, str], line: int) -> Project:
    project_id = cells.pop("project_id")
    if not project_id:
        raise PabulibError(line, "empty project_id")
    raw_cost = cells.pop("cost")
    try:
        cost = _whole(raw_cost)
    except ValueError as error:
        raise PabulibError(line, f"cost of project {project_id!r}: {error}") from None
    if cost < 0:
        raise PabulibError(line, f"negative cost {raw_cost!r} of project {project_id!r}")
    name = cells.pop("name", "")
    return Project(id=project_id, cost=cost, name=name, extra=cells)


def _vote_reader(
    header: list[str], meta: Mapping[str, str], projects: Mapping[str, Project]
) -> Callable[[list[str], int], Vote]:
    """A reader for the stripped cells of one VOTES row under ``header`` (column positions found once)."""
    at_id, at_vote = header.index("voter_id"), header.index("vote")
    at_points = header.index("points") if "points" in header else None
    extra_at = [at for at, name in enumerate(header) if name not in ("voter_id", "vote", "points")]
    extra_names = [header[at] for at in extra_at]
    if extra_at == list(range(len(header) - len(extra_at), len(header))):
        first_extra = len(header) - len(extra_at)

        def extra_cells(row: list[str]) -> Iterable[str]:
            return row[first_extra:]

    else:

        def extra_cells(row: list[str]) -> Iterable[str]:
            return [row[at] for at in extra_at]

    known = frozenset(projects)
    needs_points = meta.get("vote_type", "").lower() in POINTS_VOTE_TYPES

    def read(row: list[str], line: int) -> Vote:
        voter_id = row[at_id]
        if not voter_id:
            raise PabulibError(line, "empty voter_id")
        raw_vote = row[at_vote]
        named = tuple(map(str.strip, raw_vote.split(","))) if raw_vote else ()
        distinct = set(named)
        if not distinct <= known:
            unknown = next(project_id for project_id in named if project_id not in known)
            raise PabulibError(line, f"voter {voter_id!r} votes for unknown project {unknown!r}")
        if len(distinct) != len(named):
            raise PabulibError(line, f"voter {voter_id!r} names a project twice")
        raw_points = row[at_points] if at_points is not None else None
        points: tuple[int, ...] | None = None
        if raw_points:
            try:
                points = tuple(map(_whole, raw_points.split(",")))
            except ValueError as error:
                raise PabulibError(line, f"points of voter {voter_id!r}: {error}") from None
            if len(points) != len(named):
                raise PabulibError(
                    line, f"voter {voter_id!r} names {len(named)} projects but gives {len(points)} points"
                )
        elif needs_points and named:
            raise PabulibError(line, f"voter {voter_id!r} gives no points on a {meta['vote_type']} ballot")
        extra = dict(zip(extra_names, extra_cells(row), strict=True))
        return Vote(voter_id=voter_id, projects=named, points=points, extra=extra)

    return read


def _check_counts(meta: Mapping[str, str], lines: Mapping[str, int], n_projects: int, n_votes: int) -> None:
    for key in ("budget", "vote_type"):
        if not meta.get(key):
            raise PabulibError(lines.get(key, 1), f"META lacks {key!r}")
    try:
        budget = _whole(meta["budget"])
    except ValueError as error:
        raise PabulibError(lines["budget"], f"budget: {error}") from None
    if budget < 0:
        raise PabulibError(lines["budget"], "negative budget")
    if meta["vote_type"].lower() not in VOTE_TYPES:
        raise PabulibError(lines["vote_type"], f"unknown vote_type {meta['vote_type']!r}")
    for key, actual in (("num_projects", n_projects), ("num_votes", n_votes)):
        if key in meta:
            try:
                declared = _whole(meta[key])
            except ValueError as error:
                raise PabulibError(lines[key], f"{key}: {error}") from None
            if declared != actual:
                raise PabulibError(lines[key], f"{key} is {declared} but the file has {actual} rows")


def _whole(text: str) -> int:
    """A whole number from ``"12"``, ``"12.0"`` or ``"12,0"``; ``ValueError`` for anything else."""
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    return int(number)
