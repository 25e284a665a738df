"""Versioned catalog migrations and the runner that applies them on open.

Each `vNNNN_*.py` module has VERSION, DESCRIPTION and `upgrade(conn)`. The
`schema_version` table lists the versions applied. A catalog written by a newer
Stocktake (a version above LATEST_VERSION) is refused rather than guessed at.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType

import sqlalchemy as sa

from stocktake.catalog.migrations import v0001_initial
from stocktake.core.errors import CatalogError

MIGRATIONS: tuple[ModuleType, ...] = (v0001_initial,)
LATEST_VERSION: int = MIGRATIONS[-1].VERSION

# Any fixed number: serialises concurrent upgrades of one PostgreSQL database.
_PG_UPGRADE_LOCK = 0x5354_434B

_meta = sa.MetaData()
schema_version = sa.Table(
    "schema_version",
    _meta,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String, nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

# Tables whose presence without `schema_version` means "someone else's database".
_OUR_TABLES = ("runs", "assets", "findings", "verdicts")

assert [m.VERSION for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1)), "migration gap"


def current_version(conn: sa.Connection) -> int:
    """The highest version applied; 0 for an empty database."""
    if not sa.inspect(conn).has_table(schema_version.name):
        return 0
    return conn.scalar(sa.select(sa.func.max(schema_version.c.version))) or 0


def check_supported(version: int, where: str) -> None:
    if version > LATEST_VERSION:
        raise CatalogError(
            f"catalog {where} has schema version {version}, newer than this Stocktake supports "
            f"({LATEST_VERSION}); upgrade Stocktake to use it"
        )


def upgrade(conn: sa.Connection, where: str) -> int:
    """Apply every pending migration inside the caller's transaction; returns the new version.

    Safe to call again: versions already applied are skipped. The caller holds
    the write lock (BEGIN IMMEDIATE on SQLite; an advisory lock is taken here on
    PostgreSQL) so two processes cannot upgrade at once.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK})
    version = current_version(conn)
    check_supported(version, where)
    if version == 0:
        _refuse_foreign_database(conn, where)
        schema_version.create(conn)
    for migration in MIGRATIONS:
        if version >= migration.VERSION:
            continue
        migration.upgrade(conn)
        conn.execute(
            schema_version.insert().values(
                version=migration.VERSION,
                description=migration.DESCRIPTION,
                applied_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )
        version = migration.VERSION
    return version


def _refuse_foreign_database(conn: sa.Connection, where: str) -> None:
    inspector = sa.inspect(conn)
    clashing = [name for name in _OUR_TABLES if inspector.has_table(name)]
    if clashing:
        raise CatalogError(
            f"catalog {where} already has tables ({', '.join(clashing)}) but no schema_version: "
            "not a Stocktake catalog; pick another file, database or ?schema="
        )
