"""The fine-tuned transformer head: MiniLM trained with BCE on serialised cells.

A cell becomes one short text, ``column: value | key column: key value | usual: the key
group's majority value | source column: value``: the value with just the row context that
decides it (its determinant and, when labels found one, the row's source), so it fits in 64
tokens and equal contexts repeat. Equal texts are trained and scored once.

On a 2-core CPU fine-tuning runs at ~22-38 examples/s, so the head trains on a capped,
class-balanced sample of the labelled cells (revealed and propagated, weighted by
provenance as the GBM's labels are) for a couple of epochs. ``head="transformer"`` scores
every distinct text; ``head="both"`` lets it re-score only the cells the GBM is least sure
of and averages the two probabilities there.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np

from stocktake.core.errors import UsageError
from stocktake.detection.classifier import SOURCE_WEIGHT
from stocktake.detection.features import TableFeatures
from stocktake.detection.propagation import EXACT, Labels
from stocktake.models.finetune_settings import FineTuneSettings

Head = Literal["gbm", "transformer", "both"]
HEADS = ("gbm", "transformer", "both")
BLANK = "(blank)"
MAX_SHOWN = 40  # characters of a value kept in a serialised cell


@dataclass(frozen=True)
class TransformerHeadOptions:
    """Budget of the transformer head; ``finetune`` holds the trainer's own settings."""

    max_examples: int = 128  # distinct training texts, about half errors when there are that many
    max_scored: int = 300  # head="both": at most this many uncertain cells re-scored
    uncertain: tuple[float, float] = (0.2, 0.8)  # head="both": GBM scores in this band are re-scored
    finetune: FineTuneSettings = field(default_factory=FineTuneSettings)

    def __post_init__(self) -> None:
        if self.max_examples < 2 or self.max_scored < 0:
            raise UsageError("max_examples must be >= 2 and max_scored >= 0")


def check_head(head: str) -> None:
    if head not in HEADS:
        raise UsageError(f"head must be one of {', '.join(HEADS)}, not {head!r}")


def _short(value: str) -> str:
    value = value.strip() or BLANK
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN]


def _group_majority(features: TableFeatures, j: int, key: int) -> np.ndarray:
    """Per row, the code of column j's most frequent value among rows sharing the key's value."""
    pairs = Counter(zip(features.values[key].tolist(), features.values[j].tolist(), strict=True))
    best: dict[int, tuple[int, int]] = {}
    for (group, code), count in pairs.items():
        if count > best.get(group, (0, -1))[0]:
            best[group] = (count, code)
    return np.array([best[g][1] for g in features.values[key].tolist()])


class CellTexts:
    """Serialised cells of one table, computed lazily per column."""

    def __init__(self, features: TableFeatures, labels: Labels, source: int | None) -> None:
        self._features = features
        self._labels = labels
        self._source = source
        self._columns: dict[int, list[str]] = {}

    def column(self, j: int) -> list[str]:
        if j not in self._columns:
            self._columns[j] = self._serialise(j)
        return self._columns[j]

    def _serialise(self, j: int) -> list[str]:
        features, table = self._features, self._features.table
        header = table.header
        key = self._labels.keys[j] if self._labels.keys[j] is not None else features.determinants[j].key
        majority = _group_majority(features, j, key) if key is not None else None
        source = self._source if self._source not in (j, key) else None
        texts = []
        for i, row in enumerate(table.rows):
            parts = [f"{header[j]}: {_short(row[j])}"]
            if key is not None and majority is not None:
                parts.append(f"{header[key]}: {_short(row[key])}")
                parts.append(f"usual: {_short(features.distinct[j][majority[i]])}")
            if source is not None:
                parts.append(f"{header[source]}: {_short(row[source])}")
            texts.append(" | ".join(parts))
        return texts

    def of(self, cells: tuple[np.ndarray, np.ndarray]) -> list[str]:
        return [self.column(int(j))[int(i)] for i, j in zip(*cells, strict=True)]


