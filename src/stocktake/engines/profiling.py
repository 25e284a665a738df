"""Column profiling, declared once and compiled for any Engine.

The metric SQL is written in DuckDB's dialect against a placeholder relation and
transpiled by sqlglot for the engine at hand; the placeholder is then replaced by
the engine's own name for the asset. Work is done where the data lives, in as few
passes as the engine allows:

1. one aggregate pass over every column (counts, nulls, null-like tokens, distinct,
   min/max, mean/std, zero/negative counts, string lengths, and quantiles where the
   engine has an aggregate for them);
2. one GROUP BY per column for its top values (columnar engines read one column);
3. one GROUP BY per temporal column for per-day counts;
4. pattern shapes for string columns, over a bounded sample;
5. engines without quantile aggregates fetch each quantile by ORDER BY ... OFFSET.

Engines with `grouped_profiles` (DuckDB, PostgreSQL) replace 2-5 by one materialised GROUP BY per
column (profile_grouped.py, profile_grouped_pg.py); PostgreSQL's also returns min/max, lengths and
zero/negative counts (`grouped_basics`), which then leave pass 1. Per-column work runs
`Engine.concurrent_statements` columns at a time.
"""

from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from stocktake.core.records import (
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    ColumnProfile,
    DayCount,
    Scalar,
    ValueCount,
)
from stocktake.core.vocab import NULL_LIKE_TOKENS, PROFILE_QUANTILES
from stocktake.engines.profile_grouped import fill_from_groups

if TYPE_CHECKING:
    from collections.abc import Callable

    from stocktake.core.records import Asset, ColumnSchema
    from stocktake.engines.base import Engine

REL = "__stocktake_rel__"  # placeholder relation, replaced after transpiling
MAX_PROFILE_TEXT = 1_000  # characters of a text value a profile keeps (min, max, top values)


@dataclass(frozen=True)
class ProfileOptions:
    top_k: int = 10
    # Tables up to this many rows get exact distinct counts and exact quantiles everywhere.
    exact_row_limit: int = 1_000_000
    pattern_sample_rows: int = 100_000
    max_days: int = 3_660  # per-day counts are skipped for columns spanning more days
    # On big tables, columns with at least this share of distinct values skip the grouped path.
    near_unique_share: float = 0.5


