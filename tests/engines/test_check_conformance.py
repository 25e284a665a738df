"""Every check kind, four engines: the same orders / order_items / products tables with planted
violations give the same failing counts, sample keys, failing values and corrections on DuckDB,
SQLite, PostgreSQL and MariaDB, equal to what was counted by hand below.

The data plants the traps where engines differ: 'Delivered' / 'shipped ' / 'cancéled' (MariaDB's
default collation ignores case, trailing spaces and accents), '22041\\n' (`$` before a final
newline in Python and PCRE), and a lower-case 'ab-123' (case-insensitive REGEXP in MariaDB).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from stocktake.checks.run import run_checks
from stocktake.core.checks import check_from_dict
from stocktake.engines.profiling import profile_asset

AS_OF = datetime(2024, 6, 1)

ORDERS_COLUMNS = [
    ("order_id", "INTEGER"),
    ("customer_email", "VARCHAR(64)"),
    ("phone", "VARCHAR(32)"),
    ("zip", "VARCHAR(16)"),
    ("status", "VARCHAR(16)"),
    ("coupon", "VARCHAR(16)"),
    ("ordered_at", "TIMESTAMP"),
    ("paid_at", "TIMESTAMP"),
    ("freight", "DECIMAL(10,2)"),
    ("total_amount", "DECIMAL(10,2)"),
]


def ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def money(text: str) -> Decimal:
    return Decimal(text)


# order_id, email, phone, zip, status, coupon, ordered_at, paid_at, freight, total_amount
ORDERS = [
    (1, "ana@example.com", "13812345678", "01310", "delivered", None, "2024-05-01 10:00", "2024-05-01 10:05", "5.00", "30.50"),
    (2, "cai@example.com", "13912345678", "22041", "Delivered", "SAVE10", "2024-05-02 11:00", "2024-05-02 11:30", "5.00", "46.50"),
    (3, None, "+86 138 1234 5679", "1310", "shipped", "n/a", "2024-05-03 09:00", "2024-05-03 09:10", "0.00", "10.00"),
    (4, "dan@example.com", "15012345678", "04567", "canceled", "NONE", "2024-05-04 08:00", None, "0.00", "0.00"),
    (5, "eve@example.com", "12345678901", "30140", "shipped ", "", "2024-05-05 12:00", "2024-05-05 12:01", "2.00", "16.50"),
    (6, "Ana@example.com", "13712345678", "12 345", "processing", None, "2024-05-06 15:00", "2024-05-06 14:00", "3.00", "5003.00"),
    (7, None, "13612345678", "22041\n", "delivered", " - ", "2024-05-07 16:00", "2024-05-07 16:20", "1.00", "13.00"),
    (8, "bo@example.com", None, "69005", "delivered", "FRETE", "2024-05-08 10:00", "2024-05-08 10:30", "4.00", "26.00"),
    (9, "not-an-email", "13512345678", "01001", "lost", None, "2024-05-09 10:00", None, "0.00", "0.00"),
    (10, "fay@example.com", "13412345678", "4567", "delivered", "null", "2031-01-01 00:00", "2024-05-20 09:00", "2.00", "12.00"),
    (11, "bo@example.com", "13312345678", "88010", "shipped", None, "2019-05-01 10:00", "2019-05-01 10:10", "0.00", "40.00"),
    (12, "gil@example.com", "13212345678", "01415", "cancéled", None, "2024-05-12 10:00", "2024-05-12 10:00", "0.00", "0.00"),
]  # fmt: skip

ITEMS_COLUMNS = [
    ("order_id", "INTEGER"),
    ("item_no", "INTEGER"),
    ("product_id", "INTEGER"),
    ("sku", "VARCHAR(16)"),
    ("quantity", "INTEGER"),
    ("unit_price", "DECIMAL(10,2)"),
]
ITEMS = [
    (1, 1, 1, "AB-123", 2, "10.00"),
    (1, 2, 2, "CD-456", 1, "5.50"),
    (2, 1, 2, "CD-456", 3, "5.50"),
    (2, 1, 4, "GH-012", 1, "20.00"),  # (order_id, item_no) duplicated
    (3, 1, 999, "AB-123", 1, "10.00"),  # no product 999
    (4, 1, 1, "AB-123", 1, "0.00"),  # price 0
    (5, 1, 999, "ab-123", 2, "7.25"),  # no product 999, no sku 'ab-123'
    (6, 1, 4, "GH-012", 1, "5000.00"),  # price above 1000
    (7, 1, None, "AB-123 ", 1, "12.00"),  # no sku 'AB-123 '
    (8, 1, 2, "CD-456", 4, "5.50"),
    (10, 1, 1, "AB-123", 1, "10.00"),
    (11, 1, 4, None, 2, "20.00"),
    (12, 1, 2, "CD-456", 1, "5.50"),
]

PRODUCTS_COLUMNS = [("product_id", "INTEGER"), ("sku", "VARCHAR(16)"), ("category", "VARCHAR(32)")]
PRODUCTS = [
    (1, "AB-123", "toys"),
    (2, "CD-456", "books"),
    (3, "ef-789", "books"),
    (4, "GH-012", "garden"),
    (5, "IJ-3456", "garden"),
]

CHECKS = [
    ("not_null", {"asset": "orders", "columns": "customer_email"}),
    ("not_null", {"asset": "orders", "columns": ["customer_email", "phone"], "max_share": 0.5}),
    ("null_like", {"asset": "orders", "columns": "coupon"}),
    ("unique", {"asset": "orders", "columns": "customer_email"}),
    ("allowed_values", {"asset": "orders", "column": "status", "values": ["delivered", "shipped", "canceled", "processing"]}),
    ("pattern", {"asset": "orders", "column": "zip", "format": "zip_br"}),
    ("pattern", {"asset": "orders", "column": "phone", "format": "phone_cn"}),
    ("pattern", {"asset": "orders", "column": "customer_email", "format": "email"}),
    ("range", {"asset": "orders", "column": "ordered_at", "min": "2023-01-01"}),
    ("row_rule", {"asset": "orders", "rule": "total_amount > 0", "unless": "status = 'canceled'"}),
    ("column_order", {"asset": "orders", "left": "ordered_at", "right": "paid_at"}),
    ("column_order", {"asset": "orders", "left": "ordered_at", "right": "paid_at", "strict": True, "name": "paid_after_order"}),
    ("not_future", {"asset": "orders", "column": "ordered_at"}),
    ("freshness", {"asset": "orders", "column": "paid_at", "max_age": "P3D"}),
    ("freshness", {"asset": "orders", "column": "paid_at", "max_age": "P30D", "name": "paid_this_month"}),
    ("row_count", {"asset": "orders", "min": 20}),
    ("aggregate_match", {"asset": "orders", "key": "order_id", "child": "order_items",
                         "child_expr": "SUM(quantity * unit_price)", "expr": "total_amount - freight"}),
    ("not_null", {"asset": "orders", "columns": "nope"}),
    ("unique", {"asset": "order_items", "columns": ["order_id", "item_no"]}),
    ("range", {"asset": "order_items", "column": "unit_price", "min": 0, "min_inclusive": False, "max": 1000}),
    ("references", {"asset": "order_items", "columns": "product_id", "parent": "products"}),
    ("references", {"asset": "order_items", "columns": "sku", "parent": "products"}),
    ("references", {"asset": "order_items", "columns": "order_id", "parent": "orders"}),
    ("row_count", {"asset": "order_items", "max": 100}),
    ("pattern", {"asset": "products", "column": "sku", "regex": r"[A-Z]{2}\-[0-9]{3}"}),  # a backslash: MySQL escapes
    # checks that cannot run report why, on every engine, and the others still run
    ("row_rule", {"asset": "orders", "rule": "statuss = 'x'", "name": "typo_in_rule"}),
    ("aggregate_match", {"asset": "orders", "key": "order_id", "child": "order_items", "child_expr": "quantity",
                         "expr": "total_amount", "name": "not_aggregated"}),
    ("references", {"asset": "order_items", "columns": "product_id", "parent": "catalogue"}),
]  # fmt: skip

# name -> (status, failing, total, sample keys); counted by hand from the rows above.
EXPECTED = {
    "not_null:orders:customer_email": ("failed", 2, 12, [3, 7]),
    "not_null:orders:customer_email,phone": ("passed", 3, 12, None),
    "null_like:orders:coupon": ("failed", 5, 12, [3, 4, 5, 7, 10]),
    "unique:orders:customer_email": ("failed", 2, 12, ["bo@example.com"]),
    "allowed_values:orders:status": ("failed", 4, 12, [2, 5, 9, 12]),
    "pattern:orders:zip": ("failed", 4, 12, [3, 6, 7, 10]),
    "pattern:orders:phone": ("failed", 2, 12, [3, 5]),
    "pattern:orders:customer_email": ("failed", 1, 12, [9]),
    "range:orders:ordered_at": ("failed", 1, 12, [11]),
    "column_order:orders:ordered_at,paid_at": ("failed", 2, 12, [6, 10]),
    "paid_after_order": ("failed", 3, 12, [6, 10, 12]),
    "not_future:orders:ordered_at": ("failed", 1, 12, [10]),
    "freshness:orders:paid_at": ("failed", 0, 12, []),
    "paid_this_month": ("passed", 0, 12, None),
    "row_count:orders:rows": ("failed", 0, 12, []),
    "not_null:orders:nope": ("error", 0, 0, None),
    "unique:order_items:order_id,item_no": ("failed", 2, 13, [[2, 1]]),
    "range:order_items:unit_price": ("failed", 2, 13, [[4, 1, 1], [6, 1, 4]]),
    "references:order_items:product_id->products": ("failed", 2, 13, [[3, 1, 999], [5, 1, 999]]),
    "references:order_items:sku->products": ("failed", 2, 13, [[5, 1, 999], [7, 1, None]]),
    "references:order_items:order_id->orders": ("passed", 0, 13, None),
    "row_count:order_items:rows": ("passed", 0, 13, None),
    "pattern:products:sku": ("failed", 2, 5, [3, 5]),
    "typo_in_rule": ("error", 0, 0, None),
    "not_aggregated": ("error", 0, 0, None),
    "references:order_items:product_id->catalogue": ("error", 0, 0, None),
}
ROW_RULE = ("failed", 2, 12, [9, 12])  # 'cancéled' is not 'canceled': order 12 is not exempt
AGGREGATE = ("failed", 2, 12, [2, 12])

CORRECTIONS = {
    "allowed_values:orders:status": {"Delivered": "delivered", "shipped ": "shipped", "cancéled": "canceled"},
    "pattern:orders:zip": {"1310": "01310", "4567": "04567", "22041\n": "22041"},
    "pattern:orders:phone": {"+86 138 1234 5679": "13812345679"},
}


def build_tables(db) -> None:
    def ddl(columns):
        mysql = db.kind == "mysql"
        return [(n, "DATETIME" if mysql and t == "TIMESTAMP" else t) for n, t in columns]

    orders = [(*r[:6], ts(r[6]), ts(r[7]), money(r[8]), money(r[9])) for r in ORDERS]
    items = [(*r[:5], money(r[5])) for r in ITEMS]
    db.create_table("orders", ddl(ORDERS_COLUMNS), orders)
    db.create_table("order_items", ddl(ITEMS_COLUMNS), items)
    db.create_table("products", ddl(PRODUCTS_COLUMNS), PRODUCTS)


def assert_predicates_select_the_failing_rows(engine, assets, results) -> None:
    """Each finding's predicate, in the engine's own dialect, selects exactly the failing rows."""
    for r in results:
        if r.finding and r.finding.rows.predicate:
            asset = assets[r.check.asset]
            sql = f"SELECT COUNT(*) FROM {engine.relation(asset)} WHERE {r.finding.rows.predicate}"
            assert engine.execute(sql)[1][0][0] == r.failing, r.check.name


def assert_expected_results(results) -> dict:
    """Status, counts, sample keys, corrections and aggregate examples as on every engine; returns
    the results by check name for engine-specific assertions."""
    by_name = {r.check.name: r for r in results}
    got = {
        r.check.name: (r.status, r.failing, r.total, r.finding.rows.keys if r.finding else None)
        for r in results
    }
    row_rule = next(r for r in results if r.check.kind == "row_rule" and not r.error)
    aggregate = next(r for r in results if r.check.kind == "aggregate_match" and not r.error)
    assert got.pop(row_rule.check.name) == ROW_RULE
    assert got.pop(aggregate.check.name) == AGGREGATE
    assert got == EXPECTED
    for name, fixes in CORRECTIONS.items():
        assert by_name[name].finding.evidence["corrections"] == fixes, name
    assert aggregate.finding.evidence["examples"] == [
        {"key": 2, "value": 41.5, "expected": 36.5},
        {"key": 12, "value": 0.0, "expected": 5.5},
    ]
    return by_name


def test_every_check_kind_agrees_across_engines(db_scratch):
    build_tables(db_scratch)
    checks = [check_from_dict(kind, params) for kind, params in CHECKS]
    with db_scratch.open() as connector:
        assets = {a.name: a for a in connector.discover()}
        engine = connector.engine()
        profiles = [p for a in assets.values() for p in profile_asset(engine, a)]
        results = run_checks(engine, assets, checks, AS_OF, profiles=profiles)
        assert_predicates_select_the_failing_rows(engine, assets, results)

    assert {r.check.kind for r in results} == {kind for kind, _ in CHECKS}
    by_name = assert_expected_results(results)
    assert "no column 'nope'" in by_name["not_null:orders:nope"].error
    assert "'statuss'" in by_name["typo_in_rule"].error
    assert "must aggregate" in by_name["not_aggregated"].error
    assert "no asset named 'catalogue'" in by_name["references:order_items:product_id->catalogue"].error
    orphans = by_name["references:order_items:product_id->products"].finding
    assert (
        orphans.reason == "2 of 13 order items (15.4%) reference a product_id missing from products: 999 ×2."
    )
    assert orphans.rows.key_columns == ["order_id", "item_no", "product_id"]
    assert [
        v["value"] for v in by_name["references:order_items:sku->products"].finding.evidence["values"]
    ] == [
        "AB-123 ",
        "ab-123",
    ]
    assert by_name["range:orders:ordered_at"].finding.evidence["values"] == [
        {"value": "2019-05-01T10:00:00", "rows": 1}
    ]
    assert by_name["freshness:orders:paid_at"].finding.evidence["latest"] == "2024-05-20T09:00:00"
    coupons = by_name["null_like:orders:coupon"].finding.evidence["values"]
    assert sorted(v["value"] for v in coupons) == ["", " - ", "NONE", "n/a", "null"]
