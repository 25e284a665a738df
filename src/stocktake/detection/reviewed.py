"""The cell detector inside `scan`, for an asset people have reviewed cells or rows of.

The reviewed cells are the labels: `ReviewedLabels` plays the oracle's part but answers only
for the cells people judged, and never asks for more. The detector then runs as in
`detect_cell_errors` (features, cluster propagation, the chosen head) and the cells it flags
that nobody has judged yet become one `outlier_value` finding per column, each cell with its
explanation in the evidence. The finding's id is stable (asset, column, this check), so
verdicts on its cells (`<finding id>:cell:<key>:<column>`) feed the next scan.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from stocktake.core.errors import UsageError
from stocktake.core.records import Finding
from stocktake.core.vocab import FindingType
from stocktake.detection.api import DetectionResult, flag_cells, require_head, score_with_head
from stocktake.detection.features import table_features
from stocktake.detection.propagation import EXACT, Labels, propagate_clusters
from stocktake.detection.records import AssetContext, fetch, make_finding
from stocktake.detection.reliability import add_reliability_features
from stocktake.detection.selection import ColumnClusters
from stocktake.detection.table import StringTable
from stocktake.detection.transformer_head import Head, TransformerHeadOptions
from stocktake.engines.profiling import quote_duckdb, to_scalar

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stocktake.core.records import Asset, ColumnProfile
    from stocktake.engines.base import Engine
    from stocktake.review.cells import AssetLabels

CHECK = "record_detectors:cell_errors"
MAX_ROWS = 20_000  # rows read and scored per asset
MIN_LABELS = 4  # fewer labelled cells than this teach nothing
MAX_CELLS_IN_EVIDENCE = 200


def cell_finding_id(asset_id: str, column: str) -> str:
    """The id this detector's finding on ``column`` has (stable: verdicts can name it in advance)."""
    return Finding.make_id(asset_id, [column], FindingType.OUTLIER_VALUE, CHECK)


class ReviewedLabels:
    """Labels people gave, per (row, column index): 1 erroneous, 0 correct. Unlike a LabelOracle
    it holds no clean table, only these answers, so a detector cannot learn beyond them."""

    def __init__(self, cells: Mapping[tuple[int, int], int]) -> None:
        self._cells = dict(cells)

    @property
    def rows(self) -> list[int]:
        return sorted({row for row, _ in self._cells})

    def __len__(self) -> int:
        return len(self._cells)

    def errors(self) -> int:
        return sum(self._cells.values())

    def labels(self, shape: tuple[int, int]) -> Labels:
        value = np.full(shape, -1, dtype=np.int8)
        source = np.zeros(shape, dtype=np.int8)
        for (row, j), label in self._cells.items():
            if not (0 <= row < shape[0] and 0 <= j < shape[1]):
                raise UsageError(f"labelled cell ({row}, {j}) is outside the table {shape}")
            value[row, j] = label
            source[row, j] = EXACT
        return Labels(value, source, [None] * shape[1])


