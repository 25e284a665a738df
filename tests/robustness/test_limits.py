"""Read-only sessions, statement timeouts and sampling (issue 10, parts 3 and 5; docs/robustness.md)."""

from __future__ import annotations

import duckdb
import pytest
import sqlalchemy
from click.testing import CliRunner

from stocktake.cli.app import cli
from stocktake.connectors._sql_common import (
    DEFAULT_STATEMENT_TIMEOUT_S,
    STATEMENT_TIMEOUT_ENV,
    statement_timeout_s,
)
from stocktake.core.errors import UsageError
from stocktake.pipeline import ScanOptions, scan

WRITES = ["CREATE TABLE intruder (x INTEGER)", "DELETE FROM t", "INSERT INTO t VALUES (99)"]
# A view each engine needs well over a second to read.
SLOW_VIEWS = {
    "sqlite": "CREATE VIEW slow AS SELECT a.x AS x FROM t a, t b, t c, t d",
    "postgresql": "CREATE VIEW slow AS SELECT x FROM t WHERE CAST(pg_sleep(0.2) AS TEXT) = ''",
    "mysql": "CREATE VIEW slow AS SELECT x, SLEEP(0.2) AS z FROM t",
}


def test_every_connector_refuses_writes(db_scratch):
    db_scratch.create_table("t", [("x", "INTEGER")], [(i,) for i in range(5)])
    connector = db_scratch.open()
    try:
        engine = connector.engine()
        location = connector.discover()[0].location
        for statement in WRITES:
            sql = statement.replace("FROM t", f"FROM {location}").replace("INTO t", f"INTO {location}")
            if "intruder" in sql and db_scratch.kind in ("postgresql", "mysql"):
                sql = sql.replace("intruder", db_scratch.qualified("intruder"))
            with pytest.raises((sqlalchemy.exc.DBAPIError, duckdb.Error)):
                engine.execute(sql)
    finally:
        connector.close()
    assert db_scratch.query(f"SELECT COUNT(*) FROM {db_scratch.qualified('t')}") == [(5,)]


def test_statement_timeout_setting(monkeypatch):
    monkeypatch.delenv(STATEMENT_TIMEOUT_ENV, raising=False)
    assert statement_timeout_s() == DEFAULT_STATEMENT_TIMEOUT_S
    monkeypatch.setenv(STATEMENT_TIMEOUT_ENV, "2.5")
    assert statement_timeout_s() == 2.5
    assert statement_timeout_s("7") == 7.0  # the URL wins
    monkeypatch.setenv(STATEMENT_TIMEOUT_ENV, "0")
    assert statement_timeout_s() is None
    for bad in ("soon", "-1", "nan", "inf"):
        monkeypatch.setenv(STATEMENT_TIMEOUT_ENV, bad)
        with pytest.raises(UsageError, match=STATEMENT_TIMEOUT_ENV):
            statement_timeout_s()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mysql"])
def test_a_query_over_the_statement_timeout_is_one_line_and_the_scan_goes_on(kind, request, monkeypatch):
    scratch = request.getfixturevalue(
        {"sqlite": "sqlite_scratch", "postgresql": "pg_scratch"}.get(kind, "mysql_scratch")
    )
    rows = 400 if kind == "sqlite" else 20
    scratch.create_table("t", [("x", "INTEGER")], [(i,) for i in range(rows)])
    view = SLOW_VIEWS[kind]
    if kind != "sqlite":
        view = view.replace("VIEW slow", f"VIEW {scratch.qualified('slow')}").replace(
            "FROM t", f"FROM {scratch.qualified('t')}"
        )
    scratch.execute(view)
    monkeypatch.setenv(STATEMENT_TIMEOUT_ENV, "0.5")

    run = scan([scratch.url])

    assets = {a.name: a for a in run.assets}
    assert assets["t"].row_count == rows  # the fast table is profiled in full
    assert "slow" not in assets
    (error,) = run.errors
    assert error.startswith(
        f"{run.sources[0].name}/slow: query cancelled: it ran longer than the statement timeout"
    )
    assert "\n" not in error


