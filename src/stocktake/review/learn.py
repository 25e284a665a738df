"""Learn from verdicts: row verdicts become labels that move each record detector's threshold.

A record detector keeps each scored row's score and its threshold in the finding's evidence
(stocktake.detection.row_scores); a row verdict says whether that row is really wrong
(confirmed/fixed) or not (rejected). Per detector (check name):

1. the labelled rows are split, stratified by label, into train and held-out;
2. the threshold that maximises F1 on the train rows is chosen among the midpoints between
   scores; the current threshold stays when it is among the best (it only moves when verdicts say
   so), else the widest gap in all the scores the detector kept wins among equally good ones
   (learn_threshold);
3. precision / recall / F1 of the current and the learned threshold are measured on held-out;
4. the threshold saved for the next scan is refit on every labelled row, the usual last step
   once the held-out figures are in; the labels themselves are saved too, and decide their own
   rows in the next scan (see stocktake.detection.row_scores.Tuning).

Findings people rejected as a whole are not learned from here: their id is stable across runs,
so apply_verdicts keeps them rejected, with the reviewer's reason, in every later scan.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stocktake.core.vocab import FindingStatus
from stocktake.detection.row_scores import read_row_scores
from stocktake.review.rows import key_text, row_verdicts

if TYPE_CHECKING:
    from stocktake.catalog import Catalog
    from stocktake.core.records import Run

POSITIVE = (FindingStatus.CONFIRMED, FindingStatus.FIXED)
HELD_OUT = 0.3
WIDE_GAP = 0.1  # a gap this share of the scores' range wide is a low-density stretch


@dataclass(frozen=True)
class LabelledRow:
    check: str
    target: str  # the verdict's target: finding id + ':row:' + key
    score: float
    label: bool  # True: a person confirmed the row is wrong


@dataclass(frozen=True)
class Scores:
    n: int
    precision: float | None
    recall: float | None
    f1: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class DetectorLesson:
    check: str
    threshold_before: float
    threshold_train: float  # learned on the train split, measured on held-out
    threshold_after: float  # refit on every labelled row: what the next scan uses
    train: int
    held_out: int
    positives: int
    before: Scores  # current threshold, on held-out
    after: Scores  # learned threshold, on held-out

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["before"], out["after"] = self.before.to_dict(), self.after.to_dict()
        return out


@dataclass
class Lessons:
    run_id: str
    detectors: list[DetectorLesson] = field(default_factory=list)
    unscored: int = 0  # row verdicts whose row the run did not score (an older run's candidate)
    labels: dict[str, dict[str, bool]] = field(default_factory=dict)  # check -> key text -> wrong?
    suppressed: list[dict[str, str]] = field(default_factory=list)  # rejected findings, with why

    @property
    def thresholds(self) -> dict[str, float]:
        return {d.check: d.threshold_after for d in self.detectors}


def row_labels(catalog: Catalog, run: Run) -> dict[str, dict[str, bool]]:
    """check -> key text -> wrong?, from the latest row verdicts on the run's record-detector findings."""
    out: dict[str, dict[str, bool]] = defaultdict(dict)
    for finding in run.findings:
        if finding.check and read_row_scores(finding.evidence) is not None:
            for key, verdict in row_verdicts(catalog, finding.id).items():
                out[finding.check][key] = verdict.verdict in POSITIVE
    return dict(out)


def labelled_rows(catalog: Catalog, run: Run) -> tuple[list[LabelledRow], int]:
    """(row labels with the run's score for each row, row verdicts the run has no score for)."""
    out: list[LabelledRow] = []
    unscored = 0
    for finding in run.findings:
        read = read_row_scores(finding.evidence)
        if read is None or not finding.check:
            continue
        scores = {key_text(r.key): r.score for r in read[1]}
        for key, verdict in row_verdicts(catalog, finding.id).items():
            if key not in scores:
                unscored += 1
                continue
            target = verdict.finding_id
            out.append(LabelledRow(finding.check, target, scores[key], verdict.verdict in POSITIVE))
    return out, unscored


def split(rows: Sequence[LabelledRow], held_out: float = HELD_OUT, seed: int = 0) -> tuple[list, list]:
    """Stratified by label, deterministic: the same verdicts and seed give the same split."""

    def order(r: LabelledRow) -> str:
        return hashlib.sha1(f"{seed}:{r.target}".encode()).hexdigest()

    train: list[LabelledRow] = []
    test: list[LabelledRow] = []
    for label in (True, False):
        same = sorted((r for r in rows if r.label == label), key=order)
        cut = round(len(same) * held_out) if len(same) > 1 else 0
        test += same[:cut]
        train += same[cut:]
    return train, test


