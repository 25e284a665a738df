"""`LabelOracle`: a stand-in for the person who labels a few tuples.

It answers one question, "what are the clean values of row i?", counts the distinct rows
it has revealed and refuses once the budget is spent, so a detector cannot peek at more
ground truth than a human would have given it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from stocktake.core.errors import StocktakeError, UsageError
from stocktake.detection.table import StringTable, read_csv_strings


class LabelBudgetExceeded(StocktakeError):
    """The detector asked for more labelled tuples than the budget allows (a bug in the caller)."""


class LabelOracle:
    """Reveal clean rows, at most ``budget`` distinct ones; asking again for a revealed row is free."""

    def __init__(self, clean_rows: Sequence[Sequence[str]], budget: int) -> None:
        if budget < 0:
            raise UsageError(f"the label budget must be >= 0, not {budget}")
        self._clean = [list(row) for row in clean_rows]
        self.budget = budget
        self._revealed: dict[int, list[str]] = {}

    @classmethod
    def from_csv(cls, path: str | Path, budget: int) -> LabelOracle:
        return cls(read_csv_strings(path).rows, budget)

    @property
    def n_rows(self) -> int:
        return len(self._clean)

    @property
    def revealed(self) -> int:
        """How many distinct tuples have been revealed so far."""
        return len(self._revealed)

    @property
    def remaining(self) -> int:
        return self.budget - len(self._revealed)

    @property
    def revealed_rows(self) -> list[int]:
        return list(self._revealed)

    def reveal(self, row: int) -> list[str]:
        """The clean values of data row ``row`` (0-based)."""
        if row in self._revealed:
            return list(self._revealed[row])
        if not 0 <= row < len(self._clean):
            raise UsageError(f"row {row} is outside the labelled table (0..{len(self._clean) - 1})")
        if len(self._revealed) >= self.budget:
            raise LabelBudgetExceeded(f"label budget of {self.budget} tuples is spent; row {row} refused")
        self._revealed[row] = list(self._clean[row])
        return list(self._revealed[row])

    def check_shape(self, table: StringTable) -> None:
        """The clean table must line up with the dirty one, row by row and column by column."""
        if len(self._clean) != table.n_rows:
            raise UsageError(f"the oracle has {len(self._clean)} rows, the table {table.n_rows}")
        if self._clean and len(self._clean[0]) != table.n_cols:
            raise UsageError(f"the oracle has {len(self._clean[0])} columns, the table {table.n_cols}")
