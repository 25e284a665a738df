"""Shared pieces of the demo generator: the fixed clock, seeded streams and a tiny column table."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np

# The demo's "today". No wall clock anywhere, so the same seed gives the same bytes on any day.
AS_OF = datetime(2026, 11, 20)
DAY = 86_400
AS_OF_TS = int(AS_OF.replace(tzinfo=UTC).timestamp())
LOG_DAYS = 30  # the behaviour log covers the 30 days before AS_OF

Kind = Literal["int", "float", "str", "ts"]


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream per job, so changing one table never reshuffles another."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def fmt_ts(ts: int) -> str:
    """Epoch seconds (naive local shop time) -> 'YYYY-MM-DD HH:MM:SS'."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def fmt_day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def planted_count(n: int, share: float, minimum: int = 3) -> int:
    """How many rows to spoil: a share of the table, but never so few that a detector cannot see it."""
    return max(minimum, round(n * share))


@dataclass
class Table:
    """Rows held column-wise in plain lists; timestamps are epoch seconds until written out."""

    name: str
    columns: dict[str, list[Any]]
    kinds: dict[str, Kind]
    key: tuple[str, ...]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))

    def key_of(self, i: int) -> Any:
        """The row's key as it reads back from the written file (timestamps as text)."""
        values = [self._out(c, self.columns[c][i]) for c in self.key]
        return values[0] if len(values) == 1 else values

    def row(self, i: int) -> dict[str, Any]:
        return {c: values[i] for c, values in self.columns.items()}

    def insert(self, rows: list[dict[str, Any]], rng: np.random.Generator) -> None:
        """Insert rows at random places, as a replayed sync or a second import would."""
        n = len(self)
        positions = np.sort(rng.integers(0, n + 1, size=len(rows)))
        order: list[int] = []  # indexes into old rows (>= 0) or new rows (< 0, as -1 - j)
        j = 0
        for i in range(n + 1):
            while j < len(rows) and positions[j] == i:
                order.append(-1 - j)
                j += 1
            if i < n:
                order.append(i)
        for c, values in self.columns.items():
            self.columns[c] = [values[k] if k >= 0 else rows[-1 - k][c] for k in order]

    def _out(self, column: str, value: Any) -> Any:
        if value is not None and self.kinds[column] == "ts":
            return fmt_ts(value)
        return value


class Picker:
    """Chooses rows to spoil, never the same row of a table twice, so planted problems do not collide."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: dict[str, set[int]] = {}

    def pick(self, table: Table, k: int, where: Callable[[int], bool] | None = None) -> list[int]:
        used = self.used.setdefault(table.name, set())
        candidates = [i for i in range(len(table)) if i not in used and (where is None or where(i))]
        chosen = np.sort(self.rng.choice(len(candidates), size=min(k, len(candidates)), replace=False))
        rows = [candidates[c] for c in chosen.tolist()]
        used.update(rows)
        return rows
