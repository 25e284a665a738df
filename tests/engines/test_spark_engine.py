"""The Spark engine's parts that need no Java: SQL it writes, types it maps, and the one-line error
when pyspark is missing. The Spark runs themselves are in test_spark_conformance.py (marker spark)."""

from __future__ import annotations

import sys

import pytest

from stocktake.cli import main
from stocktake.core.errors import EXIT_MISSING_EXTRA, MissingExtraError
from stocktake.engines.spark.engine import SparkEngine
from stocktake.engines.spark.files import java_pattern, spark_type


def test_exact_quantiles_become_percentile_disc_within_group():
    sql = SparkEngine(session=None).transpile('SELECT QUANTILE_DISC("price", [0.05, 0.5]) AS q FROM t')
    assert sql == (
        "SELECT ARRAY(PERCENTILE_DISC(0.05) WITHIN GROUP (ORDER BY `price` NULLS LAST), "
        "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY `price` NULLS LAST)) AS q FROM t"
    )


def test_approximate_quantiles_and_patterns_are_spark_sql():
    engine = SparkEngine(session=None)
    assert "PERCENTILE_APPROX(`x`, ARRAY(0.5, 0.95))" in engine.transpile(
        'SELECT APPROX_QUANTILE("x", [0.5, 0.95])'
    )
    assert "APPROX_COUNT_DISTINCT(`x`, 0.01)" in engine.transpile('SELECT APPROX_COUNT_DISTINCT("x")')
    # Spark's regexp_replace replaces every match and takes no 'g' flag
    assert ", 'g')" not in engine.pattern_expr("v")
    assert engine.pattern_expr("v").count("regexp_replace(") == 3


@pytest.mark.parametrize(
    ("duckdb_type", "expected"),
    [
        ("DECIMAL(10,2)", "DECIMAL(10,2)"),
        ("TIMESTAMP", "TIMESTAMP_NTZ"),
        ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"),
        ("UBIGINT", "DECIMAL(20,0)"),
        ("VARCHAR", "STRING"),
        ("INTEGER[]", None),
    ],
)
def test_duckdb_types_map_to_spark_types(duckdb_type, expected):
    assert spark_type(duckdb_type) == expected


def test_strftime_formats_become_java_patterns():
    assert java_pattern("%d/%m/%Y %H:%M:%S") == "dd'/'MM'/'yyyy' 'HH':'mm':'ss"
    assert java_pattern("%Y-%m-%dT%H:%M") == "yyyy'-'MM'-'dd'T'HH':'mm"


def test_missing_pyspark_is_one_line_with_the_install_command(monkeypatch, capsys, tmp_path):
    from stocktake.engines.spark.session import spark_session

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(MissingExtraError, match=r"stocktake\[spark\]"):
        spark_session()
    data = tmp_path / "orders.csv"
    data.write_text("id,price\n1,2.5\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["scan", str(data), "--engine", "spark", "--no-catalog", "-q", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert exc.value.code == EXIT_MISSING_EXTRA
    assert (
        err.strip()
        == "stocktake: error: pyspark is not installed; install it with: pip install 'stocktake[spark]'"
    )
