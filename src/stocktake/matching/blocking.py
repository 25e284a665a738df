"""Candidate pairs: each record's k nearest neighbours, so the matcher never sees all n x m pairs.

Two neighbour lists, unioned: cosine over normalised encoder embeddings (meaning, word order,
synonyms) and cosine over character-trigram TF-IDF vectors (model numbers and spelling variants,
which a word-piece encoder blurs). Both are computed a block of left rows at a time against all
right rows, so memory is bounded by ``memory_mb`` whatever the table sizes (100k x 100k runs in
a few hundred MB).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

ProgressCallback = Callable[[int, int], None]

DEFAULT_K = 10
DEFAULT_MEMORY_MB = 256


@dataclass(frozen=True)
class Neighbours:
    """For each left row, the indices of its k best right rows and their cosine, best first."""

    index: np.ndarray  # (n_left, k) int64, -1 where fewer than k candidates exist
    score: np.ndarray  # (n_left, k) float32

    def pairs(self) -> set[tuple[int, int]]:
        rows, cols = np.nonzero(self.index >= 0)
        return set(zip(rows.tolist(), self.index[rows, cols].tolist(), strict=True))


def _rows_per_block(n_right: int, memory_mb: int) -> int:
    # similarities (4 B), their negation (4 B) and argpartition indices (8 B) per cell
    return max(1, (memory_mb * 1024 * 1024) // (16 * max(n_right, 1)))


def _top_k_of_block(
    sims: np.ndarray, k: int, row_offset: int, exclude_self: bool
) -> tuple[np.ndarray, np.ndarray]:
    if exclude_self:
        rows = np.arange(sims.shape[0])
        cols = rows + row_offset
        valid = cols < sims.shape[1]
        sims[rows[valid], cols[valid]] = -np.inf
    kk = min(k, sims.shape[1])
    part = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
    part_scores = np.take_along_axis(sims, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    idx = np.take_along_axis(part, order, axis=1)
    scores = np.take_along_axis(part_scores, order, axis=1)
    idx = np.where(np.isfinite(scores), idx, -1)
    if kk < k:
        pad = k - kk
        idx = np.pad(idx, ((0, 0), (0, pad)), constant_values=-1)
        scores = np.pad(scores, ((0, 0), (0, pad)), constant_values=-np.inf)
    return idx.astype(np.int64), scores.astype(np.float32)


def top_k_dense(
    left: np.ndarray,
    right: np.ndarray,
    k: int = DEFAULT_K,
    *,
    exclude_self: bool = False,
    memory_mb: int = DEFAULT_MEMORY_MB,
    on_progress: ProgressCallback | None = None,
) -> Neighbours:
    """k nearest right rows of every left row by dot product (cosine for unit rows).

    `exclude_self` drops the diagonal, for blocking a table against itself."""
    if k < 1:
        raise ValueError("k must be at least 1")
    n = left.shape[0]
    index = np.full((n, k), -1, dtype=np.int64)
    score = np.full((n, k), -np.inf, dtype=np.float32)
    if n == 0 or right.shape[0] == 0:
        return Neighbours(index, score)
    step = _rows_per_block(right.shape[0], memory_mb)
    right_t = np.ascontiguousarray(right.T, dtype=np.float32)
    for start in range(0, n, step):
        sims = left[start : start + step].astype(np.float32, copy=False) @ right_t
        index[start : start + step], score[start : start + step] = _top_k_of_block(
            sims, k, start, exclude_self
        )
        if on_progress is not None:
            on_progress(min(start + step, n), n)
    return Neighbours(index, score)


def top_k_trigram(
    left_texts: Sequence[str],
    right_texts: Sequence[str] | None = None,
    k: int = DEFAULT_K,
    *,
    memory_mb: int = DEFAULT_MEMORY_MB,
    on_progress: ProgressCallback | None = None,
) -> Neighbours:
    """k nearest neighbours by character-trigram TF-IDF cosine; `right_texts=None` blocks left
    against itself (self excluded)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    same = right_texts is None
    corpus = list(left_texts) if same else [*left_texts, *right_texts]  # type: ignore[misc]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), sublinear_tf=True, dtype=np.float32)
    matrix = vectorizer.fit_transform([t.lower() for t in corpus])
    left_m = matrix[: len(left_texts)]
    right_m = left_m if same else matrix[len(left_texts) :]
    n = left_m.shape[0]
    index = np.full((n, k), -1, dtype=np.int64)
    score = np.full((n, k), -np.inf, dtype=np.float32)
    if n == 0 or right_m.shape[0] == 0:
        return Neighbours(index, score)
    step = _rows_per_block(right_m.shape[0], memory_mb)
    right_t = right_m.T.tocsc()
    for start in range(0, n, step):
        sims = (left_m[start : start + step] @ right_t).toarray()
        index[start : start + step], score[start : start + step] = _top_k_of_block(sims, k, start, same)
        if on_progress is not None:
            on_progress(min(start + step, n), n)
    return Neighbours(index, score)


def candidate_pairs(*lists: Neighbours, symmetric: bool = False) -> set[tuple[int, int]]:
    """Union of the neighbour lists; `symmetric` (dedupe) folds (j, i) onto (i, j) with i < j."""
    out: set[tuple[int, int]] = set()
    for neighbours in lists:
        out |= neighbours.pairs()
    if symmetric:
        out = {(min(i, j), max(i, j)) for i, j in out if i != j}
    return out


def blocker_recall(
    candidates: Iterable[tuple[int, int]], true_pairs: Iterable[tuple[int, int]], *, symmetric: bool = False
) -> float:
    """Share of the known matches that survive blocking (1.0 when there are none)."""

    def norm(pair: tuple[int, int]) -> tuple[int, int]:
        return (min(pair), max(pair)) if symmetric else pair

    truth = {norm(p) for p in true_pairs}
    if not truth:
        return 1.0
    kept = {norm(p) for p in candidates}
    return len(truth & kept) / len(truth)


__all__ = ["DEFAULT_K", "Neighbours", "blocker_recall", "candidate_pairs", "top_k_dense", "top_k_trigram"]
