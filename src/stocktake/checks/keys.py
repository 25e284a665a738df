"""Pick the columns that identify a row, so findings can name sample rows."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stocktake.core.records import Asset, ColumnProfile

_ID_NAME = re.compile(r"(^id$|_id$|^id_|Id$|_key$|^sku$|_sku$|_no$|_code$|uuid)", re.IGNORECASE)


def looks_like_identifier(name: str) -> bool:
    return bool(_ID_NAME.search(name))


def is_unique(profile: ColumnProfile) -> bool:
    return (
        profile.null_count == 0
        and profile.distinct_exact
        and profile.distinct_count is not None
        and profile.distinct_count == profile.row_count
    )


def key_columns(asset: Asset, profiles: dict[str, ColumnProfile]) -> list[str]:
    """A unique identifier column if there is one, else up to three identifying columns."""
    names = [c.name for c in asset.columns]
    unique_ids = [n for n in names if looks_like_identifier(n) and n in profiles and is_unique(profiles[n])]
    if unique_ids:
        return unique_ids[:1]
    ids = [n for n in names if looks_like_identifier(n)]
    temporal = [c.name for c in asset.columns if c.logical_type in {"timestamp", "date"}]
    chosen = (ids + temporal[:1])[:3]
    return chosen or names[:1]
