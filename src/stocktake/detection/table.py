"""A table read as strings: every cell stays text, `NA` and empty cells are values."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from stocktake.core.errors import SourceNotFoundError, UnreadableSourceError


@dataclass(frozen=True)
class StringTable:
    """Header names and rows of equal width, all ``str``."""

    header: list[str]
    rows: list[list[str]]

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return len(self.header)

    def column(self, j: int) -> list[str]:
        return [row[j] for row in self.rows]


def read_csv_strings(path: str | Path) -> StringTable:
    """Read a CSV file with a header row; CRLF and LF both work, no type inference."""
    path = Path(path)
    if not path.is_file():
        raise SourceNotFoundError(f"no such file: {path}")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableSourceError(f"cannot read {path} as UTF-8 CSV: {exc}") from exc
    if not records:
        raise UnreadableSourceError(f"{path} is empty")
    header, rows = records[0], records[1:]
    width = len(header)
    for number, row in enumerate(rows, start=2):
        if len(row) != width:
            raise UnreadableSourceError(f"{path} line {number}: {len(row)} fields, the header has {width}")
    return StringTable(header=header, rows=rows)
