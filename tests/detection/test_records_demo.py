"""The record detectors inside `scan`, scored on the demo estate against its truth."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stocktake.checks.profile_rules import RuleOptions
from stocktake.core.vocab import FindingType
from stocktake.demo import evaluate_findings, generate_estate, load_truth
from stocktake.pipeline import ScanOptions, scan_with_checks

TYPES = (
    FindingType.CATEGORY_MISMATCH,
    FindingType.OUTLIER_VALUE,
    FindingType.TEXT_GARBAGE,
    FindingType.BOT_TRAFFIC,
    FindingType.NEAR_DUPLICATE_ENTITY,
)


def test_demo_types_found_with_precision_and_recall(tmp_path) -> None:
    pytest.importorskip("sklearn")
    layout = generate_estate(tmp_path / "estate", rows=20_000, seed=7)
    truth = load_truth(layout.truth_path)
    as_of = datetime.fromisoformat(str(truth.as_of))
    as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    run = scan_with_checks(list(layout.sources), ScanOptions(rules=RuleOptions(as_of=as_of))).run
    assert not [e for e in run.errors if "detector" in e]
    scores = evaluate_findings(truth, run.findings)
    for type_ in TYPES:
        score = scores[str(type_)]
        assert score.precision is not None and score.precision >= 0.95, score
        assert score.recall >= 0.95, score
    garbage = [f for f in run.findings if f.type == FindingType.TEXT_GARBAGE]
    assert scores[str(FindingType.TEXT_GARBAGE)].key_precision == 1.0, garbage
