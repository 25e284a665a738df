"""A catalog holding one real scan of a product table with five relistings, for pair-review tests.

The table is the near-duplicate detector's own test catalog (tests/detection): lines of variants
(size x colour) plus five products listed again with the title re-typed. The scan's
near_duplicate_entity finding lists the pairs it found in evidence["pairs"].
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from detection.test_near_duplicates import _catalog, _write
from review.scored_run import products_run
from stocktake.catalog import Catalog
from stocktake.cli import main
from stocktake.core.records import Finding, RowSet, Run
from stocktake.core.vocab import FindingType, Severity


def scan_catalog(root: Path) -> str:
    """Scan the relistings table into a new catalog under `root`; the catalog's path."""
    rows, _ = _catalog(random.Random(3))
    table = _write(root / "products.csv", rows)
    catalog = str(root / "catalog.db")
    with pytest.raises(SystemExit) as done:
        main(["--catalog", catalog, "scan", str(table), "--out", str(root / "out")])
    assert done.value.code == 0
    return catalog


def copy_catalog(source: str, target: Path) -> str:
    """A copy a test may write verdicts into (the SQLite backup API: the WAL may hold pages)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return str(target)


def near_duplicate_finding(catalog_path: str) -> Finding:
    with Catalog(catalog_path) as catalog:
        run = catalog.get_run("latest")
    (finding,) = [f for f in run.findings if f.type == FindingType.NEAR_DUPLICATE_ENTITY]
    assert len(finding.evidence["pairs"]) >= 4
    return finding


TITLES = [
    f"{brand} {item} {size} {colour}"
    for brand, item in (("Acme", "Trail Runner"), ("Borealis", "Rain Shell"), ("Corvid", "Chef Knife"))
    for size, colour in (("S", "Black"), ("L", "Navy"), ("20cm", "Olive"), ("XL", "Red"))
]


def listed_run(run_id: str = "20261128T000000-bbbbbb") -> tuple[Run, set[frozenset[int]]]:
    """A run whose near-duplicate finding lists 24 pairs: 12 relistings (same product, re-typed)
    and 12 variants (another size), each [k, k + 100]; also the relisting pairs' keys."""
    pairs, same = [], set()
    for n, title in enumerate(TITLES):
        relisted = [2 * n + 1, 2 * n + 101]
        variant = [2 * n + 2, 2 * n + 102]
        other = title.replace(title.split()[-2], "M")
        pairs.append(_pair(relisted, title, title.lower() + " (new)", 0.95))
        pairs.append(_pair(variant, title, other, 0.85))
        same.add(frozenset(relisted))
    keys = [k for p in pairs for k in p["keys"]]
    finding = Finding.raised(
        asset="shop/products",
        columns=["product_title"],
        type=FindingType.NEAR_DUPLICATE_ENTITY,
        check="record_detectors:near_duplicate_entity",
        severity=Severity.WARNING,
        reason=f"{len(pairs)} pairs of rows look like one product listed twice",
        rows=RowSet(count=len(keys), share=len(keys) / 500, key_columns=["product_id"], keys=keys[:20]),
        score=0.9,
        evidence={"threshold": 0.8, "matcher": "self-trained", "pairs": pairs},
    )
    return products_run(run_id, ("product_id", "product_title"), 500, [finding]), same


def _pair(keys: list[int], left: str, right: str, score: float) -> dict[str, object]:
    return {
        "keys": keys,
        "score": score,
        "left": {"product_title": left},
        "right": {"product_title": right},
        "differs": "",
    }
