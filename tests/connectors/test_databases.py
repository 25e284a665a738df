"""Database connectors: discovery, hostile names, read-only engines, errors, pattern shapes."""

from __future__ import annotations

import socket
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest
import sqlalchemy
from sqlalchemy.engine import make_url

import dbservers
from stocktake.connectors import open_source
from stocktake.connectors._sql_common import redact_url
from stocktake.connectors.duckdb_file import DuckDBFileConnector
from stocktake.connectors.mysql import MySQLConnector
from stocktake.connectors.postgres import PostgresConnector
from stocktake.connectors.sqlite import SQLiteConnector, sqlite_logical_type
from stocktake.core.errors import (
    SourceConnectionError,
    SourceNotFoundError,
    StocktakeError,
    UnreadableSourceError,
    UsageError,
)
from stocktake.engines.sql import qmark_to_format

QUERY_ERRORS = (sqlalchemy.exc.DBAPIError, duckdb.Error)

# logical type -> DDL type, per kind
DDL = {
    "sqlite": {
        "integer": "INTEGER",
        "float": "REAL",
        "decimal": "DECIMAL(10,2)",
        "string": "TEXT",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
    },
    "duckdb": {
        "integer": "INTEGER",
        "float": "DOUBLE",
        "decimal": "DECIMAL(10,2)",
        "string": "VARCHAR",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
    },
    "postgresql": {
        "integer": "integer",
        "float": "double precision",
        "decimal": "numeric(10,2)",
        "string": "text",
        "boolean": "boolean",
        "date": "date",
        "timestamp": "timestamp",
    },
    "mysql": {
        "integer": "int",
        "float": "double",
        "decimal": "decimal(10,2)",
        "string": "varchar(100)",
        "boolean": "boolean",  # MySQL stores it as tinyint(1), reported as such
        "date": "date",
        "timestamp": "datetime",
    },
}
ORDER_ROWS = [
    (1, 1.5, Decimal("10.25"), "Ab-12 x", True, date(2024, 1, 1), datetime(2024, 1, 1, 8, 30)),
    (2, -2.0, Decimal("0.00"), "b", False, date(2024, 1, 2), datetime(2024, 1, 2, 9, 0)),
    (3, None, None, None, None, None, None),
]
HOSTILE_NAMES = [
    'we"ird',
    "it's",
    "semi;colon",
    '"; DROP TABLE canary; --',
    "with space",
    "订单 données",
    "select",
    "back`tick",
]


def _create_orders(scratch: dbservers.Scratch) -> list[str]:
    types = DDL[scratch.kind]
    columns = [(f"c_{logical}", ddl) for logical, ddl in types.items()]
    scratch.create_table("orders", columns, ORDER_ROWS)
    q = scratch.quote
    scratch.execute(
        f"CREATE VIEW {q('paid_orders')} AS SELECT {q('c_integer')}, {q('c_string')} "
        f"FROM {scratch.qualified('orders')} WHERE {q('c_integer')} < 3"
    )
    return [c for c, _ in columns]


def test_discovery_lists_tables_and_views(db_scratch: dbservers.Scratch) -> None:
    _create_orders(db_scratch)
    with db_scratch.open() as conn:
        assert conn.source.kind == db_scratch.kind
        assets = {a.name: a for a in conn.discover()}
        assert set(assets) == {"orders", "paid_orders"}
        orders, view = assets["orders"], assets["paid_orders"]
        assert (orders.format, view.format) == ("table", "view")
        assert (orders.row_count, view.row_count) == (3, 2)
        assert orders.id == f"{conn.source.name}/orders"
        expected = {f"c_{lt}": lt for lt in DDL[db_scratch.kind]}
        if db_scratch.kind == "mysql":
            expected["c_boolean"] = "integer"
        assert {c.name: c.logical_type for c in orders.columns} == expected
        assert [c.name for c in view.columns] == ["c_integer", "c_string"]
        assert [c.logical_type for c in view.columns] == ["integer", "string"]
        engine = conn.engine()
        for asset in assets.values():
            assert engine.relation(asset) == asset.location
            names, rows = engine.execute(f"SELECT COUNT(*) AS n FROM {engine.relation(asset)}")
            assert (names, rows) == (["n"], [(asset.row_count,)])
        if db_scratch.kind in {"sqlite", "duckdb"}:
            assert orders.last_modified is not None and orders.last_modified.tzinfo is not None
        if db_scratch.kind in {"postgresql", "mysql"}:
            assert orders.byte_size and orders.byte_size > 0
        if db_scratch.kind == "sqlite":
            assert orders.byte_size and orders.byte_size > 0  # dbstat is compiled into CPython's SQLite


