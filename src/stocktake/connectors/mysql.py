"""MySQL and MariaDB databases: the URL's database, read in READ ONLY transactions."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pymysql
import sqlalchemy
from sqlalchemy.engine import make_url

from stocktake.connectors._sql_common import (
    CONNECT_TIMEOUT_S,
    TableInfo,
    build_assets,
    connection_error,
    logical_type_from_name,
    pop_query_value,
    redact_url,
    statement_timeout_s,
)
from stocktake.connectors.base import Connector
from stocktake.core.errors import SourceConnectionError, UsageError
from stocktake.core.records import ColumnSchema, Source
from stocktake.engines.sql import MySQLEngine

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from stocktake.core.records import Asset

_TABLE_FORMAT = {"BASE TABLE": "table", "SYSTEM VERSIONED": "table", "VIEW": "view"}
_LIST_RELATIONS = """
SELECT TABLE_NAME, TABLE_TYPE, DATA_LENGTH, INDEX_LENGTH, UPDATE_TIME
FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME
"""
_LIST_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
_SIZE_NOTE = "byte size from information_schema (InnoDB statistics, approximate)"
_UPDATE_TIME_NOTE = "last modified from information_schema UPDATE_TIME (forgotten when the server restarts)"


class MySQLConnector(Connector):
    def __init__(self, spec: str, name: str | None = None) -> None:
        redacted = redact_url(spec)
        url, timeout = pop_query_value(_parse_url(spec, redacted), "statement_timeout")
        self.statement_timeout = statement_timeout_s(timeout)
        if not url.database:
            raise UsageError(f"a MySQL URL must name a database, as in mysql://user@host:3306/db: {redacted}")
        self.database: str = url.database
        self.source = Source(name=name or url.database, kind="mysql", uri=redacted)
        sa_engine = sqlalchemy.create_engine(
            url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "charset": "utf8mb4"}
        )
        sqlalchemy.event.listen(
            sa_engine, "connect", functools.partial(_read_only_session, timeout=self.statement_timeout)
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
        self._engine = MySQLEngine(sa_engine)

    def engine(self) -> MySQLEngine:
        return self._engine

    def discover(self) -> list[Asset]:
        columns: dict[str, list[ColumnSchema]] = defaultdict(list)
        for table, column, column_type, nullable in self._engine.execute(_LIST_COLUMNS)[1]:
            type_name = _text(column_type)
            columns[_text(table)].append(
                ColumnSchema(
                    name=_text(column),
                    engine_type=type_name,
                    logical_type=logical_type_from_name(type_name),
                    nullable=_text(nullable) == "YES",
                )
            )
        q_db = self._engine.quote(self.database)
        tables = []
        for raw_table, table_type, data_length, index_length, update_time in self._engine.execute(
            _LIST_RELATIONS
        )[1]:
            table, kind = _text(raw_table), _TABLE_FORMAT.get(_text(table_type))
            if kind is None:  # sequences and system views are not data assets
                continue
            notes = []
            size = None
            if kind == "table" and data_length is not None:
                size = int(data_length) + int(index_length or 0)
                notes.append(_SIZE_NOTE)
            modified = None
            if isinstance(update_time, datetime):
                # the session runs in UTC (see _read_only_session)
                modified = update_time.replace(tzinfo=UTC)
                notes.append(_UPDATE_TIME_NOTE)
            tables.append(
                TableInfo(
                    name=table,
                    location=f"{q_db}.{self._engine.quote(table)}",
                    format=kind,
                    columns=columns[table],
                    byte_size=size,
                    last_modified=modified,
                    notes=notes,
                )
            )
        assets = build_assets(self.source, self._engine, tables, (sqlalchemy.exc.DBAPIError,))
        self._engine.relations.update({a.id: a.location for a in assets})
        return assets

    def close(self) -> None:
        self._engine.close()


def _read_only_session(dbapi_conn: Any, _record: Any, timeout: float | None = None) -> None:
    """Every transaction of this session refuses writes; times come back in UTC; long statements
    are cancelled by the server (MariaDB: max_statement_time in s, MySQL: max_execution_time in ms)."""
    with dbapi_conn.cursor() as cur:
        cur.execute("SET SESSION TRANSACTION READ ONLY")
        cur.execute("SET SESSION time_zone = '+00:00'")
        if timeout:
            try:
                cur.execute(f"SET SESSION max_statement_time = {timeout:.3f}")
            except pymysql.err.MySQLError:  # MySQL names it differently
                cur.execute(f"SET SESSION max_execution_time = {round(timeout * 1000)}")


def _text(value: Any) -> str:
    # MySQL 8 returns some information_schema columns as bytes.
    return value.decode("utf-8") if isinstance(value, bytes | bytearray) else str(value)


def _parse_url(spec: str, redacted: str) -> URL:
    """Accept mysql://, mariadb:// and mysql+<driver>://; always use PyMySQL."""
    match = re.match(r"^(mysql|mariadb)(\+\w+)?://", spec, flags=re.IGNORECASE)
    if not match:
        raise SourceConnectionError(f"not a MySQL URL: {redacted}")
    try:
        return make_url("mysql+pymysql://" + spec[match.end() :])
    except (sqlalchemy.exc.ArgumentError, ValueError):
        raise SourceConnectionError(f"invalid MySQL URL: {redacted}") from None
