"""Catalog tables (Hive metastore, Unity, the session catalog) as a source: `spark://DATABASE[/TABLE]`.

The tables stay where they are; discovery reads their schema from the catalog and counts rows
with one aggregate each, and the SparkEngine profiles them in place.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from stocktake.connectors.base import Connector
from stocktake.core.errors import SourceNotFoundError
from stocktake.core.records import Asset, ColumnSchema, LogicalType, Source
from stocktake.engines.spark.engine import SparkEngine
from stocktake.engines.spark.session import spark_session

if TYPE_CHECKING:
    from pyspark.sql.types import DataType

_LOGICAL: dict[str, LogicalType] = {
    "tinyint": "integer",
    "smallint": "integer",
    "int": "integer",
    "bigint": "integer",
    "float": "float",
    "double": "float",
    "decimal": "decimal",
    "string": "string",
    "varchar": "string",
    "char": "string",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ntz": "timestamp",
    "binary": "binary",
}


def spark_logical_type(data_type: DataType) -> LogicalType:
    """The logical type of a Spark column, e.g. decimal(10,2) -> 'decimal'."""
    base = re.match(r"[a-z_]+", data_type.simpleString())
    return _LOGICAL.get(base.group(0) if base else "", "other")


class SparkCatalogConnector(Connector):
    """`spark://` (the current database), `spark://sales` or `spark://sales/orders`.

    `?master=URL` picks the cluster when no session is running yet.
    """

    def __init__(self, spec: str, name: str | None = None) -> None:
        parts = urlsplit(spec)
        self.database = parts.netloc or None
        self.table = parts.path.strip("/") or None
        master = parse_qs(parts.query).get("master", [None])[0]
        self.session = spark_session(master)
        self.database = self.database or self.session.catalog.currentDatabase()
        if not self.session.catalog.databaseExists(self.database):
            raise SourceNotFoundError(f"no database {self.database!r} in the Spark catalog ({spec})")
        self.source = Source(name=name or self.database, kind="spark", uri=spec)
        self._engine = SparkEngine(self.session)
        self._assets: list[Asset] | None = None

    def engine(self) -> SparkEngine:
        return self._engine

    def discover(self) -> list[Asset]:
        if self._assets is None:
            tables = [t for t in self.session.catalog.listTables(self.database) if not t.isTemporary]
            if self.table is not None:
                tables = [t for t in tables if t.name == self.table]
                if not tables:
                    raise SourceNotFoundError(f"no table {self.table!r} in Spark database {self.database!r}")
            self._assets = [self._asset(t.name, t.tableType) for t in tables]
        return list(self._assets)

    def _asset(self, table: str, table_type: str | None) -> Asset:
        location = f"{self.database}.{table}"
        relation = self._engine.relation_for(location)
        frame = self.session.table(location)
        columns = [
            ColumnSchema(
                name=f.name,
                engine_type=f.dataType.simpleString(),
                logical_type=spark_logical_type(f.dataType),
            )
            for f in frame.schema.fields
        ]
        rows = int(self._engine.execute(f"SELECT COUNT(*) FROM {relation}")[1][0][0])
        asset = Asset(
            id=f"{self.source.name}/{table}",
            name=table,
            source=self.source.name,
            format="view" if (table_type or "").upper() == "VIEW" else "table",
            location=location,
            columns=columns,
            row_count=rows,
        )
        self._engine.relations[asset.id] = relation
        return asset
