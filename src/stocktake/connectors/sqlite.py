"""SQLite database files, opened read-only through a `file:...?mode=ro` URI."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import sqlalchemy
from sqlalchemy.pool import QueuePool

from stocktake.connectors._sql_common import (
    CONNECT_TIMEOUT_S,
    TableInfo,
    build_assets,
    file_mtime,
    file_path_from_spec,
    logical_type_from_name,
    require_file,
    short_error,
    statement_timeout_s,
)
from stocktake.connectors.base import Connector
from stocktake.core.errors import UnreadableSourceError
from stocktake.core.records import ColumnSchema, LogicalType, Source
from stocktake.engines.sql import SQLiteEngine, register_sqlite_functions

if TYPE_CHECKING:
    from pathlib import Path

    from stocktake.core.records import Asset

# Rows read to guess the type of a column declared without one (common in views).
_TYPE_SAMPLE_ROWS = 1000
_STORAGE_CLASS_TYPES: dict[str, LogicalType] = {
    "integer": "integer",
    "real": "float",
    "text": "string",
    "blob": "binary",
}


class SQLiteConnector(Connector):
    def __init__(self, spec: str, name: str | None = None) -> None:
        self.path: Path = require_file(file_path_from_spec(spec, "sqlite"), spec)
        self.source = Source(name=name or self.path.stem, kind="sqlite", uri=spec)
        self._engine = SQLiteEngine(_open_engine(self.path))
        try:
            self._engine.execute("SELECT count(*) FROM sqlite_schema")
        except sqlalchemy.exc.DBAPIError as exc:
            self._engine.close()
            raise UnreadableSourceError(f"cannot read SQLite file {spec}: {short_error(exc)}") from None

    def engine(self) -> SQLiteEngine:
        return self._engine

    def discover(self) -> list[Asset]:
        mtime = file_mtime(self.path)
        tables = []
        for table, kind in self._engine.execute(
            "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )[1]:
            location = f"{self._engine.quote('main')}.{self._engine.quote(table)}"
            columns, notes = self._columns(table, location)
            tables.append(
                TableInfo(
                    name=table,
                    location=location,
                    format=kind,
                    columns=columns,
                    byte_size=self._byte_size(table) if kind == "table" else None,
                    last_modified=mtime,
                    notes=notes,
                )
            )
        assets = build_assets(self.source, self._engine, tables, (sqlalchemy.exc.DBAPIError,))
        self._engine.relations.update({a.id: a.location for a in assets})
        return assets

    def _columns(self, table: str, location: str) -> tuple[list[ColumnSchema], list[str]]:
        columns, inferred = [], []
        try:
            rows = self._engine.execute(
                'SELECT name, type, "notnull" FROM pragma_table_info(?) ORDER BY cid', [table]
            )[1]
        except sqlalchemy.exc.DBAPIError as exc:  # a view over a table since dropped
            return [], [f"columns unavailable: {short_error(exc)}"]
        for col, declared, notnull in rows:
            logical = sqlite_logical_type(declared or "")
            if not declared:
                logical = self._observed_type(location, col)
                inferred.append(col)
            columns.append(
                ColumnSchema(name=col, engine_type=declared or "", logical_type=logical, nullable=not notnull)
            )
        notes = [f"no declared type; judged from stored values: {', '.join(inferred)}"] if inferred else []
        return columns, notes

    def _observed_type(self, location: str, column: str) -> LogicalType:
        """A column without a declared type: judge by the storage classes of its first values."""
        q = self._engine.quote(column)
        try:
            rows = self._engine.execute(
                f"SELECT typeof({q}) FROM {location} WHERE {q} IS NOT NULL LIMIT {_TYPE_SAMPLE_ROWS}"
            )[1]
        except sqlalchemy.exc.DBAPIError:
            return "other"
        classes = Counter(r[0] for r in rows)
        if set(classes) == {"integer", "real"}:
            return "float"
        if len(classes) == 1:
            return _STORAGE_CLASS_TYPES.get(next(iter(classes)), "other")
        return "other"

    def _byte_size(self, table: str) -> int | None:
        """Pages of the table and its indexes, where SQLite was built with dbstat."""
        try:
            rows = self._engine.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name = ? OR name IN "
                "(SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?)",
                [table, table],
            )[1]
        except sqlalchemy.exc.DBAPIError:
            return None
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def close(self) -> None:
        self._engine.close()


def sqlite_logical_type(declared: str) -> LogicalType:
    """SQLite's affinity rules (https://sqlite.org/datatype3.html), after the names that
    mean a date, time or boolean."""
    named = logical_type_from_name(declared)
    if named in {"boolean", "date", "timestamp", "time", "decimal"}:
        return named
    t = declared.upper()
    if "INT" in t:
        return "integer"
    if any(s in t for s in ("CHAR", "CLOB", "TEXT")):
        return "string"
    if "BLOB" in t:
        return "binary"
    if any(s in t for s in ("REAL", "FLOA", "DOUB")):
        return "float"
    # NUMERIC affinity: trust the name ("STRING", "UUID"); JSON and the like stay "other".
    return named


class _TimedConnection(sqlite3.Connection):
    """A connection whose running statement is interrupted once `deadline` (monotonic s) passes."""

    deadline: float | None = None

    def past_deadline(self) -> int:
        return int(self.deadline is not None and time.monotonic() > self.deadline)


# SQLite calls the progress handler every this many virtual-machine instructions.
_PROGRESS_STEPS = 10_000


def _open_engine(path: Path) -> sqlalchemy.Engine:
    # mode=ro: the file is opened read-only; query_only: even a temp table cannot be written.
    uri = f"file:{quote(str(path))}?mode=ro"
    timeout = statement_timeout_s()

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(
            uri, uri=True, timeout=CONNECT_TIMEOUT_S, check_same_thread=False, factory=_TimedConnection
        )
        conn.execute("PRAGMA query_only = ON")
        conn.set_progress_handler(conn.past_deadline, _PROGRESS_STEPS)
        register_sqlite_functions(conn)
        return conn

    # A file database: a small pool of connections shared across the profiler's threads.
    engine = sqlalchemy.create_engine("sqlite+pysqlite://", creator=connect, poolclass=QueuePool)
    if timeout:

        def start_clock(conn: Any, *_: Any) -> None:
            conn.connection.dbapi_connection.deadline = time.monotonic() + timeout

        sqlalchemy.event.listen(engine, "before_cursor_execute", start_clock)
    return engine
