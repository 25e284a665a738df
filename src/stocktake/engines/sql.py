"""Engines for SQL databases reached through SQLAlchemy: SQLite, PostgreSQL, MySQL/MariaDB.

The connectors open the SQLAlchemy engine read-only; these classes only run statements
and describe each dialect through the capability flags of `Engine`.
"""

from __future__ import annotations

import functools
import math
import re
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from stocktake.engines.base import Engine

if TYPE_CHECKING:
    import sqlalchemy

    from stocktake.core.records import Asset


class SqlEngine(Engine):
    """Runs SQL on a database through a SQLAlchemy engine (one pooled connection per call)."""

    name: ClassVar[str] = "sql"
    dialect: ClassVar[str] = ""
    # Driver paramstyle: "qmark" passes `?` through; "format" rewrites `?` to `%s`.
    paramstyle: ClassVar[Literal["qmark", "format"]] = "qmark"
    # MySQL lexing: backslash escapes inside quoted strings, and `#` starts a comment.
    mysql_lexing: ClassVar[bool] = False

    def __init__(self, sa_engine: sqlalchemy.Engine, relations: dict[str, str] | None = None) -> None:
        self.sa_engine = sa_engine
        # asset id -> quoted qualified name; assets not listed fall back to their location
        self.relations: dict[str, str] = dict(relations or {})

    def relation(self, asset: Asset) -> str:
        return self.relations.get(asset.id, asset.location)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one statement; `params` fill `?` placeholders. Driver errors surface as
        sqlalchemy.exc.DBAPIError (writes fail: every session is read-only)."""
        with self.sa_engine.connect() as conn:
            if params:
                if self.paramstyle == "format":
                    sql = qmark_to_format(sql, mysql_lexing=self.mysql_lexing)
                result = conn.exec_driver_sql(sql, tuple(params))
            else:
                # no_parameters: the driver must not treat '%' in the text as a placeholder
                result = conn.execution_options(no_parameters=True).exec_driver_sql(sql)
            names = list(result.keys()) if result.returns_rows else []
            rows = [tuple(row) for row in result.fetchall()] if result.returns_rows else []
            conn.rollback()
            return names, rows

    def close(self) -> None:
        self.sa_engine.dispose()


def qmark_to_format(sql: str, *, mysql_lexing: bool = False) -> str:
    """Rewrite `?` placeholders to `%s` and escape literal `%` as `%%`.

    `?` inside string literals, quoted identifiers and comments is left alone; `%` is
    doubled everywhere because format-style drivers interpolate the whole text.
    """
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            end = _closing_quote(sql, i, backslash=mysql_lexing and ch != "`")
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("--", i) or (ch == "#" and mysql_lexing):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        else:
            out.append("%s" if ch == "?" else "%%" if ch == "%" else ch)
            i += 1
    return "".join(out)


def _closing_quote(sql: str, start: int, *, backslash: bool) -> int:
    """Index just past the literal or identifier opened at `start` (doubled quotes escape)."""
    quote, i = sql[start], start + 1
    while i < len(sql):
        if backslash and sql[i] == "\\":
            i += 2
            continue
        if sql[i] == quote:
            if sql.startswith(quote * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)


# -- SQLite -------------------------------------------------------------------------------


class SQLiteEngine(SqlEngine):
    name: ClassVar[str] = "sqlite"
    dialect: ClassVar[str] = "sqlite"
    quantiles: ClassVar[Literal["aggregate", "within_group", "offset"]] = "offset"
    approx_distinct: ClassVar[bool] = False
    # regexp_replace and the stddev/variance aggregates come from register_sqlite_functions
    regexp_replace: ClassVar[bool] = True
    stddev: ClassVar[bool] = True
    filter_clause: ClassVar[bool] = sqlite3.sqlite_version_info >= (3, 30, 0)
    paramstyle: ClassVar[Literal["qmark", "format"]] = "qmark"


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str, flags: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if "i" in flags else 0)


def _regexp_replace(value: Any, pattern: Any, replacement: Any, flags: Any = "") -> Any:
    """DuckDB's regexp_replace: first match only unless flags contain 'g'."""
    if value is None or pattern is None or replacement is None:
        return None
    flags = flags or ""
    # DuckDB (RE2) writes group references as \1; Python's re takes the same syntax.
    return _compiled(str(pattern), flags).sub(str(replacement), str(value), count=0 if "g" in flags else 1)


