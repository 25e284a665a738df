"""Run history: what changed between runs, metric series over runs, and anomalies in them."""

from __future__ import annotations

from stocktake.history.anomalies import (
    AbsoluteChange,
    Anomaly,
    OnlineNormal,
    RelativeRateOfChange,
    SeasonalHoltWinters,
    Strategy,
    detect_all,
)
from stocktake.history.diff import AssetDiff, RunDiff, ShiftThresholds, diff_runs, drift_findings
from stocktake.history.metrics import MetricPoint, daily_counts, metric_history, strategies_for
from stocktake.history.since_last import HistoryComparison, compare_with_history

__all__ = [
    "AbsoluteChange",
    "Anomaly",
    "AssetDiff",
    "HistoryComparison",
    "MetricPoint",
    "OnlineNormal",
    "RelativeRateOfChange",
    "RunDiff",
    "SeasonalHoltWinters",
    "ShiftThresholds",
    "Strategy",
    "compare_with_history",
    "daily_counts",
    "detect_all",
    "diff_runs",
    "drift_findings",
    "metric_history",
    "strategies_for",
]
