"""Downstream impact of a finding: counted through semi-joins where one engine holds the chain,
estimated from the share (and said so) where it does not."""

from __future__ import annotations

import duckdb
import pytest

import dbservers
from stocktake.checks.impact import add_impact
from stocktake.core.records import Finding, Impact, Relationship, RowSet
from stocktake.core.vocab import FindingType, Severity
from stocktake.engines.duckdb import DuckDBEngine
from stocktake.testing import duckdb_table_asset

# 100 customers (every 4th in the north), 300 orders, 600 order lines; customer 100 has no orders.
SETUP = [
    "CREATE TABLE customers AS SELECT i AS customer_id, CASE WHEN i % 4 = 0 THEN 'north' ELSE 'south' END AS region "
    "FROM range(1, 101) t(i)",
    "CREATE TABLE orders AS SELECT i AS order_id, (i % 99) + 1 AS customer_id FROM range(1, 301) t(i)",
    "CREATE TABLE order_items AS SELECT i AS line_id, (i % 300) + 1 AS order_id FROM range(1, 601) t(i)",
]
RELATIONSHIPS = [
    Relationship(
        from_asset="mem/orders", from_columns=["customer_id"], to_asset="mem/customers", to_columns=["customer_id"],
        coverage=1.0, orphan_count=0,
    ),
    Relationship(
        from_asset="mem/order_items", from_columns=["order_id"], to_asset="mem/orders", to_columns=["order_id"],
        coverage=1.0, orphan_count=0,
    ),
]  # fmt: skip
ROWS = {"mem/customers": 100, "mem/orders": 300, "mem/order_items": 600}


def finding_on_customers(predicate: str | None, count: int = 25) -> Finding:
    share = count / 100
    return Finding(
        id=Finding.make_id("mem/customers", ["region"], FindingType.CATEGORY_MISMATCH, "test"),
        asset="mem/customers",
        columns=["region"],
        family="accuracy",
        type=FindingType.CATEGORY_MISMATCH,
        severity=Severity.WARNING,
        reason="hand-built",
        rows=RowSet(count=count, share=share, key_columns=["customer_id"], predicate=predicate),
        impact=Impact(rows=count, share=share),
        score=0.5,
        check="test",
    )


@pytest.fixture
def mem() -> tuple[DuckDBEngine, list]:
    conn = duckdb.connect()
    for statement in SETUP:
        conn.execute(statement)
    engine = DuckDBEngine(conn)
    assets = []
    for table in ("customers", "orders", "order_items"):
        table_engine, asset = duckdb_table_asset(conn, table)
        engine.relations.update(table_engine.relations)
        assets.append(asset)
    return engine, assets


