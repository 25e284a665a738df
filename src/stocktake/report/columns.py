"""One column of an asset -> its ColumnSection: stats formatted, charts as data.

Reads the schema and (when there is one) the profile; decides what a person sees
about the column and how much of it (caps from ReportOptions).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from stocktake.core.records import (
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    ColumnProfile,
    ColumnSchema,
    Scalar,
    ValueCount,
)
from stocktake.report import tree
from stocktake.report.fmt import fit, fmt_datetime, fmt_int, fmt_num, fmt_pct, fmt_value

if TYPE_CHECKING:
    from stocktake.report.build import ReportOptions


def _value_bars(
    counts: list[ValueCount], total: int, cap: int, options: ReportOptions, mono: bool = False
) -> tree.BarChart | None:
    if not counts:
        return None
    bars = [
        tree.Bar(
            label=fit(fmt_value(vc.value, 200), options.max_label),
            value=vc.count,
            display=f"{fmt_int(vc.count)} · {fmt_pct(vc.count / total)}" if total else fmt_int(vc.count),
            title=fmt_value(vc.value, 200),
        )
        for vc in counts[:cap]
    ]
    return tree.BarChart(bars=bars, left_off=max(len(counts) - cap, 0), mono=mono)


def quantile_rank(key: str) -> float | None:
    """'p50', 'q50', '50%', '50' and '0.5' all mean the median; the key spelling is not pinned."""
    text = key.strip().lower()
    percent = text[:1] in ("p", "q") or text.endswith("%") or "." not in text
    try:
        value = float(text.lstrip("pq").rstrip("%"))
    except ValueError:
        return None
    value = value / 100 if percent else value
    return value if 0 <= value <= 1 else None


def _position(value: Scalar) -> float | None:
    """A number to place a value on an axis: numbers as they are, dates and times as epoch seconds."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return (moment - datetime(1970, 1, 1)).total_seconds()
    return moment.timestamp()


