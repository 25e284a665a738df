"""Score flagged cells against a clean table (benchmarks and tests only; detectors never call it)."""

from __future__ import annotations

from dataclasses import dataclass

from stocktake.detection.table import StringTable


def true_errors(dirty: StringTable, clean: StringTable) -> set[tuple[int, int]]:
    """Cells (row, column position) where the dirty value differs from the clean one.

    Positions, not header names: a clean file may spell its headers differently.
    """
    return {
        (i, j)
        for i, (d_row, c_row) in enumerate(zip(dirty.rows, clean.rows, strict=True))
        for j, (d, c) in enumerate(zip(d_row, c_row, strict=True))
        if d != c
    }


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    flagged: int
    errors: int


def score_cells(flagged: set[tuple[int, int]], errors: set[tuple[int, int]]) -> Score:
    hits = len(flagged & errors)
    precision = hits / len(flagged) if flagged else 0.0
    recall = hits / len(errors) if errors else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(flagged), len(errors))
