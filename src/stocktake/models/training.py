"""Train the title -> category model with a held-out test split, and save it with its metrics.

Rows are split once, stratified by label, into train / validation / test. Training runs epoch by
epoch (SGD with log loss, ``partial_fit`` over a fresh shuffle each epoch), keeps the weights of
the epoch with the best validation macro-F1 and stops after `patience` epochs without a gain.
The test split is scored once, at the end, by the kept weights: it never steers training.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stocktake.core.errors import EXIT_INPUT, MissingExtraError, StocktakeError, UsageError
from stocktake.models.category_model import CategoryModel

MIN_ROWS_PER_CLASS = 5  # fewer cannot be split three ways and still say anything
IMPROVEMENT = 1e-4  # a validation gain smaller than this does not reset the patience


class TrainingDataError(StocktakeError):
    """The data can be read but cannot train a model (too few rows, too few classes)."""

    exit_code = EXIT_INPUT


def require_sklearn() -> None:
    import importlib.util

    if importlib.util.find_spec("sklearn") is None:
        raise MissingExtraError("scikit-learn", "detect")


@dataclass
class LabelledTexts:
    texts: list[str]
    labels: list[str]
    source: str  # what was read: the source spec and the asset
    rows_read: int
    dropped_empty: int
    dropped_duplicates: int


def read_labelled(spec: str, text_column: str, label_column: str, table: str | None = None) -> LabelledTexts:
    """Text and label of every row of one asset of `spec` (anything `open_source` opens).

    Rows with an empty text or label are dropped, and so are repeats of an identical (text, label)
    pair: a copy could otherwise sit in train and test at once and inflate the test score."""
    from stocktake.connectors import open_source

    connector = open_source(spec)
    try:
        assets = connector.discover()
        if table is not None:
            assets = [a for a in assets if table in (a.name, a.id)]
        if len(assets) != 1:
            names = ", ".join(a.name for a in connector.discover()) or "none"
            which = f"no asset {table!r}" if table is not None and not assets else f"{len(assets)} assets"
            raise UsageError(f"{spec}: {which}; choose one with --table (assets: {names})")
        asset = assets[0]
        names = [c.name for c in asset.columns]
        cols = [_column(names, wanted, spec, asset.name) for wanted in (text_column, label_column)]
        engine = connector.engine()
        sql = f"SELECT {engine.quote(cols[0])}, {engine.quote(cols[1])} FROM {engine.relation(asset)}"
        _, rows = engine.execute(sql)
    finally:
        connector.close()
    pairs = [(str(t).strip(), str(c).strip()) for t, c in rows if t is not None and c is not None]
    pairs = [(t, c) for t, c in pairs if t and c]
    unique = list(dict.fromkeys(pairs))
    return LabelledTexts(
        [t for t, _ in unique],
        [c for _, c in unique],
        f"{spec} ({asset.name})",
        len(rows),
        len(rows) - len(pairs),
        len(pairs) - len(unique),
    )


def _column(names: list[str], wanted: str, spec: str, asset: str) -> str:
    if wanted in names:
        return wanted
    loose = [n for n in names if n.strip().lower() == wanted.strip().lower()]  # " Category Label"
    if len(loose) == 1:
        return loose[0]
    raise UsageError(f"{spec}: {asset} has no column {wanted!r} (columns: {', '.join(names)})")


def check_shares(val: float, test: float) -> None:
    if not (0 < val < 1 and 0 < test < 1 and val + test < 1):
        raise UsageError(f"--val {val} and --test {test} must be shares in (0, 1) summing below 1")


def split(
    labels: Sequence[str], val: float, test: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices of the train, validation and test splits, each stratified by label."""
    check_shares(val, test)
    counts = Counter(labels)
    if len(counts) < 2:
        raise TrainingDataError(f"need at least two labels to train a classifier, found {len(counts)}")
    rare = sorted((n, c) for c, n in counts.items() if n < MIN_ROWS_PER_CLASS)
    if rare:
        listed = ", ".join(f"{c!r} ({n})" for n, c in rare[:5]) + (" ..." if len(rare) > 5 else "")
        raise TrainingDataError(
            f"{len(rare)} label(s) have fewer than {MIN_ROWS_PER_CLASS} rows: {listed}; "
            "drop or merge them, or label more rows"
        )
    from sklearn.model_selection import train_test_split

    y = np.asarray(labels)
    idx = np.arange(len(y))
    n_test = max(round(test * len(y)), len(counts))  # room for every class in each held-out split
    n_val = max(round(val * len(y)), len(counts))
    if n_test + n_val + len(counts) > len(y):
        raise TrainingDataError(f"{len(y)} rows are too few to split three ways over {len(counts)} labels")
    rest, test_idx = train_test_split(idx, test_size=n_test, stratify=y, random_state=seed)
    train_idx, val_idx = train_test_split(rest, test_size=n_val, stratify=y[rest], random_state=seed)
    return np.sort(train_idx), np.sort(val_idx), np.sort(test_idx)


