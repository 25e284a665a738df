"""Finding records for the unsupervised record detectors (bots, text garbage, category consistency)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stocktake.checks.asset_findings import AssetFindings
from stocktake.core.records import Finding, Scalar
from stocktake.engines.drilldown import Drilldown
from stocktake.engines.profiling import REL, quote_duckdb, to_scalar

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stocktake.core.records import Asset, ColumnProfile
    from stocktake.core.vocab import FindingType
    from stocktake.engines.base import Engine

MAX_IN_LIST = 500  # values spelled out in a predicate; beyond that the predicate is left off


@dataclass
class AssetContext:
    """One asset as the detectors see it: its engine, profiles and semantic types."""

    engine: Engine
    asset: Asset
    profiles: dict[str, ColumnProfile]
    semantic: dict[str, str] = field(default_factory=dict)  # column -> semantic type

    @property
    def drill(self) -> Drilldown:
        return Drilldown(self.engine, self.asset)

    @property
    def rows(self) -> int:
        if self.asset.row_count is not None:
            return self.asset.row_count
        return next(iter(self.profiles.values())).row_count if self.profiles else 0

    def columns_of(self, *types: str) -> list[str]:
        return [c for c, t in self.semantic.items() if t in types]

    def string_columns_of(self, *types: str) -> list[str]:
        """Columns of these semantic types whose values are text (a numeric 'title' is not)."""
        return [c for c in self.columns_of(*types) if self.profiles[c].logical_type == "string"]


def in_predicate(column: str, values: Sequence[Scalar]) -> str | None:
    if not values or len(values) > MAX_IN_LIST:
        return None
    literals = ", ".join(_literal(v) for v in values)
    return f"{quote_duckdb(column)} IN ({literals})"


def _literal(value: Scalar) -> str:
    if isinstance(value, bool) or value is None:
        return "NULL"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def make_finding(
    ctx: AssetContext,
    type_: FindingType,
    columns: list[str],
    check: str,
    count: int,
    reason: str,
    evidence: dict[str, Any],
    score: float,
    predicate: str | None,
    keys: list[Any] | None = None,
    key_cols: list[str] | None = None,
) -> Finding:
    """A finding whose sample keys come from `keys`, else from the asset's key over `predicate`."""
    return AssetFindings(ctx.engine, ctx.asset, ctx.profiles).finding(
        type_, columns, check, reason, count, evidence, predicate, score=score, keys=keys, key_cols=key_cols
    )


def _scalar(key: Any) -> Any:
    return [to_scalar(v) for v in key] if isinstance(key, list | tuple) else to_scalar(key)


def fetch(ctx: AssetContext, sql: str) -> list[tuple[Any, ...]]:
    """Run DuckDB-dialect SQL over the asset (REL is the placeholder) where the data lives."""
    return ctx.drill.run(sql.replace("{REL}", REL))
