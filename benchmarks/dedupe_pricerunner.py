"""Dedupe on PriceRunner offers, its product clusters as truth: blocker recall, pairwise and cluster P/R/F1.

    .venv/bin/python benchmarks/dedupe_pricerunner.py \
        [--data ../shared/data/product-titles/pricerunner/pricerunner_aggregate.csv] \
        [--columns "Product Title"] [--k 10] [--ks 5,10,20,30] [--joins 0.5,0.3,...,0.08] \
        [--target-recall 0.98] [--seed 0] [--encoder fast|full] [--no-context]

Clusters are split at random 50/10/40 into train/valid/test before anything is measured; a pair
belongs to a part when both offers do. The dataset's cluster columns are read only as truth.

1. Blocking over all offers. Top-k table: encoder top-k unioned with character-trigram top-k for
   each k. Similarity-join curve: every pair whose word + character-trigram TF-IDF similarity is
   at least t (`blocking.similarity_join`), unioned with the top-k lists at --k. Blocker recall is
   pair completeness (share of true pairs that are candidates); the reduction ratio is 1 -
   candidates / all n(n-1)/2 pairs. The operating point is the highest t whose recall on the
   *train* part's true pairs reaches --target-recall; test recall is reported, not used.
2. Matching on that candidate set: the feature matcher trains on train-part candidates (at most
   --max-train pairs: a third matches, a third top-k negatives, the rest other negatives), picks its threshold on valid, and is scored on
   test against *every* true test pair (pairs lost in blocking count as misses). Baseline in the
   same run: the zero-shot score at its default threshold and at the valid-chosen one. When the
   matcher uses its context stage, each part's candidates are scored in one call, offers named
   by their row (as `stocktake dedupe` does); `--no-context` trains one stage only.
3. Clusters from the test pairs: connected components of the kept pairs, and average linkage
   (`clusters.average_linkage`, scored pairs >= --edge-floor as edges) with its threshold chosen on
   valid. Cluster P/R/F1 count the pairs inside predicted clusters (without listing them).
Last line: ``f1=… precision=… recall=… blocker_recall=… candidates=… seconds=…`` (pairwise, test part).
At the default target the test part holds 7.5M candidates: about an hour on 2 busy cores, about 5 GB RSS;
``--ks 10 --joins 0.45 --target-recall 0`` (the library's default size) takes about 8 minutes.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from stocktake.matching.api import select_columns
from stocktake.matching.blocking import Neighbours, similarity_join, top_k_dense, top_k_trigram
from stocktake.matching.clusters import average_linkage, connected_components
from stocktake.matching.embedding import CachedEmbedder
from stocktake.matching.metrics import best_threshold
from stocktake.matching.serialise import IdfTable, serialise, values_text
from stocktake.matching.sources import read_records

SCORE_CHUNK = 200_000  # pairs featurised at once: bounds memory on millions of test pairs


def _keys(rows: np.ndarray, cols: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique i * n + j (i < j) codes of unordered pairs: tens of millions fit as int64."""
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    keep = lo != hi
    return np.unique(lo[keep].astype(np.int64) * n + hi[keep])


def _neighbour_keys(neighbours: Neighbours, k: int, n: int) -> np.ndarray:
    index = neighbours.index[:, :k]
    rows, cols = np.nonzero(index >= 0)
    return _keys(rows, index[rows, cols], n)


def _found(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Which `queries` are in `sorted_keys` (binary search: no sort of tens of millions per call)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(queries), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, queries), len(sorted_keys) - 1)
    return sorted_keys[at] == queries


def _recall(candidates: np.ndarray, truth: np.ndarray) -> float:
    return float(_found(candidates, truth).mean()) if len(truth) else 1.0


