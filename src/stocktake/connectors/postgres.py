"""PostgreSQL databases: every session runs in read-only transactions."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

import sqlalchemy
from sqlalchemy.engine import make_url

from stocktake.connectors._sql_common import (
    CONNECT_TIMEOUT_S,
    TableInfo,
    asset_name,
    build_assets,
    connection_error,
    logical_type_from_name,
    pop_query_value,
    redact_url,
    statement_timeout_s,
)
from stocktake.connectors.base import Connector
from stocktake.core.errors import SourceConnectionError, SourceNotFoundError
from stocktake.core.records import ColumnSchema, LogicalType, Source
from stocktake.engines.sql import PostgresEngine

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from stocktake.core.records import Asset

_RELKIND_FORMAT = {"r": "table", "p": "table", "f": "table", "v": "view", "m": "view"}
_RELKIND_NOTE = {
    "p": "partitioned table (partitions are counted with it)",
    "m": "materialized view: rows as of its last refresh",
    "f": "foreign table: rows are read from the remote source",
}
# User relations: no system schemas, and partitions only through their parent.
_USER_RELATIONS = """
c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
AND (CAST(? AS text) IS NULL OR n.nspname = ?)
"""
_LIST_RELATIONS = f"""
SELECT n.nspname, c.relname, c.relkind,
  CASE WHEN c.relkind IN ('r', 'm') THEN pg_total_relation_size(c.oid)
       WHEN c.relkind = 'p' THEN
         (SELECT CAST(sum(pg_total_relation_size(p.relid)) AS bigint) FROM pg_partition_tree(c.oid) p)
  END
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE {_USER_RELATIONS}
ORDER BY 1, 2
"""
_LIST_COLUMNS = f"""
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
  t.typtype, format_type(t.typbasetype, t.typtypmod)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
WHERE a.attnum > 0 AND NOT a.attisdropped AND {_USER_RELATIONS}
ORDER BY 1, 2, a.attnum
"""


class PostgresConnector(Connector):
    def __init__(self, spec: str, name: str | None = None) -> None:
        redacted = redact_url(spec)
        url = _parse_url(spec, redacted)
        url, self.schema = pop_query_value(url, "schema")
        url, timeout = pop_query_value(url, "statement_timeout")
        self.statement_timeout = statement_timeout_s(timeout)
        # Read-only transactions, and the server cancels any statement that runs too long.
        options = "-c default_transaction_read_only=on"
        if self.statement_timeout:
            options += f" -c statement_timeout={round(self.statement_timeout * 1000)}"
        self.source = Source(
            name=name or url.database or url.username or "postgres", kind="postgresql", uri=redacted
        )
        sa_engine = sqlalchemy.create_engine(
            url,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "options": options,
                "application_name": "stocktake",
            },
        )
        try:
            with sa_engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except sqlalchemy.exc.SQLAlchemyError as exc:
            sa_engine.dispose()
            raise connection_error(
                redacted,
                exc,
                user=url.username,
                database=url.database,
                host=url.host,
                password=url.password,
            ) from None
        self._engine = PostgresEngine(sa_engine)
        if (
            self.schema is not None
            and not self._engine.execute(
                "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?", [self.schema]
            )[1]
        ):
            self._engine.close()
            raise SourceNotFoundError(f"schema {self.schema} does not exist in {redacted}")

    def engine(self) -> PostgresEngine:
        return self._engine

    def discover(self) -> list[Asset]:
        scope = [self.schema, self.schema]
        columns: dict[tuple[str, str], list[ColumnSchema]] = defaultdict(list)
        for schema, table, column, type_name, notnull, typtype, base_type in self._engine.execute(
            _LIST_COLUMNS, scope
        )[1]:
            columns[(schema, table)].append(
                ColumnSchema(
                    name=column,
                    engine_type=type_name,
                    logical_type=_logical_type(type_name, typtype, base_type),
                    nullable=not notnull,
                )
            )
        # Names stay bare in the default schema, and when discovery is limited to one schema.
        bare = {"public"} if self.schema is None else {self.schema}
        tables = []
        for schema, table, relkind, size in self._engine.execute(_LIST_RELATIONS, scope)[1]:
            tables.append(
                TableInfo(
                    name=asset_name(schema, table, bare_schemas=bare),
                    location=f"{self._engine.quote(schema)}.{self._engine.quote(table)}",
                    format=_RELKIND_FORMAT[relkind],
                    columns=columns[(schema, table)],
                    byte_size=None if size is None else int(size),
                    notes=[_RELKIND_NOTE[relkind]] if relkind in _RELKIND_NOTE else [],
                )
            )
        assets = build_assets(self.source, self._engine, tables, (sqlalchemy.exc.DBAPIError,))
        self._engine.relations.update({a.id: a.location for a in assets})
        return assets

    def close(self) -> None:
        self._engine.close()


def _logical_type(type_name: str, typtype: str, base_type: str | None) -> LogicalType:
    if typtype == "e":  # enum: labels are text
        return "string"
    if typtype == "d" and base_type:  # domain: judge by the type underneath
        return logical_type_from_name(base_type)
    return logical_type_from_name(type_name)


def _parse_url(spec: str, redacted: str) -> URL:
    """Accept postgres://, postgresql:// and postgresql+<driver>://; always use psycopg 3."""
    match = re.match(r"^postgres(ql)?(\+\w+)?://", spec, flags=re.IGNORECASE)
    if not match:
        raise SourceConnectionError(f"not a PostgreSQL URL: {redacted}")
    try:
        return make_url("postgresql+psycopg://" + spec[match.end() :])
    except (sqlalchemy.exc.ArgumentError, ValueError):
        raise SourceConnectionError(f"invalid PostgreSQL URL: {redacted}") from None
