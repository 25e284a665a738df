"""diff_runs and drift_findings on two hand-built runs."""

from __future__ import annotations

from datetime import UTC, datetime

from stocktake.core.records import Asset, ColumnProfile, ColumnSchema, Finding, Run
from stocktake.core.vocab import FindingType
from stocktake.history import diff_runs, drift_findings


def _asset(name: str, rows: int, columns: dict[str, tuple[str, str]]) -> Asset:
    return Asset(
        id=f"shop/{name}",
        name=name,
        source="shop",
        format="csv",
        location=f"/data/{name}.csv",
        row_count=rows,
        columns=[ColumnSchema(name=c, engine_type=e, logical_type=t) for c, (t, e) in columns.items()],
    )


def _profile(asset: str, column: str, rows: int, nulls: int, mean: float | None = None) -> ColumnProfile:
    return ColumnProfile(
        asset=asset,
        column=column,
        logical_type="float" if mean is not None else "string",
        engine_type="DOUBLE" if mean is not None else "VARCHAR",
        row_count=rows,
        null_count=nulls,
        distinct_count=rows - nulls,
        mean=mean,
    )


def _run(run_id: str, day: int, assets: list[Asset], profiles: list[ColumnProfile]) -> Run:
    return Run(
        id=run_id,
        started_at=datetime(2024, 5, day, tzinfo=UTC),
        code_version="test",
        assets=assets,
        profiles=profiles,
    )


ORDER_COLUMNS = {
    "order_id": ("integer", "BIGINT"),
    "price": ("float", "DOUBLE"),
    "city": ("string", "VARCHAR"),
}


def _runs() -> tuple[Run, Run]:
    old = _run(
        "run-a",
        1,
        [_asset("orders", 1000, ORDER_COLUMNS), _asset("customers", 50, {"id": ("integer", "BIGINT")})],
        [_profile("shop/orders", "price", 1000, 0, mean=20.0)],
    )
    changed_columns = {"order_id": ("string", "VARCHAR"), "price": ("float", "DOUBLE")}  # city dropped
    new = _run(
        "run-b",
        2,
        [
            _asset("orders", 400, changed_columns),
            _asset("customers", 50, {"id": ("integer", "BIGINT")}),
            _asset("refunds", 7, {"id": ("integer", "BIGINT")}),
        ],
        [_profile("shop/orders", "price", 400, 100, mean=31.0)],
    )
    return old, new


def test_diff_finds_assets_columns_types_rows_and_shifts():
    diff = diff_runs(*_runs())
    assert [a.id for a in diff.new_assets] == ["shop/refunds"]
    assert diff.dropped_assets == []
    (orders,) = diff.changed  # customers did not change
    assert orders.asset == "shop/orders"
    assert orders.removed_columns == ["city"] and orders.added_columns == []
    (retype,) = orders.retyped
    assert (retype.column, retype.old_logical, retype.new_logical) == ("order_id", "integer", "string")
    assert orders.row_change == -600 and orders.row_change_ratio == -0.6
    shifted = {(s.column, s.metric) for s in orders.shifts}
    assert shifted == {("price", "null_share"), ("price", "distinct"), ("price", "mean")}
    assert any(s.metric == "null_share" and s.new == 0.25 for s in orders.shifts)


def test_drift_findings_name_the_change_with_both_numbers():
    old, new = _runs()
    findings = drift_findings(diff_runs(old, new))
    by_check = {f.check: f for f in findings}
    assert set(by_check) == {
        "schema_drift.removed_column",
        "schema_drift.retyped_column",
        "volume_anomaly.row_count_change",
    }
    removed = by_check["schema_drift.removed_column"]
    assert removed.type == FindingType.SCHEMA_DRIFT and removed.columns == ["city"]
    retyped = by_check["schema_drift.retyped_column"]
    assert "integer" in retyped.reason and "string" in retyped.reason
    volume = by_check["volume_anomaly.row_count_change"]
    assert volume.type == FindingType.VOLUME_ANOMALY
    assert "1,000" in volume.reason and "400" in volume.reason and "-60%" in volume.reason
    assert volume.rows.count == 600 and volume.evidence["change_ratio"] == -0.6
    # Stable ids: the same change found again gets the same id.
    assert volume.id == Finding.make_id("shop/orders", [], FindingType.VOLUME_ANOMALY, volume.check)
    assert [f.id for f in drift_findings(diff_runs(old, new))] == [f.id for f in findings]


def test_dropped_asset_and_added_column_are_schema_drift():
    old, new = _runs()
    findings = drift_findings(diff_runs(new, old))  # backwards: refunds dropped, city added
    checks = {(f.check, f.asset, tuple(f.columns)) for f in findings}
    assert ("schema_drift.dropped_asset", "shop/refunds", ()) in checks
    assert ("schema_drift.added_column", "shop/orders", ("city",)) in checks
    volume = next(f for f in findings if f.type == FindingType.VOLUME_ANOMALY)
    assert "rose from 400 to 1,000 (+150%)" in volume.reason


def test_small_row_change_is_no_finding_and_same_run_is_no_diff():
    old, _ = _runs()
    assert not diff_runs(old, old).has_changes
    slightly = old.model_copy(deep=True)
    slightly.assets[0].row_count = 1200  # +20%
    findings = drift_findings(diff_runs(old, slightly))
    assert findings == []
