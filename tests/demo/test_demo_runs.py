"""Issue 4: `stocktake demo --runs 3` builds a history whose last run reports the planted volume drop
and schema change, and the report says what changed and draws row counts over runs."""

from __future__ import annotations

import json
import re

import pytest

from stocktake.cli import main
from stocktake.demo.history import DRIFT_TABLE, VOLUME_DROP_TABLE
from stocktake.history.since_last import NULL_SHARE_CHECK, ROW_COUNT_CHECK
from stocktake.report.html import page_text

# Checks that compare with earlier runs (history/diff.py, history/since_last.py).
HISTORY_CHECKS = {
    "schema_drift.added_column",
    "schema_drift.removed_column",
    "schema_drift.retyped_column",
    "schema_drift.dropped_asset",
    "volume_anomaly.row_count_change",
    ROW_COUNT_CHECK,
    NULL_SHARE_CHECK,
}


def test_three_runs_report_the_planted_drop_and_schema_change(tmp_path, capsys):
    argv = [
        "--catalog",
        str(tmp_path / "c.db"),
        "demo",
        "--runs",
        "3",
        "--rows",
        "5000",
        "--out",
        str(tmp_path / "e"),
    ]
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    report = tmp_path / "e" / "report"
    findings = json.loads((report / "findings.json").read_text())["findings"]
    by_asset = {}
    for f in findings:
        by_asset.setdefault(f["asset"].rsplit("/", 1)[-1].removeprefix("main."), []).append(f)
    volume = [f for f in by_asset[VOLUME_DROP_TABLE] if f["type"] == "volume_anomaly"]
    assert len(volume) == 1 and "fell from" in volume[0]["reason"]
    drift = {c for f in by_asset[DRIFT_TABLE] if f["type"] == "schema_drift" for c in f["columns"]}
    assert drift == {"position", "device"}
    # Nothing else moved between runs: no other asset has drift or volume findings from history.
    for asset, items in by_asset.items():
        if asset not in {VOLUME_DROP_TABLE, DRIFT_TABLE}:
            assert not [f for f in items if f["check"] in HISTORY_CHECKS], asset
    text = page_text((report / "report.html").read_text())
    assert re.search(rf"{VOLUME_DROP_TABLE}: rows [0-9,]+ → [0-9,]+ \(-[67][0-9]%\)", text)
    assert "Rows over runs" in text
    out = capsys.readouterr()
    assert "run 3 of 3" in out.out + out.err
    truth = json.loads((tmp_path / "e" / "truth.json").read_text())
    assert {p["asset"] for p in truth["problems"] if p["type"] in {"schema_drift", "volume_anomaly"}} >= {
        VOLUME_DROP_TABLE,
        DRIFT_TABLE,
    }


def test_runs_need_the_catalog(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["demo", "--runs", "2", "--no-catalog", "--rows", "5000", "--out", str(tmp_path / "e")])
    assert done.value.code != 0
    assert "--runs needs the catalog" in capsys.readouterr().err
