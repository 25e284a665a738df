"""Make a dirty/clean pair from a clean CSV by injecting errors, for checks beyond the two public pairs.

    .venv/bin/python benchmarks/make_error_pair.py ../shared/data/olist/sample/olist_customers_dataset.csv \
        --rows 3000 --columns 2,3,4 --rate 0.04 --out benchmarks/_data/olist-customers

Each cell of the chosen columns (0-based positions) is corrupted with probability RATE: half
of them get one character replaced (a typo), 30% take the value of the same column in another
random row (for a column of few distinct values: another one of them), 20% become blank.
Writes OUT/clean.csv (the first ROWS data rows, untouched) and OUT/dirty.csv, and prints
the number of erroneous cells. The detector has never been tuned on such a pair.
"""

from __future__ import annotations

import argparse
import csv
import random
import string
from pathlib import Path


def corrupt(rows: list[list[str]], columns: list[int], rate: float, rng: random.Random) -> list[list[str]]:
    distinct = {j: sorted({row[j] for row in rows}) for j in columns}
    dirty = [list(row) for row in rows]
    for row in dirty:
        for j in columns:
            if rng.random() >= rate:
                continue
            kind, value = rng.random(), row[j]
            if kind < 0.5 and value:
                k = rng.randrange(len(value))
                row[j] = value[:k] + rng.choice(string.ascii_lowercase + string.digits) + value[k + 1 :]
            elif kind < 0.8:
                pool = distinct[j] if len(distinct[j]) <= 50 else [r[j] for r in rows]
                row[j] = rng.choice(pool)
            else:
                row[j] = ""
    return dirty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clean", type=Path)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--columns", required=True, help="comma-separated 0-based column positions")
    parser.add_argument("--rate", type=float, default=0.04)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with args.clean.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    header, rows = records[0], records[1 : args.rows + 1]
    dirty = corrupt(rows, [int(c) for c in args.columns.split(",")], args.rate, random.Random(args.seed))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in (("clean.csv", rows), ("dirty.csv", dirty)):
        with (args.out / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(data)
    errors = sum(d != c for a, b in zip(dirty, rows, strict=True) for d, c in zip(a, b, strict=True))
    print(f"wrote {args.out}/clean.csv and dirty.csv: {len(rows)} rows, {errors} erroneous cells")


if __name__ == "__main__":
    main()
