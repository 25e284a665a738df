"""`stocktake train category` on real titles: held-out test metrics, epochs and time, against baselines.

    .venv/bin/python benchmarks/train_category.py --data ../shared/data/product-titles/pricerunner/pricerunner_aggregate.csv \
        [--text "Product Title"] [--label "Category Label"] [--seed 0] [--encoder off|fast|both]

Reads DATA the way the command does (stocktake.models.training.read_labelled: repeated
(title, label) pairs kept once), splits it 80/10/10 stratified, and scores on the same test split:
the majority class (baseline), `CategoryModel.fit` on train+validation (one 20-iteration SGD fit,
no early stopping: what scans use), and `train_category` (epoch-wise, early stopping on
validation macro-F1, patience 3), with the n-grams only and with the fast encoder added.
Last line: ``accuracy=… macro_f1=… epochs=… seconds=…`` of the n-gram `train_category` run.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np

from stocktake.models.category_model import CategoryModel
from stocktake.models.training import metrics, read_labelled, split, train_category


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--text", default="Product Title")
    ap.add_argument("--label", default="Category Label")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--encoder", choices=["off", "fast", "both"], default="both")
    args = ap.parse_args()
    data = read_labelled(args.data, args.text, args.label)
    texts, labels = data.texts, np.asarray(data.labels)
    print(
        f"{data.source}: {len(texts):,} rows after {data.dropped_duplicates:,} repeats, {len(set(labels))} labels"
    )
    train_idx, val_idx, test_idx = split(labels.tolist(), 0.1, 0.1, args.seed)
    truth = labels[test_idx].tolist()
    rows: list[tuple[str, dict, int, float]] = []

    majority = Counter(labels[train_idx].tolist()).most_common(1)[0][0]
    rows.append(("majority class (baseline)", metrics(truth, [majority] * len(truth)), 0, 0.0))

    encoders = {"off": [False], "fast": [True], "both": [False, True]}[args.encoder]
    for use_encoder in encoders:
        tag = "n-grams + fast encoder" if use_encoder else "n-grams"
        started = time.perf_counter()
        fit_idx = np.concatenate([train_idx, val_idx])
        model = CategoryModel(use_encoder=use_encoder, seed=args.seed)
        model.fit([texts[i] for i in fit_idx], labels[fit_idx].tolist())
        predicted = model.predict_category([texts[i] for i in test_idx])
        rows.append(
            (f"CategoryModel.fit, {tag}", metrics(truth, predicted), 20, time.perf_counter() - started)
        )
        result = train_category(texts, labels.tolist(), seed=args.seed, use_encoder=use_encoder)
        assert result.splits["test"] == len(test_idx)  # same split as the baselines
        rows.append((f"train_category, {tag}", result.test_metrics, result.epochs, result.seconds))

    base = rows[0][1]["accuracy"]
    print(f"{'model':42} {'accuracy':>9} {'macro-F1':>9} {'epochs':>6} {'seconds':>8} {'acc/baseline':>12}")
    for name, m, epochs, seconds in rows:
        print(
            f"{name:42} {m['accuracy']:9.4f} {m['macro_f1']:9.4f} {epochs:6d} {seconds:8.1f} "
            f"{m['accuracy'] / base:12.2f}"
        )
    last = next(r for r in rows if r[0] == "train_category, n-grams")
    print(
        f"accuracy={last[1]['accuracy']:.4f} macro_f1={last[1]['macro_f1']:.4f} epochs={last[2]} seconds={last[3]:.1f}"
    )


if __name__ == "__main__":
    main()
