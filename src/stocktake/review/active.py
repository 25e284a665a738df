"""The active-learning queue: which rows and findings a person should judge first.

A record detector keeps, per finding, the rows nearest its threshold with their scores
(evidence["row_scores"], see stocktake.detection.row_scores). A row on the threshold is the one
the detector is least sure of, and a verdict on it moves the learned threshold most, so rows are
ranked by closeness: uncertainty = 1 / (1 + |score - threshold| / spread), where spread is the
finding's own median distance (scores of different detectors live on different scales).
Findings without row scores (rule-based checks) follow, least confident first. Items already
judged are left out. For diversity, the k-th item of one (asset, detector) group counts
uncertainty / (1 + DIVERSITY * k), so a few labels cover every detector instead of one finding's
fifty nearest rows, while a row on a threshold still beats a far one from another group.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stocktake.core.errors import UsageError
from stocktake.core.vocab import FindingStatus
from stocktake.detection.row_scores import read_row_scores
from stocktake.review.rows import row_target

if TYPE_CHECKING:
    from stocktake.core.records import Finding, Run

FINDING_WEIGHT = 0.5  # a finding-level item never outranks a row on its detector's threshold
DIVERSITY = 0.5
KINDS = ("all", "rows", "findings")


@dataclass(frozen=True)
class ActiveItem:
    target: str  # what a verdict is recorded against: a row target or the finding id
    finding_id: str
    asset: str
    type: str
    check: str
    key: Any  # the row's key (None for a finding-level item)
    score: float  # the detector's row score, or the finding's score
    threshold: float | None  # None for a finding-level item
    flagged: bool  # does the detector currently report it?
    uncertainty: float  # 0..1; 1 is on the threshold

    @property
    def is_row(self) -> bool:
        return self.key is not None

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "is_row": self.is_row}


def _row_items(finding: Finding) -> list[ActiveItem]:
    read = read_row_scores(finding.evidence)
    if read is None:
        return []
    threshold, rows = read
    if not rows:
        return []
    spread = statistics.median(abs(r.score - threshold) for r in rows) or 1e-6
    return [
        ActiveItem(
            target=row_target(finding.id, r.key),
            finding_id=finding.id,
            asset=finding.asset,
            type=str(finding.type),
            check=finding.check or "",
            key=r.key,
            score=r.score,
            threshold=threshold,
            flagged=r.flagged,
            uncertainty=round(1.0 / (1.0 + abs(r.score - threshold) / spread), 6),
        )
        for r in rows
    ]


def _finding_item(finding: Finding) -> ActiveItem:
    return ActiveItem(
        target=finding.id,
        finding_id=finding.id,
        asset=finding.asset,
        type=str(finding.type),
        check=finding.check or "",
        key=None,
        score=finding.score,
        threshold=None,
        flagged=True,
        uncertainty=round(FINDING_WEIGHT * (1.0 - finding.score), 6),
    )


def candidates(run: Run, judged: Iterable[str] = ()) -> list[ActiveItem]:
    """Every row and finding that could be judged next, not yet judged, in no particular order."""
    done = set(judged)
    out: list[ActiveItem] = []
    for finding in run.findings:
        if finding.status == FindingStatus.REJECTED:
            continue  # the whole finding is already judged false: its rows are not asked about
        rows = _row_items(finding)
        if rows:
            out += [item for item in rows if item.target not in done]
        elif finding.status == FindingStatus.OPEN and finding.id not in done:
            out.append(_finding_item(finding))
    return out


def active_queue(
    run: Run, judged: Iterable[str] = (), limit: int = 50, kind: str = "all"
) -> list[ActiveItem]:
    """The `limit` items to judge first ("rows", "findings" or "all" of them), most useful first."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    groups: dict[tuple[str, str, bool], list[ActiveItem]] = {}
    for item in candidates(run, judged):
        if kind == "all" or item.is_row == (kind == "rows"):
            groups.setdefault((item.asset, item.check, item.is_row), []).append(item)
    ranked: list[tuple[float, str, ActiveItem]] = []
    for items in groups.values():
        items.sort(key=lambda i: (-i.uncertainty, i.target))
        ranked += [(i.uncertainty / (1.0 + DIVERSITY * k), i.target, i) for k, i in enumerate(items)]
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return [item for _, _, item in ranked[:limit]]
