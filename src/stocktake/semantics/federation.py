"""Count how well one column's values are covered by another's, wherever the two live.

Inclusion `child.x ⊆ parent.y` is verified by counting in the engines, never by pulling rows
into Python. Within one source it is a single query, written once in DuckDB's dialect with
two placeholder relations and transpiled per engine. Across sources there is no engine that
sees both sides, so this module is **the one place where values cross sources**: the
distinct keys of one side are fetched with one bounded SELECT and staged as an Arrow table
in a DuckDB connection, where the same query runs:

* child in DuckDB (files, a .duckdb file): the parent's distinct keys go into the child's
  own connection, so the child's rows are counted where they lie;
* parent in DuckDB: the child's (value, count) pairs go into the parent's connection;
* neither: both sides go into a private scratch DuckDB connection.

Only distinct keys travel, never rows, and never more than `max_staged_keys` of them:
beyond that the pair is left unverified and a note says so.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from stocktake.engines.duckdb import DuckDBEngine
from stocktake.engines.profiling import quote_duckdb, to_scalar

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from stocktake.core.records import Asset, Scalar
    from stocktake.engines.base import Engine

CHILD = "__stocktake_child__"  # placeholder relations, replaced after transpiling
PARENT = "__stocktake_parent__"
DEFAULT_MAX_STAGED_KEYS = 5_000_000


@dataclass(frozen=True)
class KeyColumn:
    """One column of one asset, as a side of an inclusion dependency."""

    asset: Asset
    column: str
    as_text: bool = False  # compare as VARCHAR (an integer key stored as digits in text)

    @property
    def value_sql(self) -> str:
        q = quote_duckdb(self.column)
        return f"CAST({q} AS VARCHAR)" if self.as_text else q

    @property
    def label(self) -> str:
        return f"{self.asset.name}.{self.column}"


@dataclass(frozen=True)
class Coverage:
    total: int  # child rows with a non-NULL value
    orphans: int  # of those, rows whose value has no parent
    orphan_values: int  # distinct values without a parent

    @property
    def coverage(self) -> float:
        return (self.total - self.orphans) / self.total if self.total else 0.0


def child_values_sql(child: KeyColumn, relation: str = CHILD) -> str:
    q = quote_duckdb(child.column)
    v = child.value_sql
    return f"SELECT {v} AS v, COUNT(*) AS n FROM {relation} WHERE {q} IS NOT NULL GROUP BY {v}"


def parent_keys_sql(parent: KeyColumn, relation: str = PARENT) -> str:
    return f"SELECT DISTINCT {parent.value_sql} AS k FROM {relation} WHERE {quote_duckdb(parent.column)} IS NOT NULL"


def coverage_sql(child_values: str, parent_keys: str) -> str:
    """Child non-NULL rows, orphan rows and distinct orphan values, from one LEFT JOIN.

    The parent side is made distinct so a parent that is only nearly unique cannot
    multiply child rows.
    """
    return (
        "SELECT COALESCE(SUM(c.n), 0) AS total, "
        "COALESCE(SUM(CASE WHEN p.k IS NULL THEN c.n ELSE 0 END), 0) AS orphans, "
        "COALESCE(SUM(CASE WHEN p.k IS NULL THEN 1 ELSE 0 END), 0) AS orphan_values "
        f"FROM {child_values} AS c LEFT JOIN {parent_keys} AS p ON c.v = p.k"
    )


def orphan_values_sql(child_values: str, parent_keys: str, limit: int) -> str:
    return (
        f"SELECT c.v FROM {child_values} AS c LEFT JOIN {parent_keys} AS p ON c.v = p.k "
        f"WHERE p.k IS NULL ORDER BY c.v LIMIT {limit}"
    )


def compile_sql(engine: Engine, duckdb_sql: str, relations: Mapping[str, str]) -> str:
    """Transpile DuckDB SQL for `engine`, then put the engine's relation names in place."""
    sql = engine.transpile(duckdb_sql)
    for placeholder, relation in relations.items():
        sql = sql.replace(placeholder, relation)
    return sql


class StagingRefused(Exception):
    """More distinct keys than may cross sources."""


@dataclass
class _Staged:
    """An Arrow table registered under `name` in a DuckDB connection."""

    name: str
    is_text: bool


