"""Shared fixtures. Scratch databases live in tests/dbservers.py; see its docstring."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

# Test modules import the helpers as `dbservers` whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).parent))

from hypothesis import settings

import dbservers

_SCRATCH_FIXTURES = {
    "sqlite": "sqlite_scratch",
    "duckdb": "duckdb_scratch",
    "postgresql": "pg_scratch",
    "mysql": "mysql_scratch",
}
_SERVER_FIXTURES = {"pg_scratch", "mysql_scratch", "pg_server", "mysql_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that need a database server carry the `db` marker, so `-m "not db"` leaves them out.
    for item in items:
        callspec = getattr(item, "callspec", None)
        param_kind = callspec.params.get("db_scratch") if callspec else None
        if _SERVER_FIXTURES & set(getattr(item, "fixturenames", ())) or param_kind in dbservers.SERVER_KINDS:
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[sqlalchemy.Engine]:
    engine = dbservers.server_engine("postgresql")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def mysql_server() -> Iterator[sqlalchemy.Engine]:
    engine = dbservers.server_engine("mysql")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_scratch(pg_server: sqlalchemy.Engine) -> Iterator[dbservers.PostgresScratch]:
    """A fresh PostgreSQL schema; `.url` limits discovery to it (…/test?schema=stocktake_t_…)."""
    yield from dbservers.postgres_scratch(pg_server)


@pytest.fixture
def mysql_scratch(mysql_server: sqlalchemy.Engine) -> Iterator[dbservers.MySQLScratch]:
    """A fresh MariaDB/MySQL database stocktake_t_…; `.url` names it."""
    yield from dbservers.mysql_scratch(mysql_server)


@pytest.fixture
def sqlite_scratch(tmp_path: Path) -> dbservers.SQLiteScratch:
    return dbservers.SQLiteScratch(tmp_path / "scratch.sqlite")


@pytest.fixture
def duckdb_scratch(tmp_path: Path) -> dbservers.DuckDBScratch:
    return dbservers.DuckDBScratch(tmp_path / "scratch.duckdb")


@pytest.fixture(params=dbservers.DB_KINDS)
def db_scratch(request: pytest.FixtureRequest) -> dbservers.Scratch:
    """The same test against SQLite, DuckDB, PostgreSQL and MySQL (ids are the kinds)."""
    return request.getfixturevalue(_SCRATCH_FIXTURES[request.param])


# Property tests run on a shared 2-core machine: a time limit per example measures the neighbours.
settings.register_profile("stocktake", deadline=None)
settings.load_profile("stocktake")
