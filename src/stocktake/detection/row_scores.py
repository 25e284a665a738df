"""Per-row scores of a record detector, kept in the finding's evidence for review and retraining.

Every record detector reduces its decision to one number per row (or entity) and flags the rows
whose score reaches a threshold. The evidence entry `row_scores` keeps that threshold and the rows
nearest to it on both sides, flagged or not: the active-learning queue (stocktake.review.active)
asks people about the closest ones first, and `stocktake train from-reviews`
(stocktake.review.learn) moves the threshold to where their verdicts say it belongs.

    {"score": "what the number means", "threshold": 0.8, "default": 0.8,
     "key_columns": ["item_id"], "rows": [[key, score, flagged], ...]}

What detectors learn from verdicts reaches them as `Tuning`: a threshold per check, and the rows
people labelled (check -> key text -> wrong?). A labelled row is decided by its label, not by its
score: a confirmed row stays flagged, a rejected one is never flagged again, and the category
detector also leaves confirmed misfiled rows out of the model it fits (they would teach it the
wrong category).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ROW_SCORES_KEY = "row_scores"
MAX_ROWS = 200  # rows kept per finding: flagged ones first, then the nearest unflagged ones
MIN_UNFLAGGED = 50  # room always left for rows just below the threshold


@dataclass(frozen=True)
class Tuning:
    """Thresholds learned from reviews, by detector check name; a check not named keeps its default."""

    thresholds: Mapping[str, float] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, bool]] = field(default_factory=dict)  # check -> key text -> wrong?
    source: str = ""  # the saved model it came from

    def threshold(self, check: str, default: float) -> float:
        return float(self.thresholds.get(check, default))

    def label(self, check: str, key: Any) -> bool | None:
        """A person's verdict on the row with this key: True wrong, False fine, None not judged."""
        known = self.labels.get(check)
        return None if not known else known.get(key_text(_plain(key)))


def key_text(key: Any) -> str:
    """A key as compact JSON: the spelling row verdicts use (stocktake.review.rows)."""
    return json.dumps(key, separators=(",", ":"), ensure_ascii=False, default=str)


def row_scores_evidence(
    keys: Sequence[Any],
    scores: Sequence[float],
    threshold: float,
    default: float,
    meaning: str,
    key_columns: Sequence[str],
    flagged: Sequence[bool] | None = None,
) -> dict[str, Any]:
    """The evidence entry for one finding: the flagged rows, then the unflagged ones nearest the threshold.

    Both sides are ordered by distance to the threshold, so what is kept is what a reviewer can
    least easily decide; flagged rows fill at most MAX_ROWS - MIN_UNFLAGGED places.

    `flagged` defaults to score >= threshold; a detector with a second test (e.g. the share guard)
    passes its own decision.
    """
    marks = [s >= threshold for s in scores] if flagged is None else list(flagged)
    near = sorted(range(len(scores)), key=lambda i: abs(scores[i] - threshold))
    hits = [i for i in near if marks[i]][: MAX_ROWS - MIN_UNFLAGGED]
    misses = [i for i in near if not marks[i]][: MAX_ROWS - len(hits)]
    rows = [[_plain(keys[i]), round(float(scores[i]), 6), bool(marks[i])] for i in hits + misses]
    return {
        "score": meaning,
        "threshold": round(float(threshold), 6),
        "default": round(float(default), 6),
        "key_columns": list(key_columns),
        "rows": rows,
    }


def _plain(key: Any) -> Any:
    from stocktake.engines.profiling import to_scalar

    return [to_scalar(v) for v in key] if isinstance(key, list | tuple) else to_scalar(key)


@dataclass(frozen=True)
class ScoredRow:
    key: Any
    score: float
    flagged: bool


def read_row_scores(evidence: Mapping[str, Any]) -> tuple[float, list[ScoredRow]] | None:
    """(threshold, rows) from a finding's evidence, or None when the detector recorded none."""
    entry = evidence.get(ROW_SCORES_KEY)
    if not isinstance(entry, Mapping) or "threshold" not in entry:
        return None
    rows = [ScoredRow(r[0], float(r[1]), bool(r[2])) for r in entry.get("rows", []) if len(r) == 3]
    return float(entry["threshold"]), rows
