"""Read the records of one asset of any source Stocktake opens, every value as a string."""

from __future__ import annotations

from dataclasses import dataclass

from stocktake.core.errors import UsageError


@dataclass
class AssetRecords:
    source: str  # spec (asset name)
    columns: list[str]
    records: list[dict[str, str]]


def read_records(spec: str, table: str | None = None, limit: int | None = None) -> AssetRecords:
    """Rows of the one asset of `spec` (or of `table` when it holds several), NULL as ``""``."""
    from stocktake.connectors import open_source

    connector = open_source(spec)
    try:
        assets = connector.discover()
        chosen = [a for a in assets if table in (a.name, a.id)] if table is not None else assets
        if len(chosen) != 1:
            names = ", ".join(a.name for a in assets) or "none"
            why = f"no asset {table!r}" if table is not None else f"{len(chosen)} assets"
            raise UsageError(
                f"{spec}: {why}; choose one with --table / --left-table / --right-table (assets: {names})"
            )
        asset = chosen[0]
        engine = connector.engine()
        sql = f"SELECT * FROM {engine.relation(asset)}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        names, rows = engine.execute(sql)
    finally:
        connector.close()
    columns = [str(n).strip() for n in names]
    records = [
        {c: "" if v is None else str(v).strip() for c, v in zip(columns, row, strict=True)} for row in rows
    ]
    return AssetRecords(f"{spec} ({asset.name})", columns, records)


__all__ = ["AssetRecords", "read_records"]