def test_hostile_names_are_discovered_counted_and_left_alone(db_scratch: dbservers.Scratch) -> None:
    db_scratch.create_table("canary", [("id", "INTEGER")], [(1,)])
    for i, name in enumerate(HOSTILE_NAMES):
        columns = [(name, "INTEGER"), (f"{name} 2", "VARCHAR(20)")]
        db_scratch.create_table(name, columns, [(n, f"v{n}") for n in range(i + 1)])
    column, table = db_scratch.quote("it's"), db_scratch.qualified("it's")
    db_scratch.execute(f"CREATE VIEW {db_scratch.quote('from')} AS SELECT {column} FROM {table}")
    with db_scratch.open() as conn:
        assets = {a.name: a for a in conn.discover()}
        assert set(assets) == {*HOSTILE_NAMES, "canary", "from"}
        engine = conn.engine()
        for i, name in enumerate(HOSTILE_NAMES):
            asset = assets[name]
            assert asset.row_count == i + 1
            assert [c.name for c in asset.columns] == [name, f"{name} 2"]
            cols = ", ".join(f"COUNT(DISTINCT {engine.quote(c.name)})" for c in asset.columns)
            assert engine.execute(f"SELECT {cols} FROM {engine.relation(asset)}")[1] == [(i + 1, i + 1)]
        assert assets["from"].row_count == 2
    assert db_scratch.query(f"SELECT COUNT(*) FROM {db_scratch.qualified('canary')}") == [(1,)]
    with db_scratch.open() as conn:
        assert len(conn.discover()) == len(HOSTILE_NAMES) + 2


def test_engine_refuses_writes(db_scratch: dbservers.Scratch) -> None:
    db_scratch.create_table("t", [("a", "INTEGER")], [(1,)])
    with db_scratch.open() as conn:
        engine = conn.engine()
        (asset,) = conn.discover()
        for statement in (
            f"INSERT INTO {engine.relation(asset)} VALUES (2)",
            f"DELETE FROM {engine.relation(asset)}",
            f"CREATE TABLE {engine.quote('intruder')} (a INTEGER)",
        ):
            with pytest.raises(QUERY_ERRORS):
                engine.execute(statement)
        assert engine.execute(f"SELECT a FROM {engine.relation(asset)}")[1] == [(1,)]
    assert db_scratch.query(f"SELECT a FROM {db_scratch.qualified('t')}") == [(1,)]
    with db_scratch.open() as conn:
        assert [a.name for a in conn.discover()] == ["t"]


def test_execute_binds_question_mark_params(db_scratch: dbservers.Scratch) -> None:
    db_scratch.create_table("t", [("s", "VARCHAR(20)")], [("abc",), ("50%",), ("?",)])
    with db_scratch.open() as conn:
        engine = conn.engine()
        (asset,) = conn.discover()
        rel, s = engine.relation(asset), engine.quote("s")
        sql = f"SELECT COUNT(*) FROM {rel} WHERE ({s} = ? OR {s} LIKE '%!%' ESCAPE '!') AND {s} <> '?'"
        assert engine.execute(sql, ["abc"])[1] == [(2,)]
        assert engine.execute(f"SELECT COUNT(*) FROM {rel} WHERE {s} LIKE '%b%'")[1] == [(1,)]


def test_pattern_shapes_are_identical_on_every_engine(db_scratch: dbservers.Scratch) -> None:
    values = ["Ab-12 x", "ZZ top 9", "éÉ ü", "", "a?b%c", "x" * 70, "订单12"]
    db_scratch.create_table("t", [("id", "INTEGER"), ("v", "VARCHAR(100)")], list(enumerate(values)))
    with db_scratch.open() as conn:
        engine = conn.engine()
        (asset,) = conn.discover()
        shape = engine.pattern_expr(engine.quote("v"))
        rows = engine.execute(f"SELECT {shape} FROM {engine.relation(asset)} ORDER BY {engine.quote('id')}")[
            1
        ]
    assert [r[0] for r in rows] == ["Aa-99 a", "AA aaa 9", "éÉ ü", "", "a?a%a", "a" * 64, "订单99"]


