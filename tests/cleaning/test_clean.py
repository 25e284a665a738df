from __future__ import annotations

import csv
import hashlib
import sqlite3
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stocktake.cleaning import ColumnPlan, clean_asset, plan_column
from stocktake.connectors import open_source
from stocktake.core.errors import SourceNotFoundError, StocktakeError, UnsupportedFormatError

OLIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "olist"
needs_olist = pytest.mark.skipif(not OLIST.is_dir(), reason=f"{OLIST} not present (CI has ../shared/data)")

# Row 4 repeats row 3 once whitespace is normalised; zips lost a zero; prices use a decimal
# comma; order dates come in three spellings, and '13.02.2024' says day-first.
SOURCE = (
    "order_ref,city,zip_code,price,ordered,title\n"
    'A-1,são paulo,04195,"1.234,50",05.01.2024,ＡＢＣ１２３\n'
    'A-2,Sao  Paulo ,4195,"12,5",2024年1月13日,"  wireless\u00a0mouse "\n'
    'A-3,rio de janeiro,12345,"7,00",20240201,x\n'
    'A-3,rio de janeiro ,12345,"7,00",20240201,x\n'
    "A-4,curitiba,80010,3,13.02.2024,y\n"
)
CLEANED = [
    ["order_ref", "city", "zip_code", "price", "ordered", "title"],
    ["A-1", "são paulo", "04195", "1234.50", "2024-01-05", "ABC123"],
    ["A-2", "Sao Paulo", "04195", "12.50", "2024-01-13", "wireless mouse"],
    ["A-3", "rio de janeiro", "12345", "7.00", "2024-02-01", "x"],
    ["A-4", "curitiba", "80010", "3.00", "2024-02-13", "y"],
]
CHANGES = [
    ["row_key", "column", "old_value", "new_value", "reason"],
    ["1", "price", "1.234,50", "1234.50", "number (decimal comma)"],
    ["1", "ordered", "05.01.2024", "2024-01-05", "date to ISO 8601 (day first)"],
    ["1", "title", "ＡＢＣ１２３", "ABC123", "nfkc"],
    ["2", "city", "Sao  Paulo ", "Sao Paulo", "whitespace"],
    ["2", "zip_code", "4195", "04195", "zero-padded to 5 digits"],
    ["2", "price", "12,5", "12.50", "number (decimal comma)"],
    ["2", "ordered", "2024年1月13日", "2024-01-13", "date to ISO 8601"],
    ["2", "title", "  wireless\u00a0mouse ", "wireless mouse", "whitespace"],
    ["3", "price", "7,00", "7.00", "number (decimal comma)"],
    ["3", "ordered", "20240201", "2024-02-01", "date to ISO 8601"],
    ["4", "*", "", "", "duplicate row removed: same as row_key 3 after normalisation"],
    ["5", "price", "3", "3.00", "number (decimal comma)"],
    ["5", "ordered", "13.02.2024", "2024-02-13", "date to ISO 8601 (day first)"],
]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "orders.csv"
    path.parent.mkdir()
    path.write_text(SOURCE, encoding="utf-8")
    return path


def test_clean_csv_writes_the_copy_and_the_change_log(source: Path, tmp_path: Path) -> None:
    before = digest(source)
    out = tmp_path / "out" / "orders.csv"
    report = clean_asset(source, "orders", out)
    assert read_csv(out) == CLEANED
    assert read_csv(report.changes_path) == CHANGES
    assert report.changes_path == tmp_path / "out" / "orders.csv.changes.csv"
    assert digest(source) == before  # the source is never modified
    assert sorted(p.name for p in out.parent.iterdir()) == ["orders.csv", "orders.csv.changes.csv"]
    assert (report.rows_read, report.rows_written, report.duplicates_removed) == (5, 4, 1)
    assert report.key_column is None  # zip_code looks like an id but repeats: row numbers instead
    assert report.changed_cells == {"price": 4, "ordered": 4, "title": 2, "city": 1, "zip_code": 1}
    kinds = {plan.name: plan.kind for plan in report.columns}
    assert kinds == {
        "order_ref": "text",
        "city": "text",
        "zip_code": "code",
        "price": "number",
        "ordered": "date",
        "title": "text",
    }
    assert "price: numbers read with a decimal comma" in report.notes


def test_clean_to_parquet_types_the_parsed_columns(source: Path, tmp_path: Path) -> None:
    report = clean_asset(str(source), "orders/orders", tmp_path / "orders.parquet")
    table = pq.read_table(report.out_path)
    assert table.schema.field("zip_code").type == pa.string()
    assert table.schema.field("price").type == pa.decimal128(6, 2)
    assert table.schema.field("ordered").type == pa.date32()
    assert table.column("price").to_pylist() == [Decimal(v) for v in ("1234.50", "12.50", "7.00", "3.00")]
    assert [row[1:] for row in read_csv(report.changes_path)] == [row[1:] for row in CHANGES]


def test_dedupe_can_be_turned_off_and_an_open_connector_is_left_open(source: Path, tmp_path: Path) -> None:
    with open_source(str(source)) as connector:
        report = clean_asset(connector, "orders", tmp_path / "all.csv", dedupe=False)
        assert connector.discover()[0].row_count == 5  # still usable
    assert report.rows_written == 5 and report.duplicates_removed == 0
    assert len(read_csv(report.out_path)) == 6
    assert not any(row[1] == "*" for row in read_csv(report.changes_path))


