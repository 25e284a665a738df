"""Open a source by path or URL. Each connector lives in its own module, imported on first use."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from stocktake.core.errors import SourceNotFoundError, UnreadableSourceError

if TYPE_CHECKING:
    from stocktake.connectors.base import Connector

# registry key -> "module:ClassName"; third parties may add more through the
# "stocktake.connectors" entry-point group in a later version.
CONNECTORS: dict[str, str] = {
    "files": "stocktake.connectors.files:FilesConnector",
    "duckdb": "stocktake.connectors.duckdb_file:DuckDBFileConnector",
    "sqlite": "stocktake.connectors.sqlite:SQLiteConnector",
    "postgresql": "stocktake.connectors.postgres:PostgresConnector",
    "mysql": "stocktake.connectors.mysql:MySQLConnector",
    "spark": "stocktake.engines.spark.catalog:SparkCatalogConnector",
}

_SCHEMES = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "spark": "spark",
}
_SQLITE_MAGIC = b"SQLite format 3\x00"


def detect_kind(spec: str) -> str:
    """Which connector handles `spec` (a path, glob or URL)."""
    match = re.match(r"^([a-z][a-z0-9]*)(\+[a-z0-9]+)?://", spec)
    if match:
        scheme = match.group(1)
        if scheme not in _SCHEMES:
            known = ", ".join(sorted(_SCHEMES))
            raise SourceNotFoundError(f"unknown URL scheme {scheme!r} in {spec!r} (known: {known})")
        return _SCHEMES[scheme]
    path = Path(spec)
    if path.is_file():
        suffix = path.suffix.lower()
        if suffix == ".duckdb":
            return "duckdb"
        try:
            with path.open("rb") as fh:
                if fh.read(16) == _SQLITE_MAGIC:
                    return "sqlite"
        except OSError as exc:
            raise UnreadableSourceError(f"cannot read {spec}: {exc.strerror or exc}") from exc
    return "files"


def open_source(spec: str, name: str | None = None) -> Connector:
    """Open `spec` read-only and return its connector. Raises StocktakeError on bad input."""
    kind = detect_kind(spec)
    module_name, _, class_name = CONNECTORS[kind].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    connector: Connector = cls(spec, name=name)
    return connector


__all__ = ["CONNECTORS", "detect_kind", "open_source"]
