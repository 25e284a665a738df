"""Near-duplicate products in the demo estate's catalog, pair by pair, over several demo seeds.

    .venv/bin/python benchmarks/near_duplicates.py [--seeds 7 11 23] [--rows 100000] [--min-threshold T]

For each seed, generates the demo estate (stocktake.demo: the catalog holds product lines of
variants — sizes, colours, capacities — and 0.6% of products relisted under a new item_id with
re-typed titles), runs the scan's near-duplicate detector on `products` exactly as `scan` does
(semantic types, the self-trained matcher, trigram blocking) and scores the kept pairs against
the planted pairs in truth.json. Two baselines in the same run: the matcher's own zero-shot
score (stocktake.matching.ZeroShotMatcher, no training) on the same candidate pairs, and an
exact rule (titles equal after lower-casing and removing spaces). The demo's relisting edits
were written before this detector; the detector's synthetic edits are generic (module docstring).
Last line: ``f1=… precision=… recall=… seconds=…`` (means over the seeds, self-trained matcher).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from stocktake.connectors import open_source
from stocktake.demo.estate import generate_estate
from stocktake.detection.near_duplicates import find_near_duplicates
from stocktake.detection.unsupervised import asset_context
from stocktake.engines.profiling import ProfileOptions, profile_asset


def prf(found: set[frozenset], truth: set[frozenset]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def one_seed(seed: int, rows: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        generate_estate(Path(tmp), rows=rows, seed=seed)
        truth_doc = json.loads((Path(tmp) / "truth.json").read_text(encoding="utf-8"))
        planted = next(p for p in truth_doc["problems"] if p["type"] == "near_duplicate_entity")
        truth = {frozenset(k) for k in zip(planted["keys"][::2], planted["keys"][1::2], strict=True)}
        with open_source(str(Path(tmp) / "shop.sqlite")) as connector:
            engine = connector.engine()
            asset = next(a for a in connector.discover() if a.name.endswith("products"))
            ctx = asset_context(engine, asset, profile_asset(engine, asset, ProfileOptions()))
            started = time.perf_counter()
            found = find_near_duplicates(ctx)
            seconds = time.perf_counter() - started
    assert found is not None, "the detector did not recognise the catalog"
    kept = {frozenset(p) for p in found.key_pairs()}
    p, r, f1 = prf(kept, truth)
    misses = truth - kept
    wrong = kept - truth
    index = {k: i for i, k in enumerate(found.keys)}

    def titles(pair: frozenset) -> str:
        return " | ".join(found.records[index[k]][found.columns.text[0]] for k in pair)

    # Baselines on the same rows: the untrained zero-shot score, and an exact-title rule.
    from stocktake.matching.api import find_duplicates

    zero = find_duplicates(found.records, encoder="off")
    zero_kept = {frozenset((found.keys[q.left], found.keys[q.right])) for q in zero.pairs}
    squashed: dict[str, list] = {}
    for k, rec in zip(found.keys, found.records, strict=True):
        squashed.setdefault("".join(rec[found.columns.text[0]].lower().split()), []).append(k)
    exact = {frozenset(g[:2]) for g in squashed.values() if len(g) > 1}
    return {
        "seed": seed, "rows_read": len(found.records), "planted_pairs": len(truth), "kept": len(kept),
        "precision": p, "recall": r, "f1": f1, "seconds": seconds,
        "zero_shot": prf(zero_kept, truth), "exact_title": prf(exact, truth),
        "false_pairs": [titles(x) for x in wrong][:5], "missed_pairs": [titles(x) for x in misses][:5],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 23])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--min-threshold",
        type=float,
        default=None,
        help="override the matcher's floor (default: its own, 0.8)",
    )
    args = parser.parse_args()
    if args.min_threshold is not None:
        from stocktake.matching import self_supervised

        self_supervised.MIN_THRESHOLD = args.min_threshold
    results = []
    for seed in args.seeds:
        res = one_seed(seed, args.rows)
        results.append(res)
        zp, zr, zf = res["zero_shot"]  # type: ignore[misc]
        ep, er, ef = res["exact_title"]  # type: ignore[misc]
        print(
            f"seed {seed}: {res['planted_pairs']} planted pairs in {res['rows_read']} products; self-trained "
            f"P={res['precision']:.3f} R={res['recall']:.3f} F1={res['f1']:.3f} ({res['seconds']:.1f} s); "
            f"zero-shot P={zp:.3f} R={zr:.3f} F1={zf:.3f}; exact title P={ep:.3f} R={er:.3f} F1={ef:.3f}"
        )
        for text in res["false_pairs"]:  # type: ignore[attr-defined]
            print(f"  false pair: {text}")
        for text in res["missed_pairs"]:  # type: ignore[attr-defined]
            print(f"  missed:     {text}")
    mean = {k: float(np.mean([r[k] for r in results])) for k in ("f1", "precision", "recall", "seconds")}
    print(
        f"f1={mean['f1']:.3f} precision={mean['precision']:.3f} recall={mean['recall']:.3f} seconds={mean['seconds']:.1f}"
    )


if __name__ == "__main__":
    main()
