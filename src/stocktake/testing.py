"""Public helpers for tests, here and in plugins: turn an in-memory DuckDB table into an asset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stocktake.core.records import Asset, ColumnSchema
from stocktake.engines.duckdb import DuckDBEngine
from stocktake.engines.duckdb_types import logical_type

if TYPE_CHECKING:
    import duckdb


def duckdb_table_asset(
    conn: duckdb.DuckDBPyConnection, table: str, source: str = "mem"
) -> tuple[DuckDBEngine, Asset]:
    """An engine and an Asset for `table` in `conn`, as a connector would discover them."""
    quoted = '"' + table.replace('"', '""') + '"'
    described = conn.execute(f"DESCRIBE {quoted}").fetchall()
    columns = [ColumnSchema(name=r[0], engine_type=r[1], logical_type=logical_type(r[1])) for r in described]
    rows = conn.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()
    asset = Asset(
        id=f"{source}/{table}",
        name=table,
        source=source,
        format="table",
        location=quoted,
        columns=columns,
        row_count=int(rows[0]) if rows else 0,
    )
    return DuckDBEngine(conn, {asset.id: quoted}), asset
