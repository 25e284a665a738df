"""Findings for relationships with orphans: child rows whose key has no parent."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from stocktake.checks.keys import key_columns
from stocktake.core.records import Finding, Relationship, RowSet, type_family
from stocktake.core.vocab import FindingType, Severity
from stocktake.engines.profiling import quote_duckdb, sql_literal, to_scalar
from stocktake.semantics.federation import (
    CHILD,
    PARENT,
    KeyColumn,
    KeyVerifier,
    compile_sql,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from stocktake.core.records import Asset, ColumnProfile, Scalar
    from stocktake.engines.base import Engine

ORPHAN_CHECK = "relationship.orphans"


def orphan_findings(
    relationships: Iterable[Relationship],
    assets: Sequence[Asset],
    profiles: Sequence[ColumnProfile],
    engines_by_source: Mapping[str, Engine],
    *,
    max_listed_values: int = 1000,
) -> list[Finding]:
    """An orphan_reference finding for every relationship with orphans: counted rows, sample keys
    of the child rows and a predicate selecting them all.

    Within one source the predicate is a NOT IN over the parent. Across sources the parent is
    out of the child's reach, so the predicate lists the orphan values, when there are at most
    `max_listed_values` of them (otherwise there is no predicate and the evidence says so).
    """
    by_id = {a.id: a for a in assets}
    by_asset: dict[str, dict[str, ColumnProfile]] = defaultdict(dict)
    for prof in profiles:
        by_asset[prof.asset][prof.column] = prof
    out = []
    with KeyVerifier(engines_by_source) as verifier:
        for rel in relationships:
            if rel.orphan_count <= 0 or rel.from_asset not in by_id or rel.to_asset not in by_id:
                continue
            child_asset, parent_asset = by_id[rel.from_asset], by_id[rel.to_asset]
            x, y = rel.from_columns[0], rel.to_columns[0]
            as_text = _family(child_asset, x) != _family(parent_asset, y)
            child, parent = KeyColumn(child_asset, x, as_text), KeyColumn(parent_asset, y, as_text)
            out.append(
                _orphan_finding(rel, child, parent, verifier, by_asset[child_asset.id], max_listed_values)
            )
    return out


def _family(asset: Asset, column: str) -> str:
    return type_family(asset.column(column).logical_type)


def _orphan_finding(
    rel: Relationship,
    child: KeyColumn,
    parent: KeyColumn,
    verifier: KeyVerifier,
    child_profiles: dict[str, ColumnProfile],
    max_listed: int,
) -> Finding:
    engine = verifier.engine_of(child.asset)
    relations = {
        CHILD: engine.relation(child.asset),
        PARENT: verifier.engine_of(parent.asset).relation(parent.asset),
    }
    x = quote_duckdb(child.column)
    values = verifier.orphan_values(child, parent, max_listed + 1)
    if verifier.same_engine(child, parent):
        y = quote_duckdb(parent.column)
        pred: str | None = (
            f"{x} IS NOT NULL AND {child.value_sql} NOT IN (SELECT {parent.value_sql} FROM {PARENT} WHERE {y} IS NOT NULL)"
        )
        where = pred
    else:
        listed = ", ".join(_literal(v) for v in values[:max_listed]) or "NULL"
        where = f"{x} IS NOT NULL AND {child.value_sql} IN ({listed})"
        pred = where if len(values) <= max_listed else None
    keys = key_columns(child.asset, child_profiles)
    cols = ", ".join(quote_duckdb(k) for k in keys)
    sample_sql = f"SELECT {cols} FROM {CHILD} WHERE {where} ORDER BY {cols} LIMIT 20"
    sample = [_key(row) for row in engine.execute(compile_sql(engine, sample_sql, relations))[1]]
    rows = child.asset.row_count or next(iter(child_profiles.values())).row_count
    share = rel.orphan_count / rows if rows else 0.0
    pct = f"{share:.1%}" if share >= 0.001 else f"{share:.3%}"
    edge = f"{child.label} -> {parent.label}"
    return Finding.raised(
        asset=child.asset.id,
        columns=[child.column],
        type=FindingType.ORPHAN_REFERENCE,
        severity=Severity.ERROR if share >= 0.05 else Severity.WARNING,
        reason=(
            f"{rel.orphan_count:,} of {rows:,} rows of {child.asset.name} ({pct}) reference "
            f"{'an' if child.column[:1].lower() in 'aeiou' else 'a'} {child.column} missing from {parent.asset.name}."
        ),
        rows=RowSet(
            count=rel.orphan_count,
            share=share,
            key_columns=keys,
            keys=sample,
            predicate=compile_sql(engine, pred, relations) if pred else None,
        ),
        evidence={
            "relationship": edge,
            "coverage": rel.coverage,
            "sample_orphan_values": values[:10],
            "orphan_values_listed": len(values) <= max_listed,
            "cross_source": not verifier.same_engine(child, parent),
        },
        score=round(min(1.0, 0.5 + 0.5 * math.sqrt(min(share, 1.0))), 4),
        check=ORPHAN_CHECK,
    )


def _literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return sql_literal(str(value))


def _key(row: tuple[object, ...]) -> Scalar | list[Scalar]:
    return to_scalar(row[0]) if len(row) == 1 else [to_scalar(v) for v in row]


__all__ = ["ORPHAN_CHECK", "orphan_findings"]
