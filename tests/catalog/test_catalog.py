"""The catalog on SQLite and PostgreSQL: round trips, run/asset resolution, atomicity, migrations."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import psycopg
import pytest
import sqlalchemy as sa

from stocktake.catalog import Catalog, default_catalog_url, migrations, schema
from stocktake.core.errors import CatalogError
from stocktake.core.records import (
    Asset,
    ColumnProfile,
    ColumnSchema,
    DayCount,
    DownstreamImpact,
    Finding,
    Impact,
    Relationship,
    RowSet,
    Run,
    Source,
    ValueCount,
)
from stocktake.core.vocab import CheckFamily, FindingStatus, FindingType, Severity

PG_URL = os.environ.get("STOCKTAKE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SHANGHAI = timezone(timedelta(hours=8))

OpenCatalog = Callable[[], Catalog]


# -- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_server() -> str:
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        reason = f"PostgreSQL not reachable at {PG_URL}: {str(exc).strip().splitlines()[0]}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return PG_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.db)])
def catalog_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "catalog.db")
        return
    base = request.getfixturevalue("pg_server")
    name = f"stocktake_cat_{uuid.uuid4().hex[:12]}"
    yield f"{base}?schema={name}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def open_catalog(catalog_url: str) -> Iterator[OpenCatalog]:
    opened: list[Catalog] = []

    def open_one() -> Catalog:
        opened.append(Catalog(catalog_url))
        return opened[-1]

    yield open_one
    for catalog in opened:  # closed before the schema is dropped
        catalog.close()


# -- a realistic run, built by hand --------------------------------------------------------------------


def make_run(run_id: str, started_at: datetime, *, order_rows: int = 1200) -> Run:
    files = Source(name="shop", kind="files", uri="/data/shop/*.csv")
    warehouse = Source(name="dw", kind="postgresql", uri="postgresql://analyst:***@dw/prod")
    orders = Asset(
        id="shop/orders",
        name="orders",
        source="shop",
        format="csv",
        location="/data/shop/orders.csv",
        columns=[
            ColumnSchema(name="order_id", engine_type="BIGINT", logical_type="integer", nullable=False),
            ColumnSchema(name="user_id", engine_type="BIGINT", logical_type="integer"),
            ColumnSchema(name="amount", engine_type="DOUBLE", logical_type="float"),
            ColumnSchema(name="商品名称", engine_type="VARCHAR", logical_type="string"),
        ],
        row_count=order_rows,
        byte_size=98_304,
        last_modified=datetime(2024, 5, 1, 9, 30, tzinfo=SHANGHAI),
        domain="sales",
        owner="orders-team",
        tags=["pii", "daily"],
        read_options={"delimiter": ",", "encoding": "gb18030", "header": True},
        notes=["3 rows had an extra delimiter"],
    )
    users = Asset(
        id="dw/public.users",
        name="users",
        source="dw",
        format="table",
        location="public.users",
        columns=[ColumnSchema(name="id", engine_type="integer", logical_type="integer", nullable=False)],
        row_count=500,
    )
    amount = ColumnProfile(
        asset=orders.id,
        column="amount",
        logical_type="float",
        engine_type="DOUBLE",
        row_count=order_rows,
        null_count=12,
        null_like={"nan": 3},
        distinct_count=880,
        distinct_exact=False,
        min=-5.5,
        max=1999.0,
        mean=0.1 + 0.2,
        std=37.25,
        zero_count=4,
        negative_count=2,
        quantiles={"0.5": 42.0, "0.99": 900.5},
        top_values=[ValueCount(value=9.9, count=40), ValueCount(value=None, count=12)],
        per_day=[DayCount(day=date(2024, 4, 30), count=600), DayCount(day=date(2024, 5, 1), count=600)],
    )
    name = ColumnProfile(
        asset=orders.id,
        column="商品名称",
        logical_type="string",
        engine_type="VARCHAR",
        row_count=order_rows,
        null_count=0,
        top_values=[ValueCount(value="手机壳", count=99), ValueCount(value="a\x00b", count=1)],
        length_min=1,
        length_max=64,
        length_mean=7.5,
        patterns=[ValueCount(value="汉汉汉", count=500)],
        patterns_sampled_rows=1000,
        semantic_type="product_name",
    )
    user_id = ColumnProfile(
        asset=users.id,
        column="id",
        logical_type="integer",
        engine_type="integer",
        row_count=500,
        null_count=0,
    )
    orphans = Finding(
        id=Finding.make_id(orders.id, ["user_id"], FindingType.ORPHAN_REFERENCE, None),
        asset=orders.id,
        columns=["user_id"],
        family=CheckFamily.CONSISTENCY,
        type=FindingType.ORPHAN_REFERENCE,
        severity=Severity.ERROR,
        reason="37 orders point at users that do not exist",
        rows=RowSet(count=37, share=37 / order_rows, key_columns=["order_id"], keys=[1, 2, [3, "x"]]),
        impact=Impact(
            rows=37,
            share=0.03,
            downstream=[
                DownstreamImpact(asset="dw/public.users", rows=0, share=0.0, via="orders.user_id -> users.id")
            ],
        ),
        evidence={"sample": [{"user_id": 99, "seen": "2024-05-01"}], "ratio": 0.5},
        score=0.8,
    )
    missing = Finding(
        id=Finding.make_id(orders.id, ["amount"], FindingType.MISSING_VALUES, "not_null"),
        asset=orders.id,
        columns=["amount"],
        family=CheckFamily.COMPLETENESS,
        type=FindingType.MISSING_VALUES,
        severity=Severity.WARNING,
        reason="15 amounts are missing",
        rows=RowSet(count=15, share=0.0125, predicate="amount IS NULL"),
        impact=Impact(rows=15, share=0.0125),
        score=0.4,
        status=FindingStatus.CONFIRMED,
        check="not_null",
    )
    return Run(
        id=run_id,
        started_at=started_at,
        finished_at=started_at + timedelta(minutes=3, microseconds=17),
        sources=[files, warehouse],
        code_version="0.1.0",
        model_versions={"encoder": "all-MiniLM-L6-v2@1"},
        assets=[orders, users],
        profiles=[amount, name, user_id],
        relationships=[
            Relationship(
                from_asset=orders.id,
                from_columns=["user_id"],
                to_asset=users.id,
                to_columns=["id"],
                coverage=0.969,
                orphan_count=37,
            )
        ],
        findings=[orphans, missing],
        errors=["shop/broken.xlsx: not an Excel file"],
    )


T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


# -- round trips and reads ---------------------------------------------------------------------------------


def test_a_saved_run_reads_back_equal(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    run = make_run("20240501-aaa111", T0)
    catalog.save_run(run)

    assert catalog.get_run(run.id) == run
    assert catalog.latest_run() == run
    assert catalog.list_assets() == run.assets
    [summary] = catalog.list_runs()
    assert (summary.id, summary.started_at, summary.finished_at) == (run.id, run.started_at, run.finished_at)
    assert (summary.asset_count, summary.finding_count, summary.error_count) == (2, 2, 1)
    assert [s.name for s in summary.sources] == ["shop", "dw"]

    asset, profiles, findings = catalog.get_asset("shop/orders")
    assert asset == run.assets[0]
    assert [p.column for p in profiles] == ["amount", "商品名称"]
    assert findings == run.findings


def test_an_empty_catalog_has_no_runs(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    assert catalog.list_runs() == []
    assert catalog.latest_run() is None
    assert catalog.list_assets() == []
    with pytest.raises(CatalogError, match="no runs yet"):
        catalog.resolve_run("latest")


def test_runs_resolve_by_id_prefix_latest_and_previous(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    first = make_run("20240501-aaa111", T0, order_rows=1000)
    catalog.save_run(first)
    with pytest.raises(CatalogError, match="only one run"):
        catalog.resolve_run("previous")
    second = make_run("20240502-aab222", T0 + timedelta(days=1), order_rows=1100)
    catalog.save_run(second)

    assert [s.id for s in catalog.list_runs()] == [second.id, first.id]
    assert catalog.resolve_run("latest") == second.id
    assert catalog.resolve_run("previous") == first.id
    assert catalog.resolve_run("20240501") == first.id
    assert catalog.resolve_run(first.id) == first.id
    assert catalog.get_run("20240502-aab") == second
    with pytest.raises(CatalogError, match="ambiguous") as ambiguous:
        catalog.resolve_run("2024050")
    assert first.id in str(ambiguous.value) and second.id in str(ambiguous.value)
    with pytest.raises(CatalogError, match="no run"):
        catalog.resolve_run("2023")
    with pytest.raises(CatalogError, match="no run"):
        catalog.resolve_run("20240501-AAA")  # prefixes are case-sensitive

    assert [a.row_count for a in catalog.list_assets("previous")] == [1000, 500]
    history = catalog.asset_history("orders")
    assert [(h.run_id, h.started_at, h.asset.row_count) for h in history] == [
        (first.id, first.started_at, 1000),
        (second.id, second.started_at, 1100),
    ]


def test_assets_resolve_by_id_or_unique_name(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    run = make_run("r1", T0)
    twin = run.assets[0].model_copy(update={"id": "dw/public.orders", "source": "dw", "format": "table"})
    run = run.model_copy(update={"assets": [*run.assets, twin]})
    catalog.save_run(run)

    assert catalog.get_asset("users")[0].id == "dw/public.users"
    asset, profiles, findings = catalog.get_asset("dw/public.orders")
    assert (asset, profiles, findings) == (twin, [], [])
    with pytest.raises(CatalogError, match="ambiguous") as ambiguous:
        catalog.get_asset("orders")
    assert "shop/orders" in str(ambiguous.value) and "dw/public.orders" in str(ambiguous.value)
    with pytest.raises(CatalogError, match="did you mean"):
        catalog.get_asset("userz")
    with pytest.raises(CatalogError, match="ambiguous"):
        catalog.asset_history("orders")


def test_saving_a_run_again_replaces_it_and_keeps_its_verdicts(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    run = make_run("r1", T0)
    catalog.save_run(run)
    finding_id = run.findings[0].id
    catalog.record_verdict(finding_id, "confirmed", run_id=run.id, reviewer="li", comment="real orphans")

    smaller = run.model_copy(update={"assets": run.assets[:1], "findings": run.findings[1:]})
    catalog.save_run(smaller)
    assert catalog.get_run(run.id) == smaller
    assert [v.run_id for v in catalog.verdicts_for(finding_id)] == [run.id]


def test_verdicts_follow_a_finding_id(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    catalog.save_run(make_run("r1", T0))
    catalog.record_verdict("f1", FindingStatus.REJECTED, at=datetime(2024, 5, 2, 8, 0, tzinfo=SHANGHAI))
    catalog.record_verdict("f1", "fixed", run_id="r1", reviewer="wang")
    verdicts = catalog.verdicts_for("f1")
    assert [(v.verdict, v.run_id) for v in verdicts] == [(FindingStatus.REJECTED, None), ("fixed", "r1")]
    assert verdicts[0].at == datetime(2024, 5, 2, 0, 0, tzinfo=UTC)
    assert catalog.verdicts_for("nothing") == []
    with pytest.raises(CatalogError, match="verdict must be one of"):
        catalog.record_verdict("f1", "open")
    with pytest.raises(CatalogError, match="no run"):
        catalog.record_verdict("f1", "fixed", run_id="r404")


def test_verdicts_containing_match_exactly_anywhere_in_the_target(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    for target in ("ab12:pair:[1,2]", "ab12:row:[1]", "cd34:PAIR:[3,4]", "cd34:pair:[5,6]", "x_pair:"):
        catalog.record_verdict(target, "confirmed")
    found = catalog.verdicts_containing(":pair:")
    assert [v.finding_id for v in found] == ["ab12:pair:[1,2]", "cd34:pair:[5,6]"]  # case-sensitive
    assert [v.finding_id for v in catalog.verdicts_containing("_pair")] == ["x_pair:"]  # '_' is literal


# -- atomicity --------------------------------------------------------------------------------------------------


def test_a_save_that_fails_half_way_leaves_the_catalog_as_it_was(
    open_catalog: OpenCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = open_catalog()
    first = make_run("r1", T0)
    catalog.save_run(first)
    second = make_run("r2", T0 + timedelta(hours=1))
    real_execute = sa.Connection.execute

    def fail_on_findings(self: sa.Connection, statement, *args, **kwargs):
        # By now the run, its sources, assets, columns and profiles are written.
        if isinstance(statement, sa.Insert) and statement.table.name == "findings":
            raise RuntimeError("disk on fire")
        return real_execute(self, statement, *args, **kwargs)

    monkeypatch.setattr(sa.Connection, "execute", fail_on_findings)
    with pytest.raises(RuntimeError, match="disk on fire"):
        catalog.save_run(second)
    with pytest.raises(RuntimeError, match="disk on fire"):
        catalog.save_run(first.model_copy(update={"assets": []}))  # a failed re-save keeps the old run
    monkeypatch.undo()

    assert [s.id for s in catalog.list_runs()] == ["r1"]
    assert catalog.get_run("r1") == first
    catalog.save_run(second)
    assert catalog.get_run("latest") == second


def test_duplicate_finding_ids_are_refused_before_writing(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    run = make_run("r1", T0)
    run = run.model_copy(update={"findings": [run.findings[0], run.findings[0]]})
    with pytest.raises(CatalogError, match="same finding id"):
        catalog.save_run(run)
    assert catalog.list_runs() == []


# -- migrations ---------------------------------------------------------------------------------------------------


def _versions(catalog: Catalog) -> list[int]:
    with catalog.engine.connect() as conn:
        return list(conn.scalars(sa.select(migrations.schema_version.c.version).order_by("version")))


def test_a_fresh_catalog_is_at_the_latest_version_and_upgrade_is_idempotent(
    open_catalog: OpenCatalog,
) -> None:
    catalog = open_catalog()
    assert catalog.schema_version == migrations.LATEST_VERSION
    assert _versions(catalog) == list(range(1, migrations.LATEST_VERSION + 1))
    catalog.save_run(make_run("r1", T0))

    for _ in range(2):
        with catalog.engine.begin() as conn:
            assert migrations.upgrade(conn, "test") == migrations.LATEST_VERSION
    reopened = open_catalog()
    assert _versions(reopened) == list(range(1, migrations.LATEST_VERSION + 1))
    assert reopened.get_run("r1") == make_run("r1", T0)


def test_a_catalog_from_a_newer_stocktake_is_refused(open_catalog: OpenCatalog, catalog_url: str) -> None:
    catalog = open_catalog()
    newer = migrations.LATEST_VERSION + 1
    with catalog.engine.begin() as conn:
        conn.execute(
            migrations.schema_version.insert().values(
                version=newer, description="from the future", applied_at=datetime(2030, 1, 1)
            )
        )
    with pytest.raises(CatalogError, match=f"schema version {newer}, newer than"):
        Catalog(catalog_url)


def test_the_migrated_tables_match_the_schema_module(open_catalog: OpenCatalog) -> None:
    catalog = open_catalog()
    inspector = sa.inspect(catalog.engine)
    for table in schema.metadata.sorted_tables:
        in_db = {col["name"]: col["nullable"] for col in inspector.get_columns(table.name)}
        in_code = {col.name: col.nullable for col in table.columns}
        assert in_db == in_code, table.name
        assert inspector.get_pk_constraint(table.name)["constrained_columns"] == [
            col.name for col in table.primary_key
        ]


# -- opening: locations and failures ---------------------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    with Catalog(tmp_path / "c.db") as catalog, catalog.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_default_location_is_under_the_working_directory(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STOCKTAKE_CATALOG", raising=False)
    assert default_catalog_url().endswith("/.stocktake/catalog.db")
    with Catalog() as catalog:
        catalog.save_run(make_run("r1", T0))
    assert (tmp_path / ".stocktake" / "catalog.db").is_file()

    monkeypatch.setenv("STOCKTAKE_CATALOG", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with Catalog() as catalog:
        assert catalog.list_runs() == []
    assert (tmp_path / "elsewhere.db").is_file()


def test_a_corrupt_sqlite_file_is_a_one_line_catalog_error(tmp_path) -> None:
    path = tmp_path / "catalog.db"
    path.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(CatalogError) as error:
        Catalog(path)
    message = str(error.value)
    assert str(path) in message and "\n" not in message


def test_someone_elses_sqlite_database_is_refused(tmp_path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE runs (x INTEGER)")
    conn.close()
    with pytest.raises(CatalogError, match="not a Stocktake catalog"):
        Catalog(path)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/db", "SQLite or PostgreSQL"),
        ("sqlite:///x.db?schema=a", "PostgreSQL catalogs only"),
        ("postgresql://u@localhost/db?schema=bad-name", "plain identifier"),
        ("postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=2", "cannot open catalog"),
    ],
)
def test_bad_locations_are_catalog_errors(url: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message) as error:
        Catalog(url)
    assert "s3cret" not in str(error.value) and "\n" not in str(error.value)