def _regexp(pattern: Any, value: Any) -> Any:
    """SQLite calls regexp(pattern, value) for `value REGEXP pattern`."""
    if pattern is None or value is None:
        return None
    return _compiled(str(pattern), "").search(str(value)) is not None


class _Variance:
    """Sample variance by Welford's method, so large values do not lose precision."""

    def __init__(self) -> None:
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def step(self, value: Any) -> None:
        if value is None:
            return
        try:
            x = float(value)
        except (TypeError, ValueError):
            return
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)

    def finalize(self) -> float | None:
        return self.m2 / (self.n - 1) if self.n > 1 else None


class _StdDev(_Variance):
    def finalize(self) -> float | None:
        variance = super().finalize()
        return None if variance is None else math.sqrt(max(variance, 0.0))


def register_sqlite_functions(conn: sqlite3.Connection) -> None:
    """Give a sqlite3 connection the functions our SQL (and sqlglot's output) expects."""
    conn.create_function("regexp_replace", 3, _regexp_replace, deterministic=True)
    conn.create_function("regexp_replace", 4, _regexp_replace, deterministic=True)
    conn.create_function("regexp", 2, _regexp, deterministic=True)
    for name in ("stddev", "stddev_samp"):
        conn.create_aggregate(name, 1, _StdDev)
    for name in ("variance", "var_samp"):
        conn.create_aggregate(name, 1, _Variance)


# -- PostgreSQL ---------------------------------------------------------------------------


class PostgresEngine(SqlEngine):
    name: ClassVar[str] = "postgresql"
    dialect: ClassVar[str] = "postgres"
    quantiles: ClassVar[Literal["aggregate", "within_group", "offset"]] = "within_group"
    approx_distinct: ClassVar[bool] = False
    filter_clause: ClassVar[bool] = True
    paramstyle: ClassVar[Literal["qmark", "format"]] = "format"
    # One hashed GROUP BY per column instead of COUNT(DISTINCT) and PERCENTILE_DISC sorts plus a
    # scan per top-value, null-like and per-day query (benchmarks/RESULTS.md, push-down addendum).
    grouped_profiles: ClassVar[bool] = True
    grouped_flavour: ClassVar[Literal["duckdb", "postgres"]] = "postgres"
    grouped_basics: ClassVar[bool] = True
    # Two columns at a time: most per-column statements run on one server core (a big GROUP BY is
    # not parallelised), and two leave the rest of a shared server to its other users.
    concurrent_statements: ClassVar[int] = 2
    # Engine.pattern_expr works as is: PostgreSQL regex ranges compare code points, so
    # [A-Z] stays ASCII under any collation.


# -- MySQL / MariaDB ----------------------------------------------------------------------


class MySQLEngine(SqlEngine):
    name: ClassVar[str] = "mysql"
    dialect: ClassVar[str] = "mysql"
    quantiles: ClassVar[Literal["aggregate", "within_group", "offset"]] = "offset"
    approx_distinct: ClassVar[bool] = False
    filter_clause: ClassVar[bool] = False
    paramstyle: ClassVar[Literal["qmark", "format"]] = "format"
    mysql_lexing: ClassVar[bool] = True

    def pattern_expr(self, column_sql: str) -> str:
        # REGEXP_REPLACE replaces every match (there is no 'g' flag) and follows the
        # collation's case rules; (?-i) makes [A-Z] and [a-z] exact under *_ci collations.
        inner = f"SUBSTRING(CAST({column_sql} AS CHAR), 1, 64)"
        for cls, repl in (("[A-Z]", "A"), ("[a-z]", "a"), ("[0-9]", "9")):
            inner = f"REGEXP_REPLACE({inner}, '(?-i){cls}', '{repl}')"
        return inner


__all__ = [
    "MySQLEngine",
    "PostgresEngine",
    "SQLiteEngine",
    "SqlEngine",
    "qmark_to_format",
    "register_sqlite_functions",
]