def quote_duckdb(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def to_scalar(value: Any) -> Scalar:
    """Make an engine value JSON-safe and engine-independent."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return str(value)


def quantile_index(q: float, n: int) -> int:
    """0-based position of the q-quantile under percentile_disc semantics."""
    # round() guards against 0.95 * 100 == 95.00000000000001 rounding up a whole rank.
    return max(0, min(n - 1, math.ceil(round(q * n, 9)) - 1))


class _Query:
    """Collects aliased aggregate expressions written in DuckDB SQL."""

    def __init__(self) -> None:
        self.exprs: list[str] = []

    def add(self, expr: str) -> int:
        self.exprs.append(expr)
        return len(self.exprs) - 1

    def sql(self) -> str:
        items = ", ".join(f"{e} AS m{i}" for i, e in enumerate(self.exprs))
        return f"SELECT {items} FROM {REL}"


class Profiler:
    def __init__(self, engine: Engine, options: ProfileOptions | None = None) -> None:
        self.engine = engine
        self.options = options or ProfileOptions()

    # -- compiling -------------------------------------------------------------------------
    def _compile(self, duckdb_sql: str, asset: Asset) -> str:
        sql = self.engine.transpile(duckdb_sql)
        return sql.replace(REL, self.engine.relation(asset))

    def _run(self, duckdb_sql: str, asset: Asset) -> list[tuple[Any, ...]]:
        return self.engine.execute(self._compile(duckdb_sql, asset))[1]

    # -- passes ----------------------------------------------------------------------------
    def profile(self, asset: Asset) -> list[ColumnProfile]:
        """Profile every column of `asset`."""
        columns = list(asset.columns)
        known_rows = asset.row_count
        if known_rows is None:
            known_rows = int(self._run(f"SELECT COUNT(*) FROM {REL}", asset)[0][0])
        small = known_rows <= self.options.exact_row_limit
        query = _Query()
        total_idx = query.add("COUNT(*)")
        slots = [self._declare(query, col, small) for col in columns]
        row = self._run(query.sql(), asset)[0]
        total = int(row[total_idx] or 0)

        profiles = []
        for col, slot in zip(columns, slots, strict=True):
            profiles.append(self._read_aggregates(asset, col, slot, row, total))
        jobs = []
        for col, slot, prof in zip(columns, slots, profiles, strict=True):
            # Where pass 1 counted null-like tokens and found none, no breakdown query is needed.
            counted = "null_like" in slot
            possible = not counted or bool(row[slot["null_like"]])
            jobs.append(functools.partial(self._fill_details, asset, col, prof, small, possible))
        run_jobs(jobs, self.engine.concurrent_statements)
        return profiles

    def _declare(self, query: _Query, col: ColumnSchema, small: bool) -> dict[str, int]:
        """Add the aggregates for one column; exact variants only where the table is small."""
        q = quote_duckdb(col.name)
        lt = col.logical_type
        slot = {"non_null": query.add(f"COUNT({q})")}
        if lt == "binary" or lt == "other":
            return slot
        grouped = self.engine.grouped_profiles
        if grouped and not small and self.engine.approx_distinct:
            # Exact counts come from the per-column groups; this estimate decides who gets grouped.
            # Without an estimate (PostgreSQL) every column is grouped: hashing beats sorting anyway.
            slot["distinct"] = query.add(f"APPROX_COUNT_DISTINCT({q})")
        elif not grouped:
            exact = small or not self.engine.approx_distinct
            slot["distinct_exact" if exact else "distinct"] = query.add(
                f"COUNT(DISTINCT {q})" if exact else f"APPROX_COUNT_DISTINCT({q})"
            )
        if lt in NUMERIC_TYPES:
            as_double = f"CAST({q} AS DOUBLE)"
            slot["mean"] = query.add(f"AVG({as_double})")
            slot["std"] = query.add(f"STDDEV_SAMP({as_double})")
        if self.engine.grouped_basics and not self.engine.approx_distinct:
            return slot  # every column is grouped, and its groups give the rest (profile_grouped_pg.py)
        value = f"CAST({q} AS INTEGER)" if lt == "boolean" else q
        slot["min"] = query.add(f"MIN({value})")
        slot["max"] = query.add(f"MAX({value})")
        if lt == "string":
            text = f"CAST({q} AS VARCHAR)"  # uuid / enum columns reject string functions in PostgreSQL
            if not grouped:
                tokens = ", ".join(sql_literal(t) for t in NULL_LIKE_TOKENS)
                slot["null_like"] = query.add(
                    f"SUM(CASE WHEN LOWER(TRIM({text})) IN ({tokens}) THEN 1 ELSE 0 END)"
                )
            slot["len_min"] = query.add(f"MIN(LENGTH({text}))")
            slot["len_max"] = query.add(f"MAX(LENGTH({text}))")
            slot["len_mean"] = query.add(f"AVG(CAST(LENGTH({text}) AS DOUBLE))")
        if lt in NUMERIC_TYPES:
            slot["zero"] = query.add(f"SUM(CASE WHEN {q} = 0 THEN 1 ELSE 0 END)")
            slot["negative"] = query.add(f"SUM(CASE WHEN {q} < 0 THEN 1 ELSE 0 END)")
        return slot

    def _read_aggregates(
        self,
        asset: Asset,
        col: ColumnSchema,
        slot: dict[str, int],
        row: tuple[Any, ...],
        total: int,
    ) -> ColumnProfile:
        def get(key: str) -> Any:
            return row[slot[key]] if key in slot else None

        non_null = int(get("non_null") or 0)
        prof = ColumnProfile(
            asset=asset.id,
            column=col.name,
            logical_type=col.logical_type,
            engine_type=col.engine_type,
            row_count=total,
            null_count=total - non_null,
        )
        if "distinct_exact" in slot:
            prof.distinct_count = int(get("distinct_exact") or 0)
        elif "distinct" in slot:
            prof.distinct_count = int(get("distinct") or 0)
            prof.distinct_exact = False
        prof.min = _normalise(get("min"), col.logical_type)
        prof.max = _normalise(get("max"), col.logical_type)
        if col.logical_type == "string" and non_null:
            prof.length_min = _int_or_none(get("len_min"))
            prof.length_max = _int_or_none(get("len_max"))
            prof.length_mean = _float_or_none(get("len_mean"))
        if col.logical_type in NUMERIC_TYPES and non_null:
            prof.mean = _float_or_none(get("mean"))
            prof.std = _float_or_none(get("std"))
            prof.zero_count = int(get("zero") or 0)
            prof.negative_count = int(get("negative") or 0)
        return prof

    def _fill_details(
        self, asset: Asset, col: ColumnSchema, prof: ColumnProfile, small: bool, null_like_possible: bool
    ) -> None:
        if col.logical_type in {"binary", "other"}:
            return
        if prof.non_null_count == 0:
            # Nothing to group: the grouped engines would leave the count unset where the others
            # counted 0 distinct values.
            if prof.distinct_count is None:
                prof.distinct_count, prof.distinct_exact = 0, True
            return
        n = prof.non_null_count
        near_unique = (prof.distinct_count or 0) >= self.options.near_unique_share * n
        if self.engine.grouped_profiles and (small or not near_unique):
            fill_from_groups(self.engine, asset, col, prof, self.options)
            unknown_share = not small and not self.engine.approx_distinct
            if unknown_share and (prof.distinct_count or 0) >= self.options.near_unique_share * n:
                # Grouped without an estimate first: near-unique columns of big tables keep the
                # contract of every other engine (no top values, which are counts of 1 or 2).
                prof.top_values = []
            return
        # Row-wise queries: engines without the grouped path, and near-unique columns of big tables.
        q = quote_duckdb(col.name)
        if col.logical_type == "string":
            if null_like_possible:
                prof.null_like = self._null_like_breakdown(asset, q)
            prof.patterns, prof.patterns_sampled_rows = self._patterns(asset, col, n)
        if col.logical_type in NUMERIC_TYPES:
            prof.quantiles, prof.quantiles_exact = self._quantiles(asset, col, q, n, small)
        # Top values of a near-unique column of a big table are counts of 1 bought with a full
        # GROUP BY over millions of keys: skipped on every engine, as the grouped DuckDB path does.
        if not self.engine.grouped_profiles and prof.distinct_count != n and (small or not near_unique):
            prof.top_values = self._top_values(asset, col, q)
        if col.logical_type in TEMPORAL_TYPES:
            prof.per_day = self._per_day(asset, q)

    def _null_like_breakdown(self, asset: Asset, q: str) -> dict[str, int]:
        tokens = ", ".join(sql_literal(t) for t in NULL_LIKE_TOKENS)
        key = f"LOWER(TRIM(CAST({q} AS VARCHAR)))"
        rows = self._run(
            f"SELECT {key} AS token, COUNT(*) AS n FROM {REL} WHERE {key} IN ({tokens}) GROUP BY {key}",
            asset,
        )
        return {str(token): int(n) for token, n in sorted(rows, key=lambda r: str(r[0]))}

    def _quantiles(
        self, asset: Asset, col: ColumnSchema, q: str, n: int, small: bool
    ) -> tuple[dict[str, Scalar], bool]:
        """(quantiles, exact): an aggregate where the engine has one, else one ORDER BY ... OFFSET each."""
        if self.engine.quantiles == "aggregate":
            approx = self.engine.approx_quantiles and not small
            fn = "APPROX_QUANTILE" if approx else "QUANTILE_DISC"
            qs = ", ".join(repr(x) for x in PROFILE_QUANTILES)
            (values,) = self._run(f"SELECT {fn}({q}, [{qs}]) FROM {REL}", asset)[0]
            return {
                _qkey(x): _normalise(v, col.logical_type)
                for x, v in zip(PROFILE_QUANTILES, values, strict=True)
            }, not approx
        if self.engine.quantiles == "within_group":
            items = ", ".join(
                f"PERCENTILE_DISC({x}) WITHIN GROUP (ORDER BY {self.engine.quote(col.name)})"
                for x in PROFILE_QUANTILES
            )
            row = self.engine.execute(f"SELECT {items} FROM {self.engine.relation(asset)}")[1][0]
            return {_qkey(x): to_scalar(v) for x, v in zip(PROFILE_QUANTILES, row, strict=True)}, True
        out: dict[str, Scalar] = {}
        for x in PROFILE_QUANTILES:
            idx = quantile_index(x, n)
            rows = self._run(
                f"SELECT {q} FROM {REL} WHERE {q} IS NOT NULL ORDER BY {q} LIMIT 1 OFFSET {idx}", asset
            )
            out[_qkey(x)] = to_scalar(rows[0][0]) if rows else None
        return out, True

    def _top_values(self, asset: Asset, col: ColumnSchema, q: str) -> list[ValueCount]:
        value = f"CAST({q} AS INTEGER)" if col.logical_type == "boolean" else q
        rows = self._run(
            f"SELECT {value} AS v, COUNT(*) AS n FROM {REL} WHERE {q} IS NOT NULL "
            f"GROUP BY {value} ORDER BY n DESC, v LIMIT {self.options.top_k}",
            asset,
        )
        return _top(rows, col.logical_type)

    def _patterns(self, asset: Asset, col: ColumnSchema, non_null: int) -> tuple[list[ValueCount], int]:
        engine = self.engine
        sample = min(non_null, self.options.pattern_sample_rows)
        qcol = engine.quote(col.name)
        shape = engine.pattern_expr("v")
        inner = f"SELECT {qcol} AS v FROM {engine.relation(asset)} WHERE {qcol} IS NOT NULL"
        if sample < non_null:
            inner += f" LIMIT {sample}"
        sql = (
            f"SELECT p, COUNT(*) AS n FROM (SELECT {shape} AS p FROM ({inner}) s0) s1 "
            f"GROUP BY p ORDER BY n DESC, p LIMIT {self.options.top_k}"
        )
        return _top(engine.execute(sql)[1], "string"), sample

    def _per_day(self, asset: Asset, q: str) -> list[DayCount]:
        rows = self._run(
            f"SELECT CAST({q} AS DATE) AS d, COUNT(*) AS n FROM {REL} WHERE {q} IS NOT NULL "
            f"GROUP BY CAST({q} AS DATE) ORDER BY d LIMIT {self.options.max_days + 1}",
            asset,
        )
        if len(rows) > self.options.max_days:
            return []
        out = []
        for d, n in rows:
            day = d if isinstance(d, date) else date.fromisoformat(str(d)[:10])
            out.append(DayCount(day=day, count=int(n)))
        return out


def run_jobs(jobs: list[Callable[[], None]], workers: int) -> None:
    """Run independent per-column jobs, up to `workers` at a time (each on its own connection).

    The first failure is raised once every started job has finished."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            job()
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stocktake-profile") as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()


def _normalise(value: Any, logical_type: str) -> Scalar:
    """Engine-independent scalars: SQLite hands timestamps back as 'YYYY-MM-DD HH:MM:SS' text."""
    if isinstance(value, str) and len(value) > MAX_PROFILE_TEXT:  # a 50 MB cell stays in the data
        return value[:MAX_PROFILE_TEXT] + "…"
    if isinstance(value, str) and logical_type in TEMPORAL_TYPES:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
        if logical_type == "date" and value.time() == time(0):
            value = value.date()
    return to_scalar(value)


def _top(rows: list[tuple[Any, ...]], logical_type: str) -> list[ValueCount]:
    """Order by count, then by value in Python: engines' string collations disagree on ties."""
    items = [ValueCount(value=_normalise(v, logical_type), count=int(n)) for v, n in rows]
    return sorted(items, key=lambda vc: (-vc.count, str(vc.value)))


def _qkey(q: float) -> str:
    return f"p{round(q * 100):02d}"


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _float_or_none(value: Any) -> float | None:
    if value is None:
        return None
    out = float(value)
    return None if math.isnan(out) or math.isinf(out) else out


def profile_asset(engine: Engine, asset: Asset, options: ProfileOptions | None = None) -> list[ColumnProfile]:
    """Profile every column of one asset where it lives."""
    return Profiler(engine, options).profile(asset)


__all__ = ["ProfileOptions", "Profiler", "profile_asset", "quantile_index"]
