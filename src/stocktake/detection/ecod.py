"""Empirical-tail outlier scores with per-feature contributions (the idea behind ECOD, in numpy).

Each feature is oriented so that high means suspicious. A value's contribution is -log10 of its
empirical right-tail probability among the population, so "1 in 1,000" contributes 3 and the sum
over features ranks records. Tukey's far-out fence (Q3 + 3 IQR) per feature says whether a value
is extreme at all; a record must be beyond it on several features to be flagged.
"""

from __future__ import annotations

import numpy as np

FAR_OUT_IQR = 3.0


def tail_contributions(x: np.ndarray) -> np.ndarray:
    """(n, d) -> (n, d): -log10 of P(X_j >= x_ij) estimated from the n rows."""
    n = len(x)
    out = np.empty_like(x, dtype=float)
    for j in range(x.shape[1]):
        col = x[:, j]
        ordered = np.sort(col)
        at_least = n - np.searchsorted(ordered, col, side="left")  # rows with a value >= this one
        out[:, j] = -np.log10(at_least / n)
    return out


def far_out(x: np.ndarray, floor: np.ndarray | None = None) -> np.ndarray:
    """(n, d) booleans: beyond Q3 + 3 IQR of its feature (and above `floor`, when given)."""
    q1, q3 = np.percentile(x, [25, 75], axis=0)
    fence = q3 + FAR_OUT_IQR * np.maximum(q3 - q1, 1e-9)
    if floor is not None:
        fence = np.maximum(fence, floor)
    return x > fence
