"""Cell verdicts, and every cell/row verdict of the catalog turned into labels per asset.

A cell verdict's target is `<finding id>:cell:<key as compact JSON>:<column>`, e.g.
`00a6b9bd3c089de4:cell:[151012,2718018]:city`: one value of one flagged row. The key is
JSON, so it is read with a JSON decoder and the column is everything after the next colon
(a column name may hold colons of its own).

`review_labels` gathers what people said about single cells: a cell verdict labels its cell;
a row verdict on a one-column finding labels that column's cell of the row; a rejected row
verdict on a wider finding labels each of its columns clean (a confirmed one does not say
which column is wrong, so it is left out). Confirmed and fixed mean erroneous. These are the
labels the scan's cell detector learns from (stocktake.detection.reviewed).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stocktake.core.vocab import FindingStatus
from stocktake.review.rows import ROW_MARK, key_text, split_target

if TYPE_CHECKING:
    from stocktake.catalog import Catalog
    from stocktake.core.records import Scalar

CELL_MARK = ":cell:"
ERRONEOUS = (FindingStatus.CONFIRMED, FindingStatus.FIXED)
MAX_RUNS = 20  # newest runs searched for the findings that verdicts point at


def cell_target(finding_id: str, key: Scalar | list[Scalar], column: str) -> str:
    return f"{finding_id}{CELL_MARK}{key_text(key)}:{column}"


def asset_cell_target(asset_id: str, key: Scalar | list[Scalar], column: str) -> str:
    """A verdict target for any cell of an asset, before any finding names it: the id is the one
    the scan's cell detector gives its finding on that column, so both ways land on one target."""
    from stocktake.detection.reviewed import cell_finding_id

    return cell_target(cell_finding_id(asset_id, column), key, column)


def split_cell_target(target: str) -> tuple[str, str, str] | None:
    """(finding id, key text, column) of a cell target; None for any other target."""
    finding_id, mark, rest = target.partition(CELL_MARK)
    if not mark:
        return None
    try:
        key, end = json.JSONDecoder().raw_decode(rest)
    except json.JSONDecodeError:
        return None
    if rest[end : end + 1] != ":" or end + 1 >= len(rest):
        return None
    return finding_id, key_text(key), rest[end + 1 :]


@dataclass(frozen=True)
class CellLabel:
    key: str  # the row's key as compact JSON, in AssetLabels.key_columns
    column: str
    erroneous: bool


@dataclass
class AssetLabels:
    """One asset's labelled cells; rows are named by their values in ``key_columns``."""

    key_columns: list[str]  # [] : the asset's own key (stocktake.checks.keys.key_columns)
    cells: list[CellLabel] = field(default_factory=list)


def _labels_of(columns: list[str], key: str, column: str | None, erroneous: bool) -> list[CellLabel]:
    if column is not None:
        return [CellLabel(key, column, erroneous)]
    if len(columns) == 1:
        return [CellLabel(key, columns[0], erroneous)]
    return [] if erroneous else [CellLabel(key, c, False) for c in columns]


def _findings(catalog: Catalog, wanted: set[str]) -> dict[str, tuple[str, list[str], list[str]]]:
    """finding id -> (asset id, columns, key columns) for each wanted id, from the newest run
    holding it; ids of the cell detector's own findings resolve even before one was raised
    (key columns [] then: the asset's own key)."""
    from stocktake.detection.reviewed import cell_finding_id

    found: dict[str, tuple[str, list[str], list[str]]] = {}
    for summary in catalog.list_runs()[:MAX_RUNS]:
        if not wanted - found.keys():
            break
        run = catalog.get_run(summary.id)
        for asset in run.assets:
            for column in asset.columns:
                finding_id = cell_finding_id(asset.id, column.name)
                if finding_id in wanted:
                    found.setdefault(finding_id, (asset.id, [column.name], []))
        for finding in run.findings:
            if finding.id in wanted:
                found.setdefault(finding.id, (finding.asset, finding.columns, finding.rows.key_columns))
    return found


def review_labels(catalog: Catalog) -> dict[str, AssetLabels]:
    """asset id -> its labelled cells, from the latest verdict on each cell or row target."""
    latest: dict[tuple[str, str, str | None], bool] = {}  # (finding id, key, column) -> erroneous
    for verdict in catalog.verdicts_starting_with(""):  # oldest first: the last word wins
        cell = split_cell_target(verdict.finding_id)
        erroneous = verdict.verdict in ERRONEOUS
        if cell is not None:
            latest[cell] = erroneous
        elif ROW_MARK in verdict.finding_id:
            finding_id, key = split_target(verdict.finding_id)
            if key is not None:
                latest[finding_id, key, None] = erroneous
    if not latest:
        return {}
    findings = _findings(catalog, {finding_id for finding_id, _, _ in latest})
    per_asset: dict[str, dict[tuple[str, ...], list[CellLabel]]] = defaultdict(lambda: defaultdict(list))
    # Row verdicts first, so a verdict on one of the row's cells overrides them below.
    for (finding_id, key, column), erroneous in sorted(latest.items(), key=lambda kv: kv[0][2] is not None):
        if finding_id not in findings:
            continue
        asset, columns, key_columns = findings[finding_id]
        per_asset[asset][tuple(key_columns)] += _labels_of(columns, key, column, erroneous)
    out: dict[str, AssetLabels] = {}
    for asset, by_keys in per_asset.items():
        # Findings of one asset normally share its key; if not, the key most labels use wins.
        keys, cells = max(by_keys.items(), key=lambda item: len(item[1]))
        merged = {(c.key, c.column): c for c in cells}
        if merged:
            out[asset] = AssetLabels(list(keys), list(merged.values()))
    return out


def review_labels_at(url: str | None) -> dict[str, AssetLabels]:
    """review_labels of the catalog at ``url`` (the default catalog when None)."""
    from stocktake.catalog import Catalog

    with Catalog(url) as catalog:
        return review_labels(catalog)
