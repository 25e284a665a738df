"""The real Olist sample, scanned end to end: all 9 tables, exact row counts, known quirks profiled."""

from __future__ import annotations

from pathlib import Path

import pytest

from stocktake import scan

SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "olist" / "sample"
pytestmark = pytest.mark.skipif(not SAMPLE.is_dir(), reason=f"{SAMPLE} not present (CI has ../shared/data)")

ROWS = {
    "olist_orders_dataset": 8135,
    "olist_order_items_dataset": 8365,
    "olist_order_payments_dataset": 8924,
    "olist_order_reviews_dataset": 8225,
    "olist_customers_dataset": 8135,
    "olist_products_dataset": 5460,
    "olist_sellers_dataset": 1610,
    "olist_geolocation_dataset": 45928,
    "product_category_name_translation": 71,
}


@pytest.fixture(scope="module")
def run():
    return scan([str(SAMPLE)])


def profile(run, asset: str, column: str):
    (p,) = [p for p in run.profiles if p.asset == f"sample/{asset}" and p.column == column]
    return p


def test_all_nine_tables_with_exact_row_counts(run):
    assert {a.name: a.row_count for a in run.assets} == ROWS
    assert run.errors == []


def test_profiles_match_documented_quirks(run):
    orders = "olist_orders_dataset"
    assert profile(run, orders, "order_approved_at").null_count == 146
    assert profile(run, orders, "order_delivered_carrier_date").null_count == 1782
    assert profile(run, orders, "order_delivered_customer_date").null_count == 2965
    status = {v.value: v.count for v in profile(run, orders, "order_status").top_values}
    assert status["canceled"] == 625 and status["unavailable"] == 609 and status["shipped"] == 1107
    assert profile(run, "olist_products_dataset", "product_category_name").null_count == 111
    assert profile(run, "olist_order_reviews_dataset", "review_comment_title").null_count == 7245
    zip_code = profile(run, "olist_customers_dataset", "customer_zip_code_prefix")
    assert zip_code.logical_type == "string" and zip_code.length_min == 5  # leading zeros kept
    lat = profile(run, "olist_geolocation_dataset", "geolocation_lat")
    assert lat.max == pytest.approx(45.07, abs=0.01)
    events = profile(run, orders, "order_purchase_timestamp")
    assert sum(d.count for d in events.per_day) == 8135


def test_real_quirks_become_findings(run):
    found = {(f.type, f.asset.split("/")[-1], tuple(f.columns)): f for f in run.findings}
    dup_reviews = found["duplicate_key", "olist_order_reviews_dataset", ("review_id",)]
    assert dup_reviews.rows.count - dup_reviews.evidence["duplicated_values"] == 34  # 34 surplus review ids
    geo = found["duplicate_record", "olist_geolocation_dataset", ()]
    assert geo.rows.count == 9028
    zero_payments = found["out_of_range", "olist_order_payments_dataset", ("payment_value",)]
    assert zero_payments.rows.count == 5
