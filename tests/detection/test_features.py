"""Feature building blocks: patterns, typo neighbours, dependency statistics."""

from __future__ import annotations

from collections import Counter

import numpy as np

from stocktake.detection import StringTable
from stocktake.detection.columns import group_stats
from stocktake.detection.features import table_features
from stocktake.detection.patterns import coarse_pattern, fine_pattern, typo_neighbour_ratio


def test_patterns_keep_or_drop_lengths():
    assert fine_pattern("7:10 a.m.") == "9:99 a.a."
    assert coarse_pattern("7:10 a.m.") == coarse_pattern("11:05 p.m.")
    assert coarse_pattern("12/02/2011 6:55 a.m.") != coarse_pattern("6:55 a.m.")


def test_typo_neighbour_points_to_the_common_spelling():
    hints = typo_neighbour_ratio(Counter({"birmingham": 40, "birminghxm": 1, "boaz": 5}))
    ratio, neighbour = hints["birminghxm"]
    assert neighbour == "birmingham" and ratio == np.log(40)
    assert "birmingham" not in hints and "boaz" not in hints


def test_group_stats_majority_and_support():
    key = np.array([0, 0, 0, 1, 1])
    target = np.array([0, 0, 1, 2, 3])
    stats = group_stats(key, target)
    assert stats.agrees.tolist() == [True, True, False, False, False]  # group 1 is a tie of singletons
    assert np.allclose(stats.support, [0.5, 0.5, 0.0, 0.0, 0.0])


def test_dependency_violation_is_visible_in_features():
    rows = [[f"s{i % 4}", ["a", "b", "c", "d"][i % 4]] for i in range(40)]
    rows[5][1] = "z"  # row 5 belongs to s1, whose value is b everywhere else
    features = table_features(StringTable(["store", "code"], rows))
    assert features.determinants[1].key == 0
    agrees = features.matrix[:, 1, features.names.index("fd_agrees")]
    assert agrees[5] == 0 and agrees[np.arange(40) != 5].all()
    assert features.matrix.shape == (40, 2, len(features.names))
