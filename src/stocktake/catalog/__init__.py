"""The catalog: every run, source, asset, profile, relationship, finding and verdict, kept over time."""

from __future__ import annotations

from stocktake.catalog.connect import default_catalog_url
from stocktake.catalog.store import AssetVersion, Catalog, RunSummary, Verdict

__all__ = ["AssetVersion", "Catalog", "RunSummary", "Verdict", "default_catalog_url"]
