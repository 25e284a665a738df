"""Transformer features: the packaged MiniLM reads each cell, alone and with its row context.

Three numbers per cell, from embeddings of distinct texts only (columns repeat heavily):

* ``encoder_neighbour``: cosine to the closest *more frequent* value of the column, the
  semantic cousin of the one-substitution typo feature (``birminghxm`` ~ ``birmingham``);
* ``encoder_centroid``: cosine to the column's frequency-weighted centroid (outlier score);
* ``encoder_context``: the cell serialised with its key column (``key: k | column: v``),
  cosine to the mean embedding of its key group, how well the value fits its row context.
"""

from __future__ import annotations

import numpy as np

from stocktake.detection.features import TableFeatures

ENCODER_FEATURES = ["encoder_neighbour", "encoder_centroid", "encoder_context"]


def _neighbour_and_centroid(vectors: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    centroid = (vectors * counts[:, None]).sum(axis=0)
    centroid /= np.linalg.norm(centroid) + 1e-9
    to_centroid = vectors @ centroid
    neighbour = np.zeros(len(vectors))
    for start in range(0, len(vectors), 1024):  # blocks keep the similarity matrix small
        block = vectors[start : start + 1024] @ vectors.T
        more_frequent = counts[None, :] > counts[start : start + 1024, None]
        block = np.where(more_frequent, block, -1.0)
        neighbour[start : start + 1024] = np.maximum(block.max(axis=1), 0.0)
    return neighbour, to_centroid


def add_encoder_features(features: TableFeatures, mode: str = "fast") -> str:
    """Append ENCODER_FEATURES; returns the encoder's name for run metadata."""
    from stocktake.models.encoder import Encoder

    encoder = Encoder(mode=mode)  # type: ignore[arg-type]
    table = features.table
    n, n_cols = table.n_rows, table.n_cols
    neighbour = np.zeros((n, n_cols))
    centroid = np.zeros((n, n_cols))
    context = np.ones((n, n_cols))
    for j in range(n_cols):
        codes = features.values[j]
        distinct = features.distinct[j]
        vectors = encoder.encode([f"{table.header[j]}: {v}" for v in distinct])
        near, cent = _neighbour_and_centroid(vectors, np.bincount(codes).astype(np.float64))
        neighbour[:, j] = near[codes]
        centroid[:, j] = cent[codes]
        key = features.determinants[j].key
        if key is None:
            continue
        texts = [f"{table.header[key]}: {row[key]} | {table.header[j]}: {row[j]}" for row in table.rows]
        rows = encoder.encode(texts)
        groups = features.values[key]
        sums = np.zeros((int(groups.max()) + 1, rows.shape[1]))
        np.add.at(sums, groups, rows)
        sizes = np.bincount(groups)[groups]
        # Leave the cell itself out of its group's mean: a lone row has no context to fit.
        others = sums[groups] - rows
        norms = np.linalg.norm(others, axis=1)
        fit = np.einsum("ij,ij->i", rows, others) / np.maximum(norms, 1e-9)
        context[:, j] = np.where(sizes > 1, fit, 1.0)
    for name, value in zip(ENCODER_FEATURES, (neighbour, centroid, context), strict=True):
        features.add(name, value)
    return encoder.name
