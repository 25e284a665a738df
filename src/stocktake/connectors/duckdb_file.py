"""DuckDB database files, opened read-only and profiled by DuckDB itself."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from stocktake.connectors._sql_common import (
    TableInfo,
    asset_name,
    build_assets,
    file_mtime,
    file_path_from_spec,
    require_file,
    short_error,
)
from stocktake.connectors.base import Connector
from stocktake.core.errors import UnreadableSourceError
from stocktake.core.records import ColumnSchema, Source
from stocktake.engines.duckdb import DuckDBEngine
from stocktake.engines.duckdb_types import logical_type

if TYPE_CHECKING:
    from pathlib import Path

    from stocktake.core.records import Asset

_DEFAULT_SCHEMA = "main"
_LIST_RELATIONS = """
SELECT schema_name, table_name, 'table' FROM duckdb_tables()
WHERE database_name = current_database() AND NOT internal AND NOT temporary
UNION ALL
SELECT schema_name, view_name, 'view' FROM duckdb_views()
WHERE database_name = current_database() AND NOT internal AND NOT temporary
ORDER BY 1, 2
"""
_LIST_COLUMNS = """
SELECT schema_name, table_name, column_name, data_type, is_nullable FROM duckdb_columns()
WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index
"""


class _Listed(NamedTuple):
    schema: str
    table: str
    kind: str  # "table" or "view"
    name: str  # asset name
    location: str


class DuckDBFileConnector(Connector):
    def __init__(self, spec: str, name: str | None = None) -> None:
        self.path: Path = require_file(file_path_from_spec(spec, "duckdb"), spec)
        self.source = Source(name=name or self.path.stem, kind="duckdb", uri=spec)
        try:
            conn = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:
            raise UnreadableSourceError(f"cannot open DuckDB file {spec}: {short_error(exc)}") from None
        self._engine = DuckDBEngine(conn)
        # The engine must name assets even before discovery runs, so list them now (cheap).
        self._engine.relations.update({self._asset_id(r): r.location for r in self._list()})

    def engine(self) -> DuckDBEngine:
        return self._engine

    def discover(self) -> list[Asset]:
        columns: dict[tuple[str, str], list[ColumnSchema]] = defaultdict(list)
        for schema, table, column, data_type, nullable in self._engine.execute(_LIST_COLUMNS)[1]:
            columns[(schema, table)].append(
                ColumnSchema(
                    name=column,
                    engine_type=data_type,
                    logical_type=logical_type(data_type),
                    nullable=bool(nullable),
                )
            )
        mtime = file_mtime(self.path)
        tables = [
            TableInfo(
                name=r.name,
                location=r.location,
                format=r.kind,
                columns=columns[(r.schema, r.table)],
                last_modified=mtime,
            )
            for r in self._list()
        ]
        assets = build_assets(self.source, self._engine, tables, (duckdb.Error,))
        self._engine.relations.update({a.id: a.location for a in assets})
        return assets

    def _list(self) -> list[_Listed]:
        out = []
        for schema, table, kind in self._engine.execute(_LIST_RELATIONS)[1]:
            location = f"{self._engine.quote(schema)}.{self._engine.quote(table)}"
            name = asset_name(schema, table, bare_schemas={_DEFAULT_SCHEMA})
            out.append(_Listed(schema, table, kind, name, location))
        return out

    def _asset_id(self, listed: _Listed) -> str:
        return f"{self.source.name}/{listed.name}"

    def close(self) -> None:
        self._engine.close()
