"""Per-column profiling from one GROUP BY, for engines that declare `grouped_profiles` (DuckDB).

A column's value distribution (value -> count) is computed once and materialised; top values,
the exact distinct count, null-like tokens, character-class patterns, exact quantiles and
per-day counts are then read from its groups instead of from the rows. LOWER/TRIM and the
pattern regexes run once per distinct value, not once per row. Measured on 10M rows in
benchmarks/RESULTS.md: this is what brings the full profile under DuckDB's SUMMARIZE.
Columns that are nearly unique on big tables skip this path (a GROUP BY there costs more
than it tells) and are profiled by the row-wise queries in profiling.py instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stocktake.core.records import NUMERIC_TYPES, TEMPORAL_TYPES, DayCount, ValueCount
from stocktake.core.vocab import NULL_LIKE_TOKENS, PROFILE_QUANTILES

if TYPE_CHECKING:
    from stocktake.core.records import Asset, ColumnProfile, ColumnSchema
    from stocktake.engines.base import Engine
    from stocktake.engines.profiling import ProfileOptions


def grouped_sql(engine: Engine, asset: Asset, col: ColumnSchema, n: int, options: ProfileOptions) -> str:
    """One DuckDB statement returning every distribution-based metric of one column."""
    from stocktake.engines.profiling import quantile_index, quote_duckdb, sql_literal

    q = quote_duckdb(col.name)
    value = f"CAST({q} AS INTEGER)" if col.logical_type == "boolean" else q
    k = options.top_k
    parts = [
        "(SELECT COUNT(*) FROM g) AS distinct_count",
        f"(SELECT list(struct_pack(v := v, n := n) ORDER BY n DESC, v) FROM "
        f"(SELECT v, n FROM g ORDER BY n DESC, v LIMIT {k})) AS top_values",
    ]
    if col.logical_type == "string":
        tokens = ", ".join(sql_literal(t) for t in NULL_LIKE_TOKENS)
        token = "LOWER(TRIM(CAST(v AS VARCHAR)))"
        parts.append(
            f"(SELECT list(struct_pack(t := t, n := c) ORDER BY t) FROM (SELECT {token} AS t, SUM(n) AS c "
            f"FROM g WHERE {token} IN ({tokens}) GROUP BY t)) AS null_like"
        )
        # The most frequent groups first: patterns of the bulk of the rows, bounded work.
        limit = options.pattern_sample_rows
        parts.append(
            f"(SELECT list(struct_pack(p := p, n := c) ORDER BY c DESC, p) FROM (SELECT p, SUM(n) AS c FROM "
            f"(SELECT {engine.pattern_expr('v')} AS p, n FROM gp) s GROUP BY p ORDER BY c DESC, p LIMIT {k})) "
            "AS patterns"
        )
        parts.append("(SELECT SUM(n) FROM gp) AS pattern_rows")
        with_gp = f", gp AS (SELECT v, n FROM g ORDER BY n DESC, v LIMIT {limit})"
    else:
        with_gp = ""
    if col.logical_type in NUMERIC_TYPES:
        ranks = sorted({quantile_index(x, n) + 1 for x in PROFILE_QUANTILES})
        parts.append(
            "(SELECT list(struct_pack(r := r, v := m) ORDER BY r) FROM (SELECT r, MIN(v) AS m FROM "
            "(SELECT v, SUM(n) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum FROM g) c, "
            f"(SELECT UNNEST([{', '.join(map(str, ranks))}]) AS r) x WHERE cum >= r GROUP BY r)) AS quantiles"
        )
    if col.logical_type in TEMPORAL_TYPES:
        parts.append(
            "(SELECT list(struct_pack(d := d, n := c) ORDER BY d) FROM "
            "(SELECT CAST(v AS DATE) AS d, SUM(n) AS c FROM g GROUP BY d)) AS per_day"
        )
    groups = f"SELECT {value} AS v, COUNT(*) AS n FROM {engine.relation(asset)} WHERE {q} IS NOT NULL GROUP BY {value}"
    return f"WITH g AS MATERIALIZED ({groups}){with_gp} SELECT " + ", ".join(parts)


def fill_from_groups(
    engine: Engine, asset: Asset, col: ColumnSchema, prof: ColumnProfile, options: ProfileOptions
) -> None:
    from stocktake.engines.profiling import _normalise, _qkey, _top, quantile_index

    n = prof.non_null_count
    if engine.grouped_flavour == "postgres":
        from stocktake.engines.profile_grouped_pg import grouped_sql_pg, to_grouped_items

        ranks = sorted({quantile_index(x, n) + 1 for x in PROFILE_QUANTILES})
        names, rows = engine.execute(grouped_sql_pg(engine, asset, col, ranks, options))
        got: dict[str, Any] = to_grouped_items(dict(zip(names, rows[0], strict=True)), ranks)
    else:
        names, rows = engine.execute(grouped_sql(engine, asset, col, n, options))
        got = dict(zip(names, rows[0], strict=True))
    prof.distinct_count, prof.distinct_exact = int(got["distinct_count"]), True
    if "min" in got:  # engines with grouped_basics: these left the aggregate pass
        _fill_basics(prof, got, col.logical_type)
    if prof.distinct_count != n:  # a unique column's counts are all 1: nothing to show
        prof.top_values = _top([(t["v"], t["n"]) for t in got["top_values"] or []], col.logical_type)
    if "null_like" in got:
        prof.null_like = {str(t["t"]): int(t["n"]) for t in got["null_like"] or []}
        prof.patterns = [ValueCount(value=str(p["p"]), count=int(p["n"])) for p in got["patterns"] or []]
        prof.patterns_sampled_rows = int(got["pattern_rows"] or 0)
    if "quantiles" in got:
        by_rank = {int(item["r"]): item["v"] for item in got["quantiles"] or []}
        prof.quantiles = {
            _qkey(x): _normalise(by_rank.get(quantile_index(x, n) + 1), col.logical_type)
            for x in PROFILE_QUANTILES
        }
    if "per_day" in got:
        days = got["per_day"] or []
        if len(days) <= options.max_days:
            prof.per_day = [DayCount(day=d["d"], count=int(d["n"])) for d in days]


def _fill_basics(prof: ColumnProfile, got: dict[str, Any], logical_type: str) -> None:
    from stocktake.engines.profiling import _float_or_none, _int_or_none, _normalise

    prof.min = _normalise(got["min"], logical_type)
    prof.max = _normalise(got["max"], logical_type)
    if "len_min" in got:
        prof.length_min = _int_or_none(got["len_min"])
        prof.length_max = _int_or_none(got["len_max"])
        prof.length_mean = _float_or_none(got["len_mean"])
    if "zero" in got:
        prof.zero_count = int(got["zero"] or 0)
        prof.negative_count = int(got["negative"] or 0)
