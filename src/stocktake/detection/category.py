"""Category consistency: products whose declared category disagrees with what their title says.

Finds, by semantic type, a title-like text column and a category column in the same asset, reads
a bounded sample, and learns title -> category from the asset itself (stocktake.models.
category_model). Out-of-fold probabilities (k-fold cross-validation) keep each row's own label
from vouching for itself. A row is flagged when its declared category gets less than LOW and
another category more than HIGH.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from stocktake.checks.keys import key_columns
from stocktake.core.vocab import FindingType
from stocktake.detection.records import fetch, in_predicate, make_finding
from stocktake.engines.profiling import quote_duckdb

if TYPE_CHECKING:
    from collections.abc import Sequence

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


def mismatches(
    titles: Sequence[str], labels: Sequence[str], use_encoder: bool = True, seed: int = 0, ngrams: bool = True
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(flags, predicted category, probability of the declared one) per row; rare classes never flag."""
    from stocktake.models.category_model import CategoryModel, out_of_fold_from_features

    y = np.array([str(v) for v in labels])
    counts = Counter(y.tolist())
    usable = np.array([counts[v] >= 2 * FOLDS for v in y])
    flags = np.zeros(len(y), dtype=bool)
    predicted = list(y)
    declared = np.ones(len(y))
    if len({v for v in y[usable]}) < MIN_CLASSES:
        return flags, predicted, declared
    rows = np.flatnonzero(usable)
    model = CategoryModel(use_encoder=use_encoder, seed=seed, ngrams=ngrams)
    texts = [titles[i] for i in rows]
    x = model.features(texts)
    proba, classes = out_of_fold_from_features(model, x, texts, y[rows].tolist(), FOLDS, seed)
    index = {c: j for j, c in enumerate(classes)}
    own = proba[np.arange(len(rows)), [index[v] for v in y[rows]]]
    best = proba.argmax(axis=1)
    suspect = (own < LOW) & (proba.max(axis=1) > HIGH)
    if suspect.any() and (~suspect).any():
        # Second look: a model fitted on every row but the suspects. A misfiled row's near-twin
        # (same product, another colour) is accused only while the misfiled one is in training.
        model.fit_features(x[~suspect], y[rows][~suspect])
        again = np.zeros((int(suspect.sum()), len(classes)))
        again[:, [index[c] for c in model.classes_]] = model.proba_features(x[suspect])
        own[suspect] = again[np.arange(len(again)), [index[v] for v in y[rows][suspect]]]
        proba[suspect] = again
        best = proba.argmax(axis=1)
        suspect &= (own < LOW) & (proba.max(axis=1) > HIGH)
    flags[rows] = suspect
    declared[rows] = own
    for k, i in enumerate(rows):
        predicted[i] = classes[best[k]]
    return flags, predicted, declared


def category_findings(ctx: AssetContext, use_encoder: bool = True) -> list[Finding]:
    titles = [c for c in ctx.columns_of(*TITLE_TYPES) if ctx.profiles[c].logical_type == "string"]
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
    flags, predicted, declared = mismatches([r[1] for r in rows], [r[2] for r in rows], use_encoder)
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
    evidence = {"rows_read": len(rows), "folds": FOLDS, "examples": examples}
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