def expected_counts(conn: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    orders = conn.execute(
        "SELECT COUNT(*) FROM orders WHERE customer_id IN (SELECT customer_id FROM customers WHERE region = 'north')"
    ).fetchone()[0]
    items = conn.execute(
        "SELECT COUNT(*) FROM order_items WHERE order_id IN (SELECT order_id FROM orders WHERE customer_id IN "
        "(SELECT customer_id FROM customers WHERE region = 'north'))"
    ).fetchone()[0]
    return orders, items


def test_counts_two_hops_exactly_within_one_engine(mem: tuple[DuckDBEngine, list]) -> None:
    engine, assets = mem
    finding = finding_on_customers("\"region\" = 'north'")
    (out,) = add_impact([finding], RELATIONSHIPS, ROWS, assets=assets, engines_by_source={"mem": engine})
    orders, items = expected_counts(engine.conn)
    assert [(d.asset, d.rows) for d in out.impact.downstream] == [
        ("mem/orders", orders),
        ("mem/order_items", items),
    ]
    first, second = out.impact.downstream
    assert first.via == "orders.customer_id -> customers.customer_id"
    assert (
        second.via
        == "orders.customer_id -> customers.customer_id, then order_items.order_id -> orders.order_id"
    )
    assert first.share == pytest.approx(orders / 300) and second.share == pytest.approx(items / 600)
    assert finding.impact.downstream == []  # the input is left alone
    assert (out.impact.rows, out.impact.share) == (finding.impact.rows, finding.impact.share)


def test_one_hop_when_asked(mem: tuple[DuckDBEngine, list]) -> None:
    engine, assets = mem
    (out,) = add_impact(
        [finding_on_customers("\"region\" = 'north'")], RELATIONSHIPS, ROWS,
        assets=assets, engines_by_source={"mem": engine}, max_hops=1,
    )  # fmt: skip
    assert [d.asset for d in out.impact.downstream] == ["mem/orders"]


def test_estimates_from_the_share_and_says_why(mem: tuple[DuckDBEngine, list]) -> None:
    engine, assets = mem
    (no_engines,) = add_impact([finding_on_customers("\"region\" = 'north'")], RELATIONSHIPS, ROWS)
    assert [(d.rows, d.share) for d in no_engines.impact.downstream] == [(75, 0.25), (150, 0.25)]
    assert all("estimated" in d.via and "no engine given" in d.via for d in no_engines.impact.downstream)
    (no_predicate,) = add_impact(
        [finding_on_customers(None)], RELATIONSHIPS, ROWS, assets=assets, engines_by_source={"mem": engine}
    )
    assert "no predicate" in no_predicate.impact.downstream[0].via
    # Orders in another source: the first hop is estimated, and so is everything after it.
    other = DuckDBEngine(engine.conn, engine.relations)
    moved = [a.model_copy(update={"source": "elsewhere"}) if a.name == "orders" else a for a in assets]
    (cross,) = add_impact(
        [finding_on_customers("\"region\" = 'north'")], RELATIONSHIPS, ROWS,
        assets=moved, engines_by_source={"mem": engine, "elsewhere": other},
    )  # fmt: skip
    first, second = cross.impact.downstream
    assert "different sources" in first.via and first.rows == 75
    assert "different sources" in second.via and second.rows == 150


def test_nothing_downstream_for_an_empty_finding_or_a_leaf(mem: tuple[DuckDBEngine, list]) -> None:
    engine, assets = mem
    empty = finding_on_customers("\"region\" = 'west'", count=0)
    leaf = finding_on_customers(None).model_copy(update={"asset": "mem/order_items"})
    # A predicate matching no parent row counts zero downstream rows: no entry at all.
    none_match = finding_on_customers("\"region\" = 'west'", count=1)
    outs = add_impact(
        [empty, leaf, none_match], RELATIONSHIPS, ROWS, assets=assets, engines_by_source={"mem": engine}
    )
    assert [o.impact.downstream for o in outs] == [[], [], []]


def test_counts_in_sql_databases(sqlite_scratch: dbservers.SQLiteScratch) -> None:
    sqlite_scratch.create_table(
        "customers", [("customer_id", "INTEGER"), ("region", "TEXT")],
        [(i, "north" if i % 4 == 0 else "south") for i in range(1, 101)],
    )  # fmt: skip
    sqlite_scratch.create_table(
        "orders",
        [("order_id", "INTEGER"), ("customer_id", "TEXT")],
        [(i, str((i % 99) + 1)) for i in range(1, 301)],
    )
    sqlite_scratch.create_table(
        "order_items",
        [("line_id", "INTEGER"), ("order_id", "INTEGER")],
        [(i, (i % 300) + 1) for i in range(1, 601)],
    )
    conn = duckdb.connect()
    for statement in SETUP:
        conn.execute(statement)
    orders, items = expected_counts(conn)
    with sqlite_scratch.open() as connector:
        assets = connector.discover()
        source = connector.source.name
        rels = [
            r.model_copy(
                update={
                    "from_asset": f"{source}/{r.from_asset[4:]}",
                    "to_asset": f"{source}/{r.to_asset[4:]}",
                }
            )
            for r in RELATIONSHIPS
        ]
        finding = finding_on_customers("\"region\" = 'north'").model_copy(
            update={"asset": f"{source}/customers"}
        )
        rows = {f"{source}/{k[4:]}": v for k, v in ROWS.items()}
        (out,) = add_impact(
            [finding], rels, rows, assets=assets, engines_by_source={source: connector.engine()}
        )
    # orders.customer_id is text here (a drifted type): compared as text, still counted exactly.
    assert [d.rows for d in out.impact.downstream] == [orders, items]
    assert all("estimated" not in d.via for d in out.impact.downstream)