def test_bad_statement_timeout_on_the_command_line(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("a\n1\n")
    result = CliRunner().invoke(
        cli, ["scan", str(data), "--statement-timeout", "soon"], standalone_mode=False
    )
    assert result.exception is not None and "soon" in str(result.exception)


def _big_duckdb(path, rows: int) -> str:
    conn = duckdb.connect(str(path))
    conn.execute(
        f"CREATE TABLE events AS SELECT i AS id, i % 97 AS shop, CASE WHEN i % 10 = 0 THEN NULL ELSE 'x' || (i % 13) END "
        f"AS tag FROM range({rows}) t(i)"
    )
    conn.close()
    return str(path)


def test_a_table_over_the_row_budget_is_profiled_on_a_recorded_sample(tmp_path):
    source = _big_duckdb(tmp_path / "big.duckdb", 60_000)
    run = scan([source], ScanOptions(sample_rows=5_000))
    (asset,) = run.assets
    assert asset.row_count == 60_000  # the true size stays on the asset
    assert asset.read_options["profile_sample_rows"] == 5_000
    assert asset.read_options["profile_sample_method"] == "reservoir sample"
    assert any("profiled on a sample of 5,000 of 60,000 rows" in note for note in asset.notes)
    profiles = {p.column: p for p in run.profiles}
    assert {p.row_count for p in profiles.values()} == {5_000}
    assert profiles["id"].distinct_count == 5_000  # a sample of distinct ids
    assert 300 <= profiles["tag"].null_count <= 700  # ~10 % NULL in the sample, as in the table
    assert profiles["shop"].max == 96

    full = scan([source], ScanOptions(sample_rows=None))
    assert "profile_sample_rows" not in full.assets[0].read_options
    assert {p.row_count for p in full.profiles} == {60_000}


def test_sqlite_sample_takes_the_first_rows_and_says_so(sqlite_scratch):
    sqlite_scratch.create_table("t", [("x", "INTEGER")], [(i,) for i in range(3_000)])
    run = scan([sqlite_scratch.url], ScanOptions(sample_rows=1_000))
    (asset,) = run.assets
    assert asset.row_count == 3_000
    assert asset.read_options["profile_sample_method"] == "first rows returned (LIMIT)"
    (profile,) = run.profiles
    assert profile.row_count == 1_000


def test_the_cli_reports_the_sample_size(tmp_path):
    source = _big_duckdb(tmp_path / "big.duckdb", 20_000)
    result = CliRunner().invoke(
        cli,
        [
            "--catalog",
            str(tmp_path / "cat.db"),
            "scan",
            source,
            "--out",
            str(tmp_path / "out"),
            "--sample-rows",
            "2000",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "sampled big/events: profiled on 2,000 rows of 20,000" in result.output


def test_a_duckdb_sample_is_drawn_once_and_dropped(tmp_path):
    from stocktake.connectors import open_source
    from stocktake.engines.sampling import plan_sample

    source = _big_duckdb(tmp_path / "big.duckdb", 30_000)
    with open_source(source) as connector:
        (asset,) = connector.discover()
        engine = connector.engine()
        assert plan_sample(engine, asset, 30_000) is None  # within the budget: read in full
        sample = plan_sample(engine, asset, 1_000)
        assert sample is not None and sample.asset.row_count is None
        relation = sample.engine.relation(sample.asset)
        assert sample.engine.execute(f"SELECT COUNT(*) FROM {relation}")[1] == [(1_000,)]
        assert engine.relation(asset) != relation  # the connector's engine still names the table
        sample.release()
        assert engine.execute("SELECT COUNT(*) FROM duckdb_tables() WHERE temporary")[1] == [(0,)]