@dataclass
class KeyVerifier:
    """Counts coverage for candidate pairs; stages keys across sources and cleans up after.

    Use as a context manager: staged tables are unregistered on exit.
    """

    engines_by_source: Mapping[str, Engine]
    max_staged_keys: int = DEFAULT_MAX_STAGED_KEYS
    notes: list[str] = field(default_factory=list)
    _fetched: dict[tuple[str, str, str, bool], pa.Table] = field(default_factory=dict)
    _registered: dict[tuple[int, str, str, str, bool], _Staged] = field(default_factory=dict)
    _connections: dict[int, duckdb.DuckDBPyConnection] = field(default_factory=dict)
    _scratch: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> KeyVerifier:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def engine_of(self, asset: Asset) -> Engine:
        return self.engines_by_source[asset.source]

    def same_engine(self, child: KeyColumn, parent: KeyColumn) -> bool:
        return self.engine_of(child.asset) is self.engine_of(parent.asset)

    # -- the two questions -------------------------------------------------------------------
    def coverage(self, child: KeyColumn, parent: KeyColumn) -> Coverage | None:
        """Coverage of child values by parent keys; None where staging was refused."""
        try:
            rows = self._run(child, parent, coverage_sql)
        except StagingRefused as exc:
            self.notes.append(str(exc))
            return None
        total, orphans, orphan_values = rows[0]
        return Coverage(int(total or 0), int(orphans or 0), int(orphan_values or 0))

    def orphan_values(self, child: KeyColumn, parent: KeyColumn, limit: int) -> list[Scalar]:
        """Up to `limit` distinct child values without a parent, smallest first."""
        try:
            rows = self._run(child, parent, lambda c, p: orphan_values_sql(c, p, limit))
        except StagingRefused as exc:
            self.notes.append(str(exc))
            return []
        return [to_scalar(row[0]) for row in rows]

    # -- where the query runs ------------------------------------------------------------------
    def _run(
        self, child: KeyColumn, parent: KeyColumn, build: Callable[[str, str], str]
    ) -> list[tuple[Any, ...]]:
        """Run `build(child values, parent keys)` where both sides can be seen by one engine."""
        child_engine, parent_engine = self.engine_of(child.asset), self.engine_of(parent.asset)
        if child_engine is parent_engine:
            sql = build(f"({child_values_sql(child)})", f"({parent_keys_sql(parent)})")
            relations = {
                CHILD: child_engine.relation(child.asset),
                PARENT: parent_engine.relation(parent.asset),
            }
            return child_engine.execute(compile_sql(child_engine, sql, relations))[1]
        if isinstance(child_engine, DuckDBEngine):
            # Keys that had to travel as text (UUIDs, mixed SQLite columns) meet the child as text.
            keys = self._stage_parent(parent, child_engine.conn)
            side = KeyColumn(child.asset, child.column, as_text=child.as_text or keys.is_text)
            sql = build(f"({child_values_sql(side, child_engine.relation(child.asset))})", keys.name)
            return child_engine.execute(sql)[1]
        if isinstance(parent_engine, DuckDBEngine):
            values = self._stage_child(child, parent_engine.conn)
            side = KeyColumn(parent.asset, parent.column, as_text=parent.as_text or values.is_text)
            sql = build(values.name, f"({parent_keys_sql(side, parent_engine.relation(parent.asset))})")
            return parent_engine.execute(sql)[1]
        scratch = self._scratch_connection()
        values, keys = self._stage_child(child, scratch), self._stage_parent(parent, scratch)
        text = values.is_text != keys.is_text
        sql = build(
            _as_text_values(values.name) if text else values.name,
            f"(SELECT CAST(k AS VARCHAR) AS k FROM {keys.name})" if text else keys.name,
        )
        return scratch.execute(sql).fetchall()

    # -- staging ----------------------------------------------------------------------------
    def _stage_parent(self, parent: KeyColumn, conn: duckdb.DuckDBPyConnection) -> _Staged:
        sql = parent_keys_sql(parent, PARENT) + f" LIMIT {self.max_staged_keys + 1}"
        return self._stage(parent, conn, "k", sql, PARENT)

    def _stage_child(self, child: KeyColumn, conn: duckdb.DuckDBPyConnection) -> _Staged:
        sql = child_values_sql(child, CHILD) + f" LIMIT {self.max_staged_keys + 1}"
        return self._stage(child, conn, "v", sql, CHILD)

    def _stage(
        self, side: KeyColumn, conn: duckdb.DuckDBPyConnection, role: str, sql: str, placeholder: str
    ) -> _Staged:
        slot = (id(conn), side.asset.id, side.column, role, side.as_text)
        if slot in self._registered:
            return self._registered[slot]
        table = self._fetch(side, role, sql, placeholder)
        name = f"__stocktake_keys_{secrets.token_hex(6)}"
        conn.register(name, table)
        self._connections[id(conn)] = conn
        staged = _Staged(name, pa.types.is_string(table.schema.field(0).type))
        self._registered[slot] = staged
        return staged

    def _fetch(self, side: KeyColumn, role: str, sql: str, placeholder: str) -> pa.Table:
        slot = (side.asset.id, side.column, role, side.as_text)
        if slot not in self._fetched:
            engine = self.engine_of(side.asset)
            rows = engine.execute(compile_sql(engine, sql, {placeholder: engine.relation(side.asset)}))[1]
            if len(rows) > self.max_staged_keys:
                raise StagingRefused(
                    f"{side.label}: more than {self.max_staged_keys:,} distinct values; "
                    "not staged across sources, so this relationship is left unverified"
                )
            columns = {role: _arrow_values([row[0] for row in rows])}
            if role == "v":
                columns["n"] = pa.array([int(row[1]) for row in rows], pa.int64())
            self._fetched[slot] = pa.table(columns)
        return self._fetched[slot]

    def _scratch_connection(self) -> duckdb.DuckDBPyConnection:
        if self._scratch is None:
            self._scratch = duckdb.connect(":memory:")
        return self._scratch

    def close(self) -> None:
        for (conn_id, *_), staged in self._registered.items():
            conn = self._connections.get(conn_id)
            # The connector may have closed its connection first: then there is nothing to undo.
            if conn is not None:
                with contextlib.suppress(duckdb.Error):
                    conn.unregister(staged.name)
        self._registered.clear()
        self._fetched.clear()
        if self._scratch is not None:
            self._scratch.close()
            self._scratch = None


def _as_text_values(name: str) -> str:
    return f"(SELECT CAST(v AS VARCHAR) AS v, n FROM {name})"


def _arrow_values(values: list[Any]) -> pa.Array:
    """Keys as Arrow; values Arrow cannot type (UUIDs, SQLite's mixed columns) travel as text."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


__all__ = [
    "CHILD",
    "PARENT",
    "Coverage",
    "KeyColumn",
    "KeyVerifier",
    "compile_sql",
    "coverage_sql",
    "parent_keys_sql",
]
