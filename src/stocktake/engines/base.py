"""The Engine contract: something that runs SQL where the data is.

Profiling, checks and drill-down queries are written once (see engines/sql_profile.py)
and compiled for an engine from its dialect and capability flags. Subclasses override
class-level flags, not control flow.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import sqlglot
from sqlglot import exp

if TYPE_CHECKING:
    from stocktake.core.records import Asset


class Engine(ABC):
    name: ClassVar[str]
    dialect: ClassVar[str]  # sqlglot dialect name
    # Capabilities. An engine without one gets an equivalent (usually slower) formulation.
    approx_distinct: ClassVar[bool] = False  # has an approximate COUNT(DISTINCT)
    quantiles: ClassVar[Literal["aggregate", "within_group", "offset"]] = "offset"
    approx_quantiles: ClassVar[bool] = False  # aggregate quantiles may be approximate on big tables
    regexp_replace: ClassVar[bool] = True
    stddev: ClassVar[bool] = True
    filter_clause: ClassVar[bool] = False  # supports agg(...) FILTER (WHERE ...)
    # Profiles a column from one materialised GROUP BY (see engines/profile_grouped.py).
    grouped_profiles: ClassVar[bool] = False
    # SQL of that statement: DuckDB's lists and structs, or PostgreSQL's arrays (profile_grouped_pg.py).
    grouped_flavour: ClassVar[Literal["duckdb", "postgres"]] = "duckdb"
    # That statement also returns min/max, string lengths and zero/negative counts, so the aggregate
    # pass leaves them out. Needs every column grouped, i.e. an engine without approx_distinct.
    grouped_basics: ClassVar[bool] = False
    # Per-column profile statements run this many at a time, each on its own pooled connection.
    concurrent_statements: ClassVar[int] = 1

    @abstractmethod
    def relation(self, asset: Asset) -> str:
        """SQL text, in this engine's dialect, that names the asset in a FROM clause."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one read-only statement; return column names and all rows."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def pattern_expr(self, column_sql: str) -> str:
        """SQL for a value's character-class shape: A-Z -> 'A', a-z -> 'a', 0-9 -> '9', rest kept.

        Only the first 64 characters count. Engines whose regex functions differ override this.
        """
        inner = f"substr(CAST({column_sql} AS VARCHAR), 1, 64)"
        for cls, repl in (("[A-Z]", "A"), ("[a-z]", "a"), ("[0-9]", "9")):
            inner = f"regexp_replace({inner}, '{cls}', '{repl}', 'g')"
        return inner

    def quote(self, identifier: str) -> str:
        return exp.to_identifier(identifier, quoted=True).sql(dialect=self.dialect)

    def transpile(self, duckdb_sql: str) -> str:
        """Translate SQL written in DuckDB's dialect into this engine's dialect."""
        if self.dialect == "duckdb":
            return duckdb_sql
        return sqlglot.transpile(duckdb_sql, read="duckdb", write=self.dialect)[0]