def training_set(
    texts: CellTexts, labels: Labels, max_examples: int, rng: np.random.Generator
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Distinct texts with a label and a weight: provenance weight, classes balanced.

    Revealed cells come first within each class; the rest of a class is sampled at random.
    """
    rows, cols = np.nonzero(labels.source > 0)
    found: dict[str, list[float]] = {}  # text -> [weight of 0s, weight of 1s, count of 0s, of 1s, revealed]
    for i, j, text in zip(rows, cols, texts.of((rows, cols)), strict=True):
        entry = found.setdefault(text, [0.0, 0.0, 0.0, 0.0, 0.0])
        label = int(labels.value[i, j])
        entry[label] += SOURCE_WEIGHT[int(labels.source[i, j])]
        entry[2 + label] += 1.0
        entry[4] = max(entry[4], float(labels.source[i, j] == EXACT))
    if not found:
        return [], np.zeros(0), np.zeros(0)
    names = list(found)
    stats = np.array([found[t] for t in names])
    y = (stats[:, 1] > stats[:, 0]).astype(np.float64)
    # A text's weight is its label's mean provenance weight, not its count: frequent clean
    # values would otherwise drown the rare errors the head is there to learn.
    label = y.astype(int)
    weight = stats[np.arange(len(y)), label] / np.maximum(stats[np.arange(len(y)), 2 + label], 1.0)
    keep: list[int] = []
    positives = np.flatnonzero(y == 1)
    negatives = np.flatnonzero(y == 0)
    quota = {1: min(len(positives), max_examples // 2)}
    quota[0] = min(len(negatives), max_examples - quota[1])
    for cls, members in ((1, positives), (0, negatives)):
        order = rng.permutation(members)
        order = order[np.argsort(-stats[order, 4], kind="stable")]  # revealed first
        keep.extend(order[: quota[cls]].tolist())
    keep_arr = np.array(sorted(keep))
    y, weight = y[keep_arr], weight[keep_arr]
    positive = y == 1
    if positive.any() and (~positive).any():
        weight[positive] *= weight[~positive].sum() / weight[positive].sum()
    return [names[k] for k in keep_arr], y, weight


@dataclass
class HeadRun:
    """What the transformer head did, for the run's options."""

    train_examples: int = 0
    scored_texts: int = 0
    rescored_cells: int = 0
    train_seconds: float = 0.0
    score_seconds: float = 0.0
    examples_per_second: float = 0.0
    device: str = ""
    precision: str = ""
    lora: bool = False
    settings: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def transformer_scores(
    features: TableFeatures,
    labels: Labels,
    source: int | None,
    gbm: np.ndarray | None,
    options: TransformerHeadOptions,
    seed: int,
) -> tuple[np.ndarray, HeadRun]:
    """Error probabilities with the fine-tuned head: every cell when ``gbm`` is None, else
    ``gbm`` with its uncertain cells replaced by the mean of both heads."""
    from stocktake.models.transformer.finetune import CellClassifier  # imports torch

    n, n_cols = labels.value.shape
    texts = CellTexts(features, labels, source)
    rng = np.random.default_rng(seed)
    train_texts, y, weight = training_set(texts, labels, options.max_examples, rng)
    settings = options.finetune
    if settings.seed != seed:
        settings = FineTuneSettings(**{**asdict(settings), "seed": seed})
    run = HeadRun(settings=asdict(settings))
    base = np.zeros((n, n_cols)) if gbm is None else gbm.copy()
    if len(train_texts) == 0 or len(set(y.tolist())) < 2:
        if gbm is None and len(train_texts):
            base[:] = float(y[0])  # one class seen: the only answer the labels support
        return base, run
    model = CellClassifier.load(settings)
    report = model.fit(train_texts, y, weight)
    run.train_examples, run.train_seconds = report.examples, report.seconds
    run.examples_per_second, run.device = report.examples_per_second, report.device
    run.precision, run.lora = report.precision, report.lora
    if gbm is None:
        cells = np.nonzero(np.ones((n, n_cols), dtype=bool))
    else:
        low, high = options.uncertain
        band = (gbm > low) & (gbm < high) & (labels.source == 0)
        rows, cols = np.nonzero(band)
        order = np.argsort(np.abs(gbm[rows, cols] - 0.5), kind="stable")[: options.max_scored]
        cells = (rows[order], cols[order])
    cell_texts = texts.of(cells)
    distinct = list(dict.fromkeys(cell_texts))
    started = time.perf_counter()
    proba = dict(zip(distinct, model.predict_proba(distinct), strict=True)) if distinct else {}
    run.score_seconds = time.perf_counter() - started
    run.scored_texts, run.rescored_cells = len(distinct), len(cell_texts)
    values = np.array([proba[t] for t in cell_texts])
    if gbm is None:
        base[cells] = values
    else:
        base[cells] = (gbm[cells] + values) / 2.0
    return base, run
