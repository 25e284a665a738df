"""People's verdicts on findings: read them back in bulk and carry them into a run.

A verdict is stored against a finding id, and finding ids are stable across runs
(`Finding.make_id`), so a verdict given on one run applies to the same finding in every
later run: `apply_verdicts` sets each finding's status from its latest verdict and moves
rejected ones out of the open list, keeping them with the reviewer's reason.
"""

from __future__ import annotations

from stocktake.review.pairs import pair_labels, pair_target, pair_verdicts
from stocktake.review.rows import row_target, row_verdicts, split_target
from stocktake.review.verdicts import (
    REVIEW_EVIDENCE_KEY,
    apply_verdicts,
    latest_verdicts,
    with_verdicts,
)

__all__ = [
    "REVIEW_EVIDENCE_KEY",
    "apply_verdicts",
    "latest_verdicts",
    "pair_labels",
    "pair_target",
    "pair_verdicts",
    "row_target",
    "row_verdicts",
    "split_target",
    "with_verdicts",
]
