"""Findings that a column profile alone can reveal, confirmed by small drill-down queries.

Each rule reads profiles (cheap, already computed) and only queries the engine when the
profile shows a suspicion, to count the rows exactly and fetch sample keys and a predicate.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from stocktake.checks.asset_findings import AssetFindings
from stocktake.checks.keys import is_unique, looks_like_identifier
from stocktake.checks.wording import share_text
from stocktake.core.records import NUMERIC_TYPES, TEMPORAL_TYPES, Finding
from stocktake.core.vocab import FindingType, Severity
from stocktake.engines.profiling import REL, quote_duckdb, sql_literal

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from stocktake.core.records import Asset, ColumnProfile
    from stocktake.engines.base import Engine


@dataclass(frozen=True)
class RuleOptions:
    mostly_null_share: float = 0.5  # NULLs at or above this share: the column is mostly empty
    near_unique_ratio: float = 0.98  # distinct/non-null at or above this: the column is meant as a key
    rare_share: float = 0.01  # negatives/zeros below this share in an otherwise positive column
    outlier_gap: float = 3.0  # a jump of this factor between neighbouring values above the 99th percentile
    volume_z: float = 6.0  # robust z-score of a day's row count
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC))


class _Context:
    def __init__(self, engine: Engine, asset: Asset, profiles: list[ColumnProfile], options: RuleOptions):
        self.build = AssetFindings(engine, asset, {p.column: p for p in profiles}, severity=_severity)
        self.asset = asset
        self.profiles = self.build.profiles
        self.options = options
        self.drill = self.build.drill
        self.keys = self.build.keys
        self.rows = self.build.rows

    def finding(
        self,
        type_: FindingType,
        columns: list[str],
        reason: str,
        count: int,
        predicate: str | None,
        evidence: dict[str, object],
        check: str,
        keys: list | None = None,
        key_cols: list[str] | None = None,
    ) -> Finding:
        return self.build.finding(
            type_, columns, check, reason, count, evidence, predicate, keys=keys, key_cols=key_cols
        )


def _severity(share: float) -> Severity:
    if share >= 0.2:
        return Severity.ERROR
    if share >= 0.001:
        return Severity.WARNING
    return Severity.INFO


# -- rules ---------------------------------------------------------------------------------------
def missing_values(ctx: _Context) -> Iterator[Finding]:
    """Null-like text tokens at any share (missing data disguised as values), and mostly-empty columns.

    Plain NULLs below `mostly_null_share` are not flagged here: optional fields (a delivery date of
    an undelivered order) are legitimately empty; contracts state which columns must be complete.
    """
    for p in ctx.profiles.values():
        if not p.row_count:
            continue
        mostly_null = p.null_count / p.row_count >= ctx.options.mostly_null_share
        if not p.null_like and not mostly_null:
            continue
        missing = p.null_count + p.null_like_count
        q = quote_duckdb(p.column)
        pred = f"{q} IS NULL"
        if p.null_like:
            tokens = ", ".join(sql_literal(t) for t in p.null_like)
            pred = f"({q} IS NULL OR LOWER(TRIM(CAST({q} AS VARCHAR))) IN ({tokens}))"
        share = missing / p.row_count
        what = f"{p.null_count:,} NULLs"
        if p.null_like:
            tokens_txt = ", ".join(f"'{t}' ×{n:,}" for t, n in p.null_like.items())
            what += f" and {p.null_like_count:,} values that stand for missing ({tokens_txt})"
        yield ctx.finding(
            FindingType.MISSING_VALUES,
            [p.column],
            f"{missing:,} of {p.row_count:,} values of {p.column} ({share_text(share)}) are missing: {what}.",
            missing,
            pred,
            {"null_count": p.null_count, "null_like": p.null_like},
            "missing_values.null_like" if p.null_like else "missing_values.mostly_null",
        )


def constant_columns(ctx: _Context) -> Iterator[Finding]:
    """A measure, time or flag with one value everywhere; a constant label ('CNY') is normal."""
    for p in ctx.profiles.values():
        if p.row_count < 2 or p.null_count or p.distinct_count != 1 or not p.distinct_exact:
            continue
        if p.logical_type == "string" and not p.null_like:
            continue
        yield ctx.finding(
            FindingType.MISSING_VALUES,
            [p.column],
            f"{p.column} holds the same value ({p.min!r}) in all {p.row_count:,} rows: it carries no "
            "information, often a default written where the real value is missing.",
            p.row_count,
            None,
            {"value": p.min},
            "missing_values.constant",
            keys=[],
        )


def duplicate_keys(ctx: _Context) -> Iterator[Finding]:
    for p in ctx.profiles.values():
        non_null = p.non_null_count
        if not looks_like_identifier(p.column) or non_null < 2 or p.distinct_count is None:
            continue
        if p.logical_type in TEMPORAL_TYPES or p.logical_type in {"float", "boolean"}:
            continue
        ratio = p.distinct_count / non_null
        if is_unique(p) or ratio < ctx.options.near_unique_ratio:
            continue
        dup_rows, groups, sample = ctx.drill.duplicate_values([p.column])
        if not groups:
            continue
        q = quote_duckdb(p.column)
        yield ctx.finding(
            FindingType.DUPLICATE_KEY,
            [p.column],
            f"{groups:,} values of {p.column}, which is otherwise unique, occur more than once "
            f"({dup_rows:,} rows).",
            dup_rows,
            f"{q} IN (SELECT {q} FROM {REL} GROUP BY {q} HAVING COUNT(*) > 1)",
            {"distinct": p.distinct_count, "non_null": non_null, "duplicated_values": groups},
            "duplicate_key.near_unique",
            keys=sample,
            key_cols=[p.column],
        )


def duplicate_records(ctx: _Context) -> Iterator[Finding]:
    if any(is_unique(p) for p in ctx.profiles.values()) or ctx.rows < 2:
        return
    columns = [c.name for c in ctx.asset.columns if c.logical_type not in {"binary", "other"}]
    if not columns:
        return
    dup_rows, groups, sample = ctx.drill.duplicate_values(columns, sample_columns=ctx.keys, skip_nulls=False)
    extra = dup_rows - groups  # rows beyond the first of each group
    if not extra:
        return
    yield ctx.finding(
        FindingType.DUPLICATE_RECORD,
        [],
        f"{extra:,} rows are exact copies of another row ({groups:,} distinct rows appear more than once).",
        extra,
        None,
        {"duplicate_groups": groups, "rows_in_groups": dup_rows},
        "duplicate_record.exact",
        keys=sample,
    )


def sign_anomalies(ctx: _Context) -> Iterator[Finding]:
    for p in ctx.profiles.values():
        if p.logical_type not in NUMERIC_TYPES or not p.non_null_count or p.negative_count is None:
            continue
        q = quote_duckdb(p.column)
        neg, zero, n = p.negative_count, p.zero_count or 0, p.non_null_count
        if 0 < neg <= ctx.options.rare_share * n:
            yield ctx.finding(
                FindingType.OUT_OF_RANGE,
                [p.column],
                f"{neg:,} values of {p.column} are negative although the other {n - neg:,} are not "
                f"(smallest {p.min}).",
                neg,
                f"{q} < 0",
                {"negative_count": neg, "min": p.min},
                "out_of_range.negative",
            )
        if 0 < zero <= ctx.options.rare_share * n and neg == 0 and not looks_like_identifier(p.column):
            yield ctx.finding(
                FindingType.OUT_OF_RANGE,
                [p.column],
                f"{zero:,} values of {p.column} are zero although every other value is positive.",
                zero,
                f"{q} = 0",
                {"zero_count": zero},
                "out_of_range.zero",
            )


def extreme_outliers(ctx: _Context) -> Iterator[Finding]:
    """Values above the 99th percentile that sit beyond a multiplicative gap from the rest.

    Positive measures (prices, weights) from many categories spread over orders of magnitude, so
    global fences are either too wide or too tight. Genuine tails are continuous; a value entered
    in the wrong unit (x1000) or a sentinel jumps: a gap of `outlier_gap`x between consecutive
    distinct values, above the 99th percentile, separates the outliers from the tail.
    """
    for p in ctx.profiles.values():
        if p.logical_type not in NUMERIC_TYPES or looks_like_identifier(p.column) or not p.quantiles:
            continue
        hi, mx = p.quantiles.get("p99"), p.max
        if not isinstance(hi, int | float) or not isinstance(mx, int | float) or hi <= 0:
            continue
        if mx < hi * ctx.options.outlier_gap:
            continue
        q = quote_duckdb(p.column)
        tail = ctx.drill.run(f"SELECT DISTINCT {q} FROM {REL} WHERE {q} >= {hi!r} ORDER BY {q} LIMIT 5000")
        values = [float(r[0]) for r in tail]
        cut = next(
            (b for a, b in itertools.pairwise(values) if b >= a * ctx.options.outlier_gap),
            None,
        )
        if cut is None:
            continue
        pred = f"{q} >= {cut!r}"
        count = ctx.drill.count_where(pred)
        if not count or count > ctx.options.rare_share * p.non_null_count:
            continue
        below = max(v for v in values if v < cut)
        yield ctx.finding(
            FindingType.OUTLIER_VALUE,
            [p.column],
            f"{count:,} values of {p.column} are at least {cut:,.6g}, over {ctx.options.outlier_gap:g}x the "
            f"next lower value {below:,.6g} (99th percentile {hi:,.6g}; max {mx:,.6g}).",
            count,
            pred,
            {"p99": hi, "gap_from": below, "gap_to": cut, "max": mx},
            "outlier_value.tail_gap",
        )


def time_series(ctx: _Context) -> Iterator[Finding]:
    """Missing days, volume spikes/drops and future timestamps in temporal columns."""
    for p in ctx.profiles.values():
        if p.logical_type not in TEMPORAL_TYPES or not p.non_null_count:
            continue
        yield from _future(ctx, p)
        days = [d for d in p.per_day if d.day <= ctx.options.as_of.date()]
        if len(days) < 7:
            continue
        counts = {d.day: d.count for d in days}
        first, last = days[0].day, days[-1].day
        span = (last - first).days + 1
        if len(days) / span < 0.8:  # sparse dates (birthdays, sign-ups): no daily series to judge
            continue
        yield from _missing_days(ctx, p, counts, first, last)
        yield from _volume(ctx, p, counts)


def _future(ctx: _Context, p: ColumnProfile) -> Iterator[Finding]:
    limit = ctx.options.as_of.replace(tzinfo=None)
    if not isinstance(p.max, str) or p.max[:19] <= limit.isoformat()[:19]:
        return
    q = quote_duckdb(p.column)
    stamp = limit.date().isoformat() if p.logical_type == "date" else limit.isoformat(sep=" ")[:19]
    pred = f"{q} > CAST({sql_literal(stamp)} AS {'DATE' if p.logical_type == 'date' else 'TIMESTAMP'})"
    count = ctx.drill.count_where(pred)
    if count:
        yield ctx.finding(
            FindingType.FUTURE_TIMESTAMP,
            [p.column],
            f"{count:,} values of {p.column} lie in the future (after {stamp}; latest {p.max}).",
            count,
            pred,
            {"as_of": stamp, "max": p.max},
            "future_timestamp.after_now",
        )


def _missing_days(
    ctx: _Context, p: ColumnProfile, counts: dict[date, int], first: date, last: date
) -> Iterator[Finding]:
    """Days with no rows where the days around them are busy: a lost partition, not a quiet day."""
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    missing = []
    for d in span:
        if d in counts:
            continue
        around = [counts.get(d + timedelta(days=k), 0) for k in range(-7, 8) if k]
        # With >= 20 rows expected, an empty day by chance is vanishingly rare even for bursty traffic.
        if statistics.median(around) >= 20:
            missing.append(d)
    if not missing:
        return
    listed = ", ".join(d.isoformat() for d in missing[:10]) + (" …" if len(missing) > 10 else "")
    expected = statistics.median(counts.values())
    yield ctx.finding(
        FindingType.MISSING_PARTITION,
        [p.column],
        f"{len(missing)} day(s) between {first} and {last} have no rows in {p.column}: {listed} "
        f"(a typical day has {expected:,.0f} rows).",
        0,
        None,
        {"missing_days": [d.isoformat() for d in missing], "median_rows_per_day": expected},
        "missing_partition.daily",
        keys=[d.isoformat() for d in missing[:20]],
        key_cols=[p.column],
    )


def _volume(ctx: _Context, p: ColumnProfile, counts: dict[date, int]) -> Iterator[Finding]:
    ordered = sorted(counts)
    inner = ordered[3:-3]  # a series ramps up and down at its ends; judge the steady middle
    if len(inner) < 7:
        return
    logs = {d: math.log(counts[d]) for d in inner}
    med = statistics.median(logs.values())
    mad = statistics.median(abs(v - med) for v in logs.values()) or 1e-9
    odd = [
        d
        for d, v in logs.items()
        if abs(v - med) / (1.4826 * mad) > ctx.options.volume_z and abs(v - med) > math.log(2)
    ]
    if not odd:
        return
    typical = math.exp(med)
    listed = ", ".join(f"{d} ({counts[d]:,})" for d in odd[:10])
    rows = sum(counts[d] for d in odd)
    yield ctx.finding(
        FindingType.VOLUME_ANOMALY,
        [p.column],
        f"{len(odd)} day(s) have an unusual number of rows in {p.column}: {listed}; a typical day has {typical:,.0f}.",
        rows,
        None,
        {"days": {d.isoformat(): counts[d] for d in odd}, "typical_rows_per_day": typical},
        "volume_anomaly.daily",
        keys=[d.isoformat() for d in odd[:20]],
        key_cols=[p.column],
    )


RULES: dict[str, Callable[[_Context], Iterator[Finding]]] = {
    "missing_values": missing_values,
    "constant_columns": constant_columns,
    "duplicate_keys": duplicate_keys,
    "duplicate_records": duplicate_records,
    "sign_anomalies": sign_anomalies,
    "extreme_outliers": extreme_outliers,
    "time_series": time_series,
}


def findings_from_profiles(
    engine: Engine, asset: Asset, profiles: list[ColumnProfile], options: RuleOptions | None = None
) -> list[Finding]:
    """Run every profile rule over one asset."""
    ctx = _Context(engine, asset, profiles, options or RuleOptions())
    out: list[Finding] = []
    for rule in RULES.values():
        out.extend(rule(ctx))
    return out
