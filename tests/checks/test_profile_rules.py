from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from stocktake.checks.profile_rules import RuleOptions, findings_from_profiles
from stocktake.engines.profiling import profile_asset
from stocktake.testing import duckdb_table_asset

AS_OF = datetime(2024, 3, 1, tzinfo=UTC)


def scan_table(sql: str) -> list:
    conn = duckdb.connect()
    conn.execute(f"CREATE TABLE t AS {sql}")
    engine, asset = duckdb_table_asset(conn, "t")
    profiles = profile_asset(engine, asset)
    return findings_from_profiles(engine, asset, profiles, RuleOptions(as_of=AS_OF))


def of_type(findings: list, type_: str) -> list:
    return [f for f in findings if f.type == type_]


def test_clean_table_has_no_findings():
    findings = scan_table(
        "SELECT i AS order_id, (i % 50) + 1.5 AS price, TIMESTAMP '2024-01-01' + to_hours(i) AS ts "
        "FROM range(1000) r(i)"
    )
    assert findings == []


def test_null_like_tokens_are_missing_values_together_with_nulls():
    findings = scan_table(
        "SELECT i AS user_id, CASE WHEN i % 10 = 0 THEN NULL WHEN i % 100 = 1 THEN 'N/A' ELSE 'x' END AS city, "
        "CASE WHEN i % 10 = 0 THEN NULL ELSE i END AS optional_note FROM range(1000) r(i)"
    )
    (f,) = of_type(findings, "missing_values")  # 10% plain NULLs alone are an optional field, not a finding
    assert f.columns == ["city"]
    assert f.rows.count == 110
    assert f.rows.share == pytest.approx(0.11)
    assert "n/a" in f.reason and f.rows.keys[:2] == [0, 1]
    assert f.rows.key_columns == ["user_id"]


def test_mostly_empty_column_and_constant_measure():
    findings = scan_table(
        "SELECT i AS id, CASE WHEN i % 4 = 0 THEN 'note' END AS comment, 0 AS discount, 'CNY' AS currency "
        "FROM range(100) r(i)"
    )
    found = {(f.columns[0], f.check) for f in of_type(findings, "missing_values")}
    assert found == {("comment", "missing_values.mostly_null"), ("discount", "missing_values.constant")}


def test_duplicate_key_in_near_unique_identifier():
    findings = scan_table(
        "SELECT CASE WHEN i IN (5, 6) THEN 4 ELSE i END AS order_id, i AS amount FROM range(500) r(i)"
    )
    (f,) = of_type(findings, "duplicate_key")
    assert f.columns == ["order_id"]
    assert f.rows.count == 3 and f.rows.keys == [4]
    assert "HAVING COUNT(*) > 1" in f.rows.predicate


def test_duplicate_records_counted_beyond_first_copy():
    findings = scan_table("SELECT i % 300 AS user_id, (i % 300) * 2 AS item_id FROM range(303) r(i)")
    (f,) = of_type(findings, "duplicate_record")
    assert f.rows.count == 3
    assert f.columns == []


def test_rare_negative_and_zero_values_are_out_of_range():
    findings = scan_table(
        "SELECT i AS id, CASE WHEN i = 7 THEN -3 ELSE i % 9 + 1 END AS quantity, "
        "CASE WHEN i = 8 THEN 0 ELSE 10 + i END AS price FROM range(1000) r(i)"
    )
    found = {(f.columns[0], f.check) for f in of_type(findings, "out_of_range")}
    assert found == {("quantity", "out_of_range.negative"), ("price", "out_of_range.zero")}


def test_outliers_beyond_a_gap_in_the_tail():
    findings = scan_table(
        "SELECT i AS id, CASE WHEN i IN (3, 4) THEN 50000.0 + i ELSE 10 + (i % 90) * (i % 7 + 1) END AS price, "
        "exp(i / 200.0) AS heavy_tail FROM range(2000) r(i)"
    )
    (f,) = of_type(findings, "outlier_value")  # a continuous heavy tail is not an outlier
    assert f.columns == ["price"] and f.rows.count == 2 and f.rows.keys == [3, 4]


def test_missing_day_volume_spike_and_future_timestamp():
    findings = scan_table(
        "SELECT i AS event_id, TIMESTAMP '2024-01-01' + to_minutes(CAST(i * 1440 / 100 AS BIGINT)) AS ts "
        "FROM range(3000) r(i) WHERE i // 100 != 10 "
        "UNION ALL SELECT 100000 + i, TIMESTAMP '2024-01-20 12:00' FROM range(900) r(i) "
        "UNION ALL SELECT 200000, TIMESTAMP '2031-01-01'"
    )
    (gap,) = of_type(findings, "missing_partition")
    assert gap.rows.keys == ["2024-01-11"]
    (spike,) = of_type(findings, "volume_anomaly")
    assert "2024-01-20" in spike.evidence["days"]
    (future,) = of_type(findings, "future_timestamp")
    assert future.rows.count == 1 and future.rows.keys == [200000]


def test_finding_ids_are_stable_across_runs():
    sql = "SELECT CASE WHEN i = 1 THEN 0 ELSE i END AS sku_id FROM range(100) r(i)"
    assert [f.id for f in scan_table(sql)] == [f.id for f in scan_table(sql)]
