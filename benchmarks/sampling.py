"""Row budget (docs/robustness.md, "Limits"): a scan of one big table, in full and over a sample.

Data: a generated DuckDB table (`events`: id, shop, price, tag, ts) of ROWS rows, seed-free and
deterministic (`range()` arithmetic). Baseline: `scan(..., sample_rows=None)` in the same script.
Reports wall time, peak RSS growth and how close the sampled profile is to the full one.

    .venv/bin/python benchmarks/sampling.py [ROWS] [BUDGET]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from stocktake.pipeline import ScanOptions, scan


def make_table(path: Path, rows: int) -> str:
    conn = duckdb.connect(str(path))
    conn.execute(
        f"""CREATE TABLE events AS SELECT i AS id, i % 997 AS shop, (i * 7919 % 100000) / 100.0 AS price,
        CASE WHEN i % 10 = 0 THEN NULL ELSE 'tag' || (i % 37) END AS tag,
        TIMESTAMP '2024-01-01' + to_seconds(i % 31536000) AS ts FROM range({rows}) t(i)"""
    )
    conn.close()
    return str(path)


def timed(source: str, budget: int | None) -> tuple[float, float, dict]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    run = scan([source], ScanOptions(sample_rows=budget, relationships=False, suggest=False))
    seconds = time.perf_counter() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return seconds, grown, {p.column: p for p in run.profiles}


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    budget = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    with tempfile.TemporaryDirectory() as folder:
        source = make_table(Path(folder) / "big.duckdb", rows)
        # Sampled first: peak RSS only grows, so the second run shows only what it adds.
        sample_s, sample_mb, sample = timed(source, budget)
        full_s, full_mb, full = timed(source, None)
    print(f"rows {rows:,}, budget {budget:,}")
    print(f"sampled scan {sample_s:7.2f} s  peak RSS +{sample_mb:,.0f} MiB")
    print(
        f"full scan    {full_s:7.2f} s  peak RSS +{full_mb:,.0f} MiB more (baseline; {full_s / sample_s:.1f}x the sampled time)"
    )
    for column in ("price", "tag"):
        f, s = full[column], sample[column]
        print(
            f"{column}: null share full {f.null_count / f.row_count:.4f} sample {s.null_count / s.row_count:.4f}; "
            f"mean full {f.mean} sample {s.mean}; p50 full {f.quantiles.get('p50')} sample {s.quantiles.get('p50')}"
        )


if __name__ == "__main__":
    main()
