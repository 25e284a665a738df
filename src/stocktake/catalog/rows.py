"""Turn a Run into table rows: queryable columns plus each record's full JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from stocktake.catalog import schema
from stocktake.core.errors import CatalogError
from stocktake.core.records import Run

Row = dict[str, Any]

# Kept in their own tables; runs.record holds everything else of the Run.
RUN_BODY_FIELDS = frozenset({"assets", "profiles", "relationships", "findings"})


@dataclass
class RunRows:
    run: Row
    sources: list[Row] = field(default_factory=list)
    assets: list[Row] = field(default_factory=list)
    columns: list[Row] = field(default_factory=list)
    profiles: list[Row] = field(default_factory=list)
    relationships: list[Row] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)

    def body(self) -> list[tuple[sa.Table, list[Row]]]:
        """Child tables in insertion order (parents before the rows that point at them)."""
        return [
            (schema.sources, self.sources),
            (schema.assets, self.assets),
            (schema.columns, self.columns),
            (schema.profiles, self.profiles),
            (schema.relationships, self.relationships),
            (schema.findings, self.findings),
        ]


def run_rows(run: Run) -> RunRows:
    _require_unique("asset id", [asset.id for asset in run.assets], run.id)
    _require_unique("finding id", [finding.id for finding in run.findings], run.id)
    rows = RunRows(
        run={
            "id": run.id,
            "started_at": utc_naive(run.started_at),
            "finished_at": utc_naive(run.finished_at),
            "code_version": run.code_version,
            "source_count": len(run.sources),
            "asset_count": len(run.assets),
            "profile_count": len(run.profiles),
            "relationship_count": len(run.relationships),
            "finding_count": len(run.findings),
            "error_count": len(run.errors),
            "saved_at": utc_naive(datetime.now(UTC)),
            "record": run.model_dump_json(exclude=set(RUN_BODY_FIELDS)),
        }
    )
    for position, source in enumerate(run.sources):
        rows.sources.append(
            {
                "run_id": run.id,
                "position": position,
                "name": source.name,
                "kind": source.kind,
                "uri": source.uri,
            }
        )
    for position, asset in enumerate(run.assets):
        rows.assets.append(
            {
                "run_id": run.id,
                "asset_id": asset.id,
                "position": position,
                "name": asset.name,
                "source": asset.source,
                "format": asset.format,
                "location": asset.location,
                "row_count": asset.row_count,
                "byte_size": asset.byte_size,
                "last_modified": utc_naive(asset.last_modified),
                "domain": asset.domain,
                "owner": asset.owner,
                "column_count": len(asset.columns),
                "record": asset.model_dump_json(),
            }
        )
        rows.columns.extend(
            {
                "run_id": run.id,
                "asset_id": asset.id,
                "position": col_position,
                "name": col.name,
                "engine_type": col.engine_type,
                "logical_type": col.logical_type,
                "nullable": col.nullable,
            }
            for col_position, col in enumerate(asset.columns)
        )
    for position, profile in enumerate(run.profiles):
        rows.profiles.append(
            {
                "run_id": run.id,
                "position": position,
                "asset_id": profile.asset,
                "column_name": profile.column,
                "logical_type": profile.logical_type,
                "engine_type": profile.engine_type,
                "row_count": profile.row_count,
                "null_count": profile.null_count,
                "null_like_count": profile.null_like_count,
                "distinct_count": profile.distinct_count,
                "distinct_exact": profile.distinct_exact,
                "semantic_type": profile.semantic_type,
                "pii_kind": profile.pii_kind,
                "record": profile.model_dump_json(),
            }
        )
    for position, rel in enumerate(run.relationships):
        rows.relationships.append(
            {
                "run_id": run.id,
                "position": position,
                "from_asset": rel.from_asset,
                "from_columns": json.dumps(rel.from_columns, ensure_ascii=False),
                "to_asset": rel.to_asset,
                "to_columns": json.dumps(rel.to_columns, ensure_ascii=False),
                "coverage": rel.coverage,
                "orphan_count": rel.orphan_count,
                "verified": rel.verified,
                "record": rel.model_dump_json(),
            }
        )
    for position, finding in enumerate(run.findings):
        rows.findings.append(
            {
                "run_id": run.id,
                "finding_id": finding.id,
                "position": position,
                "asset_id": finding.asset,
                "columns": json.dumps(finding.columns, ensure_ascii=False),
                "type": finding.type.value,
                "family": finding.family.value,
                "severity": finding.severity.value,
                "score": finding.score,
                "status": finding.status.value,
                "row_count": finding.rows.count,
                "row_share": finding.rows.share,
                "check_name": finding.check,
                "record": finding.model_dump_json(),
            }
        )
    return rows


def utc_naive(moment: datetime | None) -> datetime | None:
    """Aware -> naive UTC; naive is kept as given (assumed UTC)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _require_unique(what: str, values: list[str], run_id: str) -> None:
    repeated = sorted(value for value, count in Counter(values).items() if count > 1)
    if repeated:
        shown = ", ".join(repeated[:5]) + (f" (+{len(repeated) - 5} more)" if len(repeated) > 5 else "")
        raise CatalogError(f"run {run_id} has the same {what} more than once: {shown}")
