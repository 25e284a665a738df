"""Fused-feature record outliers: text embeddings, scaled numbers and encoded categories in one score.

Each column becomes one or more features oriented so that high means unusual:
- numbers: |robust z| of the value (log scale for positive skewed columns), median and IQR;
- categories (few distinct values): -log10 of the value's share, so rare labels stand out;
- free text (many distinct values): 1 - cosine to the column's centroid in the encoder's space
  (the fast static model), so a title unlike the others stands out.
Rows are ranked by the sum of per-feature empirical-tail contributions (ecod.py), and a row is
an outlier when that sum is beyond Tukey's far-out fence of the sums. The result keeps every
feature's contribution, so a reason can say which columns made the row unusual.

Not run by `scan` by default (RecordOptions.fused): on the demo estate the profile rule
`outlier_value.tail_gap` already finds the planted price outliers exactly, and a record-level
score over every asset adds findings nobody planted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from stocktake.detection.ecod import far_out, tail_contributions

MAX_CATEGORIES = 50


@dataclass
class FusedResult:
    features: list[str]  # one name per feature: the column, with ":text" for an embedding distance
    contributions: np.ndarray  # (rows, features)
    score: np.ndarray  # (rows,)
    outliers: np.ndarray  # row indices, most unusual first


def fused_outliers(
    columns: dict[str, Sequence[Any]], text_columns: Sequence[str] = (), use_encoder: bool = True
) -> FusedResult:
    n = len(next(iter(columns.values()), []))
    groups = {c: v for c, v in columns.items() if c not in text_columns and _categorical(v)}
    names: list[str] = []
    parts: list[np.ndarray] = []
    for name, values in columns.items():
        if name in text_columns:
            distance = _text_distance([("" if v is None else str(v)) for v in values], use_encoder)
            if distance is not None:
                names.append(f"{name}:text")
                parts.append(tail_contributions(distance[:, None])[:, 0])
        elif name in groups:
            counts = Counter(_label(v) for v in values)
            names.append(name)
            parts.append(np.array([-np.log10(counts[_label(v)] / n) for v in values]))
        elif (numbers := _as_numbers(values)) is not None:
            z = _contextual_z(numbers, groups)
            names.append(name)
            # Magnitude matters for numbers: a Gaussian tail of the robust z, capped, not just a rank.
            parts.append(np.minimum(-np.log10(np.maximum(_two_sided_tail(z), 1e-300)), Z_CAP))
    if not parts:
        return FusedResult([], np.zeros((n, 0)), np.zeros(n), np.array([], dtype=int))
    contrib = np.column_stack(parts)
    score = contrib.sum(axis=1)
    flagged = np.flatnonzero(far_out(score[:, None])[:, 0])
    return FusedResult(names, contrib, score, flagged[np.argsort(-score[flagged])])


Z_CAP = 12.0


def _label(value: Any) -> str:
    return "" if value is None else str(value)


def _categorical(values: Sequence[Any]) -> bool:
    return _as_numbers(values) is None and len({_label(v) for v in values}) <= MAX_CATEGORIES


def _contextual_z(x: np.ndarray, groups: dict[str, Sequence[Any]]) -> np.ndarray:
    """Robust z within the groups of the categorical column that best explains x (else overall)."""
    filled = np.where(np.isfinite(x), x, np.nanmedian(x))
    if (filled > 0).all():
        filled = np.log(filled)  # prices and counts: a factor, not a difference, is what is unusual
    best, best_spread = _robust_z(filled), _spread(filled)
    for values in groups.values():
        labels = np.array([_label(v) for v in values])
        z = np.zeros(len(filled))
        spreads = []
        for label in np.unique(labels):
            at = labels == label
            z[at] = _robust_z(filled[at])
            spreads.append(_spread(filled[at]) * at.sum())
        spread = sum(spreads) / len(filled)
        if spread < best_spread:
            best, best_spread = z, spread
    return best


def _spread(x: np.ndarray) -> float:
    q1, q3 = np.percentile(x, [25, 75])
    return float(q3 - q1)


def _robust_z(x: np.ndarray) -> np.ndarray:
    # sigma from the IQR; a floor keeps a constant group from turning rounding into infinity.
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    sigma = max((q3 - q1) / 1.349, 1e-3 * max(abs(float(med)), 1.0), 1e-9)
    return np.abs(x - med) / sigma


def _two_sided_tail(z: np.ndarray) -> np.ndarray:
    from math import erfc, sqrt

    return np.array([erfc(v / sqrt(2.0)) for v in z])


def _as_numbers(values: Sequence[Any]) -> np.ndarray | None:
    out = np.empty(len(values))
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, int | float):
            return None
        out[i] = float(v)
    return out


def _text_distance(texts: list[str], use_encoder: bool) -> np.ndarray | None:
    if not use_encoder:
        return None
    from stocktake.models.encoder import Encoder

    vectors = Encoder(mode="fast").encode(texts)
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) + 1e-9
    return 1.0 - vectors @ centroid


MAX_ROWS = 200_000
MIN_ROWS = 200
MAX_SHARE = 0.03  # more far-out rows than this: the asset is heterogeneous, not broken
TEXT_TYPES = ("product_title", "description", "review_text", "free_text", "search_query")
SKIP_TYPES = ("user_id", "item_id", "order_id", "session_id", "identifier", "sku", "event_time", "date")


def fused_findings(ctx: Any, use_encoder: bool = True) -> list[Any]:
    """`outlier_value` findings from fused_outliers over a bounded sample of the asset (opt-in)."""
    from stocktake.checks.keys import key_columns
    from stocktake.core.vocab import FindingType
    from stocktake.detection.records import fetch, in_predicate, make_finding
    from stocktake.engines.profiling import quote_duckdb

    keys = key_columns(ctx.asset, ctx.profiles)
    if len(keys) != 1 or ctx.rows < MIN_ROWS:
        return []
    used = [c for c in ctx.profiles if c not in keys and ctx.semantic.get(c) not in SKIP_TYPES]
    if not used:
        return []
    cols = ", ".join(quote_duckdb(c) for c in [keys[0], *used])
    rows = fetch(ctx, f"SELECT {cols} FROM {{REL}} ORDER BY {quote_duckdb(keys[0])} LIMIT {MAX_ROWS}")
    data = {c: [r[j + 1] for r in rows] for j, c in enumerate(used)}
    texts = [c for c in used if ctx.semantic.get(c) in TEXT_TYPES]
    result = fused_outliers(data, texts, use_encoder)
    if not len(result.outliers) or len(result.outliers) > MAX_SHARE * len(rows):
        return []
    top = result.contributions[result.outliers].sum(axis=0)
    blamed = [result.features[j].removesuffix(":text") for j in np.argsort(-top)[:2]]
    flagged_keys = [rows[i][0] for i in result.outliers]
    examples = [
        {"key": rows[i][0], "score": round(float(result.score[i]), 2),
         "contributions": {f: round(float(result.contributions[i, j]), 2) for j, f in enumerate(result.features)}}
        for i in result.outliers[:10]
    ]  # fmt: skip
    reason = (
        f"{len(flagged_keys):,} of {len(rows):,} rows are unusual across {len(result.features)} fused features, "
        f"mostly through {' and '.join(blamed)}"
    )
    return [
        make_finding(
            ctx, FindingType.OUTLIER_VALUE, blamed, "record_detectors:fused_outliers", len(flagged_keys), reason,
            {"features": result.features, "examples": examples}, 0.6, in_predicate(keys[0], flagged_keys),
            keys=flagged_keys, key_cols=[keys[0]],
        )
    ]  # fmt: skip
