"""Small follow-up queries that turn a suspicion from a profile into counted rows and sample keys.

Written in DuckDB's dialect against a placeholder relation and compiled per engine,
like the profiler. Predicates are kept as SQL so a finding can say how to fetch all rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlglot

from stocktake.engines.profiling import REL, quote_duckdb, to_scalar

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stocktake.core.records import Asset, Scalar
    from stocktake.engines.base import Engine


class Drilldown:
    def __init__(self, engine: Engine, asset: Asset) -> None:
        self.engine = engine
        self.asset = asset

    def run(self, duckdb_sql: str) -> list[tuple[Any, ...]]:
        sql = self.engine.transpile(duckdb_sql).replace(REL, self.engine.relation(self.asset))
        return self.engine.execute(sql)[1]

    def predicate_for_engine(self, predicate: str) -> str:
        """The predicate as the source's own SQL, for a person to paste into a query."""
        sql = predicate
        if self.engine.dialect != "duckdb":
            sql = sqlglot.parse_one(predicate, read="duckdb").sql(dialect=self.engine.dialect)
        return sql.replace(REL, self.engine.relation(self.asset))

    def count_where(self, predicate: str) -> int:
        return int(self.run(f"SELECT COUNT(*) FROM {REL} WHERE {predicate}")[0][0] or 0)

    def sample_keys(
        self, key_columns: Sequence[str], predicate: str, limit: int = 20
    ) -> list[Scalar | list[Scalar]]:
        cols = ", ".join(quote_duckdb(c) for c in key_columns)
        rows = self.run(f"SELECT {cols} FROM {REL} WHERE {predicate} ORDER BY {cols} LIMIT {limit}")
        return [_key(row) for row in rows]

    def duplicate_values(
        self,
        columns: Sequence[str],
        sample_columns: Sequence[str] | None = None,
        limit: int = 20,
        skip_nulls: bool = True,
    ) -> tuple[int, int, list[Scalar | list[Scalar]]]:
        """(rows in duplicated groups, number of groups, sample) for groups of equal `columns`.

        The sample holds `sample_columns` (default: `columns`) of the biggest groups.
        """
        cols = ", ".join(quote_duckdb(c) for c in columns)
        where = ""
        if skip_nulls:
            where = "WHERE " + " AND ".join(f"{quote_duckdb(c)} IS NOT NULL" for c in columns)
        groups = f"SELECT {cols}, COUNT(*) AS n FROM {REL} {where} GROUP BY {cols} HAVING COUNT(*) > 1"
        total = self.run(f"SELECT COALESCE(SUM(n), 0), COUNT(*) FROM ({groups}) g")[0]
        picked = ", ".join(quote_duckdb(c) for c in (sample_columns or columns))
        sample = self.run(f"SELECT {picked} FROM ({groups}) g ORDER BY n DESC, {picked} LIMIT {limit}")
        return int(total[0] or 0), int(total[1] or 0), [_key(row) for row in sample]


def _key(row: tuple[Any, ...]) -> Scalar | list[Scalar]:
    return to_scalar(row[0]) if len(row) == 1 else [to_scalar(v) for v in row]
