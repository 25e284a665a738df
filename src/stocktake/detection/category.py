"""Category consistency: products whose declared category disagrees with what their title says.

Finds, by semantic type, a title-like text column and a category column in the same asset, reads
a bounded sample, and learns title -> category from the asset itself (stocktake.models.
category_model). Out-of-fold probabilities (k-fold cross-validation) keep each row's own label
from vouching for itself. A row is flagged when its declared category gets less than LOW and
another category more than HIGH: mismatch_score folds both tests into one number per row, whose
threshold reviews can tune (row_scores.py).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from stocktake.checks.keys import key_columns
from stocktake.core.vocab import FindingType
from stocktake.detection.records import fetch, in_predicate, make_finding
from stocktake.detection.row_scores import ROW_SCORES_KEY, Tuning, row_scores_evidence
from stocktake.engines.profiling import quote_duckdb

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from stocktake.core.records import Finding
    from stocktake.detection.records import AssetContext

CHECK = "record_detectors:category_mismatch"
TITLE_TYPES = ("product_title", "description")
CATEGORY_TYPES = ("category",)
MAX_ROWS = 50_000  # rows read and cross-validated: ~90 s on 35k titles with the encoder, 2 cores
FOLDS = 5
MIN_CLASSES, MAX_CLASSES = 2, 2_000
MIN_ROWS = 200
LOW, HIGH = 0.05, 0.8


def mismatch_score(own: np.ndarray, best_other: np.ndarray) -> np.ndarray:
    """One number per row that reaches HIGH exactly when own < LOW and another category > HIGH.

    The smaller of the other category's probability and the declared one's shortfall, scaled so
    the default thresholds meet at HIGH; a threshold learned from reviews moves both together.
    """
    return np.minimum(HIGH * (1.0 - own) / (1.0 - LOW), best_other)


def mismatches(
    titles: Sequence[str], labels: Sequence[str], use_encoder: bool = True, seed: int = 0, ngrams: bool = True
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(flags, predicted category, probability of the declared one) per row; rare classes never flag."""
    flags, predicted, declared, _ = scored_mismatches(titles, labels, use_encoder, seed, ngrams)
    return flags, predicted, declared


