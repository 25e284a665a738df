"""The similarity-join blocker and average-linkage clusters (issue 7, PriceRunner dedupe)."""

from __future__ import annotations

import numpy as np
import pytest

from stocktake.matching.blocking import (
    blocker_recall,
    candidate_pairs,
    similarity_join,
    tfidf_vectors,
    top_k_trigram,
)
from stocktake.matching.clusters import average_linkage, connected_components, pairs_within
from stocktake.matching.serialise import values_text

pytest.importorskip("sklearn")

TITLES = [
    "apple iphone 8 plus 64gb silver",
    "apple iphone 8 plus 64 gb spacegrau",
    "apple mq8n2b/a iphone 8 plus 64gb gold",
    "canon ixus 185 digital camera silver",
    "canon ixus 185 schwarz",
    "bosch ksv36vw30g upright fridge white",
    "bosch ksv36vw30g larder fridge",
    "",
    "samsung ue49mu6500 49 led tv",
]


def _brute_force(left: list[str], right: list[str] | None, threshold: float) -> dict[tuple[int, int], float]:
    lm, rm = tfidf_vectors(left, right)
    sims = (lm @ rm.T).toarray()
    out = {}
    for i, j in zip(*np.nonzero(sims >= threshold), strict=True):
        if right is not None or i < j:
            out[(int(i), int(j))] = float(sims[i, j])
    return out


@pytest.mark.parametrize("threshold", [0.0001, 0.2, 0.5])
def test_self_join_in_one_row_blocks_equals_brute_force(threshold):
    got = similarity_join(TITLES, None, threshold, memory_mb=0)  # one row per block
    want = _brute_force(TITLES, None, threshold)
    assert got.pairs() == set(want)
    assert all(i < j for i, j in got.pairs())
    for i, j, s in zip(got.left.tolist(), got.right.tolist(), got.score.tolist(), strict=True):
        assert s == pytest.approx(want[(i, j)], abs=1e-5)
    assert got.threshold == threshold


def test_two_table_join_equals_brute_force():
    left, right = TITLES[:5], TITLES[3:]
    got = similarity_join(left, right, 0.2, memory_mb=0)
    assert got.pairs() == set(_brute_force(left, right, 0.2))
    assert (3, 0) in got.pairs()  # the same title on both sides


def test_similarity_is_the_mean_of_word_and_character_cosines():
    lm, _ = tfidf_vectors(["abc def", "abc def"])
    assert float((lm[0] @ lm[1].T).toarray()[0, 0]) == pytest.approx(1.0, abs=1e-5)
    lm, _ = tfidf_vectors(["", ""])  # no words, no trigrams: no similarity, no error
    assert lm.shape[0] == 2 and lm.nnz == 0


def test_max_pairs_keeps_the_most_similar_pairs_and_raises_the_threshold():
    full = similarity_join(TITLES, None, 0.0001)
    for cap in (0, 1, 3, 7):
        got = similarity_join(TITLES, None, 0.0001, max_pairs=cap, memory_mb=0)  # prunes between blocks
        assert len(got) <= cap
        dropped = set(full.pairs()) - got.pairs()
        score = {
            (i, j): s
            for i, j, s in zip(full.left.tolist(), full.right.tolist(), full.score.tolist(), strict=True)
        }
        assert all(score[p] < got.threshold for p in dropped)
        assert all(s >= got.threshold for s in got.score.tolist())
        if cap < len(full):
            assert got.threshold > 0.0001


def test_empty_inputs_give_no_pairs():
    assert len(similarity_join([], None, 0.1)) == 0
    assert len(similarity_join(["a b"], [], 0.1)) == 0
    assert len(similarity_join(["", ""], None, 0.1)) == 0
    assert len(similarity_join([], None, 0.1, max_pairs=0)) == 0
    assert len(similarity_join(["a b", "a b"], None, 0.1, max_pairs=0)) == 0


def test_join_finds_every_offer_of_a_product_with_many_offers_where_top_k_stops_at_k():
    offers = [
        f"acme blender bx500 {w}" for w in ("red", "blue", "white", "black", "steel", "uk", "new", "eu")
    ]
    others = [
        f"{w} model{n * 37}" for n, w in enumerate(("kettle", "toaster", "fridge", "iron", "fan", "lamp"))
    ]
    texts = offers + others
    truth = pairs_within([range(len(offers))])
    top3 = candidate_pairs(top_k_trigram(texts, None, 3), symmetric=True)
    joined = similarity_join(texts, None, 0.4)
    assert blocker_recall(top3, truth) < 1.0
    assert blocker_recall(joined.pairs(), truth) == 1.0
    assert joined.pairs() == truth  # and none of the unrelated pairs


def test_join_recalls_the_duplicates_of_a_catalog(small_catalog):
    records, entity = small_catalog
    groups: dict[int, list[int]] = {}
    for row, e in enumerate(entity):
        groups.setdefault(e, []).append(row)
    truth = pairs_within(groups.values())
    joined = similarity_join([values_text(r) for r in records], None, 0.3)
    assert blocker_recall(joined.pairs(), truth) >= 0.95
    assert len(joined) < len(records) * 5


def test_average_linkage_does_not_chain_two_groups_through_one_pair():
    triangle = [(0, 1, 0.9), (1, 2, 0.9), (0, 2, 0.9)]
    other = [(3, 4, 0.9), (4, 5, 0.9), (3, 5, 0.9)]
    bridge = [(2, 3, 0.7)]  # one wrong pair, kept at threshold 0.5
    edges = triangle + other + bridge
    assert connected_components(6, [(i, j) for i, j, _ in edges]) == [[0, 1, 2, 3, 4, 5]]
    assert average_linkage(6, edges, 0.5) == [[0, 1, 2], [3, 4, 5]]
    # mean over the 9 cross pairs: 0.7 / 9; pairs never scored count as 0
    assert average_linkage(6, edges, 0.07) == [[0, 1, 2, 3, 4, 5]]
    assert average_linkage(6, edges, 0.08) == [[0, 1, 2], [3, 4, 5]]


def test_average_linkage_threshold_is_on_the_mean_pair_score():
    chain = [(0, 1, 1.0), (1, 2, 1.0)]
    assert average_linkage(3, chain, 0.6) == [[0, 1]]  # {0,1} + 2: (1.0 + 0) / 2 = 0.5
    assert average_linkage(3, chain, 0.5) == [[0, 1, 2]]
    assert average_linkage(4, [(0, 1, 0.6), (2, 3, 0.4)], 0.5) == [[0, 1]]
    assert average_linkage(3, [(0, 0, 1.0), (0, 1, 0.0)], 0.1) == []  # self pairs and zeros ignored
    assert average_linkage(0, [], 0.5) == []


def test_find_duplicates_groups_a_product_with_more_offers_than_k():
    from stocktake.matching.api import find_duplicates

    offers = [{"title": f"acme blender bx500 {w}"} for w in ("red", "blue", "white", "black", "steel", "uk")]
    others = [{"title": f"{w} model{n * 37}"} for n, w in enumerate(("kettle", "toaster", "fridge", "iron"))]
    records = offers + others
    without = find_duplicates(records, encoder="off", k=1, threshold=0.3, join_threshold=None)
    result = find_duplicates(records, encoder="off", k=1, threshold=0.3)
    assert without.candidates < result.candidates
    assert result.clusters == [list(range(len(offers)))]
    assert all(p.right < len(offers) for p in result.pairs)
