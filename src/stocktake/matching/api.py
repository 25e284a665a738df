"""Public entry points: match two record sets, or find duplicates within one.

Both run the same three steps: block (k nearest neighbours by encoder embedding, unioned with
character-trigram TF-IDF neighbours and, for duplicates, a TF-IDF similarity join), score the
candidate pairs with a matcher (a trained one, or the zero-shot score), keep the pairs at or
above the threshold with a short explanation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from stocktake.core.errors import UsageError
from stocktake.matching.blocking import (
    DEFAULT_JOIN_PAIRS_PER_RECORD,
    DEFAULT_JOIN_THRESHOLD,
    DEFAULT_K,
    Neighbours,
    ScoredPairs,
    candidate_pairs,
    similarity_join,
    top_k_dense,
    top_k_trigram,
)
from stocktake.matching.clusters import average_linkage
from stocktake.matching.embedding import CachedEmbedder, EncoderMode, make_embedder
from stocktake.matching.features import Pair, explain
from stocktake.matching.serialise import IdfTable, serialise, values_text

Record = dict[str, str]
ProgressHook = Callable[[str, int, int, str], None]
"""Called as ``hook(stage, done, total, label)``, the same hook `stocktake scan` feeds."""

_SCORE_BATCH = 20_000


class Scorer(Protocol):
    threshold: float

    def predict_proba(self, pairs: Sequence[Pair]) -> np.ndarray: ...


@dataclass(frozen=True)
class ScoredPair:
    left: int  # row index in the left records (or in the one record set, for duplicates)
    right: int
    score: float
    explanation: str


@dataclass
class MatchResult:
    pairs: list[ScoredPair]
    candidates: int
    threshold: float
    scorer: str
    seconds: float
    clusters: list[list[int]] = field(default_factory=list)  # duplicates only


def key_columns(records: Sequence[Record]) -> list[str]:
    """Columns that look like row keys (every value a distinct integer): they identify rows, not
    products, and two offers of one product never share them."""
    if not records:
        return []
    out = []
    for column in records[0]:
        values = [r.get(column, "") for r in records]
        if all(v.strip().lstrip("-").isdigit() for v in values) and len(set(values)) == len(values):
            out.append(column)
    return out


def select_columns(records: Sequence[Record], columns: Sequence[str] | None) -> list[Record]:
    """The records restricted to `columns` (named loosely: case and spaces ignored), or without
    their key columns when `columns` is None."""
    if not records:
        return []
    present = list(records[0])
    if columns is None:
        keys = set(key_columns(records))
        chosen = [c for c in present if c not in keys] or present
    else:
        lookup = {c.strip().lower(): c for c in present}
        missing = [c for c in columns if c.strip().lower() not in lookup]
        if missing:
            raise UsageError(f"no column {', '.join(map(repr, missing))} (columns: {', '.join(present)})")
        chosen = [lookup[c.strip().lower()] for c in columns]
    return [{c: r.get(c, "") for c in chosen} for r in records]


def _scorer(
    matcher: Scorer | None, encoder: EncoderMode, threshold: float | None, corpus: Sequence[Record]
) -> tuple[Scorer, str]:
    if matcher is None:
        from stocktake.matching.zero_shot import ZeroShotMatcher

        zero = ZeroShotMatcher(encoder, threshold).fit_corpus(list(corpus))
        return zero, f"zero-shot ({encoder} encoder)"
    trained_on = list(getattr(matcher, "attributes", []) or [])
    columns = set(corpus[0]) if corpus else set()
    if trained_on and corpus and not columns & set(trained_on):
        raise UsageError(
            f"the matcher was trained on attributes {', '.join(trained_on)}; the records have "
            f"{', '.join(sorted(columns))} (rename the columns or pick them with --columns)"
        )
    if threshold is not None:
        matcher.threshold = threshold
    return matcher, type(matcher).__name__


def _block(
    left: Sequence[Record],
    right: Sequence[Record] | None,
    k: int,
    embedder: CachedEmbedder | None,
    trigram: bool,
    progress: ProgressHook | None,
    join_threshold: float | None = None,
    join_pairs_per_record: int | None = None,
) -> set[tuple[int, int]]:
    same = right is None
    everything = list(left) if same else [*left, *right]  # type: ignore[misc]
    idf = IdfTable.from_records(everything)
    lists: list[Neighbours | ScoredPairs] = []
    hook = progress or (lambda *_: None)
    # the texts both TF-IDF blockers read, built once
    left_texts = [values_text(r) for r in left]
    right_texts = None if same else [values_text(r) for r in right]  # type: ignore[union-attr]
    if embedder is not None:
        hook("Embedding records", 0, 1, "")
        lv = embedder([serialise(r, idf) for r in left])
        rv = lv if same else embedder([serialise(r, idf) for r in right])  # type: ignore[union-attr]
        hook("Embedding records", 1, 1, "")
        lists.append(
            top_k_dense(
                lv, rv, k, exclude_self=same, on_progress=lambda d, t: hook("Blocking (embeddings)", d, t, "")
            )
        )
    if trigram or embedder is None:
        lists.append(
            top_k_trigram(
                left_texts,
                right_texts,
                k,
                on_progress=lambda d, t: hook("Blocking (trigrams)", d, t, ""),
            )
        )
    if join_threshold is not None:
        lists.append(
            similarity_join(
                left_texts,
                right_texts,
                join_threshold,
                max_pairs=None if join_pairs_per_record is None else join_pairs_per_record * len(left),
                on_progress=lambda d, t: hook("Blocking (similarity join)", d, t, ""),
            )
        )
    return candidate_pairs(*lists, symmetric=same)


def _score(
    scorer: Scorer,
    candidates: list[tuple[int, int]],
    left: Sequence[Record],
    right: Sequence[Record],
    progress: ProgressHook | None,
) -> np.ndarray:
    scores = np.empty(len(candidates))
    if getattr(scorer, "scores_in_context", False):
        # A two-stage matcher compares each pair with its records' other candidates: one call with
        # every pair. Ids: row numbers, the right side's shifted unless it is the same table.
        offset = 0 if left is right else len(left)
        ids = np.array([(i, j + offset) for i, j in candidates], dtype=np.int64).reshape(-1, 2)
        pairs = [(left[i], right[j]) for i, j in candidates]
        if progress is not None:
            progress("Scoring pairs", 0, len(candidates), "")
        scores[:] = scorer.predict_proba(pairs, ids=ids)  # type: ignore[call-arg]
        if progress is not None:
            progress("Scoring pairs", len(candidates), len(candidates), "")
        return scores
    for start in range(0, len(candidates), _SCORE_BATCH):
        chunk = candidates[start : start + _SCORE_BATCH]
        scores[start : start + len(chunk)] = scorer.predict_proba([(left[i], right[j]) for i, j in chunk])
        if progress is not None:
            progress("Scoring pairs", start + len(chunk), len(candidates), "")
    return scores


def match_assets(
    left: Sequence[Record],
    right: Sequence[Record],
    *,
    matcher: Scorer | None = None,
    threshold: float | None = None,
    k: int = DEFAULT_K,
    encoder: EncoderMode = "fast",
    trigram: bool = True,
    progress: ProgressHook | None = None,
) -> MatchResult:
    """Pairs (left row, right row) scored at or above the threshold, best first.

    `matcher` is a trained matcher (see `load_matcher`); None uses the zero-shot score."""
    if k < 1:
        raise UsageError("k must be at least 1")
    started = time.perf_counter()
    scorer, name = _scorer(matcher, encoder, threshold, [*left, *right])
    embedder = make_embedder(encoder)
    candidates = sorted(_block(left, right, k, embedder, trigram, progress))
    scores = _score(scorer, candidates, left, right, progress)
    kept = _kept(candidates, scores, scorer.threshold, left, right)
    return MatchResult(kept, len(candidates), scorer.threshold, name, time.perf_counter() - started)


def find_duplicates(
    records: Sequence[Record],
    *,
    matcher: Scorer | None = None,
    threshold: float | None = None,
    k: int = DEFAULT_K,
    encoder: EncoderMode = "fast",
    trigram: bool = True,
    progress: ProgressHook | None = None,
    join_threshold: float | None = DEFAULT_JOIN_THRESHOLD,
    join_pairs_per_record: int | None = DEFAULT_JOIN_PAIRS_PER_RECORD,
) -> MatchResult:
    """Pairs (i, j), i < j, of records that describe one entity, and their clusters.

    Candidates: the top-k lists unioned with the similarity join (`join_threshold`, None for
    none; at most `join_pairs_per_record` x n pairs from it, None for no bound). Clusters: average
    linkage over the candidates' scores with the matcher's threshold, so a group's mean pair score
    reaches the threshold (connected components chain distinct products through single errors)."""
    if k < 1:
        raise UsageError("k must be at least 1")
    started = time.perf_counter()
    scorer, name = _scorer(matcher, encoder, threshold, records)
    embedder = make_embedder(encoder)
    candidates = sorted(
        _block(records, None, k, embedder, trigram, progress, join_threshold, join_pairs_per_record)
    )
    scores = _score(scorer, candidates, records, records, progress)
    kept = _kept(candidates, scores, scorer.threshold, records, records)
    edges = ((i, j, float(s)) for (i, j), s in zip(candidates, scores.tolist(), strict=True))
    groups = average_linkage(len(records), edges, scorer.threshold)
    return MatchResult(kept, len(candidates), scorer.threshold, name, time.perf_counter() - started, groups)


def _kept(
    candidates: list[tuple[int, int]],
    scores: np.ndarray,
    threshold: float,
    left: Sequence[Record],
    right: Sequence[Record],
) -> list[ScoredPair]:
    chosen = np.flatnonzero(scores >= threshold)
    chosen = chosen[np.argsort(-scores[chosen], kind="stable")]
    out = []
    for idx in chosen.tolist():
        i, j = candidates[idx]
        out.append(ScoredPair(i, j, float(scores[idx]), explain(left[i], right[j])))
    return out


__all__ = [
    "MatchResult",
    "ScoredPair",
    "Scorer",
    "find_duplicates",
    "key_columns",
    "match_assets",
    "select_columns",
]
