"""Category consistency on real product titles: planted category swaps, and plain category accuracy.

    .venv/bin/python benchmarks/category_mismatch.py --data ../shared/data/product-titles/pricerunner \
        [--swap 0.02] [--seed 0] [--rows N]

DIR must hold one CSV whose header has a title column and a category label column, named with
--title / --label (defaults fit the PriceRunner file; header names are stripped of spaces). The
script moves `--swap` of the rows to another category drawn at random, runs the detector
(stocktake.detection.category.mismatches: out-of-fold title -> category probabilities, flag when
the declared category is below 5% and another above 80%) and scores the flags against the swapped
rows. Variants in the same script: hashed character n-grams only, encoder embeddings (fast) only,
and both (the default). Category accuracy and a classification report come from the same
out-of-fold predictions, on the rows that were not swapped, against the true labels.
Last line: ``f1=… precision=… recall=… seconds=…`` of the default variant.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

from stocktake.detection import category


def load(folder: Path, title: str, label: str, rows: int | None, seed: int) -> tuple[list[str], list[str]]:
    files = sorted(folder.glob("*.csv"))
    if len(files) != 1:
        sys.exit(f"expected one CSV in {folder}, found {len(files)}")
    with files[0].open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader)]
        ti, li = header.index(title), header.index(label)
        data = [(r[ti], r[li]) for r in reader if len(r) == len(header)]
    if rows and rows < len(data):
        pick = np.random.default_rng(seed).choice(len(data), size=rows, replace=False)
        data = [data[i] for i in sorted(pick.tolist())]
    return [t for t, _ in data], [c for _, c in data]


def swap(labels: list[str], share: float, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    classes = sorted(set(labels))
    moved = rng.choice(len(labels), size=round(share * len(labels)), replace=False)
    out = list(labels)
    for i in moved.tolist():
        others = [c for c in classes if c != labels[i]]
        out[i] = others[int(rng.integers(len(others)))]
    truth = np.zeros(len(labels), dtype=bool)
    truth[moved] = True
    return out, truth


def prf(flags: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    tp = int((flags & truth).sum())
    p = tp / flags.sum() if flags.sum() else 0.0
    r = tp / truth.sum() if truth.sum() else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--title", default="Product Title")
    ap.add_argument("--label", default="Category Label")
    ap.add_argument("--swap", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rows", type=int, default=None)
    args = ap.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no such folder: {args.data}")
    from sklearn.metrics import classification_report

    titles, labels = load(args.data, args.title, args.label, args.rows, args.seed)
    declared, truth = swap(labels, args.swap, args.seed)
    print(f"{args.data}: {len(titles):,} titles, {len(set(labels))} categories, {int(truth.sum())} swapped")
    variants = {
        "n-grams only": (False, True),
        "encoder only": (True, False),
        "encoder + n-grams": (True, True),
    }
    result = None
    for name, (use_encoder, ngrams) in variants.items():
        start = time.perf_counter()
        flags, predicted, _ = category.mismatches(titles, declared, use_encoder, args.seed, ngrams)
        seconds = time.perf_counter() - start
        p, r, f1 = prf(flags, truth)
        clean = ~truth
        accuracy = float(np.mean([predicted[i] == labels[i] for i in np.flatnonzero(clean)]))
        print(f"  {name:18s} precision={p:.3f} recall={r:.3f} f1={f1:.3f} flagged={int(flags.sum())} "
              f"accuracy={accuracy:.4f} seconds={seconds:.1f}")  # fmt: skip
        result = (f1, p, r, seconds, predicted)
    assert result is not None
    f1, p, r, seconds, predicted = result
    clean = np.flatnonzero(~truth)
    print("classification report (encoder + n-grams, out-of-fold, rows not swapped):")
    print(classification_report([labels[i] for i in clean], [predicted[i] for i in clean], digits=3))
    print(f"f1={f1:.4f} precision={p:.4f} recall={r:.4f} seconds={seconds:.1f}")


if __name__ == "__main__":
    main()
