"""A full scan with a PostgreSQL role that may only SELECT: Stocktake needs nothing more, and
the source is unchanged afterwards (issue 10, read-only sources). The same for a MariaDB user
with only SELECT on the database."""

from __future__ import annotations

import secrets

from stocktake.pipeline import scan


def test_full_scan_with_a_select_only_role(pg_scratch, pg_server):
    pg_scratch.create_table(
        "orders",
        [
            ("order_id", "INTEGER"),
            ("email", "TEXT"),
            ("amount", "NUMERIC(10,2)"),
            ("ordered_at", "TIMESTAMP"),
        ],
        [(i, f"user{i}@example.com", 10 + i % 7, f"2024-01-{1 + i % 28:02d} 10:00:00") for i in range(300)],
    )
    pg_scratch.create_table(
        "order_items", [("order_id", "INTEGER"), ("qty", "INTEGER")], [(i % 300, 1) for i in range(500)]
    )
    role = f"stocktake_ro_{secrets.token_hex(4)}"
    schema = pg_scratch.schema
    with pg_server.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        conn.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"')
    before = pg_scratch.query("SELECT COUNT(*), SUM(amount) FROM orders")
    try:
        url = pg_scratch.url.replace("postgresql://root@", f"postgresql://{role}@")
        assert role in url
        run = scan([url])
        assert run.errors == []
        assert {a.name: a.row_count for a in run.assets} == {"orders": 300, "order_items": 500}
        assert [(r.from_asset, r.to_asset) for r in run.relationships] == [
            (f"{run.sources[0].name}/order_items", f"{run.sources[0].name}/orders")
        ]
    finally:
        with pg_server.connect() as conn:
            conn.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM "{role}"')
            conn.exec_driver_sql(f'REVOKE USAGE ON SCHEMA "{schema}" FROM "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
    assert pg_scratch.query("SELECT COUNT(*), SUM(amount) FROM orders") == before


def test_full_scan_with_a_select_only_mariadb_user(mysql_scratch, mysql_server):
    mysql_scratch.create_table(
        "orders",
        [("order_id", "INTEGER"), ("email", "VARCHAR(64)"), ("amount", "DECIMAL(10,2)")],
        [(i, f"user{i}@example.com", 10 + i % 7) for i in range(300)],
    )
    mysql_scratch.create_table(
        "order_items", [("order_id", "INTEGER"), ("qty", "INTEGER")], [(i % 300, 1) for i in range(500)]
    )
    user, password = f"st_ro_{secrets.token_hex(4)}", secrets.token_hex(8)
    database = mysql_scratch.database
    with mysql_server.connect() as conn:
        conn.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY '{password}'")
        conn.exec_driver_sql(f"GRANT SELECT ON `{database}`.* TO '{user}'@'%%'")
    before = mysql_scratch.query("SELECT COUNT(*), SUM(amount) FROM orders")
    try:
        url = mysql_scratch.url.replace("mysql://root@", f"mysql://{user}:{password}@")
        assert user in url
        run = scan([url])
        assert run.errors == []
        assert {a.name: a.row_count for a in run.assets} == {"orders": 300, "order_items": 500}
        assert [(r.from_asset, r.to_asset) for r in run.relationships] == [
            (f"{database}/order_items", f"{database}/orders")
        ]
    finally:
        with mysql_server.connect() as conn:
            conn.exec_driver_sql(f"DROP USER '{user}'@'%%'")
    assert mysql_scratch.query("SELECT COUNT(*), SUM(amount) FROM orders") == before
