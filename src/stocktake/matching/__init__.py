"""Entity matching: the same product across catalogs, and near-duplicates within one.

Block with encoder and character-trigram nearest neighbours, score candidate pairs with a
matcher (pair features + gradient boosting, a fine-tuned cross-encoder, or the zero-shot
score), keep pairs above a threshold chosen on validation data. See docs/matching.md.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "match_assets": "stocktake.matching.api:match_assets",
    "find_duplicates": "stocktake.matching.api:find_duplicates",
    "MatchResult": "stocktake.matching.api:MatchResult",
    "ScoredPair": "stocktake.matching.api:ScoredPair",
    "FeatureMatcher": "stocktake.matching.feature_matcher:FeatureMatcher",
    "ZeroShotMatcher": "stocktake.matching.zero_shot:ZeroShotMatcher",
    "load_matcher": "stocktake.matching.store:load_matcher",
    "save_matcher": "stocktake.matching.store:save_matcher",
    "load_pairs": "stocktake.matching.ditto:load_pairs",
    "serialise": "stocktake.matching.serialise:serialise",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'stocktake.matching' has no attribute {name!r}")
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)
