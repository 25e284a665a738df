"""Which tuples to show the labeller: cover the clusters nobody has labelled yet (Raha's idea).

Each column's cells are clustered hierarchically on their features once; step k cuts every
tree into k + 1 clusters and picks the tuple whose cells fall into the most clusters that
hold no labelled cell, plus a bonus for key values (of likely determinant columns) that no
labelled tuple shares yet, since those groups are where one label propagates furthest.
"""

from __future__ import annotations

import numpy as np

from stocktake.detection.features import TableFeatures


class ColumnClusters:
    """A ward hierarchy over the distinct feature vectors of each column, cut on demand."""

    def __init__(self, features: TableFeatures, matrix: np.ndarray | None = None) -> None:
        from scipy.cluster.hierarchy import linkage

        data = features.matrix if matrix is None else matrix
        self._trees = []
        self._inverse = []
        for j in range(data.shape[1]):
            x = data[:, j, :].astype(np.float64)
            x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-9)
            distinct, inverse = np.unique(np.round(x, 6), axis=0, return_inverse=True)
            tree = linkage(distinct, method="ward") if len(distinct) > 1 else None
            self._trees.append(tree)
            self._inverse.append(inverse.reshape(-1))

    def cut(self, j: int, k: int) -> np.ndarray:
        """Cluster id of every row's cell in column j when the tree is cut into k clusters."""
        from scipy.cluster.hierarchy import fcluster

        tree = self._trees[j]
        if tree is None:
            return np.zeros(len(self._inverse[j]), dtype=np.int64)
        return fcluster(tree, t=k, criterion="maxclust")[self._inverse[j]]


def key_columns(features: TableFeatures) -> list[int]:
    """Columns that act as a determinant for some other column."""
    return sorted({b for cands in features.fd_keys for b, _, _ in cands})


def select_tuples(
    features: TableFeatures, clusters: ColumnClusters, budget: int, rng: np.random.Generator
) -> list[int]:
    """Choose ``budget`` row indices one at a time (the oracle is asked in this order)."""
    n, n_cols = features.matrix.shape[:2]
    keys = key_columns(features)
    chosen: list[int] = []
    for step in range(min(budget, n)):
        score = np.zeros(n)
        for j in range(n_cols):
            labels = clusters.cut(j, step + 2)
            covered = np.isin(labels, labels[chosen]) if chosen else np.zeros(n, dtype=bool)
            score += ~covered
        for b in keys:
            seen = np.isin(features.values[b], features.values[b][chosen]) if chosen else np.zeros(n, bool)
            score += 0.5 * ~seen
        score[chosen] = -np.inf
        best = np.flatnonzero(score == score.max())
        chosen.append(int(rng.choice(best)))
    return chosen
