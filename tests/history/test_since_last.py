"""compare_with_history: drift against the last comparable run, anomalies over all runs, in the catalog."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stocktake.catalog import Catalog
from stocktake.core.records import Asset, ColumnProfile, ColumnSchema, Run, Source
from stocktake.core.vocab import FindingType
from stocktake.history import compare_with_history
from stocktake.history.since_last import NULL_SHARE_CHECK, ROW_COUNT_CHECK

SOURCE = Source(name="shop", kind="files", uri="/data/shop")
OTHER = Source(name="lake", kind="files", uri="/data/lake")


def _run(n: int, rows: int, nulls: int = 10, source: Source = SOURCE) -> Run:
    asset = Asset(
        id="shop/orders", name="orders", source="shop", format="csv", location="/data/shop/orders.csv",
        row_count=rows, columns=[ColumnSchema(name="city", engine_type="VARCHAR", logical_type="string")],
    )  # fmt: skip
    profile = ColumnProfile(
        asset=asset.id, column="city", logical_type="string", engine_type="VARCHAR",
        row_count=rows, null_count=nulls, distinct_count=rows // 2,
    )  # fmt: skip
    return Run(
        id=f"run-{n:02d}", started_at=datetime(2024, 5, 1, tzinfo=UTC) + timedelta(days=n),
        sources=[source], code_version="test", assets=[asset], profiles=[profile],
    )  # fmt: skip


def _catalog(tmp_path, runs: list[Run]) -> Catalog:
    catalog = Catalog(str(tmp_path / "catalog.db"))
    for run in runs:
        catalog.save_run(run)
    return catalog


def test_first_run_has_no_comparison(tmp_path):
    result = compare_with_history(_catalog(tmp_path, []), _run(0, 1000))
    assert result.previous_run is None and result.findings == []
    assert [p.value for p in result.row_counts["shop/orders"]] == [1000.0]


def test_runs_over_other_sources_are_not_compared(tmp_path):
    catalog = _catalog(tmp_path, [_run(0, 1000, source=OTHER)])
    result = compare_with_history(catalog, _run(1, 100))
    assert result.previous_run is None and result.findings == []


def test_slow_slide_missed_by_the_one_step_diff_is_caught_over_history(tmp_path):
    # Twelve runs of steady growth, then a 30% drop: under the diff's 50% step, far outside the history.
    history = [_run(n, 10_000 + 50 * n) for n in range(12)]
    catalog = _catalog(tmp_path, history)
    result = compare_with_history(catalog, _run(12, 7_000))
    assert result.previous_run == "run-11"
    (finding,) = [f for f in result.findings if f.type == FindingType.VOLUME_ANOMALY]
    assert finding.check == ROW_COUNT_CHECK and "σ" in finding.reason
    assert [p.value for p in result.row_counts["shop/orders"]][-2:] == [10_550.0, 7_000.0]


def test_normal_growth_raises_nothing(tmp_path):
    catalog = _catalog(tmp_path, [_run(n, 10_000 + 50 * n) for n in range(12)])
    assert compare_with_history(catalog, _run(12, 10_600)).findings == []


def test_a_halving_is_reported_once_by_the_diff(tmp_path):
    catalog = _catalog(tmp_path, [_run(n, 10_000) for n in range(3)])
    result = compare_with_history(catalog, _run(3, 3_000))
    volume = [f for f in result.findings if f.type == FindingType.VOLUME_ANOMALY]
    assert [f.check for f in volume] == ["volume_anomaly.row_count_change"]


def test_null_share_jump_after_warm_up(tmp_path):
    catalog = _catalog(tmp_path, [_run(n, 10_000, nulls=100 + n) for n in range(10)])
    result = compare_with_history(catalog, _run(10, 10_000, nulls=2_500))
    (finding,) = [f for f in result.findings if f.check == NULL_SHARE_CHECK]
    assert finding.type == FindingType.MISSING_VALUES and finding.columns == ["city"]
    assert "25.0%" in finding.reason
