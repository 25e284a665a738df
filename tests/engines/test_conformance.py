"""One profile, four engines: the same table gives the same metrics on DuckDB, SQLite, PostgreSQL
and MariaDB. Mean and standard deviation are compared with a relative tolerance (floating-point
summation order differs by engine); everything else must be identical."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from stocktake.checks.profile_rules import RuleOptions, findings_from_profiles
from stocktake.engines.profiling import profile_asset
from stocktake.testing import duckdb_table_asset

# DDL per dialect for each logical column.
TYPES = {
    "id": {"default": "INTEGER"},
    "user_id": {"default": "INTEGER"},
    "price": {"default": "DECIMAL(10,2)"},
    "qty": {"default": "DOUBLE", "postgresql": "DOUBLE PRECISION", "sqlite": "REAL"},
    "code": {"default": "VARCHAR(32)"},
    "city": {"default": "VARCHAR(32)"},
    "ts": {"default": "TIMESTAMP", "mysql": "DATETIME"},
    "d": {"default": "DATE"},
}
CITIES = ["São Paulo", "北京", "Berlin", "rio de janeiro", "Zürich"]


def make_rows(n: int = 240) -> list[tuple]:
    rows = []
    for i in range(n):
        price = Decimal("-5.00") if i == 13 else Decimal(i * 7 % 101) + Decimal("0.50")
        qty = None if i % 17 == 0 else float(i % 5)
        code = None if i % 29 == 0 else "N/A" if i % 23 == 0 else "" if i % 31 == 0 else f"Ab-{i % 4}"
        ts = datetime(2024, 1, 1) + timedelta(hours=i)
        if i // 24 == 4:  # 2024-01-05 is missing from the event log
            ts += timedelta(days=1)
        rows.append(
            (i, i % 37, price, qty, code, CITIES[i % 5], ts, date(2024, 1, 1) + timedelta(days=i % 9))
        )
    rows.append((240, 5, Decimal("9.50"), 1.0, "Ab-1", "Berlin", datetime(2031, 1, 1), date(2024, 1, 2)))
    return rows


def reference_profiles() -> tuple[dict, list]:
    conn = duckdb.connect()
    conn.execute(
        "CREATE TABLE events (id INTEGER, user_id INTEGER, price DECIMAL(10,2), qty DOUBLE, "
        "code VARCHAR, city VARCHAR, ts TIMESTAMP, d DATE)"
    )
    conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", make_rows())
    engine, asset = duckdb_table_asset(conn, "events")
    profiles = profile_asset(engine, asset)
    return {p.column: p for p in profiles}, findings_from_profiles(engine, asset, profiles, OPTIONS)


OPTIONS = RuleOptions(as_of=datetime(2024, 6, 1, tzinfo=UTC))
APPROX = {"mean", "std", "length_mean"}
IGNORED = {"asset", "engine_type", "logical_type"}


def comparable(profile) -> dict:
    return {k: v for k, v in profile.to_dict().items() if k not in IGNORED}


def test_profiles_and_findings_agree_across_engines(db_scratch):
    columns = [(name, t.get(db_scratch.kind, t["default"])) for name, t in TYPES.items()]
    db_scratch.create_table("events", columns, make_rows())
    with db_scratch.open() as connector:
        (asset,) = [a for a in connector.discover() if a.name == "events"]
        engine = connector.engine()
        profiles = profile_asset(engine, asset)
        findings = findings_from_profiles(engine, asset, profiles, OPTIONS)
    expected, expected_findings = reference_profiles()
    assert asset.row_count == 241
    for p in profiles:
        want, got = comparable(expected[p.column]), comparable(p)
        for key in APPROX:
            g, w = got.pop(key), want.pop(key)
            assert (g is None and w is None) or g == pytest.approx(w, rel=1e-9), (p.column, key)
        assert got == want, p.column
    summary = sorted((f.type, tuple(f.columns), f.rows.count, str(f.rows.keys)) for f in findings)
    assert summary == sorted(
        (f.type, tuple(f.columns), f.rows.count, str(f.rows.keys)) for f in expected_findings
    )
    assert {f.type for f in findings} >= {"missing_partition", "future_timestamp", "out_of_range"}


def test_an_all_null_column_has_zero_distinct_values_on_every_engine(db_scratch):
    # The grouped engines (DuckDB, PostgreSQL) have no groups to count here; the others count 0.
    db_scratch.create_table("blanks", [("id", "INTEGER"), ("note", "VARCHAR(20)")], [(1, None), (2, None)])
    with db_scratch.open() as connector:
        (asset,) = [a for a in connector.discover() if a.name == "blanks"]
        profiles = {p.column: p for p in profile_asset(connector.engine(), asset)}
    assert (profiles["note"].null_count, profiles["note"].distinct_count) == (2, 0)
    assert profiles["id"].distinct_count == 2
