"""DuckDB, the embedded default engine: files are profiled in place, in parallel, out of core."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from stocktake.engines.base import Engine

if TYPE_CHECKING:
    import duckdb

    from stocktake.core.records import Asset


class DuckDBEngine(Engine):
    name: ClassVar[str] = "duckdb"
    dialect: ClassVar[str] = "duckdb"
    approx_distinct: ClassVar[bool] = True
    quantiles: ClassVar[Literal["aggregate", "within_group", "offset"]] = "aggregate"
    approx_quantiles: ClassVar[bool] = True
    regexp_replace: ClassVar[bool] = True
    filter_clause: ClassVar[bool] = True
    grouped_profiles: ClassVar[bool] = True

    def __init__(self, conn: duckdb.DuckDBPyConnection, relations: dict[str, str] | None = None) -> None:
        self.conn = conn
        # asset id -> SQL naming it (a view over read_csv/read_parquet, or a qualified table)
        self.relations: dict[str, str] = dict(relations or {})
        self._lock = threading.Lock()

    def relation(self, asset: Asset) -> str:
        return self.relations[asset.id]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self._lock:
            cur = self.conn.execute(sql, list(params)) if params else self.conn.execute(sql)
            names = [d[0] for d in cur.description or []]
            return names, cur.fetchall()

    def close(self) -> None:
        self.conn.close()
