from __future__ import annotations

import numpy as np

from stocktake.matching.blocking import blocker_recall, candidate_pairs, top_k_dense, top_k_trigram
from stocktake.matching.clusters import connected_components, pairs_within
from stocktake.matching.serialise import values_text


def test_dense_top_k_in_small_blocks_equals_brute_force():
    rng = np.random.default_rng(0)
    left = rng.normal(size=(37, 8)).astype(np.float32)
    right = rng.normal(size=(53, 8)).astype(np.float32)
    got = top_k_dense(left, right, 5, memory_mb=0)  # one row per block
    brute = np.argsort(-(left @ right.T), axis=1)[:, :5]
    assert np.array_equal(got.index, brute)


def test_self_blocking_never_pairs_a_record_with_itself():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 4)).astype(np.float32)
    got = top_k_dense(x, x, 3, exclude_self=True)
    assert not np.any(got.index == np.arange(20)[:, None])


def test_k_above_the_table_size_pads_with_minus_one():
    got = top_k_dense(np.eye(2, dtype=np.float32), np.eye(2, dtype=np.float32), 4)
    assert got.index.shape == (2, 4) and (got.index[:, 2:] == -1).all()
    assert got.pairs() == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_trigram_blocker_recalls_the_duplicates_of_a_catalog(small_catalog):
    records, entity = small_catalog
    groups: dict[int, list[int]] = {}
    for row, e in enumerate(entity):
        groups.setdefault(e, []).append(row)
    truth = pairs_within(groups.values())
    candidates = candidate_pairs(top_k_trigram([values_text(r) for r in records], None, 5), symmetric=True)
    assert blocker_recall(candidates, truth, symmetric=True) >= 0.95
    assert len(candidates) < len(records) * 5  # far fewer than all pairs
    assert blocker_recall(set(), truth) == 0.0


def test_connected_components_join_chains():
    assert connected_components(6, [(0, 1), (1, 2), (4, 5)]) == [[0, 1, 2], [4, 5]]
