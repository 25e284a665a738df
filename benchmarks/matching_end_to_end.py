"""`stocktake match` end to end at N x N records: embedding, both blockers, scoring, time and memory.

    .venv/bin/python benchmarks/matching_end_to_end.py [--n 100000] [--k 10] \
        [--data ../shared/data/product-titles/pricerunner/pricerunner_aggregate.csv]

Records: product offers built from the PriceRunner titles (35,311 real titles; past that, titles
repeat with a random merchant suffix word, so the tables hold N distinct rows). The right table
holds a re-typed variant of each of the first N/2 left records (a word dropped, two swapped,
model codes dashed, upper-cased) and N/2 offers drawn independently. Truth: two offers match
when their titles belong to one PriceRunner product cluster (a variant keeps its original's), so
independently drawn offers of one product count as matches. Scoring is the zero-shot score (what
`stocktake match` uses without a trained model).
Baseline in the same run: no blocking — all N x N pairs scored by the same zero-shot score,
extrapolated from its measured rate. Peak resident memory is read from the process (ru_maxrss).
Last line: ``n=… seconds=… peak_mib=… candidates=… precision=… recall=…`` (kept pairs vs truth).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import time
from pathlib import Path

from stocktake.matching.api import match_assets
from stocktake.matching.zero_shot import ZeroShotMatcher

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/data/product-titles/pricerunner/pricerunner_aggregate.csv"
SUFFIXES = ["uk", "eu", "new", "sale", "deal", "offer", "stock", "fast", "free", "ship"]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _offers(path: Path) -> list[tuple[str, str]]:
    """(title, cluster id) per offer; the cluster is read as truth only."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = csv.DictReader(f, skipinitialspace=True)
        return [(row["Product Title"].strip(), row["Cluster ID"]) for row in rows]


def _variant(rng: random.Random, title: str) -> str:
    words = title.split()
    if len(words) > 3 and rng.random() < 0.5:
        del words[rng.randrange(1, len(words))]
    if len(words) > 2 and rng.random() < 0.3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    dashed = [
        f"{w[:2]}-{w[2:]}" if any(c.isdigit() for c in w) and len(w) > 4 and rng.random() < 0.3 else w
        for w in words
    ]
    text = " ".join(dashed)
    return text.upper() if rng.random() < 0.2 else text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument(
        "--rate-pairs", type=int, default=20_000, help="random pairs timed for the baseline's rate"
    )
    args = ap.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} not found (the shared data folder sits beside the repo)")
    rng = random.Random(0)
    pool = _offers(args.data)
    seen: set[str] = set()

    def offer() -> tuple[str, str]:
        while True:
            title, cluster = rng.choice(pool)
            if title in seen:
                title = f"{title} {rng.choice(SUFFIXES)}{rng.randint(1, 999)}"
            if title not in seen:
                seen.add(title)
                return title, cluster

    left_offers = [offer() for _ in range(args.n)]
    half = args.n // 2
    right_offers = [(_variant(rng, t), c) for t, c in left_offers[:half]]
    right_offers += [offer() for _ in range(args.n - half)]
    rng.shuffle(right_offers)
    left = [{"title": t} for t, _ in left_offers]
    right = [{"title": t} for t, _ in right_offers]
    by_cluster: dict[str, list[int]] = {}
    for j, (_, c) in enumerate(right_offers):
        by_cluster.setdefault(c, []).append(j)
    truth = {(i, j) for i, (_, c) in enumerate(left_offers) for j in by_cluster.get(c, [])}
    print(
        f"{args.n:,} x {args.n:,} offers ({len(pool):,} real titles), {len(truth):,} true pairs", flush=True
    )

    started = time.perf_counter()
    result = match_assets(left, right, k=args.k)
    seconds = time.perf_counter() - started
    peak = _peak_mib()
    kept = {(p.left, p.right) for p in result.pairs}
    tp = len(kept & truth)
    precision, recall = tp / max(len(kept), 1), tp / max(len(truth), 1)
    print(
        f"match_assets: {seconds:.1f}s, peak RSS {peak:.0f} MiB; {result.candidates:,} candidate pairs; "
        f"{len(kept):,} kept at {result.threshold:.2f}: precision {precision:.3f} recall {recall:.3f}",
        flush=True,
    )
    zero = ZeroShotMatcher("fast").fit_corpus([*left, *right])
    sample = [(left[rng.randrange(args.n)], right[rng.randrange(args.n)]) for _ in range(args.rate_pairs)]
    zero.predict_proba(sample[:100])  # the encoder loads outside the timing
    t = time.perf_counter()
    zero.predict_proba(sample)
    per_pair = (time.perf_counter() - t) / len(sample)
    brute = per_pair * args.n * args.n
    print(
        f"baseline without blocking: {args.n * args.n:,} pairs at {1 / per_pair:,.0f} pairs/s = "
        f"{brute / 3600:,.1f} h (end to end / baseline {seconds / brute:.5f}x)"
    )
    print(
        f"n={args.n} seconds={seconds:.1f} peak_mib={peak:.0f} candidates={result.candidates} "
        f"precision={precision:.3f} recall={recall:.3f}"
    )


if __name__ == "__main__":
    main()