# -- errors -------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _one_line(err: StocktakeError) -> str:
    message = str(err)
    assert "\n" not in message and message
    assert err.__cause__ is None and err.__suppress_context__
    return message


def test_refused_ports_give_one_line_errors() -> None:
    port = _closed_port()
    for cls, url in (
        (PostgresConnector, f"postgresql://root:s3cret@127.0.0.1:{port}/test"),
        (MySQLConnector, f"mysql://root:s3cret@127.0.0.1:{port}/test"),
    ):
        with pytest.raises(SourceConnectionError) as info:
            cls(url)
        message = _one_line(info.value)
        assert message == f"cannot connect to {url.replace('s3cret', '***')}: connection refused"


def test_unknown_postgres_database_and_schema(pg_scratch: dbservers.PostgresScratch) -> None:
    url = make_url(dbservers.POSTGRES_URL).set(database="stocktake_no_such_db")
    with pytest.raises(SourceConnectionError) as info:
        PostgresConnector(url.render_as_string(hide_password=False))
    assert _one_line(info.value).endswith(": database stocktake_no_such_db does not exist")
    with pytest.raises(SourceNotFoundError, match="schema nope_x does not exist"):
        PostgresConnector(f"{dbservers.POSTGRES_URL}?schema=nope_x")


def test_postgres_password_is_redacted(pg_scratch: dbservers.PostgresScratch) -> None:
    # trust auth ignores the password, so the connection succeeds and the URI must hide it
    url = make_url(pg_scratch.url).set(password="hunter2").render_as_string(hide_password=False)
    with open_source(url) as conn:
        assert "hunter2" not in conn.source.uri and ":***@" in conn.source.uri
        assert conn.source.name == make_url(url).database


def test_mysql_wrong_password_and_unknown_database(mysql_scratch: dbservers.MySQLScratch) -> None:
    url = make_url(mysql_scratch.url)
    with pytest.raises(SourceConnectionError) as info:
        MySQLConnector(url.set(password="wr0ng-pw").render_as_string(hide_password=False))
    message = _one_line(info.value)
    assert message.endswith(f": authentication failed for user {url.username}")
    assert "wr0ng-pw" not in message and ":***@" in message
    with pytest.raises(SourceConnectionError) as info:
        MySQLConnector(url.set(database="stocktake_no_such_db").render_as_string(hide_password=False))
    assert _one_line(info.value).endswith(": database stocktake_no_such_db does not exist")
    without_database = mysql_scratch.url.rsplit("/", 1)[0]
    for spec in (without_database, without_database + "/"):
        with pytest.raises(UsageError, match="must name a database"):
            MySQLConnector(spec)


@pytest.mark.parametrize(("cls", "suffix"), [(SQLiteConnector, ".sqlite"), (DuckDBFileConnector, ".duckdb")])
def test_missing_and_corrupt_files(tmp_path, cls, suffix) -> None:
    with pytest.raises(SourceNotFoundError):
        cls(str(tmp_path / f"missing{suffix}"))
    corrupt = tmp_path / f"corrupt{suffix}"
    corrupt.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(UnreadableSourceError) as info:
        cls(str(corrupt))
    _one_line(info.value)


def test_urls_and_plain_paths_open_the_same_file(sqlite_scratch, duckdb_scratch) -> None:
    sqlite_scratch.create_table("t", [("a", "INTEGER")], [(1,)])
    duckdb_scratch.create_table("t", [("a", "INTEGER")], [(1,)])
    for spec in (sqlite_scratch.url, f"sqlite://{sqlite_scratch.url}", f"sqlite:///{sqlite_scratch.url}"):
        with open_source(spec, name="s") as conn:
            assert isinstance(conn, SQLiteConnector) and conn.source.name == "s"
            assert [a.id for a in conn.discover()] == ["s/t"]
    with open_source(f"duckdb://{duckdb_scratch.url}") as conn:
        assert isinstance(conn, DuckDBFileConnector) and conn.source.name == "scratch"


