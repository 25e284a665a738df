"""Semantics: what columns mean and how assets relate (relationship discovery, cross-source checks)."""

from __future__ import annotations

from stocktake.semantics.relationships import discover_relationships

__all__ = ["discover_relationships"]
