"""Schema drift between a foreign key and the key it references: the same identifier stored as
a number in one asset and as text in another. Joins then need casts, silently drop rows on
engines that do not coerce, and leading zeros or formatting can diverge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stocktake.core.records import Finding, RowSet, type_family
from stocktake.core.vocab import FindingType, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from stocktake.core.records import Asset, Relationship

KEY_TYPE_CHECK = "schema_drift.key_type"


def key_type_findings(relationships: Iterable[Relationship], assets: Sequence[Asset]) -> list[Finding]:
    """One schema_drift finding per referencing column whose type family differs from its parent's."""
    by_id = {a.id: a for a in assets}
    out = []
    for rel in relationships:
        child, parent = by_id.get(rel.from_asset), by_id.get(rel.to_asset)
        if child is None or parent is None or len(rel.from_columns) != 1:
            continue
        x, y = child.column(rel.from_columns[0]), parent.column(rel.to_columns[0])
        if type_family(x.logical_type) == type_family(y.logical_type):
            continue
        rows = child.row_count or 0
        out.append(
            Finding.raised(
                asset=child.id,
                columns=[x.name],
                type=FindingType.SCHEMA_DRIFT,
                severity=Severity.WARNING,
                reason=(
                    f"{child.name}.{x.name} is stored as {x.engine_type} ({x.logical_type}) but the key it "
                    f"references, {parent.name}.{y.name}, is {y.engine_type} ({y.logical_type}): the same "
                    "identifier has drifted to another type between assets."
                ),
                rows=RowSet(count=rows, share=1.0 if rows else 0.0, key_columns=[x.name]),
                evidence={
                    "child_type": x.engine_type,
                    "parent": f"{parent.id}.{y.name}",
                    "parent_type": y.engine_type,
                    "coverage_as_text": rel.coverage,
                    "correction": f"store {child.name}.{x.name} as {y.engine_type}",
                },
                score=0.7,
                check=KEY_TYPE_CHECK,
            )
        )
    return out
