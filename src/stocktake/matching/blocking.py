"""Candidate pairs, so the matcher never sees all n x m pairs.

Two neighbour lists (each record's k nearest): cosine over normalised encoder embeddings
(meaning, word order, synonyms) and cosine over character-trigram TF-IDF vectors (model numbers
and spelling variants, which a word-piece encoder blurs). And a similarity join: every pair whose
word + character TF-IDF similarity reaches a threshold, so a record with many close records (a
product offered by 25 shops) gets all of them, where top-k stops at k. All are computed a block
of left rows at a time against all right rows, so memory is bounded by ``memory_mb`` whatever the
table sizes (100k x 100k runs in a few hundred MB); the join's output is bounded by `max_pairs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

ProgressCallback = Callable[[int, int], None]

DEFAULT_K = 10
DEFAULT_MEMORY_MB = 256
# Dedupe's similarity join: pairs at TF-IDF similarity >= 0.3, at most 20 per record on average
# (the threshold rises when a table holds more), so 100k rows give at most 2M pairs to score.
DEFAULT_JOIN_THRESHOLD = 0.3
DEFAULT_JOIN_PAIRS_PER_RECORD = 20


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


@dataclass(frozen=True)
class ScoredPairs:
    """Pairs (left row, right row) and their similarity; `threshold` is the one applied in the
    end (raised above the requested one when `max_pairs` bound)."""

    left: np.ndarray  # int64
    right: np.ndarray  # int64
    score: np.ndarray  # float32
    threshold: float

    def __len__(self) -> int:
        return len(self.left)

    def pairs(self) -> set[tuple[int, int]]:
        return set(zip(self.left.tolist(), self.right.tolist(), strict=True))


def tfidf_vectors(left_texts: Sequence[str], right_texts: Sequence[str] | None = None) -> tuple[Any, Any]:
    """Sparse rows whose dot product is the mean of two cosines: word TF-IDF (shared rare words,
    model numbers) and character-trigram TF-IDF (spelling variants, codes written with or
    without dashes). Fitted on both sides together; `right_texts=None` returns (left, left)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = [t.lower() for t in (left_texts if right_texts is None else [*left_texts, *right_texts])]
    if not corpus:
        empty = sparse.csr_matrix((0, 1), dtype=np.float32)
        return empty, empty
    parts = []
    for settings in (
        {"token_pattern": r"(?u)\b\w+\b"},  # one-character words too: "x", "5"
        {"analyzer": "char_wb", "ngram_range": (3, 3)},
    ):
        try:
            parts.append(
                TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **settings).fit_transform(corpus)
            )
        except ValueError:  # no word or no trigram anywhere (e.g., all values empty)
            continue
    if not parts:
        empty = sparse.csr_matrix((len(corpus), 1), dtype=np.float32)
        return empty[: len(left_texts)], empty[len(left_texts) :] if right_texts is not None else empty
    matrix = (sparse.hstack(parts, format="csr") * np.float32(1 / np.sqrt(len(parts)))).astype(np.float32)
    left = matrix[: len(left_texts)]
    return left, (left if right_texts is None else matrix[len(left_texts) :])


def _prune(scores: np.ndarray, max_pairs: int) -> tuple[float, np.ndarray]:
    """The raised threshold that keeps at most `max_pairs` of `scores`, and the mask of those kept."""
    if len(scores) <= max_pairs:
        return -np.inf, np.ones(len(scores), dtype=bool)
    if max_pairs == 0:
        return np.inf, np.zeros(len(scores), dtype=bool)
    # the (max_pairs + 1)-th best score and everything tied with it go: never more than max_pairs
    cut = float(np.partition(scores, len(scores) - max_pairs - 1)[len(scores) - max_pairs - 1])
    threshold = float(np.nextafter(np.float32(cut), np.float32(np.inf)))
    return threshold, scores >= threshold


def similarity_join(
    left_texts: Sequence[str],
    right_texts: Sequence[str] | None = None,
    threshold: float = 0.3,
    *,
    max_pairs: int | None = None,
    memory_mb: int = DEFAULT_MEMORY_MB,
    on_progress: ProgressCallback | None = None,
) -> ScoredPairs:
    """Every pair whose TF-IDF similarity (`tfidf_vectors`) is at least `threshold`.

    Unlike top-k, a record gets as many candidates as it has close records, so a product with 25
    offers gets its 24 partners. `right_texts=None` joins left with itself, pairs (i, j) with
    i < j. `max_pairs` bounds the result: the threshold is raised as the join proceeds so that
    only the `max_pairs` most similar pairs remain (ties at the cut are all dropped). Memory is
    one block of rows against all right rows (`memory_mb`) plus the pairs kept."""
    left_m, right_m = tfidf_vectors(left_texts, right_texts)
    same = right_texts is None
    n, m = left_m.shape[0], right_m.shape[0]
    floor = float(threshold)
    rows_kept: list[np.ndarray] = []
    cols_kept: list[np.ndarray] = []
    scores_kept: list[np.ndarray] = []
    buffered = 0
    if n and m:
        right_t = right_m.T.tocsc()
        # a sparse product row holds up to m entries of ~12 bytes (value, index) plus the mask
        step = _rows_per_block(m, memory_mb)
        for start in range(0, n, step):
            stop = min(n, start + step)
            offset = start + 1 if same else 0  # self-join: only columns right of the diagonal
            block = (left_m[start:stop] @ right_t[:, offset:]).tocoo()
            keep = block.data >= floor
            if same:
                keep &= block.col + offset > block.row + start
            rows_kept.append(block.row[keep].astype(np.int64) + start)
            cols_kept.append(block.col[keep].astype(np.int64) + offset)
            scores_kept.append(block.data[keep].astype(np.float32))
            buffered += int(keep.sum())
            if max_pairs is not None and buffered > 2 * max_pairs:  # prune now and then, not per block
                floor, rows_kept, cols_kept, scores_kept = _pruned(
                    floor, rows_kept, cols_kept, scores_kept, max_pairs
                )
                buffered = len(scores_kept[0])
            if on_progress is not None:
                on_progress(stop, n)
    if max_pairs is not None and rows_kept:
        floor, rows_kept, cols_kept, scores_kept = _pruned(
            floor, rows_kept, cols_kept, scores_kept, max_pairs
        )
    rows = np.concatenate(rows_kept) if rows_kept else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols_kept) if cols_kept else np.zeros(0, dtype=np.int64)
    scores = np.concatenate(scores_kept) if scores_kept else np.zeros(0, dtype=np.float32)
    return ScoredPairs(rows, cols, scores, floor)


def _pruned(
    floor: float, rows: list[np.ndarray], cols: list[np.ndarray], scores: list[np.ndarray], max_pairs: int
) -> tuple[float, list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    r, c, s = np.concatenate(rows), np.concatenate(cols), np.concatenate(scores)
    raised, keep = _prune(s, max_pairs)
    return max(floor, raised), [r[keep]], [c[keep]], [s[keep]]


def candidate_pairs(*lists: Neighbours | ScoredPairs, symmetric: bool = False) -> set[tuple[int, int]]:
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


__all__ = [
    "DEFAULT_JOIN_PAIRS_PER_RECORD",
    "DEFAULT_JOIN_THRESHOLD",
    "DEFAULT_K",
    "Neighbours",
    "ScoredPairs",
    "blocker_recall",
    "candidate_pairs",
    "similarity_join",
    "tfidf_vectors",
    "top_k_dense",
    "top_k_trigram",
]
