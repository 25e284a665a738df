"""Spread the few revealed labels: along functional dependencies, then within clusters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stocktake.detection.features import TableFeatures
from stocktake.detection.selection import ColumnClusters

EXACT, DEPENDENCY, CLUSTER = 3, 2, 1  # provenance of a label, strongest first
PLAUSIBLE_RATE_FACTOR, PLAUSIBLE_RATE_MARGIN = 2.0, 0.1
CLUSTER_MIN_ERRORS = 20
MIN_ERROR_EVIDENCE = 2  # labelled errors a cluster needs before it lends the error label
STRENGTH_SLACK = 0.15
MAX_KEY_ERROR_SHARE = 0.1  # revealed error share above which a column is no key to propagate along


@dataclass
class Labels:
    """Per cell: -1 unknown, 0 clean, 1 erroneous; and where the label came from."""

    value: np.ndarray  # (n_rows, n_cols) int8
    source: np.ndarray  # (n_rows, n_cols) int8, 0 = none
    keys: list[int | None]  # per column, the key column labels were propagated along

    def known(self, min_source: int) -> np.ndarray:
        return self.source >= min_source


def exact_labels(features: TableFeatures, revealed: dict[int, list[str]]) -> Labels:
    n, n_cols = features.matrix.shape[:2]
    value = np.full((n, n_cols), -1, dtype=np.int8)
    source = np.zeros((n, n_cols), dtype=np.int8)
    for row, clean in revealed.items():
        dirty = features.table.rows[row]
        value[row] = [int(d != c) for d, c in zip(dirty, clean, strict=True)]
        source[row] = EXACT
    return Labels(value, source, [None] * n_cols)


def clean_keys(features: TableFeatures, labels: Labels, j: int) -> list[int]:
    """Determinants of column j, strongest first, whose own labelled cells are (nearly) all correct.

    A key the labeller found many errors in would carry them to every row it groups; a stray
    typo is harmless (the misspelt key value forms a group of its own).
    """
    exact = labels.source == EXACT
    keys = []
    for b, _, _ in sorted(features.fd_keys[j], key=lambda c: -c[1]):
        seen = labels.value[exact[:, b], b]
        if len(seen) and (seen == 1).mean() <= MAX_KEY_ERROR_SHARE:
            keys.append(b)
    return keys


def _propagated(
    features: TableFeatures, labels: Labels, revealed: dict[int, list[str]], j: int, b: int
) -> dict[int, int] | None:
    """Labels key b would give column j's unlabelled cells, or None when b is no dependency here."""
    truth: dict[int, str] = {}
    for row, clean in revealed.items():
        group = int(features.values[b][row])
        if truth.setdefault(group, clean[j]) != clean[j]:
            return None  # two labelled tuples share b's value but not j's clean value
    column = features.table.column(j)
    out = {}
    for row in range(len(column)):
        expected = truth.get(int(features.values[b][row]))
        if expected is not None and labels.source[row, j] < DEPENDENCY:
            out[row] = int(column[row] != expected)
    return out


def _plausible(new: dict[int, int], revealed_rate: float) -> bool:
    """A real dependency finds errors about as often as the labeller did in this column.

    When it finds far more, it is grouping different entities (a zip code shared by two
    hospitals), and every disagreement it reports would be a false alarm.
    """
    if not new:
        return False
    rate = sum(new.values()) / len(new)
    return rate <= max(PLAUSIBLE_RATE_FACTOR * revealed_rate, revealed_rate + PLAUSIBLE_RATE_MARGIN)


def propagate_dependencies(features: TableFeatures, labels: Labels, revealed: dict[int, list[str]]) -> None:
    """Rows sharing a clean key value with a labelled tuple share its clean value of column j."""
    exact = labels.source == EXACT
    strength = {
        (j, b): stats.strength()[0] for j, cands in enumerate(features.fd_keys) for b, _, stats in cands
    }
    for j in range(features.matrix.shape[1]):
        revealed_rate = float((labels.value[exact[:, j], j] == 1).mean()) if exact[:, j].any() else 0.0
        for b in clean_keys(features, labels, j):
            # Two rows of one group agree when neither is wrong, about (1 - rate)^2 of the time
            # under a true dependency; far weaker agreement means b does not determine j.
            if strength[j, b] < (1.0 - revealed_rate) ** 2 - STRENGTH_SLACK:
                continue
            new = _propagated(features, labels, revealed, j, b)
            if new is not None and _plausible(new, revealed_rate):
                labels.keys[j] = b
                for row, value in new.items():
                    labels.value[row, j] = value
                    labels.source[row, j] = DEPENDENCY
                break


def propagate_clusters(clusters: ColumnClusters, labels: Labels, n_clusters: int) -> None:
    """Clusters whose labelled cells all agree lend that label to their unlabelled cells.

    Only in columns where the dependencies produced fewer than CLUSTER_MIN_ERRORS error
    labels: where they did, those labels are exact and cluster guesses only add noise.
    """
    exact = labels.source == EXACT
    for j in range(labels.value.shape[1]):
        if ((labels.source[:, j] >= DEPENDENCY) & (labels.value[:, j] == 1)).sum() >= CLUSTER_MIN_ERRORS:
            continue
        ids = clusters.cut(j, n_clusters)
        for cluster in np.unique(ids[exact[:, j]]):
            members = ids == cluster
            seen = labels.value[members & exact[:, j], j]
            if len(set(seen.tolist())) != 1:
                continue
            # One labelled error is an anecdote: spreading it over a whole cluster of rare but
            # valid values (codes with near neighbours) floods the labels with false errors.
            if seen[0] == 1 and len(seen) < MIN_ERROR_EVIDENCE:
                continue
            fill = members & (labels.source[:, j] == 0)
            labels.value[fill, j] = seen[0]
            labels.source[fill, j] = CLUSTER
