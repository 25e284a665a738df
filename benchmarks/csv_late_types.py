"""What keeping types costs when a CSV value beyond the type sample does not fit its column.

    .venv/bin/python benchmarks/csv_late_types.py [--rows 300000] [--repeats 3]

Data: a generated order table (`--rows` rows: id, date, price, quantity, city) whose `order_date`
holds one word (`soon`) and whose `quantity` holds one `NA`, both after the 100,000-row type sample.
Compared in the same process, interleaved, best of --repeats: FilesConnector.discover() as it is
(the failing columns found in DuckDB's rejects table, only `order_date` read as text, `NA` read as
missing) against the previous behaviour (every column read as text), got by making the rejects
lookup find nothing. Prints the typed columns each way and ``ratio=…`` (now / previous).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from stocktake.connectors import files
from stocktake.connectors.files import FilesConnector


def late_table(folder: Path, rows: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    days = np.datetime64("2024-01-01") + rng.integers(0, 365, size=rows)
    dates = [str(d) for d in days]
    quantity = [str(q) for q in rng.integers(1, 9, size=rows)]
    late = int(rows * 0.8)
    dates[late], quantity[late + 1] = "soon", "NA"
    price = rng.uniform(1, 500, size=rows)
    city = rng.choice(["Austin", "Dallas", "Waco", "El Paso"], size=rows)
    lines = ["order_id,order_date,price,quantity,city"]
    lines += [
        f"{i},{d},{p:.2f},{q},{c}"
        for i, (d, p, q, c) in enumerate(zip(dates, price, quantity, city, strict=True))
    ]
    (folder / "orders_late.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def discover(folder: Path, per_column: bool) -> tuple[float, dict[str, str]]:
    original = files.FilesConnector._failing_columns
    if not per_column:
        files.FilesConnector._failing_columns = lambda self, path, options, typed: {}  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        connector = FilesConnector(str(folder))
        [asset] = connector.discover()
        seconds = time.perf_counter() - started
        connector.close()
        return seconds, {c.name: c.logical_type for c in asset.columns}
    finally:
        files.FilesConnector._failing_columns = original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = late_table(Path(tmp), args.rows)
        best = {True: float("inf"), False: float("inf")}
        typed: dict[bool, dict[str, str]] = {}
        for _ in range(args.repeats):
            for per_column in (True, False):
                seconds, typed[per_column] = discover(folder, per_column)
                best[per_column] = min(best[per_column], seconds)
        print(f"{args.rows:,} rows, one late word in order_date and one late NA in quantity")
        print(f"now:      {best[True]:.2f} s  {typed[True]}")
        print(f"previous: {best[False]:.2f} s  {typed[False]}")
        print(f"ratio={best[True] / best[False]:.2f}")


if __name__ == "__main__":
    main()
