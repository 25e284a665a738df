"""Learning from row verdicts: thresholds move to where labels say, measured on held-out verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.scored_run import CHECK, SCORES, TRUTH_WRONG, scored_run
from stocktake.catalog import Catalog
from stocktake.core.errors import UsageError
from stocktake.review.learn import LabelledRow, learn, learn_threshold, scores_at, split
from stocktake.review.retrain import load_tuning, models_dir_for, train_from_reviews
from stocktake.review.rows import row_target


def _rows(pairs: list[tuple[float, bool]]) -> list[LabelledRow]:
    return [LabelledRow(CHECK, f"t{i}", s, y) for i, (s, y) in enumerate(pairs)]


def test_threshold_moves_down_to_take_in_confirmed_rows() -> None:
    rows = _rows([(0.9, True), (0.7, True), (0.6, True), (0.5, False), (0.4, False)])
    assert learn_threshold(rows, 0.8) == pytest.approx(0.55)


def test_threshold_stays_when_labels_agree_with_it() -> None:
    rows = _rows([(0.9, True), (0.85, True), (0.5, False), (0.2, False)])
    learned = learn_threshold(rows, 0.8)
    assert learned == 0.8
    assert learn_threshold([], 0.3) == 0.3


def test_a_moving_threshold_lands_in_the_widest_gap_of_all_scores() -> None:
    # Confirmed rows at the top of a cluster nobody else labelled (2.3-2.5); people below 1.4.
    rows = _rows([(2.5, True), (2.45, True), (2.4, True)])
    unlabelled = [0.1 * i for i in range(14)] + [2.3, 2.32, 2.35, 2.38]
    learned = learn_threshold(rows, 3.0, unlabelled)
    assert 1.3 < learned < 2.3  # takes in the whole cluster, not just the rows people saw
    assert learn_threshold(rows, 2.0, unlabelled) == 2.0  # labels agree with 2.0: it stays
    # The first wide gap past the labels, not the widest one far away from them.
    far = [0.1 * i for i in range(6)] + [1.5 + 0.1 * i for i in range(5)] + [2.3, 2.32, 2.35, 2.38]
    assert 1.9 < learn_threshold(rows, 3.0, far) < 2.3
    # No wide gap: it stops next to the lowest confirmed row.
    dense = [2.4 - 0.01 * i for i in range(1, 60)]
    assert 2.39 <= learn_threshold(rows, 3.0, dense) < 2.4


def test_split_is_stratified_and_repeatable() -> None:
    rows = _rows([(0.1 * i, i % 2 == 0) for i in range(10)])
    train, test = split(rows, 0.4, seed=1)
    assert len(test) == 4 and sum(r.label for r in test) == 2
    assert split(rows, 0.4, seed=1) == (train, test)
    assert {r.target for r in train} | {r.target for r in test} == {r.target for r in rows}


def test_scores_at_counts_both_sides() -> None:
    s = scores_at(_rows([(0.9, True), (0.7, True), (0.6, False)]), 0.55)
    assert (s.precision, s.recall, s.f1) == (0.6667, 1.0, 0.8)


def _judge(catalog: Catalog, run_id: str, finding_id: str, keys: list[int]) -> None:
    for key in keys:
        verdict = "confirmed" if key in TRUTH_WRONG else "rejected"
        catalog.record_verdict(row_target(finding_id, key), verdict, run_id=run_id, reviewer="test")


def test_train_from_reviews_learns_saves_and_loads(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.db")
    run = scored_run()
    catalog.save_run(run)
    finding = run.findings[0]
    _judge(catalog, run.id, finding.id, list(SCORES))
    catalog.record_verdict(run.findings[1].id, "rejected", run_id=run.id, comment="prices may be refunds")

    lessons = learn(catalog, catalog.get_run(run.id))
    (lesson,) = lessons.detectors
    assert lesson.check == CHECK and lesson.threshold_before == 0.8
    assert lesson.threshold_after == pytest.approx(0.575)  # between 0.55 (fine) and 0.60 (wrong)
    assert lesson.held_out == 6 and lesson.train == 14
    assert (lesson.after.f1 or 0) > (lesson.before.f1 or 0)

    models = models_dir_for(str(tmp_path / "catalog.db"))
    assert models == tmp_path / "models"
    result = train_from_reviews(catalog, "latest", models)
    assert result.saved is not None and result.saved.parent == models / "record-thresholds"
    assert result.lessons.suppressed == [
        {"finding": run.findings[1].id, "check": "out_of_range.negative", "asset": "shop/products",
         "why": "prices may be refunds"}
    ]  # fmt: skip
    tuning = load_tuning(models)
    assert tuning is not None
    assert tuning.threshold(CHECK, 0.8) == pytest.approx(0.575)
    assert tuning.threshold("record_detectors:bot_traffic", 3.0) == 3.0
    assert tuning.label(CHECK, 12) is True and tuning.label(CHECK, 3) is False
    assert tuning.label(CHECK, 999) is None


def test_without_row_verdicts_nothing_is_saved(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.db")
    catalog.save_run(scored_run())
    result = train_from_reviews(catalog, "latest", tmp_path / "models")
    assert result.saved is None
    assert load_tuning(tmp_path / "models") is None
    with pytest.raises(UsageError, match="held-out"):
        train_from_reviews(catalog, "latest", tmp_path / "models", held_out=1.0)
