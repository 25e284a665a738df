"""Helpers shared by the database connectors: URLs, error messages, type mapping, assets."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from stocktake.core.errors import SourceConnectionError, SourceNotFoundError, UsageError
from stocktake.core.records import Asset, ColumnSchema, LogicalType

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from stocktake.core.records import Source
    from stocktake.engines.base import Engine

CONNECT_TIMEOUT_S = 5
# Seconds one query may run before the database cancels it (docs/robustness.md): a scan must not
# hold a production database hostage. The URL's ?statement_timeout= or this variable overrides it.
DEFAULT_STATEMENT_TIMEOUT_S = 300.0
STATEMENT_TIMEOUT_ENV = "STOCKTAKE_STATEMENT_TIMEOUT"


def statement_timeout_s(from_url: str | None = None) -> float | None:
    """The per-query time limit in seconds, or None for no limit (a value of 0)."""
    raw = from_url if from_url is not None else os.environ.get(STATEMENT_TIMEOUT_ENV)
    if raw is None or raw == "":
        return DEFAULT_STATEMENT_TIMEOUT_S
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):
        where = "statement_timeout in the URL" if from_url is not None else STATEMENT_TIMEOUT_ENV
        raise UsageError(f"{where} must be a number of seconds (0 for no limit), not {raw!r}")
    return seconds or None


def pop_query_value(url: URL, key: str) -> tuple[URL, str | None]:
    """`url` without the query parameter `key`, and its (first) value."""
    value = url.query.get(key)
    first = value if isinstance(value, str) or value is None else value[0]
    return url.difference_update_query([key]), first


# -- URLs and paths -----------------------------------------------------------------------


def redact_url(spec: str) -> str:
    """`spec` with any password replaced by ***, safe to print and to store."""
    if "://" not in spec:
        return spec
    parts = urlsplit(spec)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return spec
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hostport}"))


def file_path_from_spec(spec: str, scheme: str) -> Path:
    """The file behind "scheme:///path" or a plain path.

    As in SQLAlchemy, "sqlite:///rel.db" is relative and "sqlite:////abs.db" absolute; when
    only the absolute reading of "sqlite:///abs.db" exists, that file is meant.
    """
    prefix = f"{scheme}://"
    if not spec.lower().startswith(prefix):
        return Path(spec).expanduser()
    rest = spec[len(prefix) :]
    if rest.startswith("/"):
        rest = rest[1:]
    path = Path(rest).expanduser()
    if not path.is_absolute() and not path.exists() and Path("/" + rest).exists():
        return Path("/" + rest)
    return path


def require_file(path: Path, spec: str) -> Path:
    if not path.exists():
        raise SourceNotFoundError(f"no such file: {spec}")
    if not path.is_file():
        raise SourceNotFoundError(f"not a file: {spec}")
    return path.resolve()


def file_mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


# -- connection errors --------------------------------------------------------------------


def connection_error(
    url: str,
    exc: BaseException,
    *,
    user: str | None,
    database: str | None,
    host: str | None,
    password: str | None = None,
) -> SourceConnectionError:
    """A one-line SourceConnectionError for a failed connect; `url` must be redacted already."""
    reason = _reason(exc, user, database, host)
    if password:  # drivers do not echo passwords today; make sure one never leaks
        reason = reason.replace(password, "***")
    return SourceConnectionError(f"cannot connect to {url}: {reason}")


def _reason(exc: BaseException, user: str | None, database: str | None, host: str | None) -> str:
    # SQLAlchemy wraps driver errors; the driver's own message is the informative one.
    raw = str(getattr(exc, "orig", None) or exc)
    text = raw.lower()
    if "refused" in text:
        return "connection refused"
    if "timeout" in text or "timed out" in text:
        return f"connection timed out after {CONNECT_TIMEOUT_S} s"
    if any(s in text for s in ("resolve host", "translate host", "name or service not known", "nodename")):
        return f"unknown host {host}"
    if "unknown database" in text or (f'database "{database}"' in raw and "does not exist" in text):
        return f"database {database} does not exist"
    if "password authentication failed" in text or "access denied" in text:
        return f"authentication failed for user {user}"
    if "role" in text and "does not exist" in text:
        return f"role {user} does not exist"
    return _first_line(raw)


def _first_line(message: str) -> str:
    line = next((ln.strip() for ln in message.splitlines() if ln.strip()), "unknown error")
    # Drivers prefix their messages with codes and "connection failed:"; keep the meaning.
    line = re.sub(r"^\(\d+,\s*[\"']?|[\"']?\)$", "", line)
    return line[:300]


_TIMEOUT_MARKERS = ("statement timeout", "max_statement_time", "max_execution_time", "interrupted")


def describe_timeout(exc: BaseException) -> str | None:
    """A one-line explanation when `exc` is a query the database cancelled for running too long."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if not any(marker in text for marker in _TIMEOUT_MARKERS):
        return None
    return (
        "query cancelled: it ran longer than the statement timeout "
        f"(set {STATEMENT_TIMEOUT_ENV} or ?statement_timeout= in the URL; 0 = no limit)"
    )


