"""Where the hand-labelled column sets and their data live, for the tests that read them.

- official: tests/data/semantic_columns.csv over ../shared/data;
- fresh: tests/data/semantic_columns_fresh.csv over the folder scripts/fresh_semantic_columns.py
  fills (default ~/.cache/stocktake/fresh-columns/data; STOCKTAKE_FRESH_COLUMNS names another).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from fresh_semantic_columns import FRESH_DATA

LABELS = Path(__file__).resolve().parents[1] / "data" / "semantic_columns.csv"
FRESH_LABELS = LABELS.with_name("semantic_columns_fresh.csv")
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

__all__ = ["FRESH_DATA", "FRESH_LABELS", "LABELS", "SHARED_DATA"]
