"""Verdicts on single flagged rows of a finding, stored in the same verdicts table.

A row verdict's target is `<finding id>:row:<key as compact JSON>`, e.g.
`00a6b9bd3c089de4:row:[151012,2718018]`. Finding ids are hex, so the first ':row:' splits the
two unambiguously; the key is one of the finding's sample keys (`Finding.rows.keys`), in the
finding's key columns. These are the labels a record-level detector can learn from later.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from stocktake.catalog import Verdict
from stocktake.core.errors import UsageError

if TYPE_CHECKING:
    from stocktake.catalog import Catalog
    from stocktake.core.records import Finding, Scalar

ROW_MARK = ":row:"


def key_text(key: Scalar | list[Scalar]) -> str:
    return json.dumps(key, separators=(",", ":"), ensure_ascii=False, default=str)


def row_target(finding_id: str, key: Scalar | list[Scalar]) -> str:
    return f"{finding_id}{ROW_MARK}{key_text(key)}"


def split_target(target: str) -> tuple[str, str | None]:
    """(finding id, key text) for a row target; (target, None) for a finding's own id."""
    finding_id, mark, key = target.partition(ROW_MARK)
    return (finding_id, key) if mark else (target, None)


def check_row_key(finding: Finding, key: Scalar | list[Scalar]) -> str:
    """The key's text when it is one of the finding's flagged rows; a UsageError otherwise."""
    wanted = key_text(key)
    if wanted not in {key_text(k) for k in finding.rows.keys}:
        raise UsageError(f"row {wanted} is not one of the rows finding {finding.id} flags")
    return wanted


def row_verdicts(catalog: Catalog, finding_id: str) -> dict[str, Verdict]:
    """key text -> latest verdict, for the flagged rows of one finding that have one."""
    latest: dict[str, Verdict] = {}
    for verdict in catalog.verdicts_starting_with(finding_id + ROW_MARK):  # oldest first: the last wins
        _, key = split_target(verdict.finding_id)
        if key is not None:
            latest[key] = verdict
    return latest
