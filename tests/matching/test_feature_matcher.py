from __future__ import annotations

import numpy as np
import pytest

from stocktake.matching.feature_matcher import FeatureMatcher
from stocktake.matching.features import PairFeaturizer, explain
from stocktake.matching.metrics import best_threshold, score_at

pytest.importorskip("sklearn")


def _split(pairs):
    return [(a, b) for a, b, _ in pairs], np.array([y for _, _, y in pairs])


def test_features_see_a_shared_code_through_dashes():
    f = PairFeaturizer().fit([{"t": "acme ab123x dishwasher"}, {"t": "globex cd456 fridge"}])
    left, right = {"t": "acme ab123x dishwasher"}, {"t": "dishwasher ab-123x"}
    row = dict(zip(f.names, f.transform([(left, right)])[0], strict=True))
    assert row["record:codes_inside_rl"] == 1.0
    assert row["t:codes_shared"] == 1.0 and row["t:codes_conflict"] == 0.0
    assert "same code ab123x" in explain(left, right)
    other = {"t": "dishwasher cd456"}
    assert "codes differ" in explain(left, other)


def test_best_threshold_maximises_f1_on_validation():
    labels = np.array([0, 0, 1, 1, 0, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    chosen = best_threshold(labels, scores)
    assert chosen.f1 == pytest.approx(score_at(labels, scores, chosen.threshold).f1)
    assert chosen.f1 == max(score_at(labels, scores, t).f1 for t in scores)


def test_feature_matcher_learns_generated_pairs_and_survives_save_and_load(pair_sets, tmp_path):
    train, y_train = _split(pair_sets["train"])
    valid, y_valid = _split(pair_sets["valid"])
    test, y_test = _split(pair_sets["test"])
    matcher = FeatureMatcher(encoder="off", seed=0)
    matcher.settings.max_iter = 60
    matcher.settings.bag = 2
    matcher.fit(train, y_train, valid, y_valid)
    scores = matcher.predict_proba(test)
    assert score_at(y_test, scores, matcher.threshold).f1 >= 0.9
    matcher.save(tmp_path)
    again = FeatureMatcher.load(tmp_path)
    assert again.threshold == matcher.threshold
    assert np.allclose(again.predict_proba(test), scores)


def test_feature_matcher_refuses_training_without_matches(pair_sets):
    from stocktake.models.training import TrainingDataError

    no_matches = [p for p in pair_sets["train"] if p[2] == 0]  # random negatives add no match either
    train, y = _split(no_matches)
    with pytest.raises(TrainingDataError):
        FeatureMatcher(encoder="off").fit(train, y, train, y)


def test_unrelated_records_score_low_thanks_to_random_negatives(pair_sets):
    train, y_train = _split(pair_sets["train"])
    valid, y_valid = _split(pair_sets["valid"])
    matcher = FeatureMatcher(encoder="off", seed=0)
    matcher.settings.max_iter, matcher.settings.bag = 60, 2
    matcher.fit(train, y_train, valid, y_valid)
    assert len(matcher._y) == int(1.5 * len(train))
    unrelated = [({"title": "garden hose 20m green", "brand": "", "price": "9.99"}, b) for _, b in train[:20]]
    assert (matcher.predict_proba(unrelated) < matcher.threshold).all()