def test_sqlite_source_codes_keys_and_ambiguous_dates(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE sellers (seller_id TEXT, zip_code_prefix INTEGER, since TEXT, city TEXT)")
        conn.executemany(
            "INSERT INTO sellers VALUES (?, ?, ?, ?)",
            [
                ("s1", 4195, "03/04/2024", "campinas"),
                ("s2", 13023, "2024-01-07", "sao\u3000paulo"),
                ("s3", 13844, "2024-02-09", "mogi guacu"),
            ],
        )
    conn.close()
    before = digest(db)
    report = clean_asset(f"sqlite:///{db}", "sellers", tmp_path / "sellers.csv")
    assert digest(db) == before
    assert report.key_column == "seller_id"
    assert read_csv(report.out_path)[1:] == [
        ["s1", "04195", "03/04/2024", "campinas"],
        ["s2", "13023", "2024-01-07", "sao paulo"],
        ["s3", "13844", "2024-02-09", "mogi guacu"],
    ]
    assert read_csv(report.changes_path)[1:] == [
        ["s1", "zip_code_prefix", "4195", "04195", "zero-padded to 5 digits"],
        ["s2", "city", "sao\u3000paulo", "sao paulo", "whitespace"],
    ]
    # '03/04/2024' is 3 April or 4 March: no value decides, so the column stays text, reported.
    (note,) = [n for n in report.notes if n.startswith("since:")]
    assert "undecidable" in note and "'03/04/2024'" in note


def test_a_failed_run_leaves_nothing_behind(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous copy\n")

    def broken(self: ColumnPlan, value: object) -> tuple[object, str | None]:
        raise RuntimeError("boom")

    monkeypatch.setattr(ColumnPlan, "convert", broken)
    with pytest.raises(RuntimeError):
        clean_asset(source, "orders", out)
    assert out.read_text() == "previous copy\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "src"]


def test_bad_input_is_a_one_line_error(source: Path, tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere"
    cases = [
        (source, "customers", tmp_path / "x.csv", SourceNotFoundError, "no asset 'customers'"),
        (source, "orders", tmp_path / "x.xlsx", UnsupportedFormatError, "unsupported suffix"),
        (nowhere, "orders", tmp_path / "x.xlsx", UnsupportedFormatError, "suffix"),  # checked first
        (nowhere, "orders", tmp_path / "x.csv", SourceNotFoundError, "nowhere"),
        (source, "orders", source / "x.csv", StocktakeError, "cannot write"),  # parent is a file
        (source, "orders", source, StocktakeError, "never modified"),
        (source, "orders", tmp_path, UnsupportedFormatError, "suffix"),
    ]
    for spec, ref, out, error, words in cases:
        with pytest.raises(error, match=words) as caught:
            clean_asset(spec, ref, out)
        assert "\n" not in str(caught.value)
    assert read_csv(source) == list(csv.reader(SOURCE.splitlines()))


@needs_olist
def test_olist_official_sellers_get_their_zeros_back(tmp_path: Path) -> None:
    sellers = OLIST / "official-full" / "olist_sellers_dataset.csv"
    before = digest(sellers)
    report = clean_asset(sellers, "olist_sellers_dataset", tmp_path / "sellers.csv")
    assert digest(sellers) == before
    assert report.key_column == "seller_id" and report.rows_written == 3095
    assert report.changed_cells["seller_zip_code_prefix"] == 1027
    zips = [row[1] for row in read_csv(report.out_path)[1:]]
    assert all(len(z) == 5 for z in zips)
    # These are the spellings the sample (the Kaggle version) has.
    sample = {r[0]: r[1] for r in read_csv(OLIST / "sample" / "olist_sellers_dataset.csv")[1:]}
    cleaned = {r[0]: r[1] for r in read_csv(report.out_path)[1:]}
    assert all(cleaned[seller] == zip_code for seller, zip_code in sample.items())


@needs_olist
def test_olist_geolocation_exact_duplicates_are_removed(tmp_path: Path) -> None:
    report = clean_asset(OLIST / "sample", "olist_geolocation_dataset", tmp_path / "geo.parquet")
    assert (report.rows_read, report.duplicates_removed, report.rows_written) == (45928, 9028, 36900)
    assert pq.read_metadata(report.out_path).num_rows == 36900


def test_column_plans_decide_from_the_whole_column() -> None:
    yen = plan_column("price", "string", [("¥1,299", 3), ("¥12,500", 1), ("  ", 1)])
    assert (yen.kind, yen.arrow_type) == ("number", pa.decimal128(5, 0))
    assert "assumed" in yen.notes[0]  # '1,299' never says which mark is decimal
    assert yen.convert("¥1,299") == (Decimal(1299), "number (decimal point)")
    assert yen.convert("  ") == (None, "blank to null")
    mostly = plan_column("price", "string", [("1,5", 1), ("2,5", 1), ("n/a", 1)])
    assert mostly.kind == "text" and "'n/a'" in mostly.notes[0]
    # Eight digits are dates only where the name says so; ids are never padded.
    assert plan_column("order_no", "string", [("20240105", 1), ("20231231", 1)]).kind == "text"
    assert plan_column("order_date", "string", [("20240105", 1), ("20231231", 1)]).kind == "date"
    assert plan_column("seller_id", "integer", [(4195, 1), (13023, 2)]).kind == "keep"
    assert plan_column("zip", "integer", [(4195, 1), (13023, 2)]).kind == "code"
    # Without a code-like name, padding needs codes of full width that already start with 0.
    assert plan_column("qty", "string", [("100", 5), ("25", 1)]).kind == "text"
    assert plan_column("branch", "string", [("012", 5), ("25", 1)]).kind == "code"
