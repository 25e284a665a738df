"""A small generated dirty/clean pair: stores with dependent attributes, typos and swaps."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from stocktake.detection import StringTable

CITIES = [("springfield", "62701"), ("riverton", "82501"), ("lakeside", "92040"), ("hillview", "75201")]
PRODUCTS = ["kettle", "toaster", "blender", "mixer", "juicer", "grill"]


def _typo(value: str, rng: random.Random) -> str:
    k = rng.randrange(len(value))
    return value[:k] + ("x" if value[k] != "x" else "y") + value[k + 1 :]


def make_pair(n_rows: int = 240, error_rate: float = 0.05, seed: int = 7) -> tuple[StringTable, StringTable]:
    """Rows: store id -> store name, city, zip (dependencies); product -> category; price."""
    rng = random.Random(seed)
    header = ["store_id", "store_name", "city", "zip", "product", "category", "price"]
    stores = [(f"s{k:02d}", f"{w} market", *CITIES[k % len(CITIES)]) for k, w in
              enumerate(["north", "south", "east", "west", "central", "harbour", "valley", "summit"])]  # fmt: skip
    clean_rows = []
    for i in range(n_rows):
        store = stores[i % len(stores)]
        product = PRODUCTS[(i * 7) % len(PRODUCTS)]
        category = "small appliance" if product in ("kettle", "toaster", "juicer") else "kitchen machine"
        clean_rows.append([*store, product, category, f"{10 + (i * 13) % 90}.99"])
    dirty_rows = [list(row) for row in clean_rows]
    for row in dirty_rows:
        for j in range(1, len(header)):
            if rng.random() < error_rate:
                row[j] = _typo(row[j], rng) if rng.random() < 0.7 else ""
    return StringTable(header, dirty_rows), StringTable(header, clean_rows)


def write_csv(path: Path, table: StringTable, newline: str = "\n") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator=newline)
        writer.writerow(table.header)
        writer.writerows(table.rows)
    return path


@pytest.fixture(scope="session")
def pair() -> tuple[StringTable, StringTable]:
    return make_pair()


@pytest.fixture
def csv_writer():
    return write_csv
