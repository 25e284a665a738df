"""Profile a bounded sample of a table too big to read in full (docs/robustness.md, "Limits").

A scan never reads more than a row budget per asset for its profile and profile findings:
bigger assets (and assets whose row count could not be taken) are profiled over a sample,
and the sample size is recorded on the asset. The sample is a relation the engine names in
place of the table, so every profiling query runs unchanged over it:

- DuckDB (files, DuckDB databases): a reservoir sample, uniform over the whole table, drawn once
  into a temporary table and dropped after the asset is profiled;
- SQL databases: the first rows the database returns (`LIMIT n`), which costs no full pass
  but is not uniform: the asset's note says so.
"""

from __future__ import annotations

import contextlib
import copy
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stocktake.core.records import Asset
    from stocktake.engines.base import Engine

SAMPLE_ALIAS = "stocktake_sample"
SAMPLE_SEED = 42  # the same table gives the same sample on every run


def sample_relation(engine: Engine, relation: str, rows: int) -> str:
    """SQL naming at most `rows` rows of `relation`, usable wherever the relation was."""
    if engine.dialect == "duckdb":
        inner = (
            f"SELECT * FROM {relation} USING SAMPLE reservoir({int(rows)} ROWS) REPEATABLE ({SAMPLE_SEED})"
        )
    else:
        inner = f"SELECT * FROM {relation} LIMIT {int(rows)}"
    return f"({inner}) AS {SAMPLE_ALIAS}"


def sampling_method(engine: Engine) -> str:
    return "reservoir sample" if engine.dialect == "duckdb" else "first rows returned (LIMIT)"


@dataclass
class Sample:
    """The engine and asset to profile over a sample; `release()` frees a materialised sample."""

    engine: Engine
    asset: Asset
    table: str | None = None  # a DuckDB temp table holding the sample

    def release(self) -> None:
        if self.table is not None:
            with contextlib.suppress(Exception):  # a table left behind dies with the connection
                self.engine.execute(f"DROP TABLE IF EXISTS {self.table}")
            self.table = None


def plan_sample(engine: Engine, asset: Asset, budget: int | None) -> Sample | None:
    """How to profile `asset` over a sample when it exceeds the row budget, else None.

    The engine is a shallow copy whose relation for this asset is the sample; the asset is a
    copy without a row count, so profiles and findings count the rows of the sample. DuckDB
    draws the reservoir sample once into a temporary table (temp tables live in memory even on
    a read-only database): re-sampling in every profiling query would read the table each time.
    """
    if not budget or budget <= 0:
        return None
    if asset.row_count is not None and asset.row_count <= budget:
        return None
    relations = getattr(engine, "relations", None)
    if not isinstance(relations, dict):
        return None  # an engine that names assets some other way is profiled in full
    table = None
    if engine.dialect == "duckdb":
        table = engine.quote(f"{SAMPLE_ALIAS}_{secrets.token_hex(4)}")
        inner = f"SELECT * FROM {engine.relation(asset)} USING SAMPLE reservoir({int(budget)} ROWS) REPEATABLE ({SAMPLE_SEED})"
        engine.execute(f"CREATE TEMP TABLE {table} AS {inner}")
        relation = table
    else:
        relation = sample_relation(engine, engine.relation(asset), budget)
    sampled = copy.copy(engine)
    sampled.relations = {**relations, asset.id: relation}  # type: ignore[attr-defined]
    return Sample(sampled, asset.model_copy(update={"row_count": None}), table)


def record_sample(engine: Engine, asset: Asset, sampled_rows: int, budget: int) -> None:
    """Say on the asset that its profile comes from a sample, and how big it was."""
    asset.read_options["profile_sample_rows"] = sampled_rows
    asset.read_options["profile_sample_method"] = sampling_method(engine)
    total = f"{asset.row_count:,}" if asset.row_count is not None else "an uncounted number of"
    asset.notes.append(
        f"profiled on a sample of {sampled_rows:,} of {total} rows ({sampling_method(engine)}; "
        f"row budget {budget:,}): profile counts and finding shares describe the sample"
    )
