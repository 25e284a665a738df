"""Unsupervised record detectors run by `scan` on every asset: the one entry point the pipeline calls.

`record_findings(engine, asset, profiles)` types the asset's columns with the semantic-type
classifier (torch-free model), then runs each detector whose columns are present:
- bots.py: per-user behaviour features in SQL -> `bot_traffic`;
- garbage.py: character-level tests of free text -> `text_garbage`;
- category.py: a cross-validated title -> category classifier -> `category_mismatch`;
- near_duplicates.py: a matcher self-trained on the asset's own rows -> `near_duplicate_entity`;
- fused.py (opt-in, RecordOptions.fused): fused-feature record outliers -> `outlier_value`.
Nothing here names a table, column or value: detectors choose columns by semantic type and
statistics. The category detector needs the `detect` extra (scikit-learn); without it, it is
skipped silently, as are the encoder embeddings without the `model` extra. A detector that fails
on one asset adds one line to `notes` and the others still run.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stocktake.detection.bots import bot_findings
from stocktake.detection.category import category_findings
from stocktake.detection.fused import fused_findings
from stocktake.detection.garbage import garbage_findings
from stocktake.detection.near_duplicates import near_duplicate_findings
from stocktake.detection.records import AssetContext
from stocktake.detection.row_scores import Tuning

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stocktake.core.records import Asset, ColumnProfile, Finding
    from stocktake.engines.base import Engine


@dataclass(frozen=True)
class RecordOptions:
    bots: bool = True
    garbage: bool = True
    category: bool = True
    near_duplicates: bool = True
    fused: bool = False  # fused-feature outliers (fused.py): opt-in, see its docstring
    use_encoder: bool | None = None  # None: encoder embeddings when the model extra is installed
    tuning: Tuning | None = None  # thresholds learned from reviews (stocktake train from-reviews)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def asset_context(engine: Engine, asset: Asset, profiles: Sequence[ColumnProfile]) -> AssetContext:
    """The asset with its columns typed by the torch-free semantic-type classifier."""
    from stocktake.semantics.semantic_types import classify_many

    decisions = classify_many([(p.column, p, None) for p in profiles], use_encoder=False)
    return AssetContext(
        engine, asset, {p.column: p for p in profiles}, {d.column: str(d.semantic_type) for d in decisions}
    )


def record_findings(
    engine: Engine,
    asset: Asset,
    profiles: Sequence[ColumnProfile],
    options: RecordOptions | None = None,
    notes: list[str] | None = None,
) -> list[Finding]:
    opts = options or RecordOptions()
    if not profiles:
        return []
    try:
        ctx = asset_context(engine, asset, profiles)
    except Exception as exc:  # no column types, no detectors; the asset's other findings stay
        if notes is not None:
            notes.append(f"{asset.id}: record detectors: {type(exc).__name__}: {str(exc)[:200]}")
        return []
    use_encoder = _installed("model2vec") if opts.use_encoder is None else opts.use_encoder
    detectors = []
    if opts.bots:
        detectors.append(("bot_traffic", lambda: bot_findings(ctx, opts.tuning)))
    if opts.garbage:
        detectors.append(("text_garbage", lambda: garbage_findings(ctx, opts.tuning)))
    if opts.category and _installed("sklearn"):
        detectors.append(("category_mismatch", lambda: category_findings(ctx, use_encoder, opts.tuning)))
    if opts.near_duplicates and _installed("sklearn"):
        detectors.append(("near_duplicate_entity", lambda: near_duplicate_findings(ctx)))
    if opts.fused:
        detectors.append(("fused_outliers", lambda: fused_findings(ctx, use_encoder)))
    out: list[Finding] = []
    for name, run in detectors:
        try:
            out += run()
        except Exception as exc:  # one detector's failure must not hide the asset's other findings
            if notes is not None:
                notes.append(f"{asset.id}: {name} detector: {type(exc).__name__}: {str(exc)[:200]}")
    return out
