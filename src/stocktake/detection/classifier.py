"""One classifier for every cell of the table, trained with binary cross-entropy.

Features are comparable across columns (shares, ranks, agreement rates), so labels from one
column help judge another: with 20 labelled tuples a per-column model would see a handful
of errors at best. Gradient-boosted trees with log loss are the BCE-trained head here;
labels carry weights by provenance (revealed > propagated along a dependency > cluster).
"""

from __future__ import annotations

import numpy as np

from stocktake.detection.propagation import CLUSTER, DEPENDENCY, EXACT, Labels

SOURCE_WEIGHT = {EXACT: 1.0, DEPENDENCY: 1.0, CLUSTER: 0.3}


def train_and_score(matrix: np.ndarray, labels: Labels, seed: int, min_samples_leaf: int = 10) -> np.ndarray:
    """Probability of error for every cell, shape (n_rows, n_cols).

    ``min_samples_leaf`` stays 10 with a labelling budget; a handful of reviewed errors needs
    smaller leaves, or no split could ever set them apart.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    n, n_cols, n_features = matrix.shape
    x = matrix.reshape(n * n_cols, n_features)
    y = labels.value.reshape(-1)
    src = labels.source.reshape(-1)
    train = src > 0
    if not train.any():
        return np.zeros((n, n_cols))
    classes = np.unique(y[train])
    if len(classes) == 1:
        return np.full((n, n_cols), float(classes[0]))
    weight = np.vectorize(SOURCE_WEIGHT.get)(src[train]).astype(np.float64)
    # Balance the classes: errors are rare in most tables and the threshold stays at 0.5.
    positive = y[train] == 1
    weight[positive] *= weight[~positive].sum() / max(weight[positive].sum(), 1e-9)
    model = HistGradientBoostingClassifier(
        max_iter=150,
        learning_rate=0.1,
        max_leaf_nodes=15,
        min_samples_leaf=min_samples_leaf,
        l2_regularization=1.0,
        random_state=seed,
    )
    # One thread: OpenMP spin-waiting on a small, busy machine costs more than it saves.
    with threadpool_limits(limits=1):
        model.fit(x[train], y[train], sample_weight=weight)
        return model.predict_proba(x)[:, 1].reshape(n, n_cols)
