"""Collect and clean: value normalisers, spelling variants of one key, and cleaned copies of assets.

The normalisers and variant finding are pure Python; `clean_asset` and the column plans load
lazily, so code that only normalises values does not import DuckDB or pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stocktake.cleaning.normalise import (
    DateOrder,
    NumberConvention,
    comparison_key,
    dominant_width,
    fold_accents,
    fold_case,
    infer_date_order,
    infer_number_convention,
    nfkc,
    normalise_text,
    normalise_whitespace,
    parse_date,
    parse_number,
    zero_pad,
)
from stocktake.cleaning.variants import PaddingMismatch, VariantGroup, find_variants, zero_padding_mismatch

if TYPE_CHECKING:
    from stocktake.cleaning.clean import CleanReport, clean_asset
    from stocktake.cleaning.plan import ColumnPlan, plan_column

_LAZY = {
    "CleanReport": "stocktake.cleaning.clean",
    "clean_asset": "stocktake.cleaning.clean",
    "ColumnPlan": "stocktake.cleaning.plan",
    "plan_column": "stocktake.cleaning.plan",
}

__all__ = [
    "CleanReport",
    "ColumnPlan",
    "DateOrder",
    "NumberConvention",
    "PaddingMismatch",
    "VariantGroup",
    "clean_asset",
    "comparison_key",
    "dominant_width",
    "find_variants",
    "fold_accents",
    "fold_case",
    "infer_date_order",
    "infer_number_convention",
    "nfkc",
    "normalise_text",
    "normalise_whitespace",
    "parse_date",
    "parse_number",
    "plan_column",
    "zero_pad",
    "zero_padding_mismatch",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'stocktake.cleaning' has no attribute {name!r}")
