"""A pair's score beside the other candidates of its two records (the matcher's second stage).

A blocker hands each record a few candidates, and usually at most one of them is the same
entity. Whether a pair is the best candidate its left record has, and the best its right record
has, is evidence that the pair on its own cannot give: "SONY KDL-40 black" vs "Sony KDL-40" looks
as good as "SONY KDL-40 black" vs "Sony KDL-46" until both sit in one list. So the matcher scores
every pair once (stage 1), computes these context features over the pairs scored together, and a
second booster decides from the pair's features plus its context. No labels are involved at
prediction time; training the second stage needs stage-1 scores the booster did not see in
training, hence out-of-fold scores (folds keep each left record's pairs together).

Records are given as integer ids. Two sources use separate id ranges; within one table (dedupe)
a record is one id whichever side of a pair it is on, and context counts every pair it is in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

CONTEXT_NAMES = (
    "context:score",
    "context:gap_to_best_other_of_left",
    "context:gap_to_best_other_of_right",
    "context:rank_in_left",
    "context:rank_in_right",
    "context:other_candidates_of_left",
    "context:other_candidates_of_right",
)


def record_ids(records: Sequence[object]) -> np.ndarray:
    """Ids for hashable record keys: equal keys, equal ids (first-seen order)."""
    seen: dict[object, int] = {}
    return np.array([seen.setdefault(r, len(seen)) for r in records], dtype=np.int64)


def _per_record(ids: np.ndarray, pairs: np.ndarray, scores: np.ndarray):
    """For every (record, pair) incidence, in the returned `order`: the pair, the best score among
    the record's *other* pairs, how many of them score higher, and how many there are."""
    order = np.lexsort((-scores[pairs], ids))
    ids, pairs = ids[order], pairs[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    sizes = np.diff(np.r_[starts, len(ids)])
    group_start = np.repeat(starts, sizes)
    rank = np.arange(len(ids)) - group_start  # 0 = the record's best pair
    top1 = scores[pairs[group_start]]
    second_idx = np.minimum(group_start + 1, len(ids) - 1)
    has_second = np.repeat(sizes, sizes) > 1
    top2 = np.where(has_second, scores[pairs[second_idx]], np.nan)
    best_other = np.where(rank == 0, top2, top1)
    return order, pairs, best_other, rank, np.repeat(sizes, sizes) - 1


def context_features(left: np.ndarray, right: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """float32 matrix (pairs x len(CONTEXT_NAMES)); a record with no other pair gets NaN gaps."""
    n = len(scores)
    scores = np.asarray(scores, dtype=np.float64)
    out = np.full((n, len(CONTEXT_NAMES)), np.nan, dtype=np.float32)
    if n == 0:
        return out
    out[:, 0] = scores
    # One incidence per (pair, member): a record that is on both sides (dedupe) pools its pairs.
    ids = np.concatenate([left, right]).astype(np.int64)
    pairs = np.concatenate([np.arange(n), np.arange(n)])
    order, p, best_other, rank, others = _per_record(ids, pairs, scores)
    side = np.r_[np.zeros(n, bool), np.ones(n, bool)][order]
    for column, is_right in ((1, False), (2, True)):
        chosen = side == is_right
        out[p[chosen], column] = scores[p[chosen]] - best_other[chosen]
        out[p[chosen], column + 2] = rank[chosen]
        out[p[chosen], column + 4] = others[chosen]
    return out


def out_of_fold_scores(
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    fit_predict: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    folds: int = 5,
) -> np.ndarray:
    """Each row's score from a model fitted without its group (`fit_predict(x_fit, y_fit, x_score)`)."""
    from sklearn.model_selection import GroupKFold

    folds = min(folds, len(np.unique(groups)))
    out = np.zeros(len(y), dtype=np.float64)
    for fit_rows, score_rows in GroupKFold(folds).split(x, y, groups):
        out[score_rows] = fit_predict(x[fit_rows], y[fit_rows], x[score_rows])
    return out


__all__ = ["CONTEXT_NAMES", "context_features", "out_of_fold_scores", "record_ids"]
