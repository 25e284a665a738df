"""Issue 3's acceptance list: each data-quality quirk ECOMMERCE.md documents for Olist is found.

The scan covers the consistent sample and the official full tables, with the example contract
(examples/olist.yml) declaring the business rules a profile cannot guess.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stocktake.checks.contract_yaml import load_contract
from stocktake.pipeline import ScanOptions, scan_with_checks

ROOT = Path(__file__).resolve().parents[1]
OLIST = ROOT.parent / "shared" / "data" / "olist"
pytestmark = pytest.mark.skipif(not OLIST.is_dir(), reason=f"{OLIST} not present (CI has ../shared/data)")


@pytest.fixture(scope="module")
def findings():
    contract = load_contract(ROOT / "examples" / "olist.yml")
    outcome = scan_with_checks(
        [str(OLIST / "sample"), str(OLIST / "official-full")], ScanOptions(contract=contract)
    )
    assert [r.check.name for r in outcome.failed_fail_level] == ["delivered_orders_have_a_delivery_date"]
    return outcome.run.findings


def find(findings, type_: str, asset: str, column: str | None = None):
    hits = [
        f
        for f in findings
        if f.type == type_ and f.asset == asset and (column is None or column in f.columns)
    ]
    assert hits, f"no {type_} finding on {asset} {column or ''}"
    return hits[0]


QUIRKS = [
    # (quirk in ECOMMERCE.md, finding type, asset id, column, affected rows)
    ("delivered orders without a delivered date", "out_of_range", "sample/olist_orders_dataset", None, 8),
    (
        "delivered to the customer before carrier pickup",
        "temporal_order",
        "sample/olist_orders_dataset",
        "order_delivered_customer_date",
        3,
    ),
    (
        "carrier date before the purchase",
        "temporal_order",
        "sample/olist_orders_dataset",
        "order_purchase_timestamp",
        3,
    ),
    (
        "products without a category",
        "missing_values",
        "sample/olist_products_dataset",
        "product_category_name",
        111,
    ),
    (
        "categories without an English translation",
        "orphan_reference",
        "sample/olist_products_dataset",
        "product_category_name",
        5,
    ),
    (
        "duplicate review ids (34 surplus rows in 62)",
        "duplicate_key",
        "sample/olist_order_reviews_dataset",
        "review_id",
        62,
    ),
    (
        "payments of type not_defined",
        "invalid_format",
        "sample/olist_order_payments_dataset",
        "payment_type",
        3,
    ),
    ("payments of value 0", "out_of_range", "sample/olist_order_payments_dataset", "payment_value", 5),
    ("exact duplicate geolocation rows", "duplicate_record", "sample/olist_geolocation_dataset", None, 9028),
    (
        "customer zip prefixes missing from geolocation",
        "orphan_reference",
        "sample/olist_customers_dataset",
        "customer_zip_code_prefix",
        29,
    ),
    (
        "sellers' zip codes that lost leading zeros between the two sources",
        "cross_source_conflict",
        "sample/olist_sellers_dataset",
        "seller_zip_code_prefix",
        556,
    ),
]


@pytest.mark.parametrize(("quirk", "type_", "asset", "column", "rows"), QUIRKS, ids=[q[0] for q in QUIRKS])
def test_documented_quirk_is_found(findings, quirk, type_, asset, column, rows):
    assert find(findings, type_, asset, column).rows.count == rows, quirk


def test_city_spelling_variants_are_found(findings):
    f = find(findings, "invalid_format", "sample/olist_geolocation_dataset", "geolocation_city")
    assert "são paulo" in f.reason and "sao paulo" in f.reason
