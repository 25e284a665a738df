"""Changes between scans of the demo estate, for `stocktake demo --runs N`.

Run-level problems only show against history: a table that lost most of its rows since the last
scan (a failed load) and a table whose columns changed (an upstream release). They are planted in
the estate of the last run, after it is generated, and added to its truth.json.
"""

from __future__ import annotations

import os
import sqlite3

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from stocktake.core.vocab import FindingType
from stocktake.demo.layout import FILE_MODE, EstateLayout
from stocktake.demo.truth import Problem, Truth

GROWTH_PER_RUN = 0.03  # each run's estate is this much bigger than the one before: normal growth
VOLUME_DROP_TABLE, KEEP_SHARE = "payments", 0.3  # a failed load left 30% of the rows
DRIFT_TABLE, RETYPED, ADDED = "search_queries", "position", "device"


def rows_for_run(rows: int, run: int) -> int:
    """Rows of the behaviour log in run `run` (0-based): steady growth."""
    return int(rows * (1 + GROWTH_PER_RUN * run))


def plant_history_changes(layout: EstateLayout, truth: Truth) -> list[Problem]:
    """Drop most of one table's rows and change another's schema; record both in truth.json."""
    problems = [_drop_rows(layout), _change_schema(layout)]
    truth.problems.extend(problems)
    truth.save(layout.truth_path)
    return problems


def _drop_rows(layout: EstateLayout) -> Problem:
    with sqlite3.connect(layout.shop) as conn:
        (before,) = conn.execute(f'SELECT COUNT(*) FROM "{VOLUME_DROP_TABLE}"').fetchone()
        # Keep every row whose key falls in the first KEEP_SHARE of each block of ten: deterministic.
        conn.execute(
            f'DELETE FROM "{VOLUME_DROP_TABLE}" WHERE payment_id % 10 >= ?', (round(KEEP_SHARE * 10),)
        )
        (after,) = conn.execute(f'SELECT COUNT(*) FROM "{VOLUME_DROP_TABLE}"').fetchone()
    conn.close()
    with sqlite3.connect(layout.shop) as conn:
        conn.execute("VACUUM")
    conn.close()
    return Problem(
        asset=VOLUME_DROP_TABLE,
        columns=[],
        type=FindingType.VOLUME_ANOMALY,
        key_columns=[],
        keys=[],
        count=before - after,
        description=f"a failed load: {before - after:,} of {before:,} rows missing since the previous run",
    )


def _change_schema(layout: EstateLayout) -> Problem:
    path = layout.lake / f"{DRIFT_TABLE}.parquet"
    table = pq.read_table(path)
    at = table.schema.get_field_index(RETYPED)
    table = table.set_column(at, RETYPED, pc.cast(table[RETYPED], pa.string()))
    devices = pa.array(["app" if i % 3 else "web" for i in range(table.num_rows)], type=pa.string())
    table = table.append_column(ADDED, devices)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, path)
    return Problem(
        asset=DRIFT_TABLE,
        columns=[RETYPED, ADDED],
        type=FindingType.SCHEMA_DRIFT,
        key_columns=[],
        keys=[],
        count=2,
        unit="columns",
        description=f"an upstream release: {RETYPED} became text and {ADDED} was added",
    )
