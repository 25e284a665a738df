"""A run with one record-detector finding whose evidence scores rows near a threshold, for review tests.

Scores are 0.00, 0.05, ..., 0.95 for keys 0..19; the detector's threshold is 0.8, so keys 16..19
are flagged. In `TRUTH_WRONG` the really wrong rows are keys 12..19: the threshold is too high.
"""

from __future__ import annotations

from datetime import UTC, datetime

from stocktake.core.records import Asset, ColumnSchema, Finding, RowSet, Run
from stocktake.core.vocab import FindingType, Severity
from stocktake.detection.row_scores import ROW_SCORES_KEY, row_scores_evidence

CHECK = "record_detectors:category_mismatch"
THRESHOLD = 0.8
SCORES = {k: round(0.05 * k, 2) for k in range(20)}
TRUTH_WRONG = set(range(12, 20))


def scored_finding(threshold: float = THRESHOLD, score: float = 0.9) -> Finding:
    keys = list(SCORES)
    evidence = {
        ROW_SCORES_KEY: row_scores_evidence(
            keys, [SCORES[k] for k in keys], threshold, THRESHOLD, "test score", ["item_id"]
        )
    }
    flagged = [k for k in keys if SCORES[k] >= threshold]
    return Finding.raised(
        asset="shop/products",
        columns=["category", "title"],
        type=FindingType.CATEGORY_MISMATCH,
        check=CHECK,
        severity=Severity.WARNING,
        reason=f"{len(flagged)} rows have a category their title does not support",
        rows=RowSet(count=len(flagged), share=len(flagged) / 200, key_columns=["item_id"], keys=flagged),
        score=score,
        evidence=evidence,
    )


def rule_finding(score: float = 0.6) -> Finding:
    return Finding.raised(
        asset="shop/products",
        columns=["price"],
        type=FindingType.OUT_OF_RANGE,
        check="out_of_range.negative",
        severity=Severity.WARNING,
        reason="3 rows have a negative price",
        rows=RowSet(count=3, share=0.015),
        score=score,
    )


def products_run(run_id: str, columns: tuple[str, ...], rows: int, findings: list[Finding]) -> Run:
    """A run over one `shop/products` table of text columns, holding `findings`."""
    asset = Asset(
        id="shop/products",
        name="products",
        source="shop",
        format="table",
        location="main.products",
        columns=[ColumnSchema(name=c, engine_type="TEXT", logical_type="string") for c in columns],
        row_count=rows,
    )
    return Run(
        id=run_id,
        started_at=datetime(2026, 11, 28, tzinfo=UTC),
        code_version="test",
        assets=[asset],
        findings=findings,
    )


def scored_run(threshold: float = THRESHOLD, run_id: str = "20261128T000000-aaaaaa") -> Run:
    return products_run(
        run_id, ("item_id", "title", "category", "price"), 200, [scored_finding(threshold), rule_finding()]
    )
