"""Downstream impact: which rows of other assets depend on the rows a finding is about.

A finding on `products` also touches every `order_items` row that references one of those
products, and every row referencing those order items in turn. Relationships are followed
from parent to child for up to `max_hops` hops. Where the finding has a predicate and each
hop stays within one engine, the rows are counted exactly by nesting the predicate in
semi-joins; otherwise the downstream share is estimated as the share of affected parent rows
(references spread evenly), and `via` says it is an estimate and why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stocktake.core.records import DownstreamImpact, Finding, type_family
from stocktake.engines.profiling import quote_duckdb

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from stocktake.core.records import Asset, Relationship
    from stocktake.engines.base import Engine


@dataclass(frozen=True)
class _Reached:
    asset: str
    clause: str | None  # WHERE clause over the asset's relation, in its engine's dialect
    share: float
    path: str  # the relationships followed so far
    why_estimated: str = "no predicate selects the affected rows"  # when clause is None


def add_impact(
    findings: Sequence[Finding],
    relationships: Sequence[Relationship],
    row_counts: Mapping[str, int],
    *,
    assets: Sequence[Asset] = (),
    engines_by_source: Mapping[str, Engine] | None = None,
    max_hops: int = 2,
) -> list[Finding]:
    """The findings with `impact.downstream` filled in; the input findings are not changed.

    `row_counts` maps asset id to its rows. Give `assets` and `engines_by_source` (open
    engines) to have downstream rows counted; without them every figure is an estimate.
    """
    children: dict[str, list[Relationship]] = defaultdict(list)
    for rel in relationships:
        if rel.from_asset != rel.to_asset:
            children[rel.to_asset].append(rel)
    for rels in children.values():
        rels.sort(key=lambda r: (r.from_asset, r.from_columns))
    counter = _Counter({a.id: a for a in assets}, engines_by_source or {})
    out = []
    for finding in findings:
        downstream = _downstream(finding, children, row_counts, counter, max_hops)
        impact = finding.impact.model_copy(update={"downstream": downstream})
        out.append(finding.model_copy(update={"impact": impact}))
    return out


def _downstream(
    finding: Finding,
    children: Mapping[str, list[Relationship]],
    row_counts: Mapping[str, int],
    counter: _Counter,
    max_hops: int,
) -> list[DownstreamImpact]:
    if finding.rows.count <= 0:
        return []
    frontier = [_Reached(finding.asset, finding.rows.predicate, finding.rows.share, "")]
    seen = {finding.asset}
    out: list[DownstreamImpact] = []
    for _ in range(max_hops):
        reached = []
        for parent in frontier:
            for rel in children.get(parent.asset, []):
                child_rows = row_counts.get(rel.from_asset)
                if rel.from_asset in seen or not child_rows:
                    continue
                seen.add(rel.from_asset)
                path = _edge(rel) if not parent.path else f"{parent.path}, then {_edge(rel)}"
                counted, why = counter.count(rel, parent.clause)
                if counted is None:
                    # A hop after an estimate is an estimate for the same reason.
                    why = why or parent.why_estimated
                    rows, clause = round(parent.share * child_rows), None
                    via = f"{path} (estimated from the share of affected {_name(parent.asset)} rows: {why})"
                else:
                    (rows, clause), via = counted, path
                if rows <= 0:
                    continue
                share = min(1.0, rows / child_rows)
                out.append(DownstreamImpact(asset=rel.from_asset, rows=rows, share=share, via=via))
                reached.append(_Reached(rel.from_asset, clause, share, path, why))
        frontier = reached
    return out


class _Counter:
    """Counts child rows referencing affected parent rows, in the engine both live in."""

    def __init__(self, assets: Mapping[str, Asset], engines_by_source: Mapping[str, Engine]) -> None:
        self.assets = assets
        self.engines = engines_by_source

    def count(self, rel: Relationship, parent_clause: str | None) -> tuple[tuple[int, str] | None, str]:
        """((rows, the child's clause), "") when counted, else (None, why not; "" if the parent says)."""
        if parent_clause is None:
            return None, ""
        child, parent = self.assets.get(rel.from_asset), self.assets.get(rel.to_asset)
        if (
            child is None
            or parent is None
            or child.source not in self.engines
            or parent.source not in self.engines
        ):
            return None, "no engine given"
        engine = self.engines[child.source]
        if self.engines[parent.source] is not engine:
            return None, "the assets live in different sources"
        x, y = rel.from_columns[0], rel.to_columns[0]
        as_text = _family(child, x) != _family(parent, y)
        clause = (
            f"{_value(engine, x, as_text)} IN "
            f"(SELECT {_value(engine, y, as_text)} FROM {engine.relation(parent)} WHERE {parent_clause})"
        )
        try:
            rows = engine.execute(f"SELECT COUNT(*) FROM {engine.relation(child)} WHERE {clause}")[1]
        except Exception as exc:  # a predicate the engine rejects: fall back to the estimate
            return None, f"the count failed ({type(exc).__name__})"
        return (int(rows[0][0] or 0), clause), ""


def _value(engine: Engine, column: str, as_text: bool) -> str:
    quoted = engine.quote(column)
    if not as_text:
        return quoted
    return engine.transpile(f"CAST({quote_duckdb(column)} AS VARCHAR)")


def _family(asset: Asset, column: str) -> str:
    try:
        lt = asset.column(column).logical_type
    except KeyError:
        return "unknown"
    return type_family(lt)


def _name(asset_id: str) -> str:
    return asset_id.split("/", 1)[-1]


def _edge(rel: Relationship) -> str:
    child = f"{_name(rel.from_asset)}.{','.join(rel.from_columns)}"
    return f"{child} -> {_name(rel.to_asset)}.{','.join(rel.to_columns)}"


__all__ = ["add_impact"]
