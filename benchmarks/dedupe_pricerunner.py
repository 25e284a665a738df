"""Dedupe on PriceRunner offers, its product clusters as truth: blocker recall and pairwise P/R/F1.

    .venv/bin/python benchmarks/dedupe_pricerunner.py \
        [--data ../shared/data/product-titles/pricerunner/pricerunner_aggregate.csv] \
        [--columns "Product Title"] [--k 10] [--ks 5,10,20,30] [--seed 0] [--encoder fast|full]

1. Blocking over all offers (encoder top-k unioned with character-trigram top-k, self excluded):
   for each k, the share of true pairs (two offers of one cluster) that are candidates, and the
   share whose offers are joined through candidate true pairs (what clustering can recover).
2. Matching: clusters are split at random 50/10/40 into train/valid/test; candidate pairs with both
   offers in one part are that part's pairs. The feature matcher trains on train (sampled to at
   most --max-train pairs), picks its threshold on valid, and is scored on test against *every*
   true test pair (pairs lost in blocking count as misses). Baseline in the same run: the
   zero-shot score, at its default threshold and at the valid-chosen one. Clusters (connected
   components of kept pairs) are scored the same way.
The dataset's cluster columns are read only as truth; the matcher sees the chosen columns only.
Last line: ``f1=… precision=… recall=… blocker_recall=… seconds=…`` (pairwise, test part, 0-1).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict

import numpy as np

from stocktake.matching.api import select_columns
from stocktake.matching.blocking import (
    Neighbours,
    blocker_recall,
    candidate_pairs,
    top_k_dense,
    top_k_trigram,
)
from stocktake.matching.clusters import connected_components, pairs_within
from stocktake.matching.embedding import CachedEmbedder
from stocktake.matching.metrics import best_threshold
from stocktake.matching.serialise import IdfTable, serialise, values_text
from stocktake.matching.sources import read_records


def _closure_recall(candidates: set[tuple[int, int]], truth: set[tuple[int, int]], n: int) -> float:
    """Share of true pairs joined by a chain of candidate pairs that are themselves true."""
    groups = connected_components(n, candidates & truth)
    return len(pairs_within(groups) & truth) / max(len(truth), 1)


def _sliced(neighbours: Neighbours, k: int) -> Neighbours:
    return Neighbours(neighbours.index[:, :k], neighbours.score[:, :k])


def _score(truth: set[tuple[int, int]], kept: set[tuple[int, int]]) -> tuple[float, float, float]:
    tp = len(truth & kept)
    p = tp / max(len(kept), 1)
    r = tp / max(len(truth), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data/product-titles/pricerunner/pricerunner_aggregate.csv")
    ap.add_argument("--columns", default="Product Title")
    ap.add_argument("--truth", default="Cluster ID")
    ap.add_argument("--k", type=int, default=10, help="neighbours per blocker for the matching step")
    ap.add_argument("--ks", default="5,10,20,30", help="k values for the blocker-recall table")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--encoder", choices=["fast", "full"], default="fast")
    ap.add_argument("--max-train", type=int, default=30_000)
    args = ap.parse_args()
    started = time.perf_counter()
    asset = read_records(args.data)
    truth_column = next(c for c in asset.columns if c.strip().lower() == args.truth.lower())
    cluster = [r[truth_column] for r in asset.records]
    records = select_columns(asset.records, [c.strip() for c in args.columns.split(",")])
    n = len(records)
    members: dict[str, list[int]] = defaultdict(list)
    for row, c in enumerate(cluster):
        members[c].append(row)
    truth = pairs_within(members.values())
    print(f"{asset.source}: {n:,} offers, {len(members):,} clusters, {len(truth):,} true pairs")

    t = time.perf_counter()
    idf = IdfTable.from_records(records)
    embed = CachedEmbedder(args.encoder)
    vectors = embed([serialise(r, idf) for r in records])
    ks = sorted({*(int(x) for x in args.ks.split(",")), args.k})
    dense = top_k_dense(vectors, vectors, max(ks), exclude_self=True)
    tri = top_k_trigram([values_text(r) for r in records], None, max(ks))
    block_seconds = time.perf_counter() - t
    print(f"blocking ({args.encoder} encoder + trigram, k up to {max(ks)}): {block_seconds:.0f}s")
    print(
        "| k | candidates | pairwise blocker recall | recall via true candidate chains | encoder only | trigram only |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for k in ks:
        d, g = _sliced(dense, k), _sliced(tri, k)
        both = candidate_pairs(d, g, symmetric=True)
        only_d = candidate_pairs(d, symmetric=True)
        only_g = candidate_pairs(g, symmetric=True)
        print(
            f"| {k} | {len(both):,} | {blocker_recall(both, truth):.4f} | {_closure_recall(both, truth, n):.4f} "
            f"| {blocker_recall(only_d, truth):.4f} | {blocker_recall(only_g, truth):.4f} |"
        )
    candidates = sorted(candidate_pairs(_sliced(dense, args.k), _sliced(tri, args.k), symmetric=True))
    block_recall = blocker_recall(candidates, truth)

    rng = random.Random(args.seed)
    part_of_cluster = {
        c: ("train" if (u := rng.random()) < 0.5 else "valid" if u < 0.6 else "test") for c in members
    }
    part = [part_of_cluster[c] for c in cluster]
    by_part: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, j in candidates:
        if part[i] == part[j]:
            by_part[part[i]].append((i, j))
    test_truth = {(i, j) for i, j in truth if part[i] == "test"}
    train_pairs = by_part["train"]
    if len(train_pairs) > args.max_train:
        positives = [p for p in train_pairs if cluster[p[0]] == cluster[p[1]]]
        negatives = [p for p in train_pairs if cluster[p[0]] != cluster[p[1]]]
        train_pairs = positives + rng.sample(negatives, max(0, args.max_train - len(positives)))

    def labelled(pairs: list[tuple[int, int]]):
        return [(records[i], records[j]) for i, j in pairs], np.array(
            [cluster[i] == cluster[j] for i, j in pairs]
        )

    x_valid, y_valid = labelled(by_part["valid"])
    x_test, _ = labelled(by_part["test"])
    print(
        f"pairs: train {len(train_pairs):,}, valid {len(x_valid):,}, test {len(x_test):,} candidates; {len(test_truth):,} true test pairs"
    )

    from stocktake.matching.zero_shot import ZeroShotMatcher

    zero = ZeroShotMatcher(args.encoder).fit_corpus(records)
    zero_test = zero.predict_proba(x_test)
    rows = []
    for label, threshold in (
        ("zero-shot, default threshold", zero.threshold),
        ("zero-shot, threshold on valid", best_threshold(y_valid, zero.predict_proba(x_valid)).threshold),
    ):
        kept = {pair for pair, s in zip(by_part["test"], zero_test, strict=True) if s >= threshold}
        rows.append((label, threshold, kept, 0.0))

    from stocktake.matching.feature_matcher import FeatureMatcher

    x_train, y_train = labelled(train_pairs)
    matcher = FeatureMatcher(encoder=args.encoder, seed=args.seed).fit(x_train, y_train, x_valid, y_valid)
    test_scores = matcher.predict_proba(x_test)
    kept = {pair for pair, s in zip(by_part["test"], test_scores, strict=True) if s >= matcher.threshold}
    rows.append(("feature matcher (trained on train clusters)", matcher.threshold, kept, matcher.seconds))
    print(f"test part blocker recall (k={args.k}): {blocker_recall(by_part['test'], test_truth):.4f}")
    print("| scorer | threshold | pairwise P | R | F1 | cluster-closure P | R | F1 | train s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    final = (0.0, 0.0, 0.0)
    for label, threshold, kept, seconds in rows:
        p, r, f = _score(test_truth, kept)
        closure = pairs_within(connected_components(n, kept))
        cp, cr, cf = _score(test_truth, closure)
        print(
            f"| {label} | {threshold:.3f} | {p:.4f} | {r:.4f} | {f:.4f} | {cp:.4f} | {cr:.4f} | {cf:.4f} | {seconds:.0f} |"
        )
        final = (p, r, f)
    base_f1 = _score(test_truth, rows[1][2])[2]
    print(f"feature matcher F1 / zero-shot (valid threshold) F1 = {final[2] / max(base_f1, 1e-9):.2f}x")
    print(
        f"f1={final[2]:.4f} precision={final[0]:.4f} recall={final[1]:.4f} "
        f"blocker_recall={block_recall:.4f} seconds={time.perf_counter() - started:.0f}"
    )


if __name__ == "__main__":
    main()