def _pair_count(sizes: np.ndarray) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _closure_recall(candidates: np.ndarray, truth: np.ndarray, n: int) -> float:
    """Share of true pairs joined by a chain of candidate pairs that are themselves true: each
    such chain stays inside one true cluster, so its pairs are all true and only need counting."""
    found = truth[_found(candidates, truth)]
    groups = connected_components(n, zip((found // n).tolist(), (found % n).tolist(), strict=True))
    return _pair_count(np.array([len(g) for g in groups], dtype=np.int64)) / max(len(truth), 1)


def _cluster_scores(
    groups: list[list[int]], cluster: np.ndarray, truth_pairs: int
) -> tuple[float, float, float]:
    """Pairwise P/R/F1 of a clustering: predicted pairs are those inside a group, true ones those
    inside a group and a true cluster (counted from the group x cluster contingency)."""
    if not groups:
        return 0.0, 0.0, 0.0
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    group_of = np.repeat(np.arange(len(groups)), sizes)
    members = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups])
    _, cells = np.unique(np.stack([group_of, cluster[members]]), axis=1, return_counts=True)
    predicted, tp = _pair_count(sizes), _pair_count(cells.astype(np.int64))
    p, r = tp / max(predicted, 1), tp / max(truth_pairs, 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _score(truth: np.ndarray, kept: np.ndarray) -> tuple[float, float, float]:
    tp = int(_found(truth, kept).sum())
    p, r = tp / max(len(kept), 1), tp / max(len(truth), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _predict(scorer, records: Sequence[dict[str, str]], keys: np.ndarray, n: int) -> np.ndarray:
    if getattr(scorer, "scores_in_context", False):
        # The two-stage matcher compares each pair with its records' other candidates: one call,
        # records named by their row (one id whichever side of a pair they are on), as dedupe does.
        ids = np.stack([keys // n, keys % n], axis=1).astype(np.int64)
        pairs = [(records[i], records[j]) for i, j in ids.tolist()]
        return scorer.predict_proba(pairs, ids=ids).astype(np.float32)
    out = np.empty(len(keys), dtype=np.float32)
    for start in range(0, len(keys), SCORE_CHUNK):
        chunk = keys[start : start + SCORE_CHUNK]
        out[start : start + len(chunk)] = scorer.predict_proba(
            [
                (records[i], records[j])
                for i, j in zip((chunk // n).tolist(), (chunk % n).tolist(), strict=True)
            ]
        )
    return out


def _linkage(keys: np.ndarray, scores: np.ndarray, n: int, floor: float, threshold: float) -> list[list[int]]:
    keep = scores >= floor
    edges = zip((keys[keep] // n).tolist(), (keys[keep] % n).tolist(), scores[keep].tolist(), strict=True)
    return average_linkage(n, edges, threshold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data/product-titles/pricerunner/pricerunner_aggregate.csv")
    ap.add_argument("--columns", default="Product Title")
    ap.add_argument("--truth", default="Cluster ID")
    ap.add_argument("--k", type=int, default=10, help="top-k per blocker unioned with the similarity join")
    ap.add_argument("--ks", default="5,10,20,30", help="k values for the top-k blocker table")
    ap.add_argument("--joins", default="0.5,0.4,0.3,0.25,0.2,0.15,0.12,0.1,0.09,0.08,0.07")
    ap.add_argument("--target-recall", type=float, default=0.98, help="blocker recall wanted on train pairs")
    ap.add_argument("--edge-floor", type=float, default=0.05, help="scores below count as 0 in linkage")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--encoder", choices=["fast", "full"], default="fast")
    ap.add_argument("--save-scores", default=None, help="npz of the valid/test keys and scores, for analysis")
    ap.add_argument("--max-train", type=int, default=90_000)
    ap.add_argument("--no-context", action="store_true", help="feature matcher without its context stage")
    args = ap.parse_args()
    started = time.perf_counter()
    asset = read_records(args.data)
    truth_column = next(c for c in asset.columns if c.strip().lower() == args.truth.lower())
    cluster_names = [r[truth_column] for r in asset.records]
    records = select_columns(asset.records, [c.strip() for c in args.columns.split(",")])
    n = len(records)
    members: dict[str, list[int]] = defaultdict(list)
    for row, c in enumerate(cluster_names):
        members[c].append(row)
    cluster_id = {c: x for x, c in enumerate(members)}
    cluster = np.array([cluster_id[c] for c in cluster_names], dtype=np.int64)
    truth = np.unique(
        np.array([a * n + b for g in members.values() for x, a in enumerate(g) for b in g[x + 1 :]])
    )
    all_pairs = n * (n - 1) // 2
    print(f"{asset.source}: {n:,} offers, {len(members):,} clusters, {len(truth):,} true pairs")

    rng = random.Random(args.seed)
    part_of_cluster = {
        c: ("train" if (u := rng.random()) < 0.5 else "valid" if u < 0.6 else "test") for c in members
    }
    part_names = ["train", "valid", "test"]
    part = np.array([part_names.index(part_of_cluster[c]) for c in cluster_names], dtype=np.int8)

    def in_part(keys: np.ndarray, name: str) -> np.ndarray:
        code = part_names.index(name)
        return keys[(part[keys // n] == code) & (part[keys % n] == code)]

    t = time.perf_counter()
    idf = IdfTable.from_records(records)
    embed = CachedEmbedder(args.encoder)
    vectors = embed([serialise(r, idf) for r in records])
    texts = [values_text(r) for r in records]
    ks = sorted({*(int(x) for x in args.ks.split(",")), args.k})
    dense = top_k_dense(vectors, vectors, max(ks), exclude_self=True)
    tri = top_k_trigram(texts, None, max(ks))
    print(
        f"top-k blocking ({args.encoder} encoder + trigram, k up to {max(ks)}): {time.perf_counter() - t:.0f}s"
    )
    print(
        "| k | candidates | pairwise blocker recall | recall via true candidate chains | encoder only | trigram only |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    top_k_keys = np.zeros(0, dtype=np.int64)
    for k in ks:
        d, g = _neighbour_keys(dense, k, n), _neighbour_keys(tri, k, n)
        both = np.union1d(d, g)
        if k == args.k:
            top_k_keys = both
        print(
            f"| {k} | {len(both):,} | {_recall(both, truth):.4f} | {_closure_recall(both, truth, n):.4f} "
            f"| {_recall(d, truth):.4f} | {_recall(g, truth):.4f} |"
        )

    joins = sorted((float(x) for x in args.joins.split(",")), reverse=True)
    t = time.perf_counter()
    joined = similarity_join(texts, None, min(joins))
    order = np.argsort(joined.left * n + joined.right)  # i < j already; sorted once, masks keep the order
    join_keys, join_scores = (joined.left * n + joined.right)[order], joined.score[order]
    del joined, order
    print(f"similarity join at t >= {min(joins)}: {len(join_keys):,} pairs, {time.perf_counter() - t:.0f}s")
    train_truth, valid_truth, test_truth = (in_part(truth, p) for p in part_names)
    print(
        f"| t | join pairs | join recall | + top-{args.k} lists: candidates | reduction ratio | recall "
        "| recall on train part | recall on test part |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    chosen: float | None = None
    for threshold in joins:
        j = join_keys[join_scores >= threshold]
        both = np.union1d(j, top_k_keys)
        train_recall = _recall(both, train_truth)
        print(
            f"| {threshold} | {len(j):,} | {_recall(j, truth):.4f} | {len(both):,} | {1 - len(both) / all_pairs:.4f} "
            f"| {_recall(both, truth):.4f} | {train_recall:.4f} | {_recall(both, test_truth):.4f} |"
        )
        if train_recall >= args.target_recall and chosen is None:
            chosen = threshold
    if chosen is None:
        chosen = min(joins)
        print(f"no t reaches train recall {args.target_recall}: the lowest one tried is used")
    candidates = np.union1d(join_keys[join_scores >= chosen], top_k_keys)
    del join_keys, join_scores
    block_recall, n_candidates = _recall(candidates, truth), len(candidates)
    print(
        f"operating point (train recall >= {args.target_recall}): t = {chosen}, {len(candidates):,} candidates "
        f"({len(candidates) / n:.0f} per offer, reduction ratio {1 - len(candidates) / all_pairs:.4f}), "
        f"blocker recall {block_recall:.4f} (test part {_recall(candidates, test_truth):.4f}), via true chains "
        f"{_closure_recall(candidates, truth, n):.4f}"
    )

    by_part = {p: in_part(candidates, p) for p in part_names}
    del candidates
    positives = by_part["train"][_found(train_truth, by_part["train"])]
    negatives = np.setdiff1d(by_part["train"], positives, assume_unique=True)
    # A third each: matches, negatives from the top-k lists (near misses: other sizes, colours
    # of a model) and negatives from the rest (most candidates of a low threshold are far apart).
    np_rng = np.random.default_rng(args.seed)
    hard = _found(top_k_keys, negatives)
    positives = np_rng.permutation(positives)[: args.max_train // 3]
    near = np_rng.permutation(negatives[hard])[: args.max_train // 3]
    far = np_rng.permutation(negatives[~hard])[: args.max_train - len(positives) - len(near)]
    train_keys = np.concatenate([positives, near, far])

    def labelled(keys: np.ndarray):
        ij = zip((keys // n).tolist(), (keys % n).tolist(), strict=True)
        return [(records[i], records[j]) for i, j in ij], _found(truth, keys)

    x_valid, y_valid = labelled(by_part["valid"])
    test_keys = by_part["test"]
    print(
        f"pairs: train {len(train_keys):,} sampled ({len(positives):,} matches, {len(near):,} top-k negatives) of {len(by_part['train']):,}, "
        f"valid {len(x_valid):,}, test {len(test_keys):,} candidates; {len(test_truth):,} true test pairs"
    )

    from stocktake.matching.zero_shot import ZeroShotMatcher

    t = time.perf_counter()
    zero = ZeroShotMatcher(args.encoder).fit_corpus(records)
    zero_test = _predict(zero, records, test_keys, n)
    zero_valid_threshold = best_threshold(y_valid, zero.predict_proba(x_valid)).threshold
    print(f"zero-shot scoring: {time.perf_counter() - t:.0f}s")
    rows = [
        ("zero-shot, default threshold", zero.threshold, zero_test, 0.0),
        ("zero-shot, threshold on valid", zero_valid_threshold, zero_test, 0.0),
    ]

    from stocktake.matching.feature_matcher import BoostingSettings, FeatureMatcher

    x_train, y_train = labelled(train_keys)
    settings = BoostingSettings(context=not args.no_context)
    matcher = FeatureMatcher(encoder=args.encoder, seed=args.seed, settings=settings)
    matcher.fit(x_train, y_train, x_valid, y_valid)
    t = time.perf_counter()
    test_scores = _predict(matcher, records, test_keys, n)
    stages = "two stages (context)" if matcher.scores_in_context else "one stage"
    print(
        f"feature matcher ({stages}): fit + valid {matcher.seconds:.0f}s, test scoring {time.perf_counter() - t:.0f}s"
    )
    rows.append(
        ("feature matcher (trained on train clusters)", matcher.threshold, test_scores, matcher.seconds)
    )
    print(f"test part blocker recall: {_recall(test_keys, test_truth):.4f}")
    print("| scorer | threshold | pairwise P | R | F1 | connected components P | R | F1 | train s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    final = (0.0, 0.0, 0.0)
    for label, threshold, scores, seconds in rows:
        kept = test_keys[scores >= threshold]
        p, r, f = _score(test_truth, kept)
        groups = connected_components(n, zip((kept // n).tolist(), (kept % n).tolist(), strict=True))
        cp, cr, cf = _cluster_scores(groups, cluster, len(test_truth))
        print(
            f"| {label} | {threshold:.3f} | {p:.4f} | {r:.4f} | {f:.4f} | {cp:.4f} | {cr:.4f} | {cf:.4f} | {seconds:.0f} |"
        )
        final = (p, r, f)
    base_f1 = _score(test_truth, test_keys[zero_test >= zero_valid_threshold])[2]
    print(f"feature matcher F1 / zero-shot (valid threshold) F1 = {final[2] / max(base_f1, 1e-9):.2f}x")

    # Average linkage over the feature matcher's scores: threshold chosen on the valid part.
    valid_keys = by_part["valid"]
    valid_scores = _predict(matcher, records, valid_keys, n)
    print("| average-linkage threshold | valid cluster P | R | F1 |")
    print("|---:|---:|---:|---:|")
    best = (-1.0, 0.5)
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        groups = _linkage(valid_keys, valid_scores, n, args.edge_floor, threshold)
        p, r, f = _cluster_scores(groups, cluster, len(valid_truth))
        print(f"| {threshold} | {p:.4f} | {r:.4f} | {f:.4f} |")
        best = max(best, (f, threshold))
    for label, threshold in (
        (f"{best[1]} (chosen on valid)", best[1]),
        (f"{matcher.threshold:.3f} (the pair threshold)", matcher.threshold),
    ):
        t = time.perf_counter()
        groups = _linkage(test_keys, test_scores, n, args.edge_floor, threshold)
        p, r, f = _cluster_scores(groups, cluster, len(test_truth))
        print(
            f"test clusters, average linkage at {label}: P {p:.4f} R {r:.4f} F1 {f:.4f} "
            f"({len(groups):,} groups, {time.perf_counter() - t:.0f}s)"
        )
    if args.save_scores:
        np.savez(
            args.save_scores,
            valid_keys=valid_keys,
            valid_scores=valid_scores,
            test_keys=test_keys,
            test_scores=test_scores,
            zero_test=zero_test,
            cluster=cluster,
            n=n,
        )
    print(
        f"f1={final[2]:.4f} precision={final[0]:.4f} recall={final[1]:.4f} blocker_recall={block_recall:.4f} "
        f"candidates={n_candidates} seconds={time.perf_counter() - started:.0f}"
    )


if __name__ == "__main__":
    main()
