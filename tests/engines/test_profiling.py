from __future__ import annotations

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stocktake.engines.profiling import ProfileOptions, profile_asset, quantile_index
from stocktake.testing import duckdb_table_asset


@given(
    st.lists(st.integers(-1000, 1000), min_size=1, max_size=200),
    st.sampled_from([0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]),
)
def test_quantile_index_matches_duckdb_quantile_disc(values, q):
    conn = duckdb.connect()
    expected = conn.execute("SELECT quantile_disc(x, ?) FROM unnest(?) t(x)", [q, values]).fetchone()[0]
    assert sorted(values)[quantile_index(q, len(values))] == expected


def profiles_of(sql: str, **options) -> dict:
    conn = duckdb.connect()
    conn.execute(f"CREATE TABLE t AS {sql}")
    engine, asset = duckdb_table_asset(conn, "t")
    return {p.column: p for p in profile_asset(engine, asset, ProfileOptions(**options))}


def test_profile_metrics_on_small_table_are_exact():
    p = profiles_of(
        "SELECT i AS id, CASE WHEN i % 4 = 0 THEN NULL ELSE 'Ab-' || (i % 3) END AS code, "
        "(i % 10)::DOUBLE AS x, DATE '2024-01-01' + (i % 5)::INT AS d FROM range(100) r(i)"
    )
    code = p["code"]
    assert (code.row_count, code.null_count, code.distinct_count) == (100, 25, 3)
    assert code.patterns[0].value == "Aa-9" and code.patterns[0].count == 75
    assert (code.length_min, code.length_max) == (4, 4)
    x = p["x"]
    assert x.mean == pytest.approx(4.5) and x.quantiles["p50"] == 4.0 and x.zero_count == 10
    assert x.top_values[0].count == 10
    assert [d.count for d in p["d"].per_day] == [20] * 5
    assert p["id"].top_values == []  # unique column: every count would be 1


def test_big_tables_use_estimates_only_for_near_unique_columns():
    p = profiles_of("SELECT i AS id, i % 7 AS k FROM range(5000) r(i)", exact_row_limit=1000)
    near_unique, grouped = p["id"], p["k"]
    assert not near_unique.distinct_exact and not near_unique.quantiles_exact
    assert near_unique.distinct_count == pytest.approx(5000, rel=0.1)
    assert near_unique.top_values == []  # a GROUP BY over unique values costs more than it tells
    # A low-cardinality column is read from its groups: exact even on a big table.
    assert grouped.distinct_exact and grouped.quantiles_exact and grouped.distinct_count == 7
    assert grouped.quantiles["p50"] == 3 and grouped.top_values[0].count == 715


def test_null_like_tokens_are_broken_down():
    p = profiles_of(
        "SELECT CASE i % 4 WHEN 0 THEN 'NULL' WHEN 1 THEN ' n/a ' WHEN 2 THEN '' ELSE 'x' END AS s FROM range(8) r(i)"
    )
    assert p["s"].null_like == {"": 2, "n/a": 2, "null": 2}
