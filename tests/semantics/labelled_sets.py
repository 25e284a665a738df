"""Where the hand-labelled column sets and their data live, for the tests that read them.

- official: tests/data/semantic_columns.csv over ../shared/data;
- fresh: tests/data/semantic_columns_fresh.csv over the folder scripts/fresh_semantic_columns.py
  fills (default ~/.cache/stocktake/fresh-columns/data; STOCKTAKE_FRESH_COLUMNS names another).
"""

from __future__ import annotations

import os
from pathlib import Path

LABELS = Path(__file__).resolve().parents[1] / "data" / "semantic_columns.csv"
FRESH_LABELS = LABELS.with_name("semantic_columns_fresh.csv")
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FRESH_DATA = (
    Path(os.environ.get("STOCKTAKE_FRESH_COLUMNS", Path.home() / ".cache" / "stocktake" / "fresh-columns"))
    / "data"
)
