"""Verdicts on single flagged rows of a finding, stored in the same verdicts table.

A row verdict's target is `<finding id>:row:<key as compact JSON>`, e.g.
`00a6b9bd3c089de4:row:[151012,2718018]`. Finding ids are hex, so the first ':row:' splits the
two unambiguously; the key is one of the finding's sample keys (`Finding.rows.keys`), or one of
the rows a record detector scored near its threshold (evidence["row_scores"]), in the finding's
key columns. These are the labels `stocktake train from-reviews` learns from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stocktake.catalog import Verdict
from stocktake.core.errors import UsageError
from stocktake.detection.row_scores import key_text, read_row_scores

if TYPE_CHECKING:
    from stocktake.catalog import Catalog
    from stocktake.core.records import Finding, Scalar

ROW_MARK = ":row:"


def row_target(finding_id: str, key: Scalar | list[Scalar]) -> str:
    return f"{finding_id}{ROW_MARK}{key_text(key)}"


def split_target(target: str) -> tuple[str, str | None]:
    """(finding id, key text) for a row target; (target, None) for a finding's own id or any other
    target (a pair or cell target whose keys happen to hold ':row:' has a ':' before that mark)."""
    finding_id, mark, key = target.partition(ROW_MARK)
    return (finding_id, key) if mark and ":" not in finding_id else (target, None)


def reviewable_keys(finding: Finding) -> set[str]:
    """Key texts a row verdict may name: the sample keys and the detector's scored rows."""
    keys = {key_text(k) for k in finding.rows.keys}
    scored = read_row_scores(finding.evidence)
    if scored is not None:
        keys |= {key_text(r.key) for r in scored[1]}
    return keys


def check_row_key(finding: Finding, key: Scalar | list[Scalar]) -> str:
    """The key's text when it is one of the finding's flagged or scored rows; a UsageError otherwise."""
    wanted = key_text(key)
    if wanted not in reviewable_keys(finding):
        raise UsageError(f"row {wanted} is not one of the rows finding {finding.id} flags or scored")
    return wanted


def row_verdicts(catalog: Catalog, finding_id: str) -> dict[str, Verdict]:
    """key text -> latest verdict, for the flagged rows of one finding that have one."""
    latest: dict[str, Verdict] = {}
    for verdict in catalog.verdicts_starting_with(finding_id + ROW_MARK):  # oldest first: the last wins
        _, key = split_target(verdict.finding_id)
        if key is not None:
            latest[key] = verdict
    return latest
