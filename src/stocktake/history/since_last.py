"""A new run against the catalog's history: drift since the last comparable run, anomalies over all runs.

`compare_with_history` is called by `scan` before the run is saved. It finds the latest run over
the same sources (runs over other sources are not compared: their assets would all look new or
dropped), diffs against it (schema drift, big row-count moves), and runs the anomaly strategies
over each asset's row counts and each column's null share across every earlier run plus this one,
so a slow slide the one-step diff misses is still caught once the history is long enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stocktake.core.records import Finding, Run
from stocktake.core.vocab import FindingType, Severity
from stocktake.history.anomalies import Anomaly, OnlineNormal, RelativeRateOfChange, detect_all
from stocktake.history.diff import RunDiff, diff_runs, drift_findings, history_finding, null_share
from stocktake.history.metrics import MetricPoint

if TYPE_CHECKING:
    from stocktake.catalog import Catalog

ROW_COUNT_CHECK = "volume_anomaly.row_count_history"
NULL_SHARE_CHECK = "missing_values.null_share_history"
HISTORY_SCORE = 0.6  # an anomaly against the asset's own history: worth a look, not proof


@dataclass
class HistoryComparison:
    previous_run: str | None = None
    diff: RunDiff | None = None
    findings: list[Finding] = field(default_factory=list)
    # asset id -> one point per run that saw it over the same sources, oldest first, this run last
    row_counts: dict[str, list[MetricPoint]] = field(default_factory=dict)


def compare_with_history(catalog: Catalog, run: Run) -> HistoryComparison:
    uris = sorted(s.uri for s in run.sources)
    comparable = [s for s in catalog.list_runs() if sorted(x.uri for x in s.sources) == uris]
    if not comparable:
        return HistoryComparison(row_counts=_row_counts([], run))
    newest = comparable[0]  # list_runs is newest first
    diff = diff_runs(catalog.get_run(newest.id), run)
    findings = drift_findings(diff)
    # Oldest first; a long history is read once per run, not once per asset.
    earlier = [catalog.get_run(s.id) for s in reversed(comparable[:_MAX_HISTORY])]
    row_counts = _row_counts(earlier, run)
    flagged_by_diff = {f.asset for f in findings if f.type == FindingType.VOLUME_ANOMALY}
    findings += _row_count_anomalies(row_counts, flagged_by_diff)
    findings += _null_share_anomalies(earlier, run)
    return HistoryComparison(newest.id, diff, findings, row_counts)


# Enough runs for a weekly season twice over; older runs change little in a z-score.
_MAX_HISTORY = 60


def _row_counts(earlier: list[Run], run: Run) -> dict[str, list[MetricPoint]]:
    series: dict[str, list[MetricPoint]] = {a.id: [] for a in run.assets}
    for past in [*earlier, run]:
        for asset in past.assets:
            if asset.id in series:
                value = None if asset.row_count is None else float(asset.row_count)
                series[asset.id].append(MetricPoint(past.id, past.started_at, value))
    return series


def _latest_anomaly(values: list[float | None], strategies: list) -> Anomaly | None:
    """The anomaly at the newest point, if any strategy sees one there."""
    if len(values) < 2 or values[-1] is None:
        return None
    found = detect_all(values, strategies).get(len(values) - 1)
    return found[0] if found else None


def _row_count_anomalies(row_counts: dict[str, list[MetricPoint]], skip: set[str]) -> list[Finding]:
    # The diff already reports a one-step move of half or more; these strategies catch the rest:
    # a drop to well below the run-over-run trend once enough runs exist to know the trend.
    strategies = [RelativeRateOfChange(max_ratio_up=2.0, max_ratio_down=0.5), OnlineNormal()]
    findings = []
    for asset, points in row_counts.items():
        if asset in skip:
            continue
        anomaly = _latest_anomaly([p.value for p in points], strategies)
        if anomaly is None:
            continue
        old, new = points[-2].value or 0.0, points[-1].value or 0.0
        moved = int(abs(new - old))
        reason = f"row count of {asset} is {int(new):,} over {len(points)} runs: {anomaly.reason}."
        findings.append(
            history_finding(
                FindingType.VOLUME_ANOMALY,
                asset,
                [],
                ROW_COUNT_CHECK,
                reason,
                Severity.WARNING,
                moved,
                moved / max(old, new, 1.0),
                {"runs": [p.run_id for p in points[-10:]], "row_counts": [p.value for p in points[-10:]]},
                HISTORY_SCORE,
            )
        )
    return findings


def _null_share_anomalies(earlier: list[Run], run: Run) -> list[Finding]:
    """A column whose share of NULLs jumps out of its own history (OnlineNormal, after warm-up)."""
    series: dict[tuple[str, str], list[float | None]] = {(p.asset, p.column): [] for p in run.profiles}
    for past in [*earlier, run]:
        seen = {(p.asset, p.column): null_share(p) for p in past.profiles}
        for key, values in series.items():
            values.append(seen.get(key))
    rows = {a.id: a.row_count or 0 for a in run.assets}
    strategies = [OnlineNormal(min_std_share=0.05)]
    findings = []
    for (asset, column), values in series.items():
        anomaly = _latest_anomaly(values, strategies)
        if anomaly is None or values[-1] is None:
            continue
        share = values[-1]
        findings.append(
            history_finding(
                FindingType.MISSING_VALUES,
                asset,
                [column],
                NULL_SHARE_CHECK,
                f"share of NULLs in {column} of {asset} is {share:.1%} over {len(values)} runs: {anomaly.reason}.",
                Severity.WARNING,
                int(share * rows.get(asset, 0)),
                share,
                {"null_shares": [None if v is None else round(v, 4) for v in values[-10:]]},
                HISTORY_SCORE,
            )
        )
    return findings
