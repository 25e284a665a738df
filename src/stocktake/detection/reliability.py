"""Features that need the labels: how error-prone a row's "source" is, and weighted votes.

When several records describe one entity (rows sharing a key value), a plain majority vote
is only as good as the records voting. The labelled and dependency-propagated cells give an
error rate per value of some other column (a source, a provider, a batch); the column that
separates those rates best serves as the source, and votes are weighted by its reliability.
"""

from __future__ import annotations

import numpy as np

from stocktake.detection.columns import group_stats
from stocktake.detection.features import TableFeatures
from stocktake.detection.propagation import DEPENDENCY, EXACT, Labels

SMOOTHING = 5.0  # pseudo-cells pulling a rarely seen source's rate toward the overall rate

RELIABILITY_FEATURES = [
    "row_source_error_rate",
    "column_source_error_rate",
    "weighted_support",
    "weighted_agrees",
]


def _rates(codes: np.ndarray, errors: np.ndarray, counts: np.ndarray, prior: float) -> np.ndarray:
    """Leave-one-row-out smoothed error rate of each row's code."""
    err = np.bincount(codes, weights=errors)[codes] - errors
    cnt = np.bincount(codes, weights=counts)[codes] - counts
    return (err + prior * SMOOTHING) / (cnt + SMOOTHING)


def source_column(features: TableFeatures, labels: Labels) -> int | None:
    """The column whose values best separate error-prone rows from reliable ones."""
    known = labels.known(DEPENDENCY)
    cell_errors = np.where(known, labels.value == 1, 0).astype(np.float64)
    if known.sum() == 0:
        return None
    exact = labels.source == EXACT
    n = features.matrix.shape[0]
    best, best_spread = None, 0.0
    for s, distinct in enumerate(features.distinct):
        # A source must itself be trustworthy (no revealed errors) and group rows into a few sets.
        if not 2 <= len(distinct) <= n // 2 or (labels.value[exact[:, s], s] == 1).any():
            continue
        # Its own cells are left out: a blank in s predicts errors in s, not a bad source.
        errors = np.delete(cell_errors, s, axis=1).sum(axis=1)
        counts = np.delete(known, s, axis=1).sum(axis=1).astype(np.float64)
        prior = errors.sum() / max(counts.sum(), 1.0)
        rates = _rates(features.values[s], errors, counts, prior)
        spread = float(np.average((rates - prior) ** 2, weights=counts + 1e-9))
        if spread > best_spread:
            best, best_spread = s, spread
    return best


def add_reliability_features(features: TableFeatures, labels: Labels) -> int | None:
    """Append RELIABILITY_FEATURES to ``features``; returns the source column used (or None)."""
    n, n_cols = features.matrix.shape[:2]
    known = labels.known(DEPENDENCY)
    is_error = np.where(known, labels.value == 1, 0).astype(np.float64)
    s = source_column(features, labels)
    row_rate = np.zeros((n, n_cols))
    col_rate = np.zeros((n, n_cols))
    support = np.ones((n, n_cols))
    agrees = np.ones((n, n_cols))
    if s is not None:
        counts = known.sum(axis=1).astype(np.float64)
        prior = is_error.sum() / max(counts.sum(), 1.0)
        pooled = _rates(features.values[s], is_error.sum(axis=1), counts, prior)
        row_rate[:] = pooled[:, None]
        for j in range(n_cols):
            col_known = known[:, j].astype(np.float64)
            col_prior = is_error[:, j].sum() / max(col_known.sum(), 1.0)
            col_rate[:, j] = _rates(features.values[s], is_error[:, j], col_known, col_prior)
    weights = np.clip(1.0 - row_rate[:, 0], 0.05, 1.0)
    for j in range(n_cols):
        b = labels.keys[j] if labels.keys[j] is not None else features.determinants[j].key
        if b is None:
            continue
        stats = group_stats(features.values[b], features.values[j], weights)
        others = stats.group_size - weights
        support[:, j] = np.where(others > 1e-9, (stats.own_count - weights) / np.maximum(others, 1e-9), 1.0)
        agrees[:, j] = stats.own_count >= stats.majority_count - 1e-9
    for name, value in zip(RELIABILITY_FEATURES, (row_rate, col_rate, support, agrees), strict=True):
        features.add(name, value)
    return s
