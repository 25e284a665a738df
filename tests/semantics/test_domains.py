"""Domain tagging: the demo estate's nine assets, the real Olist sample, and the rules' parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from stocktake import scan
from stocktake.core.records import Asset, ColumnProfile, ColumnSchema, ValueCount
from stocktake.core.semantic_types import Domain, SemanticType
from stocktake.demo import generate_estate
from stocktake.semantics.domains import name_words, tag_domain, tag_domains

OLIST_SAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "olist" / "sample"

DEMO_EXPECTED = {
    "behaviour_log": Domain.BEHAVIOUR_LOG,
    "products": Domain.PRODUCT_CATALOG,
    "supplier_feed": Domain.PRODUCT_CATALOG,
    "orders": Domain.ORDERS,
    "order_items": Domain.ORDERS,
    "payments": Domain.PAYMENTS,
    "search_queries": Domain.SEARCH_LOG,
    "reviews": Domain.REVIEWS,
    "users": Domain.USERS,
}

# Olist: geolocation holds only places (no person or contact) and translation only category
# names, so `other` is right for them (product_catalog is fine for translation); sellers carry
# a key and a place but no contact or registration, so `other` or `users` are both sensible.
OLIST_EXPECTED: dict[str, set[Domain]] = {
    "olist_customers_dataset": {Domain.USERS},
    "olist_orders_dataset": {Domain.ORDERS},
    "olist_order_items_dataset": {Domain.ORDERS},
    "olist_order_payments_dataset": {Domain.PAYMENTS},
    "olist_order_reviews_dataset": {Domain.REVIEWS},
    "olist_products_dataset": {Domain.PRODUCT_CATALOG},
    "olist_sellers_dataset": {Domain.OTHER, Domain.USERS},
    "olist_geolocation_dataset": {Domain.OTHER},
    "product_category_name_translation": {Domain.OTHER, Domain.PRODUCT_CATALOG},
}


def test_demo_estate_assets_get_their_domains(tmp_path: Path) -> None:
    layout = generate_estate(tmp_path / "estate", rows=20_000)
    run = scan(layout.sources)
    tags = tag_domains(run)
    got = {a.name: a.domain for a in run.assets}
    assert got == {name: domain.value for name, domain in DEMO_EXPECTED.items()}
    for asset in run.assets:
        tag = tags[asset.id]
        assert tag.confidence >= 0.5, (asset.name, tag)
        assert tag.evidence, asset.name


@pytest.mark.skipif(not OLIST_SAMPLE.is_dir(), reason=f"{OLIST_SAMPLE} not present (CI has ../shared/data)")
def test_olist_sample_tables_get_sensible_domains() -> None:
    run = scan([str(OLIST_SAMPLE)])
    tag_domains(run)
    got = {a.name.rsplit("/", 1)[-1]: a.domain for a in run.assets}
    assert got.keys() == OLIST_EXPECTED.keys()
    wrong = {name: d for name, d in got.items() if Domain(d) not in OLIST_EXPECTED[name]}
    assert wrong == {}


def _asset(name: str, *columns: tuple[str, str]) -> Asset:
    return Asset(
        id=f"src/{name}",
        name=name,
        source="src",
        format="csv",
        location=f"{name}.csv",
        columns=[ColumnSchema(name=c, engine_type="VARCHAR", logical_type=t) for c, t in columns],  # type: ignore[arg-type]
    )


def _profile(
    asset: Asset, column: str, semantic_type: str | None = None, values: tuple[str, ...] = ()
) -> ColumnProfile:
    return ColumnProfile(
        asset=asset.id,
        column=column,
        logical_type=asset.column(column).logical_type,
        engine_type="VARCHAR",
        row_count=100,
        null_count=0,
        semantic_type=semantic_type,
        top_values=[ValueCount(value=v, count=10) for v in values],
    )


def test_name_words_split_snake_camel_and_glued_keys() -> None:
    assert name_words("order_purchase_timestamp") == ["order", "purchase", "timestamp"]
    assert name_words("userId") == ["user", "id"]
    assert name_words("ProductTitle") == ["product", "title"]
    assert name_words(" Category Label") == ["category", "label"]
    assert name_words("itemid") == ["item", "id"]
    assert name_words("用户id") == ["用户", "id"]


def test_headerless_log_is_told_by_its_values() -> None:
    asset = _asset("t/log", ("column0", "integer"), ("column3", "string"))
    tag = tag_domain(asset, [_profile(asset, "column3", values=("pv", "cart", "fav", "buy"))])
    assert tag.domain is Domain.BEHAVIOUR_LOG
    assert any("pv" in line for line in tag.evidence)


def test_semantic_types_on_profiles_count_as_evidence() -> None:
    asset = _asset("t/x", ("c1", "string"), ("c2", "string"), ("c3", "string"))
    profiles = [
        _profile(asset, "c1", SemanticType.SEARCH_QUERY.value),
        _profile(asset, "c2", SemanticType.USER_ID.value),
        _profile(asset, "c3", SemanticType.EVENT_TIME.value),
    ]
    assert tag_domain(asset, profiles).domain is Domain.SEARCH_LOG
    assert tag_domain(asset, []).domain is Domain.OTHER


def test_chinese_and_pinyin_names() -> None:
    zh = _asset(
        "t/a", ("用户id", "integer"), ("手机", "string"), ("城市", "string"), ("注册时间", "timestamp")
    )
    assert tag_domain(zh).domain is Domain.USERS
    pinyin = _asset("t/b", ("dingdan_id", "integer"), ("zhuangtai", "string"), ("fahuo_time", "timestamp"))
    assert tag_domain(pinyin).domain is Domain.ORDERS


def test_weak_evidence_is_other() -> None:
    places = _asset("t/places", ("zip", "string"), ("city", "string"))
    tag = tag_domain(places)
    assert tag.domain is Domain.OTHER
    assert tag.evidence  # says why nothing won


def test_tag_domains_keeps_a_declared_domain() -> None:
    from datetime import UTC, datetime

    from stocktake.core.records import Run

    declared = _asset("t/users", ("user_id", "integer"), ("email", "string"))
    declared.domain = "finance"
    undeclared = _asset(
        "t/pay", ("order_id", "string"), ("payment_type", "string"), ("payment_value", "float")
    )
    run = Run(id="r", started_at=datetime.now(UTC), code_version="0", assets=[declared, undeclared])
    tags = tag_domains(run)
    assert declared.domain == "finance"
    assert tags[declared.id].domain is Domain.USERS
    assert undeclared.domain == "payments"