def short_error(exc: BaseException) -> str:
    """A driver error as one short line, for asset notes."""
    timeout = describe_timeout(exc)
    if timeout:
        return timeout
    return _first_line(str(getattr(exc, "orig", None) or exc))


# -- types --------------------------------------------------------------------------------

_INTEGER = re.compile(r"(u?(tiny|small|medium|big|huge)?int(eger)?\d*|varint|(small|big)?serial\d*|year)\b")
_NESTED_PREFIXES = ("struct", "map(", "union(", "list", "array", "row(")
_STRING_MARKERS = ("char", "text", "clob", "string", "enum", "set(", "uuid")


def logical_type_from_name(type_name: str) -> LogicalType:
    """Map a type name as a database reports it ("character varying(20)", "DECIMAL(10,2)",
    "timestamp with time zone", "tinyint unsigned") to a logical type."""
    t = type_name.strip().lower()
    if not t or "[" in t or t.startswith(_NESTED_PREFIXES) or t.startswith("interval"):
        return "other"
    if t.startswith("bool"):
        return "boolean"
    if t.startswith(("timestamp", "datetime")):
        return "timestamp"
    if t == "date":
        return "date"
    if t.startswith("time") and "range" not in t:
        return "time"
    if any(s in t for s in ("blob", "bytea", "binary")):
        return "binary"
    if t.startswith(("decimal", "numeric", "number", "fixed")):
        return "decimal"
    if t.startswith(("real", "float", "double")):
        return "float"
    if _INTEGER.match(t):
        return "integer"
    if t == "name" or any(s in t for s in _STRING_MARKERS):
        return "string"
    return "other"


# -- assets -------------------------------------------------------------------------------


@dataclass
class TableInfo:
    """One table or view as listed from a catalog, before its rows are counted."""

    name: str  # the asset name: "table" or "schema.table"
    location: str  # quoted, qualified, in the engine's dialect
    format: str  # "table" or "view"
    columns: list[ColumnSchema]
    byte_size: int | None = None
    last_modified: datetime | None = None
    notes: list[str] = field(default_factory=list)


def asset_name(schema: str | None, table: str, *, bare_schemas: set[str]) -> str:
    return table if schema is None or schema in bare_schemas else f"{schema}.{table}"


def build_assets(
    source: Source,
    engine: Engine,
    tables: list[TableInfo],
    query_errors: tuple[type[BaseException], ...],
) -> list[Asset]:
    """Count each table's rows exactly; a table we may not read gets a note, not a failure."""
    assets = []
    for table in tables:
        notes = list(table.notes)
        row_count: int | None = None
        try:
            row_count = int(engine.execute(f"SELECT COUNT(*) FROM {table.location}")[1][0][0])
        except query_errors as exc:
            notes.append(f"row count unavailable: {short_error(exc)}")
        assets.append(
            Asset(
                id=f"{source.name}/{table.name}",
                name=table.name,
                source=source.name,
                format=table.format,
                location=table.location,
                columns=table.columns,
                row_count=row_count,
                byte_size=table.byte_size,
                last_modified=table.last_modified,
                notes=notes,
            )
        )
    return assets
