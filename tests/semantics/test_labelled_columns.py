"""The hand-labelled column set (tests/data/semantic_columns.csv) is well formed and points at real columns."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from stocktake.connectors import open_source
from stocktake.core.semantic_types import SemanticType

LABELS = Path(__file__).resolve().parents[1] / "data" / "semantic_columns.csv"
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FIELDS = ["source_path", "asset", "column", "semantic_type", "language", "note"]
LANGUAGES = {"en", "zh", "pt", "mixed", "none"}


def _rows() -> list[dict[str, str]]:
    with LABELS.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == FIELDS
        return list(reader)


def test_file_is_small_and_has_enough_rows() -> None:
    assert LABELS.stat().st_size < 100_000
    assert len(_rows()) >= 150


def test_every_label_is_in_the_vocabulary() -> None:
    vocabulary = {t.value for t in SemanticType}
    rows = _rows()
    assert {r["semantic_type"] for r in rows} <= vocabulary
    assert {r["language"] for r in rows} <= LANGUAGES
    assert all(r["note"].strip() for r in rows), "every label says why"


def test_each_column_is_labelled_once() -> None:
    keys = Counter((r["source_path"], r["column"]) for r in _rows())
    assert [k for k, n in keys.items() if n > 1] == []


@pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} not present: cannot check labels against data"
)
def test_every_labelled_column_exists_in_the_data() -> None:
    by_top_folder: dict[str, list[dict[str, str]]] = {}
    for row in _rows():
        by_top_folder.setdefault(row["source_path"].split("/", 1)[0], []).append(row)
    missing: list[str] = []
    for folder, rows in by_top_folder.items():
        with open_source(str(SHARED_DATA / folder)) as connector:
            assets = {Path(a.location).resolve(): a for a in connector.discover()}
        for row in rows:
            asset = assets.get((SHARED_DATA / row["source_path"]).resolve())
            if asset is None or asset.name != row["asset"]:
                missing.append(f"{row['source_path']} (asset {row['asset']})")
            elif row["column"] not in {c.name for c in asset.columns}:
                missing.append(f"{row['source_path']}: {row['column']}")
    assert missing == []
