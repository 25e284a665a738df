"""Label propagation along dependencies: real ones spread labels, look-alikes are refused."""

from __future__ import annotations

from stocktake.detection import StringTable
from stocktake.detection.features import table_features
from stocktake.detection.propagation import DEPENDENCY, exact_labels, propagate_dependencies


def _table(rows: list[list[str]]) -> StringTable:
    return StringTable(["store", "zip", "city"], rows)


def test_true_dependency_spreads_the_revealed_value():
    # store -> city holds; row 3 carries a typo the labeller never saw directly.
    rows = [[f"s{i % 3}", f"z{i % 3}", ["oslo", "rome", "lima"][i % 3]] for i in range(90)]
    rows[3][2] = "oxlo"
    features = table_features(_table(rows))
    revealed = {0: ["s0", "z0", "oslo"]}
    labels = exact_labels(features, revealed)
    propagate_dependencies(features, labels, revealed)
    assert labels.keys[2] in (0, 1)
    assert labels.value[3, 2] == 1 and labels.source[3, 2] == DEPENDENCY
    assert labels.value[6, 2] == 0 and labels.source[6, 2] == DEPENDENCY


def test_shared_key_of_two_entities_is_not_a_dependency():
    # zip z0 holds two stores: propagating "store" along zip would call half of them wrong.
    rows = [[f"s{i % 4}", f"z{(i % 4) // 2}", "x"] for i in range(40)]
    features = table_features(_table(rows))
    revealed = {0: list(rows[0])}
    labels = exact_labels(features, revealed)
    propagate_dependencies(features, labels, revealed)
    assert labels.keys[0] is None
    assert not (labels.value[:, 0] == 1).any()
