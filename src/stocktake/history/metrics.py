"""A metric's history from the catalog, one point per run, and the latest run's daily counts.

Metrics: `row_count`, `null_share:<column>`, `distinct:<column>`, `mean:<column>`,
`freshness[:<column>]` (the newest timestamp, as POSIX seconds) and
`per_day[:<column>]` (rows per day of a date column, from the latest run only).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from stocktake.core.errors import CatalogError, UsageError
from stocktake.core.records import TEMPORAL_TYPES, ColumnProfile, DayCount
from stocktake.history.anomalies import (
    AbsoluteChange,
    OnlineNormal,
    RelativeRateOfChange,
    SeasonalHoltWinters,
    Strategy,
)
from stocktake.history.diff import null_share

if TYPE_CHECKING:
    from stocktake.catalog import Catalog

RUN_METRICS = ("row_count", "null_share", "distinct", "mean", "freshness")
COLUMN_METRICS = frozenset({"null_share", "distinct", "mean"})
DAILY_METRIC = "per_day"


class MetricPoint(NamedTuple):
    run_id: str
    started_at: datetime
    value: float | None  # None: the run did not see the asset's column, or had no value


def parse_metric(metric: str) -> tuple[str, str | None]:
    """'null_share:email' -> ('null_share', 'email'); a bad name is a usage error."""
    name, _, column = metric.partition(":")
    known = (*RUN_METRICS, DAILY_METRIC)
    if name not in known:
        raise UsageError(f"unknown metric {metric!r}; use one of {', '.join(known)} (e.g. null_share:email)")
    if name in COLUMN_METRICS and not column:
        raise UsageError(f"metric {name} needs a column: {name}:<column>")
    if name == "row_count" and column:
        raise UsageError("metric row_count takes no column")
    return name, column or None


def metric_history(catalog: Catalog, asset_ref: str, metric: str) -> list[MetricPoint]:
    """One point per run that saw the asset, oldest run first."""
    name, column = parse_metric(metric)
    if name == DAILY_METRIC:
        raise UsageError("per_day is one run's series: use daily_counts()")
    versions = catalog.asset_history(asset_ref)
    if name == "row_count":
        return [MetricPoint(v.run_id, v.started_at, _maybe_float(v.asset.row_count)) for v in versions]
    if column is not None and not any(column in {c.name for c in v.asset.columns} for v in versions):
        raise CatalogError(f"no column {column!r} in {versions[-1].asset.id} in any run")
    points = []
    for v in versions:
        _, profiles, _ = catalog.get_asset(v.asset.id, v.run_id)
        points.append(MetricPoint(v.run_id, v.started_at, _value(name, column, profiles)))
    return points


def daily_counts(catalog: Catalog, asset_ref: str, column: str | None = None) -> list[DayCount]:
    """Rows per day of a date column in the latest run that saw the asset, missing days as 0.

    Without a column: the first column that has per-day counts."""
    versions = catalog.asset_history(asset_ref)
    latest = versions[-1]
    _, profiles, _ = catalog.get_asset(latest.asset.id, latest.run_id)
    with_days = [p for p in profiles if p.per_day]
    if column is not None:
        with_days = [p for p in with_days if p.column == column]
    if not with_days:
        which = f"column {column!r}" if column else "no column"
        raise CatalogError(f"{which} of {latest.asset.id} has per-day counts in run {latest.run_id}")
    counts = {d.day: d.count for d in with_days[0].per_day}
    first, last = min(counts), max(counts)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [DayCount(day=day, count=counts.get(day, 0)) for day in days]


def strategies_for(metric: str) -> list[Strategy]:
    """The strategies that suit a metric: what counts as unusual differs by what is measured."""
    name, _ = parse_metric(metric)
    if name == DAILY_METRIC:
        return [SeasonalHoltWinters(period=7)]
    if name == "freshness":
        # The newest timestamp may stand still between scans; going backwards is the anomaly.
        return [AbsoluteChange(max_decrease=0.0)]
    if name == "null_share":
        return [OnlineNormal(min_std_share=0.05)]
    return [RelativeRateOfChange(max_ratio_up=2.0, max_ratio_down=0.5), OnlineNormal()]


def _value(name: str, column: str | None, profiles: list[ColumnProfile]) -> float | None:
    if name == "freshness":
        return _newest(profiles, column)
    profile = next((p for p in profiles if p.column == column), None)
    if profile is None:
        return None
    if name == "null_share":
        return null_share(profile)
    if name == "distinct":
        return _maybe_float(profile.distinct_count)
    return profile.mean


def _newest(profiles: list[ColumnProfile], column: str | None) -> float | None:
    newest = newest_timestamp(profiles, column)
    return newest.timestamp() if newest else None


def newest_timestamp(profiles: list[ColumnProfile], column: str | None = None) -> datetime | None:
    """The newest value of the asset's time columns (or of one): how fresh its data is."""
    moments = [
        moment
        for p in profiles
        if p.logical_type in TEMPORAL_TYPES and (column is None or p.column == column)
        if (moment := _as_moment(p.max)) is not None
    ]
    return max(moments) if moments else None


def _as_moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    # Naive timestamps are taken to be UTC, as the catalog does.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _maybe_float(value: int | None) -> float | None:
    return None if value is None else float(value)
