"""A small generated product catalog with known duplicates, and labelled pairs, for matching tests."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

BRANDS = [
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "vandelay",
    "stark",
    "wayne",
    "tyrell",
    "cyberdyne",
]
KINDS = ["dishwasher", "fridge freezer", "microwave", "camera", "smartphone", "laptop", "monitor", "printer"]
COLOURS = ["white", "black", "silver", "red", "blue"]


def product(rng: random.Random, n: int) -> dict[str, str]:
    brand = rng.choice(BRANDS)
    code = f"{brand[:2]}{rng.randint(100, 999)}{rng.choice('abcdxyz')}{n}"
    return {
        "title": f"{brand} {rng.choice(KINDS)} {code} {rng.choice(COLOURS)} {rng.randint(2, 64)}gb",
        "brand": brand,
        "price": f"{rng.randint(50, 900)}.99",
    }


def variant(rng: random.Random, record: dict[str, str]) -> dict[str, str]:
    """Another merchant's offer of the same product: words reordered or dropped, code dashed."""
    words = record["title"].split()
    if rng.random() < 0.5:
        words = [w if not any(c.isdigit() for c in w) or len(w) < 5 else f"{w[:2]}-{w[2:]}" for w in words]
    drop = rng.randrange(1, len(words))
    words = words[:drop] + words[drop + 1 :] + [rng.choice(["new", "uk", "offer", "2024"])]
    price = float(record["price"]) * rng.uniform(0.9, 1.1)
    return {
        "title": " ".join(words),
        "brand": record["brand"] if rng.random() < 0.8 else "",
        "price": f"{price:.2f}",
    }


def catalog(n_products: int, seed: int = 0) -> tuple[list[dict[str, str]], list[int]]:
    """Records and, for each, the product it describes; every product appears 1-3 times."""
    rng = random.Random(seed)
    records, entity = [], []
    for n in range(n_products):
        base = product(rng, n)
        records.append(base)
        entity.append(n)
        for _ in range(rng.randint(0, 2)):
            records.append(variant(rng, base))
            entity.append(n)
    order = list(range(len(records)))
    rng.shuffle(order)
    return [records[i] for i in order], [entity[i] for i in order]


def labelled_pairs(n_products: int, seed: int = 0) -> list[tuple[dict[str, str], dict[str, str], int]]:
    """Matches (a product and a variant) and hard non-matches (same brand and kind)."""
    rng = random.Random(seed)
    products = [product(rng, n) for n in range(n_products)]
    out = []
    for base in products:
        out.append((base, variant(rng, base), 1))
        for _ in range(2):
            other = products[rng.randrange(n_products)]
            if other is not base:
                out.append((base, variant(rng, other), 0))
    rng.shuffle(out)
    return out


@pytest.fixture
def small_catalog() -> tuple[list[dict[str, str]], list[int]]:
    return catalog(60, seed=1)


@pytest.fixture
def pair_sets() -> dict[str, list[tuple[dict[str, str], dict[str, str], int]]]:
    return {
        "train": labelled_pairs(120, seed=2),
        "valid": labelled_pairs(40, seed=3),
        "test": labelled_pairs(40, seed=4),
    }


def write_ditto(path: Path, pairs: list[tuple[dict[str, str], dict[str, str], int]]) -> Path:
    def ser(r: dict[str, str]) -> str:
        return " ".join(f"COL {k} VAL {v}" for k, v in r.items())

    path.write_text("".join(f"{ser(a)}\t{ser(b)}\t{y}\n" for a, b, y in pairs), encoding="utf-8")
    return path


@pytest.fixture
def make_catalog():
    return catalog


@pytest.fixture
def write_pairs():
    return write_ditto