def test_postgres_without_schema_qualifies_other_schemas(pg_scratch: dbservers.PostgresScratch) -> None:
    pg_scratch.create_table("orders", [("id", "integer")], [(1,), (2,)])
    with PostgresConnector(dbservers.POSTGRES_URL) as conn:
        assets = {a.name: a for a in conn.discover()}
    asset = assets[f"{pg_scratch.schema}.orders"]
    assert asset.location == f'"{pg_scratch.schema}"."orders"' and asset.row_count == 2


def test_duckdb_schemas_other_than_main_are_qualified(duckdb_scratch: dbservers.DuckDBScratch) -> None:
    duckdb_scratch.execute("CREATE SCHEMA sales", "CREATE TABLE sales.orders AS SELECT 1 AS id")
    with DuckDBFileConnector(duckdb_scratch.url) as conn:
        (asset,) = conn.discover()
        assert (asset.name, asset.location, asset.row_count) == ("sales.orders", '"sales"."orders"', 1)
        # the engine names assets before discovery too
        assert conn.engine().relations[asset.id] == asset.location


# -- helpers ------------------------------------------------------------------------------


def test_sqlite_functions_and_undeclared_types(sqlite_scratch: dbservers.SQLiteScratch) -> None:
    sqlite_scratch.execute("CREATE TABLE t (a, b, c)", "INSERT INTO t VALUES (1, 'x', 1.5), (3, 'y', 2)")
    with SQLiteConnector(sqlite_scratch.url) as conn:
        (asset,) = conn.discover()
        assert [c.logical_type for c in asset.columns] == ["integer", "string", "float"]
        assert asset.notes and "judged from stored values" in asset.notes[0]
        rows = conn.engine().execute(
            "SELECT stddev_samp(a), variance(a), regexp_replace(b, '[a-z]', 'Q'), b REGEXP '^x$' FROM t"
        )[1]
    assert rows[0][0] == pytest.approx(2**0.5) and rows[0][1] == pytest.approx(2.0)
    assert rows[0][2:] == ("Q", 1)


@pytest.mark.parametrize(
    ("declared", "logical"),
    [("VARCHAR(10)", "string"), ("UNSIGNED BIG INT", "integer"), ("DATETIME", "timestamp"),
     ("NUMERIC", "decimal"), ("DOUBLE PRECISION", "float"), ("BLOB", "binary"), ("JSON", "other")],
)  # fmt: skip
def test_sqlite_declared_types(declared: str, logical: str) -> None:
    assert sqlite_logical_type(declared) == logical


def test_qmark_to_format_leaves_literals_identifiers_and_comments() -> None:
    sql = "SELECT '?', \"a?\", `b?`, x LIKE 'a%' FROM t WHERE y = ? -- why?\n AND z = ? /* ? */"
    assert qmark_to_format(sql) == (
        "SELECT '?', \"a?\", `b?`, x LIKE 'a%%' FROM t WHERE y = %s -- why?\n AND z = %s /* ? */"
    )
    assert qmark_to_format(r"SELECT 'it\'s ?', ?", mysql_lexing=True) == r"SELECT 'it\'s ?', %s"


def test_redact_url() -> None:
    assert redact_url("postgresql://u:p%40ss@h:5/db?schema=x") == "postgresql://u:***@h:5/db?schema=x"
    assert redact_url("mysql://root@h/db") == "mysql://root@h/db"
    assert redact_url("/tmp/plain.sqlite") == "/tmp/plain.sqlite"


def test_a_broken_view_is_noted_not_fatal(db_scratch: dbservers.Scratch) -> None:
    if db_scratch.kind == "postgresql":
        pytest.skip("PostgreSQL does not let a view outlive its table")
    db_scratch.create_table("gone", [("a", "INTEGER")], [(1,)])
    db_scratch.create_table("kept", [("a", "INTEGER")], [(1,)])
    db_scratch.execute(
        f"CREATE VIEW {db_scratch.quote('broken')} AS SELECT a FROM {db_scratch.qualified('gone')}",
        f"DROP TABLE {db_scratch.qualified('gone')}",
    )
    with db_scratch.open() as conn:
        assets = {a.name: a for a in conn.discover()}
    assert assets["kept"].row_count == 1
    assert assets["broken"].row_count is None
    assert any("unavailable" in note for note in assets["broken"].notes)
