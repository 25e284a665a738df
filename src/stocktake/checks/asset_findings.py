"""Findings about one asset, built the same way by every detector that looks at one asset at a time.

A detector knows what it saw (a count, a reason, a predicate); this turns that into a Finding:
the share of the asset's rows, sample keys fetched by the predicate over the asset's key columns,
the predicate in the source's own SQL, a severity from the share unless the detector says better.
Used by the profile rules, the read-problem findings and the record detectors.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from stocktake.checks.keys import key_columns
from stocktake.core.records import Finding, RowSet
from stocktake.core.vocab import FindingType, Severity
from stocktake.engines.drilldown import Drilldown
from stocktake.engines.profiling import to_scalar

if TYPE_CHECKING:
    from stocktake.core.records import Asset, ColumnProfile
    from stocktake.engines.base import Engine

MAX_SAMPLE_KEYS = 20


def severity_from_share(share: float) -> Severity:
    """An error when a fifth of the rows or more, else a warning."""
    return Severity.ERROR if share >= 0.2 else Severity.WARNING


def score_from_share(share: float) -> float:
    # Confidence that it matters: rises with the share, never below one half for a confirmed problem.
    return round(min(1.0, 0.5 + 0.5 * math.sqrt(min(share, 1.0))), 4)


class AssetFindings:
    def __init__(
        self,
        engine: Engine,
        asset: Asset,
        profiles: Mapping[str, ColumnProfile],
        severity: Callable[[float], Severity] = severity_from_share,
    ) -> None:
        self.asset = asset
        self.profiles = dict(profiles)
        self.drill = Drilldown(engine, asset)
        self.keys = key_columns(asset, self.profiles)
        first = next(iter(self.profiles.values()), None)
        self.rows = asset.row_count if asset.row_count is not None else first.row_count if first else 0
        self._severity = severity

    def share(self, count: int) -> float:
        return min(count / self.rows, 1.0) if self.rows else 0.0

    def finding(
        self,
        type_: FindingType,
        columns: list[str],
        check: str,
        reason: str,
        count: int,
        evidence: dict[str, Any],
        predicate: str | None = None,
        *,
        score: float | None = None,
        keys: list[Any] | None = None,
        key_cols: list[str] | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """`predicate` is in DuckDB's dialect over the asset; sample keys come from `keys` when given,
        else from the asset's key columns (or `key_cols`) over the predicate."""
        share = self.share(count)
        cols = self.keys if key_cols is None else key_cols
        if keys is None and predicate is not None and cols:
            keys = self.drill.sample_keys(cols, predicate)
        keys = [_scalar(k) for k in (keys or [])[:MAX_SAMPLE_KEYS]]
        return Finding.raised(
            asset=self.asset.id,
            columns=columns,
            type=type_,
            check=check,
            severity=severity or self._severity(share),
            reason=reason,
            rows=RowSet(
                count=count,
                share=share,
                key_columns=list(cols),
                keys=keys,
                predicate=self.drill.predicate_for_engine(predicate) if predicate else None,
            ),
            evidence=evidence,
            score=round(min(max(score, 0.0), 1.0), 4) if score is not None else score_from_share(share),
        )


def _scalar(key: Any) -> Any:
    return [to_scalar(v) for v in key] if isinstance(key, list | tuple) else to_scalar(key)
