"""Throughput and fidelity of the encoder modes: full fp32, full bf16 and fast (static).

    .venv/bin/python benchmarks/encoder.py [-n 5000] [--subset 1000]

Encodes N distinct product titles (PriceRunner offers from ../shared/data when present,
otherwise titles generated here), prints texts/s per mode and its ratio to fp32, then how
well bf16 and fast preserve fp32's similarity structure on a subset: Spearman correlation
of all pairwise cosines, and the mean overlap of each text's 10 nearest neighbours.
Model loading (and the one-off distillation of the fast model) is timed separately.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import time
from pathlib import Path

import numpy as np

from stocktake.models.encoder import Encoder, bf16_is_fast

PRICERUNNER = (
    Path(__file__).resolve().parents[2] / "shared/data/product-titles/pricerunner/pricerunner_aggregate.csv"
)


def pricerunner_titles(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        # Five header names start with a space (see shared/data/ECOMMERCE.md).
        return [row["Product Title"].strip() for row in rows if row.get("Product Title")]


def generated_titles(n: int, rng: random.Random) -> list[str]:
    brands = ["Samsung", "Apple", "Bosch", "Nike", "Adidas", "Philips", "Sony", "LG", "Tefal", "IKEA"]
    products = [
        "running shoes", "wireless earbuds", "fridge freezer", "non-stick frying pan", "4K smart TV",
        "washing machine", "mobile phone", "dishwasher", "microwave oven", "espresso machine",
        "hoodie", "backpack", "digital camera", "vacuum cleaner", "electric toothbrush",
    ]  # fmt: skip
    details = ["black", "red", "stainless steel", "64GB", "128GB", "XL", "A++", "1200W", "Pro", "2-pack"]
    return [
        f"{rng.choice(brands)} {rng.choice(products)} {rng.choice(details)} {rng.choice(details)} {rng.randint(100, 9999)}"
        for _ in range(n)
    ]


def benchmark_texts(n: int, rng: random.Random, generated: bool) -> tuple[list[str], str]:
    if PRICERUNNER.is_file() and not generated:
        titles = sorted(set(pricerunner_titles(PRICERUNNER)))
        if len(titles) >= n:
            return rng.sample(titles, n), f"PriceRunner titles ({PRICERUNNER.name}, {n:,} distinct sampled)"
    return list(dict.fromkeys(generated_titles(n * 2, rng)))[:n], f"{n:,} generated product titles"


def timed_encode(encoder: Encoder, texts: list[str], repeat: int) -> tuple[np.ndarray, float, float]:
    """(vectors, load seconds, best texts/s over `repeat` runs); loads on a few texts first.
    Best-of-N because the CPU may be shared: the fastest run is the least disturbed one."""
    start = time.perf_counter()
    encoder.encode(["warm up the model"])
    loaded = time.perf_counter() - start
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        vectors = encoder.encode(texts)
        best = max(best, len(texts) / (time.perf_counter() - start))
    return vectors, loaded, best


def pairwise_spearman(reference: np.ndarray, other: np.ndarray) -> float:
    upper = np.triu_indices(len(reference), k=1)
    ranks = [np.argsort(np.argsort((v @ v.T)[upper])).astype(np.float64) for v in (reference, other)]
    return float(np.corrcoef(ranks[0], ranks[1])[0, 1])


def neighbour_overlap(reference: np.ndarray, other: np.ndarray, k: int = 10) -> float:
    def top_k(vectors: np.ndarray) -> np.ndarray:
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, -np.inf)
        return np.argsort(-similarity, axis=1)[:, :k]

    ours, theirs = top_k(reference), top_k(other)
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ours, theirs, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5_000, help="distinct texts to encode")
    parser.add_argument("--subset", type=int, default=1_000, help="texts compared pairwise for agreement")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per mode; the best is reported")
    parser.add_argument(
        "--generated", action="store_true", help="use generated titles even if PriceRunner is there"
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    texts, source = benchmark_texts(args.n, rng, args.generated)
    mean_chars = sum(map(len, texts)) / len(texts)
    print(f"data: {source}; mean {mean_chars:.0f} characters")
    print(
        f"CPU has native bf16: {bf16_is_fast()}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )

    encoders = {
        "fp32": Encoder("full", precision="fp32"),
        "bf16": Encoder("full", precision="bf16"),
        "fast": Encoder("fast"),
    }
    results = {label: timed_encode(encoder, texts, args.repeat) for label, encoder in encoders.items()}

    fp32_rate = results["fp32"][2]
    subset = rng.sample(range(len(texts)), min(args.subset, len(texts)))
    reference = results["fp32"][0][subset]
    print(f"\n{'mode':<6}{'load s':>8}{'texts/s':>10}{'vs fp32':>9}{'spearman':>10}{'top-10':>8}  name")
    for label, (vectors, loaded, rate) in results.items():
        sample = vectors[subset]
        agreement = (
            f"{pairwise_spearman(reference, sample):>10.3f}{neighbour_overlap(reference, sample):>8.2f}"
            if label != "fp32"
            else f"{'-':>10}{'-':>8}"
        )
        print(
            f"{label:<6}{loaded:>8.1f}{rate:>10,.0f}{rate / fp32_rate:>8.1f}x{agreement}  {encoders[label].name}"
        )
    row_cosine = np.sum(results["fp32"][0] * results["bf16"][0], axis=1)
    print(
        f"load average after: {os.getloadavg()[0]:.1f} (numbers are unreliable when it exceeds the CPU count)"
    )
    print(f"\nbf16 vs fp32 per-row cosine: min {row_cosine.min():.4f}, mean {row_cosine.mean():.5f}")


if __name__ == "__main__":
    main()