def _measure(profile: ColumnProfile, value: Scalar) -> str:
    """Min, max and quantiles: amounts as 1,234.5, times as 2024-05-01 13:45; others as data."""
    if (
        profile.logical_type in NUMERIC_TYPES
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return fmt_num(value)
    if profile.logical_type in TEMPORAL_TYPES and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return fmt_value(value)
        if profile.logical_type == "date":
            return moment.date().isoformat()
        return fmt_datetime(moment, seconds=bool(moment.second))
    return fmt_value(value)


def _quantiles(profile: ColumnProfile) -> tuple[list[tuple[str, str]], tree.QuantileStrip | None]:
    ranked = sorted(
        (rank, value) for key, value in profile.quantiles.items() if (rank := quantile_rank(key)) is not None
    )
    labelled = [(f"p{rank * 100:02g}", rank, value) for rank, value in ranked]
    table = [(label, _measure(profile, value)) for label, _, value in labelled]
    if profile.logical_type not in NUMERIC_TYPES | TEMPORAL_TYPES or len(labelled) < 2:
        return table, None
    low = _position(profile.min) if profile.min is not None else _position(ranked[0][1])
    high = _position(profile.max) if profile.max is not None else _position(ranked[-1][1])
    points = [(label, rank, _position(value), value) for label, rank, value in labelled]
    if low is None or high is None or any(p is None for _, _, p, _ in points):
        return table, None
    span = high - low
    marks = [
        tree.QuantileMark(
            label=label,
            rank=rank,
            at=min(max((pos - low) / span, 0.0), 1.0) if span > 0 else 0.5,
            display=_measure(profile, value),
        )
        for label, rank, pos, value in points
        if pos is not None
    ]
    low_value = profile.min if profile.min is not None else ranked[0][1]
    high_value = profile.max if profile.max is not None else ranked[-1][1]
    return table, tree.QuantileStrip(
        marks=marks, low=_measure(profile, low_value), high=_measure(profile, high_value)
    )


def _day_chart(profile: ColumnProfile) -> tree.DayChart | None:
    if not profile.per_day:
        return None
    points = sorted((tree.DayCount(day=d.day, count=d.count) for d in profile.per_day), key=lambda p: p.day)
    return tree.DayChart(
        points=points,
        first=points[0].day.isoformat(),
        last=points[-1].day.isoformat(),
        peak=fmt_int(max(p.count for p in points)),
        total=fmt_int(sum(p.count for p in points)),
    )


def _semantic_note(profile: ColumnProfile) -> str:
    """Why the classifier decided: confidence and its top evidence, for a tooltip."""
    if profile.semantic_confidence is None:
        return ""
    return "; ".join([f"confidence {profile.semantic_confidence:.2f}", *profile.semantic_evidence[:4]])


def column_section(
    anchor: str,
    schema: ColumnSchema,
    profile: ColumnProfile | None,
    findings: list[tree.FindingView],
    worst_severity: str | None,
    options: ReportOptions,
) -> tree.ColumnSection:
    base = dict(
        anchor=anchor,
        name=schema.name,
        engine_type=schema.engine_type,
        logical_type=schema.logical_type,
        nullable=schema.nullable,
        findings=len(findings),
        worst_severity=worst_severity,
    )
    if profile is None:
        return tree.ColumnSection(
            **base, semantic_type=None, semantic_note="", pii_kind=None, profiled=False, null_share="", distinct="",
            stats=[], null_like=[], quantiles=[], strip=None, top_values=None, patterns=None,
            patterns_note="", per_day=None,
        )  # fmt: skip
    rows = profile.row_count
    share = (lambda n: fmt_pct(n / rows)) if rows else (lambda _n: "—")
    distinct = "" if profile.distinct_count is None else fmt_int(profile.distinct_count)
    distinct = distinct if profile.distinct_exact or not distinct else f"~{distinct}"
    stats = [tree.Stat("Nulls", fmt_int(profile.null_count), share(profile.null_count))]
    if profile.null_like:
        stats.append(tree.Stat("Null-like", fmt_int(profile.null_like_count), share(profile.null_like_count)))
    if distinct:
        unique = profile.distinct_count == profile.non_null_count and profile.non_null_count > 0
        stats.append(tree.Stat("Distinct", distinct, "unique" if unique else ""))
    if profile.min is not None or profile.max is not None:
        stats += [
            tree.Stat("Min", _measure(profile, profile.min)),
            tree.Stat("Max", _measure(profile, profile.max)),
        ]
    if profile.mean is not None:
        stats.append(tree.Stat("Mean", fmt_num(profile.mean)))
    if profile.std is not None:
        stats.append(tree.Stat("Std", fmt_num(profile.std)))
    if profile.zero_count:
        stats.append(tree.Stat("Zeros", fmt_int(profile.zero_count), share(profile.zero_count)))
    if profile.negative_count:
        stats.append(tree.Stat("Negative", fmt_int(profile.negative_count), share(profile.negative_count)))
    if profile.length_min is not None:
        avg = "" if profile.length_mean is None else f"avg {fmt_num(profile.length_mean)}"
        stats.append(tree.Stat("Length", f"{profile.length_min}–{profile.length_max}", avg))
    quantiles, strip = _quantiles(profile)
    sampled = profile.patterns_sampled_rows
    return tree.ColumnSection(
        **base,
        semantic_type=None if profile.semantic_type == "unknown" else profile.semantic_type,
        semantic_note=_semantic_note(profile),
        pii_kind=profile.pii_kind,
        profiled=True,
        null_share=share(profile.null_count + profile.null_like_count),
        distinct=distinct,
        stats=stats,
        null_like=[(fmt_value(token), fmt_int(n)) for token, n in sorted(profile.null_like.items())],
        quantiles=quantiles,
        strip=strip,
        top_values=_value_bars(profile.top_values, rows, options.max_top_values, options),
        patterns=_value_bars(profile.patterns, sampled or rows, options.max_patterns, options, mono=True),
        patterns_note=f"from a sample of {fmt_int(sampled)} rows" if sampled else "",
        per_day=_day_chart(profile),
    )
