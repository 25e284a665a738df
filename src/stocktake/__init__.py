"""Stocktake: take stock of the data assets behind an e-commerce search & recommendation business.

The public API is curated here; names load lazily so `import stocktake` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from stocktake.core.errors import StocktakeError
from stocktake.core.records import (
    Asset,
    Check,
    ColumnProfile,
    ColumnSchema,
    Finding,
    Relationship,
    Run,
    Source,
)
from stocktake.core.vocab import CheckFamily, FindingStatus, FindingType, Severity

_LAZY = {
    "scan": "stocktake.pipeline:scan",
    "ScanOptions": "stocktake.pipeline:ScanOptions",
    "write_outputs": "stocktake.outputs:write_outputs",
    "open_source": "stocktake.connectors:open_source",
    "profile_asset": "stocktake.engines.profiling:profile_asset",
    "ProfileOptions": "stocktake.engines.profiling:ProfileOptions",
    "findings_from_profiles": "stocktake.checks.profile_rules:findings_from_profiles",
    "Catalog": "stocktake.catalog:Catalog",
    "Encoder": "stocktake.models.encoder:Encoder",
    "generate_estate": "stocktake.demo:generate_estate",
}

__all__ = [
    "Asset",
    "Catalog",
    "Check",
    "CheckFamily",
    "ColumnProfile",
    "ColumnSchema",
    "Encoder",
    "Finding",
    "FindingStatus",
    "FindingType",
    "ProfileOptions",
    "Relationship",
    "Run",
    "ScanOptions",
    "Severity",
    "Source",
    "StocktakeError",
    "findings_from_profiles",
    "generate_estate",
    "open_source",
    "profile_asset",
    "scan",
    "write_outputs",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, _, attr = _LAZY[name].partition(":")
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'stocktake' has no attribute {name!r}")