def detect_from_labels(
    table: StringTable,
    reviewed: ReviewedLabels,
    seed: int = 0,
    *,
    head: Head = "gbm",
    transformer: TransformerHeadOptions | None = None,
) -> DetectionResult:
    """Flag erroneous cells of ``table`` learning only from ``reviewed``; labelled cells keep their label.

    Without clean values there is nothing to carry along a dependency, so only clusters spread
    the labels (unanimous clusters, at least two labelled errors before an error label spreads).
    Only columns with at least one labelled cell are flagged.
    """
    started = time.perf_counter()
    require_head(head)
    features = table_features(table)
    labels = reviewed.labels((table.n_rows, table.n_cols))
    propagate_clusters(ColumnClusters(features), labels, len(reviewed.rows) + 1)
    source = add_reliability_features(features, labels)
    # Leaves no bigger than half the labelled errors: reviews give a few, not a budget's worth.
    leaf = int(np.clip(reviewed.errors() // 2, 1, 10))
    scores, head_run = score_with_head(features, labels, source, seed, head, transformer, leaf)
    # Only columns someone reviewed: a few labels say nothing about, say, a unique key column,
    # whose every value is rare in the way a typo is.
    scores[:, ~(labels.source == EXACT).any(axis=0)] = 0.0
    cells = flag_cells(features, labels, scores, labels.source == EXACT, source)
    return DetectionResult(
        cells=cells,
        revealed=len(reviewed.rows),
        budget=len(reviewed.rows),
        labelled_rows=reviewed.rows,
        seconds=time.perf_counter() - started,
        options={"seed": seed, "head": head, "transformer": None if head_run is None else head_run.as_dict()},
        scores=scores,
    )


def _key_of(values: Sequence[Any]) -> Any:
    return to_scalar(values[0]) if len(values) == 1 else [to_scalar(v) for v in values]


def _read(ctx: AssetContext, columns: list[str], keys: list[str]) -> tuple[StringTable, list[Any]]:
    """The asset's first MAX_ROWS rows by key, every value as text (NULL as ''), and each row's key."""
    as_text = ", ".join(f"CAST({quote_duckdb(c)} AS VARCHAR)" for c in columns)
    key_sql = ", ".join(quote_duckdb(k) for k in keys)
    rows = fetch(ctx, f"SELECT {key_sql}, {as_text} FROM {{REL}} ORDER BY {key_sql} LIMIT {MAX_ROWS}")
    width = len(keys)
    table = StringTable(list(columns), [["" if v is None else str(v) for v in r[width:]] for r in rows])
    return table, [_key_of(r[:width]) for r in rows]


def reviewed_cell_findings(
    engine: Engine,
    asset: Asset,
    profiles: Sequence[ColumnProfile],
    labels: AssetLabels,
    *,
    head: Head = "gbm",
    seed: int = 0,
) -> list[Finding]:
    """`outlier_value` findings for cells like the ones people marked wrong (one per column)."""
    from stocktake.checks.keys import key_columns
    from stocktake.review.rows import key_text

    columns = [c.name for c in asset.columns]
    by_column = {p.column: p for p in profiles}
    keys = labels.key_columns or key_columns(asset, by_column)
    if not keys or any(k not in columns for k in keys):
        return []
    ctx = AssetContext(engine, asset, by_column)
    table, row_keys = _read(ctx, columns, keys)
    row_of: dict[str, int] = {}
    for i, key in enumerate(row_keys):
        row_of.setdefault(key_text(key), i)
        if not isinstance(key, list):  # a one-column key may be stored bare or as a list of one
            row_of.setdefault(key_text([key]), i)
    if len({key_text(k) for k in row_keys}) < len(row_keys):
        # Not a row key (e.g. the user of a bot-traffic finding): its verdicts judge an entity,
        # not one cell, and would teach the detector nothing about values.
        return []
    index = {c: j for j, c in enumerate(columns)}
    known = {
        (row_of[c.key], index[c.column]): int(c.erroneous)
        for c in labels.cells
        if c.key in row_of and c.column in index
    }
    if len(known) < MIN_LABELS or len(set(known.values())) < 2:
        return []
    result = detect_from_labels(table, ReviewedLabels(known), seed, head=head)
    flagged: dict[str, list[Any]] = {}
    for cell in result.cells:
        if (cell.row, cell.column_index) not in known:  # what people said is already on record
            flagged.setdefault(cell.column, []).append(cell)
    n_errors = sum(known.values())
    findings = []
    for column, cells in flagged.items():
        cells.sort(key=lambda c: -c.score)
        evidence = {
            "labels": {"cells": len(known), "erroneous": n_errors, "rows": len(result.labelled_rows)},
            "head": head,
            "cells": [
                {"key": row_keys[c.row], "value": c.value, "score": c.score, "explanation": c.explanation}
                for c in cells[:MAX_CELLS_IN_EVIDENCE]
            ],
        }
        reason = (
            f"{len(cells)} value(s) of {column} look like the {n_errors} cell(s) reviewers marked wrong "
            f"(learned from {len(known)} reviewed cells)"
        )
        findings.append(
            make_finding(
                ctx,
                FindingType.OUTLIER_VALUE,
                [column],
                CHECK,
                len(cells),
                reason,
                evidence,
                score=float(np.mean([c.score for c in cells])),
                predicate=None,
                keys=[row_keys[c.row] for c in cells],
                key_cols=keys,
            )
        )
    return findings


def reviewed_findings(
    engine: Engine,
    asset: Asset,
    profiles: Sequence[ColumnProfile],
    labels: AssetLabels,
    notes: list[str] | None = None,
) -> list[Finding]:
    """What the scan calls: reviewed_cell_findings, whose failure costs one note, not the asset."""
    try:
        return reviewed_cell_findings(engine, asset, profiles, labels)
    except Exception as exc:  # the asset's other findings stay
        if notes is not None:
            notes.append(f"{asset.id}: cell errors from reviews: {type(exc).__name__}: {str(exc)[:200]}")
        return []
