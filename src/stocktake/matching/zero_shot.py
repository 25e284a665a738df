"""The score used when no matcher has been trained: encoder cosine plus attribute agreement.

``score = 0.6 * cosine(serialised records) + 0.4 * IDF-weighted token Jaccard``, then
``+0.1`` when the records share a model-number code and ``-0.2`` when both carry codes and
none is shared, clipped to [0, 1]. Without an encoder (``encoder="off"``) the cosine is replaced
by character-trigram Jaccard. `DEFAULT_THRESHOLD` was calibrated once on the validation splits of
the three public product benchmarks: 0.65 has the best mean F1 over them among 0.45-0.75 (their own
best thresholds are 0.75, 0.75 and 0.51, so no one value suits every catalog; train a matcher
when labels exist). Without the encoder, 0.45 suits Walmart-Amazon and fails on Abt-Buy, whose long
descriptions dilute the overlap (best there 0.18). See docs/matching.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stocktake.matching.embedding import EncoderMode, make_embedder, row_cosine
from stocktake.matching.features import Pair
from stocktake.matching.serialise import IdfTable, serialise, values_text
from stocktake.matching.text import codes, jaccard, token_set, trigrams

DEFAULT_THRESHOLD = {"fast": 0.65, "full": 0.65, "off": 0.45}


class ZeroShotMatcher:
    """Untrained scorer with the same `predict_proba` / `threshold` surface as trained matchers."""

    kind = "zero-shot"

    def __init__(self, encoder: EncoderMode = "fast", threshold: float | None = None) -> None:
        self.encoder = encoder
        self.threshold = DEFAULT_THRESHOLD[encoder] if threshold is None else threshold
        self._embedder = make_embedder(encoder)
        self._idf: IdfTable | None = None

    def fit_corpus(self, records: Sequence[dict[str, str]]) -> ZeroShotMatcher:
        """IDF from the records being matched (no labels needed)."""
        self._idf = IdfTable.from_records(records)
        return self

    def predict_proba(self, pairs: Sequence[Pair]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        idf = self._idf or IdfTable.from_records([r for pair in pairs for r in pair])
        overlap = np.empty(len(pairs))
        adjust = np.zeros(len(pairs))
        for i, (left, right) in enumerate(pairs):
            lt, rt = values_text(left), values_text(right)
            a, b = token_set(lt), token_set(rt)
            union = sum(idf.idf(t) for t in a | b)
            overlap[i] = sum(idf.idf(t) for t in a & b) / union if union else 0.0
            ca, cb = codes(lt), codes(rt)
            if ca & cb:
                adjust[i] = 0.1
            elif ca and cb:
                adjust[i] = -0.2
        if self._embedder is not None:
            ls = [serialise(left, idf) for left, _ in pairs]
            rs = [serialise(right, idf) for _, right in pairs]
            similarity = np.nan_to_num(row_cosine(self._embedder(ls), self._embedder(rs)))
        else:
            similarity = np.array(
                [jaccard(trigrams(values_text(lf)), trigrams(values_text(rg))) for lf, rg in pairs]
            )
            similarity = np.nan_to_num(similarity)
        return np.clip(0.6 * similarity + 0.4 * overlap + adjust, 0.0, 1.0)


__all__ = ["DEFAULT_THRESHOLD", "ZeroShotMatcher"]
