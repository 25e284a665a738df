"""The same label spelled two ways within one column: 'sao paulo' and 'são paulo', 'Nike' and
'NIKE '. Joins, group-bys and filters then split one city or brand in two.

Only label-like columns are read (a city, a brand, a status: short, repeating text); their value
counts come from one GROUP BY in the engine and are grouped by `find_variants`. The closed
finding vocabulary has no "spelling variant" type, so these are raised as invalid_format.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from stocktake.checks.keys import key_columns, looks_like_identifier
from stocktake.cleaning.variants import find_variants
from stocktake.core.records import Finding, RowSet
from stocktake.core.vocab import FindingType, Severity
from stocktake.engines.profiling import quote_duckdb, sql_literal, to_scalar
from stocktake.semantics.federation import CHILD, compile_sql

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from stocktake.cleaning.variants import VariantGroup
    from stocktake.core.records import Asset, ColumnProfile, Scalar
    from stocktake.engines.base import Engine

SPELLING_CHECK = "validity.spelling_variants"
# Name tokens of columns that hold labels: a closed set of values people type and pick.
LABEL_TOKENS = frozenset(
    {
        "city", "state", "province", "region", "country", "district", "town", "county",
        "brand", "manufacturer", "vendor", "supplier", "category", "subcategory", "department",
        "status", "type", "channel", "method", "segment", "color", "colour", "size", "gender",
        "carrier", "tier", "level", "group", "label", "tag",
    }
)  # fmt: skip
MAX_LABEL_LENGTH = 60  # longer values are sentences, not labels
MAX_DISTINCT_SHARE = 0.5  # labels repeat: at most one distinct value per two rows
MAX_LISTED = 1000  # variant spellings spelled out in the predicate and the correction map
SHOWN_GROUPS = 10
_WORDS = {
    "composition": "Unicode composition",
    "width": "character width",
    "whitespace": "spacing",
    "case": "case",
    "accents": "accents",
    "zero padding": "leading zeros",
}


def is_label_column(profile: ColumnProfile, max_distinct: int) -> bool:
    """Short, repeating text under a label-like name; never an identifier or free text."""
    distinct = profile.distinct_count or 0
    non_null = profile.row_count - profile.null_count
    tokens = set(re.split(r"[^0-9a-z]+", re.sub(r"(?<=[a-z])(?=[A-Z])", "_", profile.column).lower()))
    return (
        profile.logical_type == "string"
        and 2 <= distinct <= max_distinct
        and distinct <= MAX_DISTINCT_SHARE * non_null
        and profile.length_max is not None
        and profile.length_max <= MAX_LABEL_LENGTH
        and bool(tokens & LABEL_TOKENS)
        and not looks_like_identifier(profile.column)
    )


def _clear_groups(groups: list[VariantGroup]) -> list[VariantGroup]:
    """Groups whose canonical spelling is strictly the most common: a tie names no winner."""
    return [g for g in groups if g.spellings[0][1] > g.spellings[1][1]]


def spelling_variant_findings(
    assets: Sequence[Asset],
    profiles: Sequence[ColumnProfile],
    engines_by_source: Mapping[str, Engine],
    *,
    max_distinct: int = 20_000,
) -> list[Finding]:
    """One invalid_format finding per label column whose values come in several spellings."""
    by_asset: dict[str, dict[str, ColumnProfile]] = {}
    for prof in profiles:
        by_asset.setdefault(prof.asset, {})[prof.column] = prof
    out = []
    for asset in assets:
        engine = engines_by_source.get(asset.source)
        columns = by_asset.get(asset.id, {})
        if engine is None:
            continue
        for prof in columns.values():
            if not is_label_column(prof, max_distinct):
                continue
            counts = _value_counts(engine, asset, prof.column, max_distinct)
            groups = _clear_groups(find_variants(counts)) if counts is not None else []
            if groups:
                out.append(_finding(engine, asset, prof, columns, groups))
    return out


def _value_counts(
    engine: Engine, asset: Asset, column: str, max_distinct: int
) -> list[tuple[Scalar, int]] | None:
    """Distinct values with their counts; None when there are more than `max_distinct`."""
    q = quote_duckdb(column)
    sql = f"SELECT {q}, COUNT(*) FROM {CHILD} WHERE {q} IS NOT NULL GROUP BY {q} LIMIT {max_distinct + 1}"
    rows = engine.execute(compile_sql(engine, sql, {CHILD: engine.relation(asset)}))[1]
    if len(rows) > max_distinct:
        return None
    return [(to_scalar(value), int(count)) for value, count in rows]


def _described(groups: list[VariantGroup]) -> str:
    kinds = [k for k in _WORDS if any(k in g.differences for g in groups)]
    words = [_WORDS[k] for k in kinds] or ["spelling"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _finding(
    engine: Engine,
    asset: Asset,
    prof: ColumnProfile,
    columns: dict[str, ColumnProfile],
    groups: list[VariantGroup],
) -> Finding:
    variants = {s: g.canonical for g in groups for s, _ in g.spellings[1:]}
    rows_affected = sum(g.variant_count for g in groups)
    rows = prof.row_count
    share = rows_affected / rows if rows else 0.0
    top = groups[0]
    (variant, n), (canonical, m) = top.spellings[1], top.spellings[0]
    reason = (
        f"{len(variants):,} spellings of {prof.column} differ only by {_described(groups)} from a more common "
        f"spelling (e.g. {variant!r} ×{n:,} vs {canonical!r} ×{m:,}); {rows_affected:,} rows ({share:.1%}) "
        "are affected."
    )
    q = quote_duckdb(prof.column)
    listed = sorted(variants)[:MAX_LISTED]
    where = f"{q} IN ({', '.join(sql_literal(v) for v in listed)})"
    keys = key_columns(asset, columns)
    cols = ", ".join(quote_duckdb(k) for k in keys)
    sample_sql = f"SELECT {cols} FROM {CHILD} WHERE {where} ORDER BY {cols} LIMIT 20"
    relations = {CHILD: engine.relation(asset)}
    sample = [
        to_scalar(r[0]) if len(r) == 1 else [to_scalar(v) for v in r]
        for r in engine.execute(compile_sql(engine, sample_sql, relations))[1]
    ]
    complete = len(variants) <= MAX_LISTED
    return Finding.raised(
        asset=asset.id,
        columns=[prof.column],
        type=FindingType.INVALID_FORMAT,
        severity=Severity.WARNING,
        reason=reason,
        rows=RowSet(
            count=rows_affected,
            share=share,
            key_columns=keys,
            keys=sample,
            predicate=compile_sql(engine, where, relations) if complete else None,
        ),
        evidence={
            "kind": "spelling_variants",
            "why_invalid_format": (
                "the same label spelled several ways; the finding vocabulary has no closer type than "
                "invalid_format"
            ),
            "group_count": len(groups),
            "groups": [
                {
                    "canonical": g.canonical,
                    "spellings": [[s, c] for s, c in g.spellings],
                    "differences": list(g.differences),
                }
                for g in groups[:SHOWN_GROUPS]
            ],
            "correction": {v: variants[v] for v in listed},
            "correction_complete": complete,
        },
        score=round(min(1.0, 0.4 + 0.5 * math.sqrt(min(share, 1.0))), 4),
        check=SPELLING_CHECK,
    )


__all__ = ["LABEL_TOKENS", "SPELLING_CHECK", "is_label_column", "spelling_variant_findings"]
