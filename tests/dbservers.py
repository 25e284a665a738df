"""Scratch databases for tests: a fresh schema or database per test, dropped afterwards.

Every kind offers the same small API (see `Scratch`), so one test can run against
SQLite, DuckDB, PostgreSQL and MariaDB alike. Servers are found through
STOCKTAKE_TEST_POSTGRES_URL / STOCKTAKE_TEST_MYSQL_URL (defaults: the local servers).
Where a server is unreachable its tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pytest
import sqlalchemy
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlglot import exp

POSTGRES_URL = os.environ.get("STOCKTAKE_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("STOCKTAKE_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
DB_KINDS = ("sqlite", "duckdb", "postgresql", "mysql")
SERVER_KINDS = frozenset({"postgresql", "mysql"})
SCRATCH_PREFIX = "stocktake_t_"

Columns = Sequence[tuple[str, str]]  # (column name, DDL type in the scratch's dialect)


class Scratch:
    """A writable scratch area and the spec a connector opens it by (read-only)."""

    kind: ClassVar[str]
    dialect: ClassVar[str]  # sqlglot dialect, for quoting
    placeholder: ClassVar[str] = "?"

    def __init__(self, url: str, admin: sqlalchemy.Engine | None = None) -> None:
        self.url = url  # the connector spec
        self.admin = admin  # a writable SQLAlchemy engine (None for DuckDB)

    # -- for tests ----------------------------------------------------------------------
    def quote(self, identifier: str) -> str:
        return exp.to_identifier(identifier, quoted=True).sql(dialect=self.dialect)

    def qualified(self, table: str) -> str:
        """The table's name in SQL, as setup statements should write it."""
        return self.quote(table)

    def execute(self, *statements: str) -> None:
        """Run setup SQL (DDL, inserts) in the scratch area, committed."""
        with self._connect() as conn:
            cur = conn.cursor()
            for statement in statements:
                cur.execute(statement)
            self._commit(conn)

    def create_table(self, name: str, columns: Columns, rows: Sequence[Sequence[Any]] = ()) -> None:
        """CREATE TABLE name (columns...) and insert `rows` (Python values, bound as parameters)."""
        ddl = ", ".join(f"{self.quote(col)} {type_}" for col, type_ in columns)
        self.execute(f"CREATE TABLE {self.qualified(name)} ({ddl})")
        if rows:
            marks = ", ".join([self.placeholder] * len(columns))
            with self._connect() as conn:
                cur = conn.cursor()
                cur.executemany(
                    f"INSERT INTO {self.qualified(name)} VALUES ({marks})", [tuple(r) for r in rows]
                )
                self._commit(conn)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Read back through the admin side (to prove a connector changed nothing)."""
        with self._connect(read_only=True) as conn:
            cur = conn.cursor()
            cur.execute(sql)
            rows = [tuple(r) for r in cur.fetchall()]
            self._commit(conn)
            return rows

    def open(self) -> Any:
        """The connector for this scratch, opened the way a user would."""
        from stocktake.connectors import open_source

        return open_source(self.url)

    # -- per kind -----------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[Any]:
        assert self.admin is not None
        conn = self.admin.raw_connection()
        try:
            yield conn
        finally:
            conn.close()

    def _commit(self, conn: Any) -> None:
        conn.commit()


class SQLiteScratch(Scratch):
    kind = "sqlite"
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        with contextlib.closing(sqlite3.connect(path)) as conn:
            # write the header now, so the file is recognisably SQLite before any table exists
            conn.executescript("CREATE TABLE _init (x); DROP TABLE _init;")
        super().__init__(str(path), sqlalchemy.create_engine(f"sqlite:///{path}", poolclass=NullPool))

    def create_table(self, name: str, columns: Columns, rows: Sequence[Sequence[Any]] = ()) -> None:
        # SQLite stores dates as ISO text and has no DECIMAL storage; bind what it keeps.
        super().create_table(name, columns, [[_sqlite_value(v) for v in row] for row in rows])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class DuckDBScratch(Scratch):
    kind = "duckdb"
    dialect = "duckdb"

    def __init__(self, path: Path) -> None:
        self.path = path
        duckdb.connect(str(path)).close()
        super().__init__(str(path))

    @contextlib.contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[Any]:
        # One connection per call: DuckDB locks the file against readers while a writer is open.
        conn = duckdb.connect(str(self.path), read_only=read_only)
        try:
            yield conn
        finally:
            conn.close()

    def _commit(self, conn: Any) -> None:
        pass  # autocommit


class PostgresScratch(Scratch):
    kind = "postgresql"
    dialect = "postgres"
    placeholder = "%s"

    def __init__(self, url: str, admin: sqlalchemy.Engine, schema: str) -> None:
        super().__init__(url, admin)
        self.schema = schema

    def qualified(self, table: str) -> str:
        return f"{self.quote(self.schema)}.{self.quote(table)}"


class MySQLScratch(Scratch):
    kind = "mysql"
    dialect = "mysql"
    placeholder = "%s"

    def __init__(self, url: str, admin: sqlalchemy.Engine, database: str) -> None:
        super().__init__(url, admin)
        self.database = database

    def qualified(self, table: str) -> str:
        return f"{self.quote(self.database)}.{self.quote(table)}"


# -- servers ------------------------------------------------------------------------------


def _driver_url(url: str) -> sqlalchemy.URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in {"postgres", "postgresql"}:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed.set(drivername="mysql+pymysql")


def server_engine(kind: str) -> sqlalchemy.Engine:
    """An autocommit engine on the server's default database, or skip/fail the test."""
    url = _driver_url(POSTGRES_URL if kind == "postgresql" else MYSQL_URL)
    engine = sqlalchemy.create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sqlalchemy.exc.SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        where = url.render_as_string(hide_password=True)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the {kind} server at {where} is unreachable: {reason}", pytrace=False)
        pytest.skip(f"no {kind} server at {where}: {reason}")
    return engine


def scratch_name() -> str:
    return SCRATCH_PREFIX + secrets.token_hex(4)


def postgres_scratch(server: sqlalchemy.Engine) -> Iterator[PostgresScratch]:
    """A fresh schema in the server's database; the URL limits discovery to it."""
    schema = scratch_name()
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    admin = sqlalchemy.create_engine(
        server.url, poolclass=NullPool, connect_args={"options": f"-c search_path={schema}"}
    )
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield PostgresScratch(f"{POSTGRES_URL}{sep}schema={schema}", admin, schema)
    finally:
        admin.dispose()
        with server.connect() as conn:
            conn.exec_driver_sql("SET lock_timeout = '10s'")
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def mysql_scratch(server: sqlalchemy.Engine) -> Iterator[MySQLScratch]:
    """A fresh database (default utf8mb4 collation, case-insensitive, on purpose)."""
    database = scratch_name()
    with server.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    admin = sqlalchemy.create_engine(server.url.set(database=database), poolclass=NullPool)
    url = make_url(MYSQL_URL).set(database=database).render_as_string(hide_password=False)
    try:
        yield MySQLScratch(url, admin, database)
    finally:
        admin.dispose()
        with server.connect() as conn:
            conn.exec_driver_sql("SET SESSION lock_wait_timeout = 10")
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{database}`")
