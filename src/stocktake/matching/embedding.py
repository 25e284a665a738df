"""Encoder embeddings of many texts, each distinct text encoded once per process.

The pair features and the blocker ask for the same titles again and again (a record sits in
many candidate pairs, and in train, valid and test); a small memo keeps that to one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

EncoderMode = Literal["off", "fast", "full"]
EmbedFn = Callable[[list[str]], np.ndarray]


class CachedEmbedder:
    """Unit-length vectors for texts, memoised by text; `mode` is the packaged encoder's mode."""

    def __init__(self, mode: Literal["fast", "full"] = "fast", *, progress: bool = False) -> None:
        from stocktake.models.encoder import Encoder

        self.mode = mode
        self._encoder = Encoder(mode=mode, progress=progress)
        self._memo: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        return self._encoder.name

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if todo:
            vectors = self._encoder.encode(todo)
            self._memo.update(zip(todo, vectors, strict=True))
        if not texts:
            return np.zeros((0, self._encoder.dim), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts]).astype(np.float32, copy=False)


def make_embedder(mode: EncoderMode, *, progress: bool = False) -> CachedEmbedder | None:
    return None if mode == "off" else CachedEmbedder(mode, progress=progress)


def row_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of row i of `a` with row i of `b`; NaN where either row is all zero."""
    dots = np.einsum("ij,ij->i", a, b)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 0, dots / np.where(norms > 0, norms, 1), np.nan).astype(np.float32)


__all__ = ["CachedEmbedder", "EmbedFn", "EncoderMode", "make_embedder", "row_cosine"]
