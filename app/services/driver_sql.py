"""Core statements run on the database driver's own cursor, for the card POST.

A card is the busiest request of an evening, and there SQLAlchemy's own execution costs more than the
database: on SQLite, executing a compiled Core statement through a connection takes about 75 µs of CPU
against 20 µs for the driver alone, and the Session's begin and commit another 130 µs; a card needs
four statements. On SQLite the write lock is held from the first write to the commit, so that time is
also time the other worker process waits. The statements stay the Core constructs the rest of the app
uses: each is compiled once per database kind, and values and results go through the same type
processing SQLAlchemy applies (enums, JSON, booleans, dates).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


@dataclass(frozen=True)
class DriverStatement:
    """One statement compiled for one database: its SQL, the order of its parameters (``None`` for
    drivers that take them by name), the values it carries itself, and the type processing of
    parameters and result columns."""

    sql: str
    positions: tuple[str, ...] | None
    constants: Mapping[str, Any]
    processors: Mapping[str, Callable[[Any], Any]]
    columns: tuple[sa.types.TypeEngine[Any], ...]
    dialect: Dialect
    # the result processors by the driver's column type codes (PostgreSQL's depend on them)
    results: dict[tuple[Any, ...], tuple[Callable[[Any], Any] | None, ...]] = field(default_factory=dict)

    @classmethod
    def compile(cls, statement: sa.Select[Any] | sa.Update | sa.Insert, dialect: Dialect) -> DriverStatement:
        compiled = statement.compile(dialect=dialect)
        processors: dict[str, Callable[[Any], Any]] = {}
        constants: dict[str, Any] = {}
        for bind, name in compiled.bind_names.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
            if not bind.required:
                constants[name] = bind.effective_value
        columns = (statement.selected_columns if isinstance(statement, sa.Select)
                   else statement.returning_column_descriptions)
        types = tuple(column["type"] if isinstance(column, dict) else column.type for column in columns)
        positions = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        return cls(compiled.string, positions, constants, processors,
                   tuple(kind.dialect_impl(dialect) for kind in types), dialect)

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """The driver's parameters for ``values`` (by name, as in the Core statement)."""
        merged = {**self.constants, **values}
        for name, processor in self.processors.items():
            merged[name] = processor(merged[name])
        return merged if self.positions is None else [merged[name] for name in self.positions]

    def rows(self, cursor: Any, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement on a driver cursor; its rows, with the columns' result processing."""
        cursor.execute(self.sql, self.parameters(values))
        codes = tuple(column[1] for column in cursor.description)
        processors = self.results.get(codes)
        if processors is None:
            processors = self.results[codes] = tuple(
                kind.result_processor(self.dialect, code) for kind, code in zip(self.columns, codes, strict=True))
        return [tuple(value if process is None else process(value) for process, value in zip(processors, row,
                                                                                             strict=True))
                for row in cursor.fetchall()]

    def first(self, cursor: Any, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first of ``rows`` (all are fetched, so the statement is finished before a commit)."""
        found = self.rows(cursor, values)
        return found[0] if found else None


# the connection's ``info`` (kept by the pool for as long as the driver's connection lives) names the
# statements prepared on it
PREPARED = "prepared_statements"
_NAMED = re.compile(r"%\((\w+)\)s")
UNKNOWN_STATEMENT = "26000"  # PostgreSQL's invalid_sql_statement_name: nothing prepared under that name


@dataclass(frozen=True)
class PreparedStatement:
    """A statement for psycopg2 run as a PostgreSQL server-side prepared statement: ``PREPARE`` once per
    connection, then ``EXECUTE`` with the values, so the server parses and analyses it once per connection
    instead of on every run, and after five runs keeps one generic plan for it.

    psycopg2 puts values into the SQL text itself, so ``EXECUTE`` takes the same values, in the same type
    processing, as the statement would; the prepared statement's parameters take their types from where
    they stand in it. The values the statement carries itself (``constants``: enum members, literal
    strings) are written into ``PREPARE`` as SQL literals instead: psycopg2 adapts every value it sends
    (an adapter object made, its ``prepare`` and ``getquoted`` looked up and called), about 10,000
    instructions a value, for values that never change. A connection that lost what was prepared on it
    (``DEALLOCATE``, ``DISCARD``) has it prepared again; a new connection starts with an empty ``info``.
    Run it in autocommit mode: a failed ``EXECUTE`` inside a transaction would abort the transaction.

    Not behind a pooler that hands each transaction another server connection (PgBouncer's transaction
    pooling): there the ``EXECUTE`` may reach a server connection where nothing was prepared."""

    name: str
    prepare: str
    execute: DriverStatement

    @classmethod
    def of(cls, statement: DriverStatement, name: str) -> PreparedStatement:
        """``statement`` (compiled for psycopg2, parameters ``%(name)s``) prepared as ``name``, with its
        constants as literals (in their type processing: an enum member as its stored string)."""
        names: list[str] = []

        def numbered(match: re.Match[str]) -> str:
            if match[1] in statement.constants:
                return _literal(statement, match[1])
            if match[1] not in names:
                names.append(match[1])
            return f"${names.index(match[1]) + 1}"

        body = _NAMED.sub(numbered, statement.sql).replace("%%", "%")
        execute = f"EXECUTE {name} (" + ", ".join(f"%({each})s" for each in names) + ")"
        processors = {key: process for key, process in statement.processors.items() if key in names}
        return cls(name, f"PREPARE {name} AS {body}",
                   dataclasses.replace(statement, sql=execute, constants={}, processors=processors, results={}))

    def with_literals(self, cursor: Any, values: Mapping[str, Any]) -> PreparedStatement:
        """This statement with ``values`` written into its ``EXECUTE`` as literals, in their type processing
        and quoted by psycopg2 once (``cursor.mogrify``), so each run adapts only its other values: for
        values that stay the same over many runs. The prepared statement on the server is the same one."""
        execute = self.execute
        sql, processors = execute.sql, dict(execute.processors)
        for name, value in values.items():
            process = processors.pop(name, None)
            quoted = cursor.mogrify("%s", (value if process is None else process(value),)).decode()
            sql = sql.replace(f"%({name})s", quoted.replace("%", "%%"))
        return dataclasses.replace(self, execute=dataclasses.replace(execute, sql=sql, processors=processors))

    def first(self, connection: Any, cursor: Any, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """``DriverStatement.first`` through the prepared statement, preparing it on ``connection`` (a pool
        connection, whose ``info`` lives as long as its driver connection) if it is not yet."""
        prepared: set[str] = connection.info.setdefault(PREPARED, set())
        if self.name not in prepared:
            cursor.execute(self.prepare)
            prepared.add(self.name)
        try:
            return self.execute.first(cursor, values)
        except Exception as error:
            if getattr(error, "pgcode", None) != UNKNOWN_STATEMENT:
                raise
        cursor.execute(self.prepare)
        return self.execute.first(cursor, values)


def _literal(statement: DriverStatement, name: str) -> str:
    """The constant ``name`` of ``statement`` after its type processing, as an SQL literal the way its
    dialect writes one into SQL text (psycopg2's doubles a ``%``, like the rest of the text)."""
    value = statement.constants[name]
    process = statement.processors.get(name)
    if process is not None:
        value = process(value)
    return str(sa.literal(value).compile(dialect=statement.dialect, compile_kwargs={"literal_binds": True}))
