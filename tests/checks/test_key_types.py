from __future__ import annotations

from stocktake.checks.key_types import key_type_findings
from stocktake.core.records import Asset, ColumnSchema, Relationship


def asset(name: str, column: str, engine_type: str, logical: str) -> Asset:
    return Asset(
        id=f"s/{name}",
        name=name,
        source="s",
        format="table",
        location=name,
        row_count=10,
        columns=[ColumnSchema(name=column, engine_type=engine_type, logical_type=logical)],
    )


def test_key_stored_as_text_against_integer_parent_is_schema_drift():
    reviews = asset("reviews", "item_id", "VARCHAR", "string")
    products = asset("products", "item_id", "BIGINT", "integer")
    items = asset("order_items", "item_id", "INTEGER", "integer")
    rels = [
        Relationship(
            from_asset="s/reviews",
            from_columns=["item_id"],
            to_asset="s/products",
            to_columns=["item_id"],
            coverage=1.0,
            orphan_count=0,
        ),
        Relationship(
            from_asset="s/order_items",
            from_columns=["item_id"],
            to_asset="s/products",
            to_columns=["item_id"],
            coverage=1.0,
            orphan_count=0,
        ),
    ]
    (finding,) = key_type_findings(rels, [reviews, products, items])  # INTEGER vs BIGINT is no drift
    assert finding.type == "schema_drift" and finding.asset == "s/reviews"
    assert "VARCHAR" in finding.reason and "BIGINT" in finding.reason
