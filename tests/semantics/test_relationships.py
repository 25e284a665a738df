"""Relationship discovery: the real Olist key graph, the demo estate across three sources, the
same counts on every engine, and the federation paths that stage keys across sources."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import dbservers
from stocktake.checks.orphans import orphan_findings
from stocktake.connectors import open_source
from stocktake.demo import generate_estate
from stocktake.engines.duckdb import DuckDBEngine
from stocktake.engines.profiling import profile_asset
from stocktake.semantics import discover_relationships
from stocktake.semantics.federation import KeyColumn, KeyVerifier
from stocktake.testing import duckdb_table_asset

SAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "olist" / "sample"


class Estate:
    """Sources opened together (discovery needs every engine at once), profiled."""

    def __init__(self, stack: contextlib.ExitStack, specs: dict[str, str]) -> None:
        self.assets, self.profiles, self.engines = [], [], {}
        for name, spec in specs.items():
            connector = stack.enter_context(open_source(spec, name=name))
            engine = connector.engine()
            self.engines[name] = engine
            for asset in connector.discover():
                self.assets.append(asset)
                self.profiles.extend(profile_asset(engine, asset))
        self.notes: list[str] = []
        self.relationships = discover_relationships(
            self.assets, self.profiles, self.engines, notes=self.notes
        )

    def edges(self) -> dict[tuple[str, str, str, str], object]:
        def name(asset_id: str) -> str:
            return asset_id.split("/", 1)[1]

        return {
            (name(r.from_asset), r.from_columns[0], name(r.to_asset), r.to_columns[0]): r
            for r in self.relationships
        }

    def asset(self, name: str):
        (asset,) = [a for a in self.assets if a.name == name]
        return asset


@contextlib.contextmanager
def opened(specs: dict[str, str]) -> Iterator[Estate]:
    with contextlib.ExitStack() as stack:
        yield Estate(stack, specs)


# -- Olist: the real key graph ------------------------------------------------------------------
OLIST_GRAPH = {
    ("olist_orders_dataset", "customer_id", "olist_customers_dataset", "customer_id"),
    ("olist_order_items_dataset", "order_id", "olist_orders_dataset", "order_id"),
    ("olist_order_items_dataset", "product_id", "olist_products_dataset", "product_id"),
    ("olist_order_items_dataset", "seller_id", "olist_sellers_dataset", "seller_id"),
    ("olist_order_payments_dataset", "order_id", "olist_orders_dataset", "order_id"),
    ("olist_order_reviews_dataset", "order_id", "olist_orders_dataset", "order_id"),
    (
        "olist_customers_dataset",
        "customer_zip_code_prefix",
        "olist_geolocation_dataset",
        "geolocation_zip_code_prefix",
    ),
    (
        "olist_sellers_dataset",
        "seller_zip_code_prefix",
        "olist_geolocation_dataset",
        "geolocation_zip_code_prefix",
    ),
    (
        "olist_products_dataset",
        "product_category_name",
        "product_category_name_translation",
        "product_category_name",
    ),
}


@pytest.fixture(scope="module")
def olist() -> Iterator[Estate]:
    if not SAMPLE.is_dir():
        pytest.skip(f"{SAMPLE} not present (CI has ../shared/data)")
    with opened({"olist": str(SAMPLE)}) as estate:
        yield estate


def test_olist_graph_is_the_true_key_graph(olist: Estate) -> None:
    edges = olist.edges()
    # Every true edge, and nothing else: no measure (review_score, payment_sequential) points anywhere.
    assert set(edges) == OLIST_GRAPH
    assert olist.notes == []
    # Referentially closed except where ECOMMERCE.md says otherwise.
    orphans = {edge[1]: r.orphan_count for edge, r in edges.items() if r.orphan_count}
    assert orphans == {
        "customer_zip_code_prefix": 29,
        "seller_zip_code_prefix": 4,
        "product_category_name": 5,
    }
    (customers,) = [r for e, r in edges.items() if e[1] == "customer_zip_code_prefix"]
    assert customers.coverage == pytest.approx(1 - 29 / 8135, abs=1e-6)


def test_olist_orphans_become_findings(olist: Estate) -> None:
    findings = {
        f.columns[0]: f
        for f in orphan_findings(olist.relationships, olist.assets, olist.profiles, olist.engines)
    }
    assert set(findings) == {"customer_zip_code_prefix", "seller_zip_code_prefix", "product_category_name"}
    f = findings["product_category_name"]
    assert f.type == "orphan_reference" and f.family == "consistency"
    assert f.reason.startswith(
        "5 of 5,460 rows of olist_products_dataset (0.092%) reference a product_category_name"
    )
    assert set(f.evidence["sample_orphan_values"]) == {
        "pc_gamer",
        "portateis_cozinha_e_preparadores_de_alimentos",
    }
    assert f.rows.key_columns == ["product_id"] and len(f.rows.keys) == 5
    engine = olist.engines["olist"]
    products = olist.asset("olist_products_dataset")
    sql = f"SELECT COUNT(*) FROM {engine.relation(products)} WHERE {f.rows.predicate}"
    assert engine.execute(sql)[1] == [(5,)]


# -- the demo estate: planted orphans and cross-source edges --------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Estate, dict]]:
    layout = generate_estate(tmp_path_factory.mktemp("estate"), rows=20_000)
    truth = json.loads(layout.truth_path.read_text())
    specs = {"lake": str(layout.lake), "shop": str(layout.shop), "feeds": str(layout.feeds)}
    with opened(specs) as estate:
        yield estate, truth


def test_demo_planted_orphans_are_counted_exactly(demo: tuple[Estate, dict]) -> None:
    estate, truth = demo
    (planted,) = [p for p in truth["problems"] if p["type"] == "orphan_reference"]
    rel = estate.edges()[("order_items", "item_id", "products", "item_id")]
    assert rel.orphan_count == planted["count"]
    assert rel.coverage == pytest.approx(1 - planted["count"] / estate.asset("order_items").row_count)
    (finding,) = [
        f
        for f in orphan_findings(estate.relationships, estate.assets, estate.profiles, estate.engines)
        if f.asset == "shop/order_items"
    ]
    assert finding.rows.count == planted["count"] and finding.rows.key_columns[:2] == planted["key_columns"]
    assert sorted(k[:2] for k in finding.rows.keys) == sorted(planted["keys"])
    assert finding.reason.startswith(f"{planted['count']} of 1,408 rows of order_items")
    engine = estate.engines["shop"]
    sql = (
        f"SELECT COUNT(*) FROM {engine.relation(estate.asset('order_items'))} WHERE {finding.rows.predicate}"
    )
    assert engine.execute(sql)[1] == [(planted["count"],)]


def test_demo_cross_source_edges_are_found_through_federation(demo: tuple[Estate, dict]) -> None:
    estate, _ = demo
    edges = estate.edges()
    for edge in [
        ("reviews", "order_id", "orders", "order_id"),  # parquet -> sqlite
        ("behaviour_log", "item_id", "products", "item_id"),
        ("search_queries", "clicked_item_id", "products", "item_id"),  # a role prefix on the name
        ("supplier_feed", "item_id", "products", "item_id"),  # csv -> sqlite
        ("reviews", "item_id", "products", "item_id"),  # drifted to text: compared as text
    ]:
        assert edges[edge].coverage == 1.0 and edges[edge].orphan_count == 0, edge
    # One parent per column: the feed's item_ids cover too few of the log's, the shop's do.
    assert ("behaviour_log", "item_id", "supplier_feed", "item_id") not in edges
    assert all(e[1] not in {"line_no", "quantity", "rating", "position"} for e in edges)
    assert estate.notes == []


def test_demo_cross_source_orphans_are_listed_in_the_predicate(tmp_path: Path) -> None:
    lake, shop = tmp_path / "lake", tmp_path / "shop.sqlite"
    lake.mkdir()
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT i AS event_id, i % 60 AS user_id FROM range(300) t(i)) TO '{lake / 'events.parquet'}'"
    )
    with contextlib.closing(sqlite3.connect(shop)) as db:
        db.execute("CREATE TABLE users (user_id INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO users VALUES (?, ?)", [(i, f"u{i}") for i in range(57)])
        db.commit()
    with opened({"lake": str(lake), "shop": str(shop)}) as estate:
        (rel,) = estate.relationships
        assert (rel.from_asset, rel.to_asset, rel.orphan_count) == ("lake/events", "shop/users", 15)
        (finding,) = orphan_findings(estate.relationships, estate.assets, estate.profiles, estate.engines)
        assert finding.evidence["cross_source"] is True
        assert finding.evidence["sample_orphan_values"] == [57, 58, 59]
        assert finding.rows.keys[:3] == [57, 58, 59]  # event_id is the key; events 57..59 come first
        engine = estate.engines["lake"]
        sql = f"SELECT COUNT(*) FROM {engine.relation(estate.asset('events'))} WHERE {finding.rows.predicate}"
        assert engine.execute(sql)[1] == [(15,)]


# -- every federation path gives the same counts ---------------------------------------------------
CHILD_ROWS = [
    (i, None if i % 10 == 0 else i % 43) for i in range(200)
]  # parent keys 0..39: 40, 41, 42 orphan
PARENT_ROWS = [(k, f"p{k}") for k in range(40)]


def _write_sqlite(path: Path, with_child: bool, with_parent: bool) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        if with_child:
            db.execute("CREATE TABLE visits (visit_id INTEGER, store_id INTEGER)")
            db.executemany("INSERT INTO visits VALUES (?, ?)", CHILD_ROWS)
        if with_parent:
            db.execute("CREATE TABLE stores (store_id INTEGER, label TEXT)")
            db.executemany("INSERT INTO stores VALUES (?, ?)", PARENT_ROWS)
        db.commit()


def _write_parquet(folder: Path, with_child: bool, with_parent: bool) -> None:
    folder.mkdir()
    con = duckdb.connect()
    if with_child:
        con.execute("CREATE TABLE visits (visit_id INTEGER, store_id INTEGER)")
        con.executemany("INSERT INTO visits VALUES (?, ?)", CHILD_ROWS)
        con.execute(f"COPY visits TO '{folder / 'visits.parquet'}'")
    if with_parent:
        con.execute("CREATE TABLE stores (store_id INTEGER, label VARCHAR)")
        con.executemany("INSERT INTO stores VALUES (?, ?)", PARENT_ROWS)
        con.execute(f"COPY stores TO '{folder / 'stores.parquet'}'")


@pytest.mark.parametrize(
    "child_kind, parent_kind",
    [
        ("files", "files"),
        ("sqlite", "sqlite"),
        ("files", "sqlite"),
        ("sqlite", "files"),
        ("sqlite", "sqlite2"),
    ],
    ids=["same-duckdb", "same-sqlite", "parent-staged", "child-staged", "scratch"],
)
def test_every_path_counts_the_same(tmp_path: Path, child_kind: str, parent_kind: str) -> None:
    specs: dict[str, str] = {}
    for role, kind in (("child", child_kind), ("parent", parent_kind)):
        same = child_kind == parent_kind
        if same and role == "parent":
            break
        target = tmp_path / (f"{role}.sqlite" if kind.startswith("sqlite") else role)
        writer = _write_sqlite if kind.startswith("sqlite") else _write_parquet
        writer(target, role == "child" or same, role == "parent" or same)
        specs[role] = str(target)
    with opened(specs) as estate:
        (rel,) = estate.relationships
        assert (rel.from_columns, rel.to_columns) == (["store_id"], ["store_id"])
        orphans = sum(1 for _, v in CHILD_ROWS if v is not None and v >= 40)
        assert rel.orphan_count == orphans
        assert rel.coverage == pytest.approx(1 - orphans / sum(1 for _, v in CHILD_ROWS if v is not None))
        (finding,) = orphan_findings(estate.relationships, estate.assets, estate.profiles, estate.engines)
        assert finding.rows.count == orphans and finding.evidence["sample_orphan_values"] == [40, 41, 42]


def test_staging_is_bounded_and_says_so(tmp_path: Path) -> None:
    _write_parquet(tmp_path / "child", True, False)
    _write_sqlite(tmp_path / "parent.sqlite", False, True)
    with opened({"child": str(tmp_path / "child"), "parent": str(tmp_path / "parent.sqlite")}) as estate:
        notes: list[str] = []
        rels = discover_relationships(
            estate.assets, estate.profiles, estate.engines, max_staged_keys=5, notes=notes
        )
        assert rels == []
        assert notes and "more than 5 distinct values" in notes[0] and "stores.store_id" in notes[0]
        # The staged keys are gone afterwards: the child's connection is as the connector left it.
        verifier = KeyVerifier(estate.engines)
        with verifier:
            cov = verifier.coverage(
                KeyColumn(estate.asset("visits"), "store_id"), KeyColumn(estate.asset("stores"), "store_id")
            )
            assert cov is not None and cov.orphan_values == 3
        tables = estate.engines["child"].execute(
            "SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
        )[1]
        assert not any(name.startswith("__stocktake_keys_") for (name,) in tables)


# -- the same query on every engine ------------------------------------------------------------------
def test_same_source_coverage_is_identical_on_every_engine(db_scratch: dbservers.Scratch) -> None:
    text = "VARCHAR(20)"
    db_scratch.create_table(
        "customers",
        [("customer_id", "INTEGER"), ("customer_code", text), ("region", text)],
        # customer 7 twice: a near-unique parent must not multiply child rows
        [(i, f"C{i:03d}", "north" if i % 2 else "south") for i in [*range(1, 101), 7]],
    )
    db_scratch.create_table(
        "orders",
        [("order_id", "INTEGER"), ("customer_id", "INTEGER"), ("customer_code", text), ("amount", "INTEGER")],
        [(i, None if i % 25 == 0 else (i % 104) + 1, f"C{(i % 97) + 1:03d}", i % 7) for i in range(1, 401)],
    )
    with db_scratch.open() as connector:
        engine = connector.engine()
        assets = connector.discover()
        profiles = [p for a in assets for p in profile_asset(engine, a)]
        rels = discover_relationships(assets, profiles, {connector.source.name: engine}, min_coverage=0.5)
        got = {(r.from_columns[0], r.to_columns[0]): (r.coverage, r.orphan_count) for r in rels}
        non_null = [i for i in range(1, 401) if i % 25]
        orphans = sum(1 for i in non_null if (i % 104) + 1 > 100)
        assert got == {
            ("customer_id", "customer_id"): (round(1 - orphans / len(non_null), 6), orphans),
            ("customer_code", "customer_code"): (1.0, 0),
        }
        (finding,) = orphan_findings(rels, assets, profiles, {connector.source.name: engine})
        assert finding.rows.count == orphans and finding.evidence["sample_orphan_values"] == [
            101,
            102,
            103,
            104,
        ]
        orders = next(a for a in assets if a.name == "orders")
        sql = f"SELECT COUNT(*) FROM {engine.relation(orders)} WHERE {finding.rows.predicate}"
        assert engine.execute(sql)[1][0][0] == orphans


# -- names, roles and coincidences ---------------------------------------------------------------------
def test_names_match_through_table_prefixes_and_roles_not_through_coincidence() -> None:
    conn = duckdb.connect()
    conn.execute("CREATE TABLE products AS SELECT i AS id, 'p' || i AS name FROM range(1, 51) t(i)")
    conn.execute(
        "CREATE TABLE order_lines AS SELECT i AS order_line_id, (i % 4) + 1 AS line_no, (i % 50) + 1 AS product_id, "
        "(i % 3) + 1 AS qty FROM range(1, 201) t(i)"
    )
    conn.execute(
        "CREATE TABLE reviews AS SELECT i AS review_id, (i % 5) + 1 AS rating, (i % 48) + 1 AS reviewed_product_id "
        "FROM range(1, 41) t(i)"
    )
    engine = DuckDBEngine(conn)
    assets = []
    for table in ("products", "order_lines", "reviews"):
        table_engine, asset = duckdb_table_asset(conn, table)
        engine.relations.update(table_engine.relations)
        assets.append(asset)
    profiles = [p for a in assets for p in profile_asset(engine, a)]
    rels = discover_relationships(assets, profiles, {"mem": engine})
    # line_no 1..4, qty 1..3 and rating 1..5 all lie inside products.id 1..50: none of them is a reference.
    assert {(r.from_asset, r.from_columns[0], r.to_asset, r.to_columns[0]) for r in rels} == {
        ("mem/order_lines", "product_id", "mem/products", "id"),  # products.id ~ product_id
        ("mem/reviews", "reviewed_product_id", "mem/products", "id"),  # a role prefix
    }