def scored_mismatches(
    titles: Sequence[str],
    labels: Sequence[str],
    use_encoder: bool = True,
    seed: int = 0,
    ngrams: bool = True,
    threshold: float = HIGH,
    known: Mapping[int, bool] | None = None,
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """mismatches() plus each row's mismatch_score; rows scoring `threshold` or more are flagged.

    known: row index -> a person's verdict (True: misfiled). A misfiled row is flagged and left
    out of the model's second fit; a row judged fine is never flagged.
    """
    from stocktake.models.category_model import CategoryModel, out_of_fold_from_features

    y = np.array([str(v) for v in labels])
    counts = Counter(y.tolist())
    usable = np.array([counts[v] >= 2 * FOLDS for v in y])
    flags = np.zeros(len(y), dtype=bool)
    predicted = list(y)
    declared = np.ones(len(y))
    scores = np.zeros(len(y))
    if len({v for v in y[usable]}) < MIN_CLASSES:
        return flags, predicted, declared, scores
    rows = np.flatnonzero(usable)
    model = CategoryModel(use_encoder=use_encoder, seed=seed, ngrams=ngrams)
    texts = [titles[i] for i in rows]
    x = model.features(texts)
    proba, classes = out_of_fold_from_features(model, x, texts, y[rows].tolist(), FOLDS, seed)
    index = {c: j for j, c in enumerate(classes)}
    own_col = np.array([index[v] for v in y[rows]])

    def score_of(p: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        own = p[np.arange(len(p)), cols]
        other = p.copy()
        other[np.arange(len(p)), cols] = -1.0
        return own, mismatch_score(own, other.max(axis=1))

    own, score = score_of(proba, own_col)
    wrong = np.array([(known or {}).get(int(i)) is True for i in rows], dtype=bool)
    fine = np.array([(known or {}).get(int(i)) is False for i in rows], dtype=bool)
    suspect = (score >= threshold) | wrong
    if suspect.any() and (~suspect).any():
        # Second look: a model fitted on every row but the suspects. A misfiled row's near-twin
        # (same product, another colour) is accused only while the misfiled one is in training.
        model.fit_features(x[~suspect], y[rows][~suspect])
        again = np.zeros((int(suspect.sum()), len(classes)))
        again[:, [index[c] for c in model.classes_]] = model.proba_features(x[suspect])
        proba[suspect] = again
        own[suspect], score[suspect] = score_of(again, own_col[suspect])
        suspect &= (score >= threshold) | wrong
    suspect &= ~fine
    best = proba.argmax(axis=1)
    flags[rows] = suspect
    declared[rows] = own
    scores[rows] = score
    for k, i in enumerate(rows):
        predicted[i] = classes[best[k]]
    return flags, predicted, declared, scores


def category_findings(
    ctx: AssetContext, use_encoder: bool = True, tuning: Tuning | None = None
) -> list[Finding]:
    titles = ctx.string_columns_of(*TITLE_TYPES)
    cats = [c for c in ctx.columns_of(*CATEGORY_TYPES) if _is_category(ctx, c)]
    keys = key_columns(ctx.asset, ctx.profiles)
    if not titles or not cats or len(keys) != 1 or ctx.rows < MIN_ROWS:
        return []
    title, category, key = titles[0], cats[0], keys[0]
    # Every title-like column of the row reads as one text (a title in two languages says more).
    t = " || ' | ' || ".join(f"COALESCE(CAST({quote_duckdb(x)} AS VARCHAR), '')" for x in titles)
    c, k = quote_duckdb(category), quote_duckdb(key)
    rows = fetch(
        ctx,
        f"SELECT {k}, {t}, {c} FROM {{REL}} WHERE {quote_duckdb(title)} IS NOT NULL AND {c} IS NOT NULL "
        f"ORDER BY {k} LIMIT {MAX_ROWS}",
    )
    if len(rows) < MIN_ROWS:
        return []
    tuned = tuning or Tuning()
    threshold = tuned.threshold(CHECK, HIGH)
    known = {i: lab for i, r in enumerate(rows) if (lab := tuned.label(CHECK, r[0])) is not None}
    flags, predicted, declared, scores = scored_mismatches(
        [r[1] for r in rows], [r[2] for r in rows], use_encoder, threshold=threshold, known=known
    )
    hits = np.flatnonzero(flags)
    if not len(hits):
        return []
    hits = hits[np.argsort(declared[hits])]
    flagged_keys = [rows[i][0] for i in hits]
    first = hits[0]
    reason = (
        f"{len(hits):,} of {len(rows):,} rows have a {category} their {' / '.join(titles)} does not support "
        f"(cross-validated title classifier: declared category below {LOW:.0%}, another above {HIGH:.0%}); "
        f"e.g. {rows[first][1]!r} filed under {rows[first][2]!r}, predicted {predicted[first]!r}"
    )
    examples = [
        {"key": rows[i][0], "title": str(rows[i][1])[:120], "declared": rows[i][2], "predicted": predicted[i],
         "p_declared": round(float(declared[i]), 4)}
        for i in hits[:10]
    ]  # fmt: skip
    if threshold != HIGH:
        reason += f" (mismatch-score threshold {threshold:.3g}, learned from reviews)"
    evidence = {
        "rows_read": len(rows),
        "folds": FOLDS,
        "examples": examples,
        ROW_SCORES_KEY: row_scores_evidence(
            [r[0] for r in rows], scores.tolist(), threshold, HIGH,
            "min(other category's probability, declared one's shortfall scaled to meet at the threshold)",
            [key], flagged=flags.tolist(),
        ),
    }  # fmt: skip
    score = 0.6 + 0.4 * float(1.0 - declared[hits].mean())
    return [
        make_finding(
            ctx, FindingType.CATEGORY_MISMATCH, [category, *titles], CHECK, len(hits), reason, evidence, score,
            in_predicate(key, flagged_keys), keys=flagged_keys, key_cols=[key],
        )
    ]  # fmt: skip


def _is_category(ctx: AssetContext, column: str) -> bool:
    p = ctx.profiles[column]
    return p.distinct_count is not None and MIN_CLASSES <= p.distinct_count <= MAX_CLASSES
