"""Precision, recall and F1 on the positive class, and the F1-best threshold on validation scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    threshold: float

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "threshold": self.threshold,
        }


def prf(labels: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    labels = np.asarray(labels).astype(bool)
    predicted = np.asarray(predicted).astype(bool)
    tp = float(np.sum(labels & predicted))
    p = tp / max(float(predicted.sum()), 1.0)
    r = tp / max(float(labels.sum()), 1.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_at(labels: np.ndarray, scores: np.ndarray, threshold: float) -> PairScores:
    p, r, f = prf(labels, np.asarray(scores) >= threshold)
    return PairScores(p, r, f, threshold)


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> PairScores:
    """The threshold with the highest F1 (ties: the higher one), placed midway between scores."""
    labels = np.asarray(labels).astype(bool)
    scores = np.asarray(scores, dtype=np.float64)
    if labels.sum() == 0 or len(scores) == 0:
        return PairScores(0.0, 0.0, 0.0, 0.5)
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    tp = np.cumsum(y)
    k = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (k + labels.sum())
    last_of_tie = np.r_[s[1:] != s[:-1], True]  # a cut can only fall between distinct scores
    f1 = np.where(last_of_tie, f1, -1)
    best = int(np.argmax(f1))
    threshold = float((s[best] + s[best + 1]) / 2) if best + 1 < len(s) else float(s[best])
    return score_at(labels, scores, threshold)


__all__ = ["PairScores", "best_threshold", "prf", "score_at"]
