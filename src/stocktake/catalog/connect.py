"""Where the catalog lives: resolve the URL, create the engine, turn driver errors into one line.

SQLite (a file, by default `.stocktake/catalog.db`) or PostgreSQL. SQLite runs in
WAL mode with foreign keys on, and SQLAlchemy (not the sqlite3 module) issues
BEGIN so that DDL is transactional too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from stocktake.core.errors import CatalogError

CATALOG_ENV = "STOCKTAKE_CATALOG"
DEFAULT_CATALOG_PATH = Path(".stocktake") / "catalog.db"

# Set on a connection that will write: SQLite then takes the write lock at BEGIN,
# so two writers queue on busy_timeout instead of failing when a reader upgrades.
WRITE_OPTION = "stocktake_write"

_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_SQLITE_BUSY_TIMEOUT_S = 30
_PG_CONNECT_TIMEOUT_S = 10


def default_catalog_url() -> str:
    """$STOCKTAKE_CATALOG if set, else the SQLite file .stocktake/catalog.db under the working directory."""
    from_env = os.environ.get(CATALOG_ENV, "").strip()
    if from_env:
        return from_env
    return sa.URL.create("sqlite", database=str(Path.cwd() / DEFAULT_CATALOG_PATH)).render_as_string()


@dataclass(frozen=True)
class CatalogTarget:
    url: sa.URL  # what SQLAlchemy connects to (our own ?schema= removed)
    schema: str | None = None  # PostgreSQL schema holding the catalog
    sqlite_path: Path | None = None  # None for PostgreSQL and in-memory SQLite

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def describe(self) -> str:
        """How messages name the catalog: the file, or the URL without its password."""
        if self.sqlite_path is not None:
            return str(self.sqlite_path)
        return self.url.render_as_string(hide_password=True) + (
            f" (schema {self.schema})" if self.schema else ""
        )


def parse_catalog_url(text: str | os.PathLike[str] | None) -> CatalogTarget:
    """Accept None (the default), a plain path (SQLite), sqlite:// or postgresql:// URLs."""
    raw = default_catalog_url() if text is None else os.fspath(text).strip()
    if not raw:
        raise CatalogError("empty catalog location")
    if "://" not in raw:
        return _sqlite_target(Path(raw).expanduser())
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise CatalogError(f"not a catalog URL: {_redact(raw)}") from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if "schema" in url.query:
            raise CatalogError("?schema= applies to PostgreSQL catalogs only")
        if url.database in (None, "", ":memory:"):
            return CatalogTarget(url=url.set(drivername="sqlite+pysqlite"))
        return _sqlite_target(Path(url.database).expanduser())
    if backend in ("postgresql", "postgres"):
        return _postgres_target(url)
    raise CatalogError(f"the catalog lives in SQLite or PostgreSQL, not {backend}: {_redact(raw)}")


def _sqlite_target(path: Path) -> CatalogTarget:
    path = path.absolute()
    url = sa.URL.create("sqlite+pysqlite", database=str(path))
    return CatalogTarget(url=url, sqlite_path=path)


def _postgres_target(url: sa.URL) -> CatalogTarget:
    schema = url.query.get("schema")
    if isinstance(schema, tuple):
        raise CatalogError("give ?schema= once")
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise CatalogError(f"schema name must be a plain identifier (letters, digits, _): {schema!r}")
    url = url.difference_update_query(["schema"]).set(drivername="postgresql+psycopg")
    return CatalogTarget(url=url, schema=schema)


def create_catalog_engine(target: CatalogTarget) -> sa.Engine:
    if target.is_sqlite:
        if target.sqlite_path is not None:
            try:
                target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CatalogError(
                    f"cannot create the folder for catalog {target.describe()}: {exc}"
                ) from exc
        engine = sa.create_engine(target.url, connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in target.url.query:
        connect_args["connect_timeout"] = _PG_CONNECT_TIMEOUT_S
    if target.schema:
        connect_args["options"] = f"-c search_path={target.schema}"
    return sa.create_engine(target.url, connect_args=connect_args, pool_pre_ping=True)


def ensure_schema(conn: sa.Connection, target: CatalogTarget) -> None:
    """Create the PostgreSQL schema named by ?schema= if it is missing."""
    if not target.schema:
        return
    exists = conn.scalar(sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :name"), {"name": target.schema})
    if not exists:
        # Checked first: CREATE SCHEMA IF NOT EXISTS needs CREATE rights even when the schema exists.
        conn.execute(sa.text(f'CREATE SCHEMA "{target.schema}"'))


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" hook issues BEGIN instead
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def catalog_errors(target: CatalogTarget, action: str) -> Iterator[None]:
    """Re-raise database errors as CatalogError with one line; other errors pass through."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise CatalogError(f"cannot {action} catalog {target.describe()}: {one_line(exc)}") from exc


def one_line(exc: BaseException) -> str:
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return lines[0] if lines else type(inner).__name__


def _redact(raw: str) -> str:
    # user:password@host -> user:***@host, without trusting the URL to parse.
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", raw)
