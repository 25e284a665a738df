"""Verdicts follow a finding's stable id into the next real scan: rejected ones leave the open list."""

from __future__ import annotations

from pathlib import Path

import pytest

from stocktake import scan
from stocktake.catalog import Catalog
from stocktake.core.vocab import FindingStatus
from stocktake.report import build_report
from stocktake.report.scores import asset_scores
from stocktake.review import REVIEW_EVIDENCE_KEY, apply_verdicts, latest_verdicts, row_target, row_verdicts


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    lines = ["order_id,user_id,amount,email"]
    for i in range(300):
        email = "null" if i % 10 == 0 else f"u{i}@example.com"  # missing values spelt 'null'
        lines.append(f"{i},{i % 40},{10 + i},{email}")
    lines += lines[1:6]  # exact duplicate rows
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_rejected_finding_is_suppressed_in_the_next_scan_with_its_reason(shop: Path, tmp_path: Path):
    catalog = Catalog(tmp_path / "catalog.db")
    first = scan([str(shop)])
    catalog.save_run(first)
    assert len(first.findings) >= 2
    rejected, confirmed = first.findings[0], first.findings[1]
    catalog.record_verdict(rejected.id, "rejected", run_id=first.id, comment="test orders", reviewer="ana")
    catalog.record_verdict(confirmed.id, "confirmed", run_id=first.id, reviewer="ana")

    second = apply_verdicts(catalog, scan([str(shop)]))  # a fresh scan: every finding open again
    by_id = {f.id: f for f in second.findings}
    assert by_id[rejected.id].status == FindingStatus.REJECTED
    assert by_id[rejected.id].evidence[REVIEW_EVIDENCE_KEY] | {"at": None} == {
        "verdict": "rejected", "reviewer": "ana", "comment": "test orders", "at": None
    }  # fmt: skip
    assert by_id[confirmed.id].status == FindingStatus.CONFIRMED
    assert second.findings[-1].id == rejected.id
    others = [f for f in second.findings if f.id not in (rejected.id, confirmed.id)]
    assert all(f.status == FindingStatus.OPEN for f in others)
    # The report shows the status, and the score no longer counts the rejected finding.
    shown = {f.id: f.status for f in build_report(second).findings.items}
    assert shown[rejected.id] == "rejected"
    unjudged = scan([str(shop)])
    asset = rejected.asset
    assert (
        asset_scores(second.assets, second.findings)[asset]
        > asset_scores(unjudged.assets, unjudged.findings)[asset]
    )


def test_the_latest_verdict_wins_and_row_verdicts_stay_apart(shop: Path, tmp_path: Path):
    catalog = Catalog(tmp_path / "catalog.db")
    run = scan([str(shop)])
    catalog.save_run(run)
    finding = next(f for f in run.findings if f.rows.keys)
    catalog.record_verdict(finding.id, "rejected")
    catalog.record_verdict(finding.id, "fixed", comment="reloaded")
    catalog.record_verdict(row_target(finding.id, finding.rows.keys[0]), "confirmed")
    assert latest_verdicts(catalog, [finding.id])[finding.id].verdict == FindingStatus.FIXED
    rows = row_verdicts(catalog, finding.id)
    assert next(iter(rows.values())).verdict == FindingStatus.CONFIRMED and len(rows) == 1
    assert {f.id: f.status for f in apply_verdicts(catalog, run).findings}[finding.id] == FindingStatus.FIXED
