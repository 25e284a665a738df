"""Cross-source conflicts: the demo's supplier feed against the catalog, and hand-made edge cases."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import duckdb
import pytest

from stocktake.checks.conflicts import cross_source_conflicts, pair_attributes
from stocktake.checks.spelling import spelling_variant_findings
from stocktake.connectors import open_source
from stocktake.core.records import Asset, ColumnProfile, Relationship
from stocktake.demo import evaluate_findings, generate_estate, load_truth
from stocktake.engines.base import Engine
from stocktake.engines.profiling import profile_asset
from stocktake.semantics import discover_relationships

Opened = tuple[list[Asset], list[ColumnProfile], dict[str, Engine]]


@contextlib.contextmanager
def opened(specs: list[str]) -> Iterator[Opened]:
    with ExitStack() as stack:
        assets: list[Asset] = []
        profiles: list[ColumnProfile] = []
        engines: dict[str, Engine] = {}
        for spec in specs:
            connector = stack.enter_context(open_source(spec))
            engine = engines[connector.source.name] = connector.engine()
            for asset in connector.discover():
                found = profile_asset(engine, asset)
                asset.row_count = asset.row_count or found[0].row_count
                assets.append(asset)
                profiles.extend(found)
        yield assets, profiles, engines


# -- the demo estate ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Opened, list[Relationship], Path]]:
    layout = generate_estate(tmp_path_factory.mktemp("estate"), rows=20_000)
    with opened([str(layout.lake), str(layout.shop), str(layout.feeds)]) as estate:
        assets, profiles, engines = estate
        yield estate, discover_relationships(assets, profiles, engines), layout.truth_path


def test_demo_supplier_conflicts_are_found(demo: tuple[Opened, list[Relationship], Path]) -> None:
    (assets, profiles, engines), relationships, truth_path = demo
    notes: list[str] = []
    findings = cross_source_conflicts(relationships, assets, profiles, engines, notes=notes)
    assert notes == []
    score = evaluate_findings(load_truth(truth_path), findings)["cross_source_conflict"]
    assert score.precision is not None and score.precision >= 0.95 and score.recall >= 0.95
    assert score.key_precision == 1.0
    by_column = {f.columns[0]: f for f in findings}
    assert set(by_column) == {"brand", "list_price"}
    price = by_column["list_price"]
    assert price.asset == "feeds/supplier_feed" and price.evidence["counterpart"] == "shop/products.price"
    assert price.reason.startswith(f"{price.rows.count} of 302 supplier_feed items")
    assert price.evidence["correction"] == "value from products"
    # The usual list-price markup is learned, so the clean rows sitting 0-12% above price stay quiet.
    assert price.evidence["usual_ratio"][0] == 1.0 and 1.05 < price.evidence["usual_ratio"][1] < 1.15
    again = cross_source_conflicts(relationships, assets, profiles, engines)
    assert [f.id for f in again] == [f.id for f in findings]


def test_demo_spelling_raises_no_false_invalid_format(demo: tuple[Opened, list[Relationship], Path]) -> None:
    (assets, profiles, engines), _, truth_path = demo
    findings = spelling_variant_findings(assets, profiles, engines)
    score = evaluate_findings(load_truth(truth_path), findings)["invalid_format"]
    assert score.flagged == score.matched_findings  # anything raised lands on a planted problem


# -- hand-made tables ---------------------------------------------------------------------------
CATALOG = [  # item_id, price, brand
    (1, 100.0, "Acme"),
    (2, 100.0, "Café Royal"),
    (3, 0.0, "ＡＢＣ"),
    (4, 100.0, "Acme"),
    (5, 100.0, None),
    (6, -50.0, "Zenith"),
]
FEED = [  # item_id, price (same name: equality expected), brand
    (1, 104.0, "acme"),  # within 5%; case only
    (2, 106.0, " cafe  royal"),  # beyond 5%; accents and spacing only
    (3, 0.0, "abc"),  # zero against zero; full width only
    (4, 100.0, "Zenith"),  # another brand
    (5, None, "Acme"),  # nothing to compare on either attribute
    (6, -60.0, "Zenith"),  # negative: 20% off
    (7, 1.0, "Nobody"),  # no counterpart
]


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[Opened, Relationship]]:
    path = tmp_path / "shop.duckdb"
    with contextlib.closing(duckdb.connect(str(path))) as con:
        for table, rows in [("catalog", CATALOG), ("feed", FEED)]:
            con.execute(f"CREATE TABLE {table} (item_id INTEGER, price DOUBLE, brand VARCHAR)")
            con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", rows)
    with opened([str(path)]) as estate:
        ids = {a.name.rsplit(".", 1)[-1]: a.id for a in estate[0]}
        yield (
            estate,
            Relationship(
                from_asset=ids["feed"],
                from_columns=["item_id"],
                to_asset=ids["catalog"],
                to_columns=["item_id"],
                coverage=6 / 7,
                orphan_count=1,
            ),
        )


def test_numbers_beyond_tolerance_and_text_after_normalisation(mirror: tuple[Opened, Relationship]) -> None:
    (assets, profiles, engines), rel = mirror
    findings = {f.columns[0]: f for f in cross_source_conflicts([rel], assets, profiles, engines)}
    assert set(findings) == {"price", "brand"}
    price, brand = findings["price"], findings["brand"]
    assert price.rows.keys == [2, 6] and price.rows.count == 2
    assert price.reason.startswith("2 of 5 feed items (40.0%) disagree with catalog on price beyond 5%")
    assert "(e.g. item 2: 106.00 vs 100.00)" in price.reason
    assert brand.rows.keys == [4] and "'Zenith' vs 'Acme'" in brand.reason
    assert brand.evidence["corrections"] == {"4": "Acme"}
    # Within one source the 1:1 mirror is compared too; the predicate selects exactly the rows.
    assert brand.evidence["cross_source"] is False
    engine = engines[assets[0].source]
    feed = next(a for a in assets if a.id == rel.from_asset)
    sql = f"SELECT item_id FROM {engine.relation(feed)} WHERE {price.rows.predicate} ORDER BY 1"
    assert engine.execute(sql)[1] == [(2,), (6,)]


def test_tolerance_is_a_parameter(mirror: tuple[Opened, Relationship]) -> None:
    (assets, profiles, engines), rel = mirror
    loose = cross_source_conflicts([rel], assets, profiles, engines, price_tolerance=0.25)
    assert [f.columns for f in loose] == [["brand"]]


def test_a_many_to_one_edge_within_one_source_is_not_compared(mirror: tuple[Opened, Relationship]) -> None:
    (assets, profiles, engines), rel = mirror
    # order lines repeat an item and may carry a discounted price: not a second description
    many = [p.model_copy(update={"distinct_count": 2}) if p.column == "item_id" else p for p in profiles]
    assert cross_source_conflicts([rel], assets, many, engines) == []


def test_attributes_pair_by_name_and_synonym(mirror: tuple[Opened, Relationship]) -> None:
    (assets, _, _), _ = mirror
    catalog = next(a for a in assets if a.name.endswith("catalog"))
    feed = catalog.model_copy(
        update={
            "columns": [
                catalog.columns[0],
                catalog.columns[1].model_copy(update={"name": "list_price"}),
                catalog.columns[2].model_copy(update={"name": "brand_name"}),
            ]
        }
    )
    pairs = pair_attributes(feed, catalog, "item_id", "item_id")
    assert [(p.child, p.parent, p.kind) for p in pairs] == [
        ("list_price", "price", "number"),
        ("brand_name", "brand", "text"),
    ]
