"""What the missing-token check costs CSV discovery: the same folder discovered with and without it.

    .venv/bin/python benchmarks/csv_missing_tokens.py [DIR ...] [--repeats 5]

Default folders: ../shared/data/olist/sample (9 CSVs, no tokens: the common case, one cheap
look at the type sample) and a generated R-style table (200,000 rows, `NA` in two numeric
columns: the check's full confirming pass). Baseline: FilesConnector.discover() with the check
replaced by one that finds nothing, in the same process, interleaved, best of --repeats.
Last line per folder: ``ratio=…`` (with / without).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from stocktake.connectors import files
from stocktake.connectors.files import FilesConnector

ROOT = Path(__file__).resolve().parents[1]


def r_style_table(folder: Path, rows: int = 200_000, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    sales = [str(v) if rng.random() > 0.07 else "NA" for v in rng.integers(10, 900, size=rows)]
    ratio = [f"{v:.2f}" if rng.random() > 0.15 else "NA" for v in rng.uniform(0, 12, size=rows)]
    city = rng.choice(["Austin", "Dallas", "Waco", "El Paso"], size=rows)
    path = folder / "txhousing_like.csv"
    lines = ["city,sales,ratio", *(f"{c},{s},{r}" for c, s, r in zip(city, sales, ratio, strict=True))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def discover_seconds(folder: Path, check: bool) -> float:
    original = files.FilesConnector._missing_number_tokens
    if not check:
        files.FilesConnector._missing_number_tokens = lambda self, source, columns: ([], [])  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        connector = FilesConnector(str(folder))
        connector.discover()
        connector.close()
        return time.perf_counter() - started
    finally:
        files.FilesConnector._missing_number_tokens = original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folders = args.folders or [
            ROOT.parent / "shared" / "data" / "olist" / "sample",
            r_style_table(Path(tmp)),
        ]
        for folder in folders:
            if not folder.is_dir():
                print(f"{folder}: missing, skipped")
                continue
            without, with_check = [], []
            for _ in range(args.repeats):
                without.append(discover_seconds(folder, check=False))
                with_check.append(discover_seconds(folder, check=True))
            print(
                f"{folder.name}: discover without the check {min(without):.3f} s, with {min(with_check):.3f} s"
            )
            print(f"ratio={min(with_check) / min(without):.2f}")


if __name__ == "__main__":
    main()
