"""The grouped column profile (engines/profile_grouped.py) in PostgreSQL's SQL.

One statement per column: its value distribution (value -> count) is hashed once into a
materialised CTE, and the exact distinct count, top values, null-like tokens, patterns, exact
quantiles and per-day counts are read from the groups. A hash aggregate replaces the sort that
`COUNT(DISTINCT)` and `PERCENTILE_DISC ... WITHIN GROUP` each need, and the top-value, null-like
and per-day queries that each scanned the table again. Results come back as parallel arrays
(`array_agg`) and are reshaped into the items `fill_from_groups` reads from DuckDB's lists, so
both engines share one reader and give the same profile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stocktake.core.records import NUMERIC_TYPES, TEMPORAL_TYPES
from stocktake.core.vocab import NULL_LIKE_TOKENS

if TYPE_CHECKING:
    from stocktake.core.records import Asset, ColumnSchema
    from stocktake.engines.base import Engine
    from stocktake.engines.profiling import ProfileOptions


def _arrays(cte: str, order: str, **fields: str) -> list[str]:
    """One `array_agg` per field of `cte`, all in the same order (zipped back in Python)."""
    return [f"(SELECT array_agg({e} ORDER BY {order}) FROM {cte}) AS {cte}_{k}" for k, e in fields.items()]


def grouped_sql_pg(
    engine: Engine, asset: Asset, col: ColumnSchema, ranks: list[int], options: ProfileOptions
) -> str:
    """One PostgreSQL statement returning every distribution-based metric of one column, and
    the minimum, maximum, string lengths and zero/negative counts (`Engine.grouped_basics`)."""
    from stocktake.engines.profiling import sql_literal

    q = engine.quote(col.name)
    lt = col.logical_type
    value = f"CAST({q} AS INTEGER)" if lt == "boolean" else q
    # Values leave as text where the driver may not know the array type (enum, domain over text).
    shown = "CAST(v AS TEXT)" if lt == "string" else "v"
    k = options.top_k
    ctes = [
        f"g AS MATERIALIZED (SELECT {value} AS v, COUNT(*) AS n FROM {engine.relation(asset)} "
        f"WHERE {q} IS NOT NULL GROUP BY 1)",
        f"tv AS (SELECT v, n FROM g ORDER BY n DESC, v LIMIT {k})",
    ]
    basics = ["COUNT(*) AS distinct_count"]
    if lt == "string":
        length = "LENGTH(CAST(v AS TEXT))"
        basics += [
            f"MIN({length}) AS len_min",
            f"MAX({length}) AS len_max",
            f"CAST(SUM({length} * n) AS DOUBLE PRECISION) / SUM(n) AS len_mean",
        ]
    if lt in NUMERIC_TYPES:
        basics += [
            "COALESCE(SUM(n) FILTER (WHERE v = 0), 0) AS zero",
            "COALESCE(SUM(n) FILTER (WHERE v < 0), 0) AS negative",
        ]
    ctes.append(f"b AS (SELECT {', '.join(basics)} FROM g)")
    parts = [
        "b.*",
        # ORDER BY, not MIN/MAX: every orderable type has a sort order, uuid has no min() aggregate
        "(SELECT v FROM g ORDER BY v LIMIT 1) AS min",
        "(SELECT v FROM g ORDER BY v DESC LIMIT 1) AS max",
        *_arrays("tv", "n DESC, v", v=shown, n="n"),
    ]
    if lt == "string":
        tokens = ", ".join(sql_literal(t) for t in NULL_LIKE_TOKENS)
        token = "LOWER(TRIM(CAST(v AS TEXT)))"
        ctes.append(f"nl AS (SELECT {token} AS t, SUM(n) AS n FROM g WHERE {token} IN ({tokens}) GROUP BY 1)")
        # The most frequent groups first, as DuckDB's grouped path: the bulk of the rows, bounded work.
        ctes.append(f"gp AS (SELECT v, n FROM g ORDER BY n DESC, v LIMIT {options.pattern_sample_rows})")
        ctes.append(
            f"pt AS (SELECT {engine.pattern_expr('v')} AS p, SUM(n) AS n FROM gp GROUP BY 1 "
            f"ORDER BY 2 DESC, 1 LIMIT {k})"
        )
        parts += _arrays("nl", "t", t="t", n="n") + _arrays("pt", "n DESC, p", p="p", n="n")
        parts.append("(SELECT SUM(n) FROM gp) AS pattern_rows")
    if lt in NUMERIC_TYPES:
        ctes.append(
            "c AS (SELECT v, SUM(n) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
            "AS cum FROM g)"
        )
        # cum grows with v, so the r-th value in order is the least v whose running count reaches r.
        picks = ", ".join(f"MIN(v) FILTER (WHERE cum >= {r})" for r in ranks)
        parts.append(f"(SELECT ARRAY[{picks}] FROM c) AS quantile_values")
    if lt in TEMPORAL_TYPES:
        ctes.append(
            f"pd AS (SELECT CAST(v AS DATE) AS d, SUM(n) AS n FROM g GROUP BY 1 ORDER BY 1 "
            f"LIMIT {options.max_days + 1})"
        )
        parts += _arrays("pd", "d", d="d", n="n")
    return "WITH " + ", ".join(ctes) + " SELECT " + ", ".join(parts) + " FROM b"


def _pairs(got: dict[str, Any], cte: str, a: str, b: str) -> list[dict[str, Any]]:
    return [{a: x, b: y} for x, y in zip(got[f"{cte}_{a}"] or [], got[f"{cte}_{b}"] or [], strict=True)]


def to_grouped_items(got: dict[str, Any], ranks: list[int]) -> dict[str, Any]:
    """Reshape the parallel arrays into the items of DuckDB's grouped statement."""
    basics = ("distinct_count", "min", "max", "len_min", "len_max", "len_mean", "zero", "negative")
    out: dict[str, Any] = {key: got[key] for key in basics if key in got}
    out["top_values"] = _pairs(got, "tv", "v", "n")
    if "nl_t" in got:
        out["null_like"] = _pairs(got, "nl", "t", "n")
        out["patterns"] = _pairs(got, "pt", "p", "n")
        out["pattern_rows"] = got["pattern_rows"]
    if "quantile_values" in got:
        values = got["quantile_values"] or [None] * len(ranks)
        out["quantiles"] = [{"r": r, "v": v} for r, v in zip(ranks, values, strict=True)]
    if "pd_d" in got:
        out["per_day"] = _pairs(got, "pd", "d", "n")
    return out


__all__ = ["grouped_sql_pg", "to_grouped_items"]
