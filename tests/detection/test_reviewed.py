"""Inside scan: an asset with reviewed cells gets the cell detector, trained on those verdicts."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="needs the [detect] extra")

from stocktake.catalog import Catalog
from stocktake.core.records import Asset, ColumnSchema, Finding, RowSet, Run
from stocktake.core.vocab import FindingType, Severity
from stocktake.detection.reviewed import CHECK, ReviewedLabels, detect_from_labels
from stocktake.detection.table import StringTable
from stocktake.pipeline import ScanOptions, scan
from stocktake.review.cells import (
    AssetLabels,
    CellLabel,
    asset_cell_target,
    cell_target,
    review_labels,
    split_cell_target,
)
from stocktake.review.rows import row_target

CITIES = ["springfield", "riverton", "lakeside", "hillview"]


def _stores(n: int = 120, seed: int = 3) -> tuple[list[list[object]], set[int]]:
    """Rows (key, store, city, zip): city follows store; some cities carry a one-letter typo."""
    rng = random.Random(seed)
    rows, wrong = [], set()
    for i in range(n):
        city = CITIES[i % 4]
        if rng.random() < 0.08:
            k = rng.randrange(len(city))
            city = city[:k] + "x" + city[k + 1 :]
            wrong.add(i + 1)
        rows.append([i + 1, f"store {i % 4}", city, f"{62701 + i % 4}"])
    return rows, wrong


def test_cell_target_round_trips_keys_and_columns_with_colons():
    target = cell_target("00a6b9bd3c089de4", [151012, "a:b"], "time: local")
    assert split_cell_target(target) == ("00a6b9bd3c089de4", '[151012,"a:b"]', "time: local")
    assert split_cell_target(row_target("00a6b9bd3c089de4", 7)) is None
    assert split_cell_target("00a6b9bd3c089de4:cell:[1,") is None


def test_reviewed_labels_never_leave_the_reviewed_columns():
    rows, wrong = _stores()
    table = StringTable(["key", "store", "city", "zip"], [[str(v) for v in r] for r in rows])
    first_wrong = sorted(wrong)[:3]
    known = {(k - 1, 2): 1 for k in first_wrong} | {(r, 2): 0 for r in range(8) if r + 1 not in wrong}
    result = detect_from_labels(table, ReviewedLabels(known))
    assert {c.column for c in result.cells} == {"city"}
    assert {c.row + 1 for c in result.cells} == wrong


def test_scan_flags_unreviewed_cells_like_the_ones_people_marked_wrong(tmp_path: Path):
    rows, wrong = _stores()
    data = tmp_path / "data"
    data.mkdir()
    with (data / "stores.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["store_key", "store", "city", "zip"])
        writer.writerows(rows)
    options = ScanOptions(relationships=False, suggest=False)
    first = scan([str(data)], options)
    assert not [f for f in first.findings if f.check == CHECK]  # nothing reviewed, nothing learned
    asset = first.assets[0].id
    with Catalog(str(tmp_path / "catalog.db")) as catalog:
        catalog.save_run(first)
        confirmed = sorted(wrong)[:3]
        for key in confirmed:
            catalog.record_verdict(asset_cell_target(asset, key, "city"), "confirmed")
        for key in [k for k in range(1, 10) if k not in wrong][:6]:
            catalog.record_verdict(asset_cell_target(asset, key, "city"), "rejected")
        labels = review_labels(catalog)
    assert len(labels[asset].cells) == 9
    second = scan([str(data)], ScanOptions(relationships=False, suggest=False, review_labels=labels))
    found = [f for f in second.findings if f.check == CHECK]
    assert len(found) == 1 and found[0].columns == ["city"], second.errors
    finding = found[0]
    assert finding.type == "outlier_value" and finding.asset == asset
    flagged = {cell["key"] for cell in finding.evidence["cells"]}
    assert flagged == wrong - set(confirmed)  # every unreviewed typo, nothing else
    assert all("one character from" in cell["explanation"] for cell in finding.evidence["cells"])
    # Its id is the one the verdicts named, so verdicts on its cells feed the next scan.
    assert split_cell_target(asset_cell_target(asset, 1, "city"))[0] == finding.id


def _run_with(findings: list[Finding]) -> Run:
    asset = Asset(
        id="shop/stores",
        name="stores",
        source="shop",
        format="table",
        location="stores.csv",
        columns=[ColumnSchema(name=c, engine_type="TEXT", logical_type="string") for c in ("k", "a", "b")],
        row_count=10,
    )
    return Run(
        id="20261128T000000-aaaaaa",
        started_at=datetime(2026, 11, 28, tzinfo=UTC),
        code_version="test",
        assets=[asset],
        findings=findings,
    )


def _finding(columns: list[str]) -> Finding:
    return Finding.raised(
        asset="shop/stores",
        columns=columns,
        type=FindingType.OUTLIER_VALUE,
        check="test:" + ",".join(columns),
        severity=Severity.WARNING,
        reason="test",
        rows=RowSet(count=2, share=0.2, key_columns=["k"], keys=[1, 2]),
        score=0.5,
    )


def test_row_verdicts_label_cells_only_where_the_column_is_certain(tmp_path: Path):
    one, wide = _finding(["a"]), _finding(["a", "b"])
    with Catalog(str(tmp_path / "catalog.db")) as catalog:
        catalog.save_run(_run_with([one, wide]))
        catalog.record_verdict(row_target(one.id, 1), "confirmed")  # one column: that cell is wrong
        catalog.record_verdict(row_target(wide.id, 2), "rejected")  # every column of the row is fine
        catalog.record_verdict(row_target(wide.id, 1), "confirmed")  # which column? not a label
        catalog.record_verdict(cell_target(wide.id, 2, "b"), "confirmed")  # a cell verdict overrides
        labels = review_labels(catalog)["shop/stores"]
    assert labels.key_columns == ["k"]
    assert {(c.key, c.column, c.erroneous) for c in labels.cells} == {
        ("1", "a", True),
        ("2", "a", False),
        ("2", "b", True),
    }


def test_verdicts_keyed_by_a_column_that_is_not_unique_teach_nothing(tmp_path: Path):
    rows, _ = _stores()
    data = tmp_path / "data"
    data.mkdir()
    with (data / "stores.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["store_key", "store", "city", "zip"])
        writer.writerows(rows)
    # "store 0" names 30 rows: a verdict on it judges the store, not one city cell.
    cells = [CellLabel(f'"store {k}"', "city", k == 0) for k in range(4)] * 2
    labels = {"data/stores": AssetLabels(["store"], cells)}
    run = scan([str(data)], ScanOptions(relationships=False, suggest=False, review_labels=labels))
    assert run.assets[0].id == "data/stores" and not run.errors
    assert not [f for f in run.findings if f.check == CHECK]
