"""What changed between two runs: assets, columns, types, row counts and column metrics.

`diff_runs` compares; `drift_findings` turns the comparison into findings (schema
drift, volume anomalies) with ids that stay the same from run to run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from stocktake.core.records import Asset, ColumnProfile, Finding, RowSet, Run
from stocktake.core.vocab import FindingType, Severity


@dataclass(frozen=True)
class ShiftThresholds:
    """How far a column metric must move before a diff reports it."""

    null_share: float = 0.05  # absolute change of the NULL share (0.05 = five points)
    distinct_ratio: float = 0.5  # relative change of the distinct count
    mean_ratio: float = 0.2  # relative change of the mean


@dataclass(frozen=True)
class Retype:
    column: str
    old_logical: str
    new_logical: str
    old_engine: str
    new_engine: str


@dataclass(frozen=True)
class MetricShift:
    column: str
    metric: str  # null_share, distinct, mean
    old: float
    new: float


@dataclass(frozen=True)
class AssetDiff:
    asset: str
    added_columns: list[str] = field(default_factory=list)
    removed_columns: list[str] = field(default_factory=list)
    retyped: list[Retype] = field(default_factory=list)
    old_rows: int | None = None
    new_rows: int | None = None
    shifts: list[MetricShift] = field(default_factory=list)

    @property
    def row_change(self) -> int | None:
        if self.old_rows is None or self.new_rows is None:
            return None
        return self.new_rows - self.old_rows

    @property
    def row_change_ratio(self) -> float | None:
        """(new - old) / old; inf when rows appeared in an empty asset."""
        change = self.row_change
        if change is None or self.old_rows is None:
            return None
        if self.old_rows == 0:
            return 0.0 if change == 0 else math.inf
        return change / self.old_rows

    @property
    def has_changes(self) -> bool:
        return bool(
            self.added_columns or self.removed_columns or self.retyped or self.shifts or self.row_change
        )


@dataclass(frozen=True)
class RunDiff:
    old_run: str
    new_run: str
    new_assets: list[Asset] = field(default_factory=list)
    dropped_assets: list[Asset] = field(default_factory=list)
    changed: list[AssetDiff] = field(default_factory=list)  # assets in both runs that changed

    @property
    def has_changes(self) -> bool:
        return bool(self.new_assets or self.dropped_assets or self.changed)


def diff_runs(old: Run, new: Run, thresholds: ShiftThresholds | None = None) -> RunDiff:
    limits = thresholds or ShiftThresholds()
    old_assets = {a.id: a for a in old.assets}
    new_assets = {a.id: a for a in new.assets}
    old_profiles = _profiles_by_asset(old)
    new_profiles = _profiles_by_asset(new)
    changed = []
    for asset_id, after in new_assets.items():
        before = old_assets.get(asset_id)
        if before is None:
            continue
        diff = _diff_asset(
            before, after, old_profiles.get(asset_id, {}), new_profiles.get(asset_id, {}), limits
        )
        if diff.has_changes:
            changed.append(diff)
    return RunDiff(
        old_run=old.id,
        new_run=new.id,
        new_assets=[a for a_id, a in new_assets.items() if a_id not in old_assets],
        dropped_assets=[a for a_id, a in old_assets.items() if a_id not in new_assets],
        changed=changed,
    )


def _profiles_by_asset(run: Run) -> dict[str, dict[str, ColumnProfile]]:
    grouped: dict[str, dict[str, ColumnProfile]] = {}
    for p in run.profiles:
        grouped.setdefault(p.asset, {})[p.column] = p
    return grouped


def _diff_asset(
    before: Asset,
    after: Asset,
    old_profiles: dict[str, ColumnProfile],
    new_profiles: dict[str, ColumnProfile],
    limits: ShiftThresholds,
) -> AssetDiff:
    old_cols = {c.name: c for c in before.columns}
    new_cols = {c.name: c for c in after.columns}
    retyped = [
        Retype(
            name, old_cols[name].logical_type, col.logical_type, old_cols[name].engine_type, col.engine_type
        )
        for name, col in new_cols.items()
        if name in old_cols
        and (old_cols[name].logical_type != col.logical_type or old_cols[name].engine_type != col.engine_type)
    ]
    shifts = []
    for name in new_cols:
        if name in old_profiles and name in new_profiles:
            shifts.extend(_metric_shifts(old_profiles[name], new_profiles[name], limits))
    return AssetDiff(
        asset=after.id,
        added_columns=[name for name in new_cols if name not in old_cols],
        removed_columns=[name for name in old_cols if name not in new_cols],
        retyped=retyped,
        old_rows=before.row_count,
        new_rows=after.row_count,
        shifts=shifts,
    )


def null_share(profile: ColumnProfile) -> float | None:
    """NULLs and null-like tokens as a share of the rows."""
    if not profile.row_count:
        return None
    return (profile.null_count + profile.null_like_count) / profile.row_count


def _metric_shifts(old: ColumnProfile, new: ColumnProfile, limits: ShiftThresholds) -> list[MetricShift]:
    shifts = []
    old_null, new_null = null_share(old), null_share(new)
    if old_null is not None and new_null is not None and abs(new_null - old_null) > limits.null_share:
        shifts.append(MetricShift(new.column, "null_share", old_null, new_null))
    pairs = (
        ("distinct", old.distinct_count, new.distinct_count, limits.distinct_ratio),
        ("mean", old.mean, new.mean, limits.mean_ratio),
    )
    for metric, before, after, limit in pairs:
        if before is not None and after is not None and _relative_change(before, after) > limit:
            shifts.append(MetricShift(new.column, metric, before, after))
    return shifts


def _relative_change(old: float, new: float) -> float:
    if old == 0:
        return 0.0 if new == 0 else math.inf
    return abs(new - old) / abs(old)


# -- findings ----------------------------------------------------------------------------------------


def drift_findings(diff: RunDiff, volume_threshold: float = 0.5) -> list[Finding]:
    """Schema drift for dropped assets and added, removed or retyped columns; volume anomalies for
    row counts that moved by at least `volume_threshold` (0.5 = half) either way."""
    since = f"since run {diff.old_run}"
    findings = []
    for asset in diff.dropped_assets:
        rows = asset.row_count or 0
        findings.append(
            history_finding(
                FindingType.SCHEMA_DRIFT,
                asset.id,
                [],
                "schema_drift.dropped_asset",
                f"{asset.id} ({rows:,} rows) is gone {since}.",
                Severity.ERROR,
                rows,
                1.0,
                {"old_run": diff.old_run, "new_run": diff.new_run, "old_rows": asset.row_count},
                score=0.9,
            )
        )
    for change in diff.changed:
        findings.extend(_column_findings(change, diff))
        volume = _volume_finding(change, diff, volume_threshold)
        if volume is not None:
            findings.append(volume)
    return findings


def _column_findings(change: AssetDiff, diff: RunDiff) -> list[Finding]:
    rows = change.new_rows or 0
    runs = {"old_run": diff.old_run, "new_run": diff.new_run}
    since = f"since run {diff.old_run}"
    findings = []
    for name in change.removed_columns:
        findings.append(
            history_finding(
                FindingType.SCHEMA_DRIFT,
                change.asset,
                [name],
                "schema_drift.removed_column",
                f"column {name} of {change.asset} was removed {since}.",
                Severity.ERROR,
                rows,
                1.0,
                runs,
                score=0.8,
            )
        )
    for retype in change.retyped:
        findings.append(
            history_finding(
                FindingType.SCHEMA_DRIFT,
                change.asset,
                [retype.column],
                "schema_drift.retyped_column",
                f"column {retype.column} of {change.asset} changed type from {retype.old_logical} "
                f"({retype.old_engine}) to {retype.new_logical} ({retype.new_engine}) {since}.",
                Severity.WARNING,
                rows,
                1.0,
                {**runs, "old_type": retype.old_engine, "new_type": retype.new_engine},
                score=0.7,
            )
        )
    for name in change.added_columns:
        findings.append(
            history_finding(
                FindingType.SCHEMA_DRIFT,
                change.asset,
                [name],
                "schema_drift.added_column",
                f"column {name} of {change.asset} is new {since}.",
                Severity.INFO,
                rows,
                1.0,
                runs,
                score=0.3,
            )
        )
    return findings


def _volume_finding(change: AssetDiff, diff: RunDiff, threshold: float) -> Finding | None:
    ratio = change.row_change_ratio
    if ratio is None or abs(ratio) < threshold:
        return None
    old, new = change.old_rows or 0, change.new_rows or 0
    moved = abs(new - old)
    verb = "fell" if new < old else "rose"
    pct = "from none" if math.isinf(ratio) else f"{ratio:+.0%}"
    return history_finding(
        FindingType.VOLUME_ANOMALY,
        change.asset,
        [],
        "volume_anomaly.row_count_change",
        f"row count of {change.asset} {verb} from {old:,} to {new:,} ({pct}) since run {diff.old_run}.",
        Severity.ERROR if new < old else Severity.WARNING,
        moved,
        moved / max(old, new),
        {
            "old_run": diff.old_run,
            "new_run": diff.new_run,
            "old_rows": old,
            "new_rows": new,
            "change_ratio": None if math.isinf(ratio) else round(ratio, 4),
        },
        score=round(min(1.0, 0.5 + 0.5 * min(abs(ratio), 1.0)), 4),
    )


def history_finding(
    type_: FindingType,
    asset: str,
    columns: list[str],
    check: str,
    reason: str,
    severity: Severity,
    rows: int,
    share: float,
    evidence: dict[str, object],
    score: float,
) -> Finding:
    """A finding from comparing runs: whole-asset or column level, no sample keys or predicate."""
    return Finding.raised(
        asset=asset,
        columns=columns,
        type=type_,
        severity=severity,
        reason=reason,
        rows=RowSet(count=rows, share=share),
        evidence=evidence,
        score=score,
        check=check,
    )
