"""The matcher's second stage: each pair's score beside the other candidates of its records."""

from __future__ import annotations

import numpy as np
import pytest

from stocktake.matching.context import CONTEXT_NAMES, context_features, out_of_fold_scores, record_ids
from stocktake.matching.feature_matcher import FeatureMatcher, pair_ids


def _column(matrix: np.ndarray, name: str) -> np.ndarray:
    return matrix[:, CONTEXT_NAMES.index(name)]


def test_context_compares_a_pair_with_the_other_pairs_of_its_records():
    # left record 0 has three candidates (right 10, 11, 12); right 12 is also left 1's candidate
    left = np.array([0, 0, 0, 1])
    right = np.array([10, 11, 12, 12])
    scores = np.array([0.9, 0.4, 0.2, 0.7])
    ctx = context_features(left, right, scores)
    assert _column(ctx, "context:gap_to_best_other_of_left") == pytest.approx(
        [0.5, -0.5, -0.7, np.nan], nan_ok=True
    )
    assert list(_column(ctx, "context:rank_in_left")) == [0, 1, 2, 0]
    assert list(_column(ctx, "context:other_candidates_of_left")) == [2, 2, 2, 0]
    # right record 12: pair 3 (0.7) is its best, pair 2 (0.2) is second
    assert _column(ctx, "context:gap_to_best_other_of_right")[2:] == pytest.approx([-0.5, 0.5])
    assert list(_column(ctx, "context:rank_in_right")) == [0, 0, 1, 0]


def test_within_one_table_a_record_pools_its_pairs_on_both_sides():
    # dedupe: record 1 is the right side of (0, 1) and the left side of (1, 2)
    ctx = context_features(np.array([0, 1]), np.array([1, 2]), np.array([0.3, 0.8]))
    assert _column(ctx, "context:gap_to_best_other_of_right")[0] == pytest.approx(-0.5)
    assert _column(ctx, "context:gap_to_best_other_of_left")[1] == pytest.approx(0.5)


def test_record_ids_and_pair_ids_keep_sides_apart():
    assert list(record_ids(["a", "b", "a"])) == [0, 1, 0]
    same = {"t": "x"}
    ids = pair_ids([(same, same), (same, {"t": "y"})])
    assert ids[0, 0] == ids[1, 0] and ids[0, 0] != ids[0, 1] and ids[0, 1] != ids[1, 1]


def test_out_of_fold_scores_never_see_their_own_group():
    x = np.arange(12, dtype=float).reshape(-1, 1)
    y = np.array([0, 1] * 6)
    groups = np.repeat(np.arange(6), 2)
    seen: list[set[int]] = []

    def fit_predict(x_fit, y_fit, x_score):
        seen.append({int(v) for v in x_fit[:, 0]})
        return x_score[:, 0]

    out = out_of_fold_scores(x, y, groups, fit_predict, folds=3)
    assert list(out) == list(x[:, 0])
    assert all(len(s) == 8 for s in seen)


def test_two_stage_matcher_scores_in_context_and_loads_identically(pair_sets, tmp_path):
    def split(pairs):
        return [(a, b) for a, b, _ in pairs], np.array([y for _, _, y in pairs])

    train, y_train = split(pair_sets["train"])
    valid, y_valid = split(pair_sets["valid"])
    test, _ = split(pair_sets["test"])
    matcher = FeatureMatcher(encoder="off", seed=0)
    matcher.settings.max_iter, matcher.settings.bag, matcher.settings.context_folds = 40, 1, 3
    matcher.fit(train, y_train, valid, y_valid)
    assert matcher.scores_in_context
    scores = matcher.predict_proba(test)
    # a pair scored on its own has no rivals: still a valid score
    alone = matcher.predict_proba(test[:1])
    assert alone.shape == (1,) and 0.0 <= alone[0] <= 1.0
    with pytest.raises(ValueError, match="record ids"):
        matcher.proba_of_features(matcher.features(test))
    matcher.save(tmp_path)
    again = FeatureMatcher.load(tmp_path)
    assert again.scores_in_context
    assert np.allclose(again.predict_proba(test), scores)


def test_no_second_stage_when_training_pairs_are_not_candidate_lists(pair_sets):
    # one labelled pair per left record: nothing to learn about ranks, so one stage only
    seen, train, labels = set(), [], []
    for a, b, y in pair_sets["train"]:
        if a["title"] not in seen:
            seen.add(a["title"])
            train.append((a, b))
            labels.append(y)
    valid = [(a, b) for a, b, _ in pair_sets["valid"]]
    y_valid = np.array([y for _, _, y in pair_sets["valid"]])
    if len(set(labels)) < 2:
        pytest.skip("the fixture's first pairs hold one class only")
    matcher = FeatureMatcher(encoder="off", seed=0)
    matcher.settings.max_iter, matcher.settings.bag = 20, 1
    matcher.fit(train, np.array(labels), valid, y_valid)
    assert not matcher.scores_in_context