@dataclass
class TrainResult:
    model: CategoryModel
    epochs: int
    best_epoch: int
    stopped_early: bool
    history: list[float]  # validation macro-F1 per epoch
    test_metrics: dict[str, Any]
    splits: dict[str, int]
    seconds: float
    split_indices: dict[str, np.ndarray] = field(default_factory=dict)


def train_category(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    val: float = 0.1,
    test: float = 0.1,
    seed: int = 0,
    use_encoder: bool = False,
    max_epochs: int = 30,
    patience: int = 3,
    alpha: float = 2e-6,
) -> TrainResult:
    """Split, train with early stopping on validation macro-F1, score on the test split."""
    require_sklearn()
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier
    from sklearn.metrics import f1_score

    if max_epochs < 1 or patience < 1:
        raise UsageError("--max-epochs and --patience must be at least 1")
    started = time.perf_counter()
    y = np.asarray([str(v) for v in labels])
    train_idx, val_idx, test_idx = split(y.tolist(), val, test, seed)
    model = CategoryModel(use_encoder=use_encoder, alpha=alpha, seed=seed)
    x = model.features(texts)
    classes = np.array(sorted(set(y.tolist())))
    clf = SGDClassifier(loss="log_loss", alpha=alpha, random_state=seed)
    rng = np.random.default_rng(seed)
    history: list[float] = []
    best: tuple[float, int, np.ndarray, np.ndarray] | None = None
    epoch = 0
    for epoch in range(1, max_epochs + 1):
        order = rng.permutation(train_idx)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.partial_fit(x[order], y[order], classes=classes)
        score = float(f1_score(y[val_idx], clf.predict(x[val_idx]), average="macro", zero_division=0))
        history.append(score)
        if best is None or score > best[0] + IMPROVEMENT:
            best = (score, epoch, clf.coef_.copy(), clf.intercept_.copy())
        elif epoch - best[1] >= patience:
            break
    assert best is not None
    model.classes_ = [str(c) for c in clf.classes_]
    model._weights = (best[2], best[3])  # the kept epoch, not the last one
    predicted = model.predict_category_features(x[test_idx])
    return TrainResult(
        model=model,
        epochs=epoch,
        best_epoch=best[1],
        stopped_early=epoch < max_epochs,
        history=history,
        test_metrics=metrics(y[test_idx].tolist(), predicted),
        splits={"train": len(train_idx), "validation": len(val_idx), "test": len(test_idx)},
        seconds=time.perf_counter() - started,
        split_indices={"train": train_idx, "validation": val_idx, "test": test_idx},
    )


def metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro precision / recall / F1 and the per-class report."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    mp, mr, mf, _ = precision_recall_fscore_support(
        truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0
    )
    return {
        "rows": len(truth),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_precision": float(mp),
        "macro_recall": float(mr),
        "macro_f1": float(mf),
        "per_class": {
            c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, c in enumerate(labels)
        },
    }


def save_category_model(
    result: TrainResult, data: LabelledTexts, name: str, root: Path, options: dict[str, Any]
) -> Path:
    """Save the model and its metadata under root/NAME/VERSION; return that folder."""
    from stocktake.models import registry

    test = result.test_metrics
    payload = {
        "kind": "category",
        "description": "title -> category: hashed character n-grams"
        + (" + fast encoder embeddings" if result.model.use_encoder else "")
        + ", linear model by SGD (log loss)",
        "data": {
            "source": data.source,
            "rows_read": data.rows_read,
            "dropped_empty": data.dropped_empty,
            "dropped_duplicates": data.dropped_duplicates,
            "rows": len(data.texts),
            "splits": result.splits,
            "classes": len(result.model.classes_),
        },
        "options": {**options, "model": result.model.options()},
        "training": {
            "epochs": result.epochs,
            "best_epoch": result.best_epoch,
            "stopped_early": result.stopped_early,
            "validation_macro_f1": [round(v, 6) for v in result.history],
            "seconds": round(result.seconds, 3),
        },
        "metrics": {"test": test},
        "key_metric": {"name": "test_macro_f1", "value": test["macro_f1"]},
        "model_file": "model.npz",
    }
    return registry.save(root, name, payload, result.model.save)