def scores_at(rows: Sequence[LabelledRow], threshold: float) -> Scores:
    tp = sum(1 for r in rows if r.label and r.score >= threshold)
    fp = sum(1 for r in rows if not r.label and r.score >= threshold)
    fn = sum(1 for r in rows if r.label and r.score < threshold)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return Scores(len(rows), _round(precision), _round(recall), _round(f1))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def learn_threshold(rows: Sequence[LabelledRow], current: float, unlabelled: Sequence[float] = ()) -> float:
    """The threshold with the best train F1 (then accuracy).

    When the current threshold is among the best, it stays: labels that agree with it move nothing.
    Otherwise it moves, among the equally good thresholds, to the first low-density stretch of all
    the scored rows (labelled and `unlabelled`) past the labelled ones: a threshold in a gap of the
    score distribution splits the rows nobody labelled the way the labelled ones split
    (low-density separation), instead of hugging the last confirmed row. Without such a gap it
    stops next to the labels.
    """
    if not rows:
        return current
    values = sorted({r.score for r in rows} | set(unlabelled))
    options = {current, values[0] - 1e-6, values[-1] + 1e-6}
    options |= {(a + b) / 2 for a, b in itertools.pairwise(values)}

    def fit(t: float) -> tuple[float, float]:
        s = scores_at(rows, t)
        right = sum(1 for r in rows if (r.score >= t) == r.label)
        return (s.f1 or 0.0, right / len(rows))

    best = max(fit(t) for t in options)
    if fit(current) == best:
        return current
    tied = sorted(t for t in options if fit(t) == best)
    nearest = min(tied, key=lambda t: abs(t - current))
    # Walk from the tied threshold nearest the current one in the direction of the move, and stop
    # in the first low-density stretch: a gap of at least WIDE_GAP of the scores' whole range.
    walk = sorted(
        (t for t in tied if (t - nearest) * (nearest - current) >= 0), key=lambda t: abs(t - nearest)
    )
    wide = WIDE_GAP * (values[-1] - values[0])
    for t in walk:
        if wide > 0 and _gap(values, t) >= wide:
            return round(t, 6)
    return round(nearest, 6)


def _gap(values: Sequence[float], t: float) -> float:
    """Width of the empty stretch of `values` (sorted) around t; the outer ends count as narrow."""
    i = bisect.bisect_left(values, t)
    if i == 0 or i == len(values):
        return 0.0
    return values[i] - values[i - 1]


def learn(catalog: Catalog, run: Run, held_out: float = HELD_OUT, seed: int = 0) -> Lessons:
    """What the verdicts on `run`'s findings teach each record detector (nothing is saved here)."""
    rows, unscored = labelled_rows(catalog, run)
    lessons = Lessons(run.id, unscored=unscored, labels=row_labels(catalog, run))
    current: dict[str, float] = {}
    for finding in run.findings:
        read = read_row_scores(finding.evidence)
        if read is not None and finding.check:
            current.setdefault(finding.check, read[0])
    scored: dict[str, list[float]] = defaultdict(list)  # every score a detector kept, labelled or not
    for finding in run.findings:
        read = read_row_scores(finding.evidence)
        if read is not None and finding.check:
            scored[finding.check] += [r.score for r in read[1]]
    by_check: dict[str, list[LabelledRow]] = defaultdict(list)
    for row in rows:
        by_check[row.check].append(row)
    for check, labelled in sorted(by_check.items()):
        before = current[check]
        train, test = split(labelled, held_out, seed)
        trained = learn_threshold(train, before, scored[check])
        lessons.detectors.append(
            DetectorLesson(
                check=check,
                threshold_before=before,
                threshold_train=trained,
                threshold_after=learn_threshold(labelled, before, scored[check]),
                train=len(train),
                held_out=len(test),
                positives=sum(r.label for r in labelled),
                before=scores_at(test, before),
                after=scores_at(test, trained),
            )
        )
    lessons.suppressed = [
        {
            "finding": f.id,
            "check": f.check or "",
            "asset": f.asset,
            "why": str((f.evidence.get("review") or {}).get("comment") or "rejected by a reviewer"),
        }
        for f in run.findings
        if f.status == FindingStatus.REJECTED
    ]
    return lessons
