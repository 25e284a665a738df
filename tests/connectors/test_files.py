"""FilesConnector over generated files in tmp_path, and over the shared Olist data."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocktake.connectors import files, open_source
from stocktake.connectors.files import FilesConnector
from stocktake.core.errors import SourceNotFoundError, UnreadableSourceError, UnsupportedFormatError
from stocktake.core.records import Asset
from stocktake.engines.duckdb_types import logical_type

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
OLIST = SHARED_DATA / "olist"
CHINESE_ROWS = [
    ["订单号", "客户名称", "城市"],
    ["1001", "张三", "北京"],
    ["1002", "李四", "上海"],
    ["1003", "王五", "广州"],
]


def write_csv(path: Path, rows: list[list[Any]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def opened() -> Iterator[Any]:
    """open_(spec) -> a FilesConnector closed after the test."""
    connectors: list[FilesConnector] = []

    def open_(spec: Path | str, name: str | None = None) -> FilesConnector:
        connectors.append(FilesConnector(str(spec), name=name))
        return connectors[-1]

    yield open_
    for connector in connectors:
        connector.close()


def only(connector: FilesConnector) -> Asset:
    [asset] = connector.discover()
    return asset


def rows(connector: FilesConnector, asset: Asset, order: str = "") -> list[tuple[Any, ...]]:
    engine = connector.engine()
    sql = f"SELECT * FROM {engine.relation(asset)}" + (f" ORDER BY {order}" if order else "")
    return engine.execute(sql)[1]


def types(asset: Asset) -> dict[str, str]:
    return {c.name: c.logical_type for c in asset.columns}


# -- delimited text -------------------------------------------------------------------------
def test_comma_csv_asset_fields(tmp_path: Path, opened: Any) -> None:
    path = write_csv(
        tmp_path / "orders.csv",
        [
            ["id", "price", "status", "created"],
            [1, "9.5", "paid", "2024-01-02 10:00:00"],
            [2, "12", "new", "2024-01-03 11:30:00"],
        ],
    )
    connector = opened(path)
    asset = only(connector)
    assert connector.source.model_dump() == {"name": "orders", "kind": "files", "uri": str(path)}
    assert (asset.id, asset.name, asset.source, asset.format) == ("orders/orders", "orders", "orders", "csv")
    assert asset.location == str(path.absolute())
    assert asset.row_count == 2
    assert asset.byte_size == path.stat().st_size
    assert asset.last_modified == datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    assert types(asset) == {"id": "integer", "price": "float", "status": "string", "created": "timestamp"}
    assert asset.column("id").engine_type == "BIGINT"
    options = asset.read_options
    assert (options["delimiter"], options["quote"], options["header"], options["encoding"]) == (
        ",",
        '"',
        True,
        "utf-8",
    )
    assert rows(connector, asset, "id")[0][:3] == (1, 9.5, "paid")


@pytest.mark.parametrize(
    ("filename", "delimiter", "fmt"),
    [
        ("semi.csv", ";", "csv"),
        ("tabs.tsv", "\t", "tsv"),
        ("pipes.txt", "|", "csv"),
        ("tabs_in.csv", "\t", "tsv"),
    ],
)
def test_delimiters(tmp_path: Path, opened: Any, filename: str, delimiter: str, fmt: str) -> None:
    data = [
        ["sku", "title", "qty"],
        ["A-1", "Mug, blue", "3"],
        ["B-2", "Tee; large", "5"],
        ["C-3", "Cap", "1"],
    ]
    connector = opened(write_csv(tmp_path / filename, data, delimiter))
    asset = only(connector)
    assert (asset.read_options["delimiter"], asset.format) == (delimiter, fmt)
    assert rows(connector, asset, "sku") == [
        ("A-1", "Mug, blue", 3),
        ("B-2", "Tee; large", 5),
        ("C-3", "Cap", 1),
    ]


def test_quoted_newlines_quotes_and_crlf(tmp_path: Path, opened: Any) -> None:
    comments = ["fine", "line one\nline two", 'he said "wow", twice', "windows\r\nbreak", ""]
    data = [["review_id", "comment", "score"], *[[f"r{i}", c, i] for i, c in enumerate(comments)]]
    connector = opened(write_csv(tmp_path / "reviews.csv", data))
    asset = only(connector)
    assert asset.row_count == len(comments)
    assert [r[1] for r in rows(connector, asset, "score")] == [*comments[:-1], None]


def test_utf8_bom_is_skipped(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffname,city\r\nJosé,São Paulo\r\n".encode())
    connector = opened(path)
    asset = only(connector)
    assert [c.name for c in asset.columns] == ["name", "city"]
    assert asset.read_options["bom"] is True
    assert asset.read_options["newline"] == "\r\n"
    assert "UTF-8 byte-order mark skipped" in asset.notes
    assert rows(connector, asset) == [("José", "São Paulo")]


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "big5"])
def test_chinese_legacy_encodings_are_transcoded(tmp_path: Path, opened: Any, codec: str) -> None:
    data = CHINESE_ROWS * 1 + [[str(2000 + i), "张三丰", "北京市"] for i in range(30)]
    if codec == "big5":  # traditional characters
        data = [["訂單號", "客戶名稱", "城市"], *[[str(1000 + i), "張三", "臺北"] for i in range(30)]]
    connector = opened(write_csv(tmp_path / "orders_cn.csv", data, encoding=codec))
    asset = only(connector)
    assert [c.name for c in asset.columns] == data[0]
    assert rows(connector, asset, "1")[: len(data) - 1] == sorted((int(a), b, c) for a, b, c in data[1:])
    assert asset.read_options["transcoded"] is True
    assert asset.notes[0].startswith("decoded from ") and "charset-normalizer" in asset.notes[0]
    assert "temporary UTF-8 copy" in asset.notes[0]
    scratch = connector._tempdir
    assert scratch is not None and any(scratch.iterdir())
    connector.close()
    assert not scratch.exists()


@pytest.mark.parametrize(("codec", "transcoded"), [("utf-16", False), ("utf-16-be", True)])
def test_utf16(tmp_path: Path, opened: Any, codec: str, transcoded: bool) -> None:
    path = tmp_path / "u16.csv"
    text = "名字,城市\n张三,北京\n李四,上海\n"
    path.write_bytes(("\ufeff" + text).encode(codec) if codec.endswith("be") else text.encode(codec))
    connector = opened(path)
    asset = only(connector)
    assert asset.read_options["transcoded"] is transcoded
    assert rows(connector, asset, "1") == [("张三", "北京"), ("李四", "上海")]


def test_latin1_and_cp1252_are_read(tmp_path: Path, opened: Any) -> None:
    data = [["nome", "cidade"], *[[f"José {i}", "São Paulo – Açaí"] for i in range(40)]]
    connector = opened(write_csv(tmp_path / "br.csv", data, encoding="cp1252"))
    asset = only(connector)
    assert asset.notes and asset.notes[0].startswith("decoded from ")
    assert rows(connector, asset, "1")[0] == ("José 0", "São Paulo – Açaí")


def test_leading_zeros_stay_text(tmp_path: Path, opened: Any) -> None:
    data = [["zip", "id", "amount"], ["01310", "007", "1.5"], ["20000", "12", "2"], ["04195", "3", "0.25"]]
    connector = opened(write_csv(tmp_path / "zips.csv", data))
    asset = only(connector)
    assert types(asset) == {"zip": "string", "id": "string", "amount": "float"}
    assert rows(connector, asset, "zip")[0] == ("01310", "007", 1.5)
    assert any(n.startswith("column zip kept as text: values have leading zeros") for n in asset.notes)


def test_leading_zeros_beyond_the_type_sample(tmp_path: Path, opened: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(files, "CSV_SNIFF_ROWS", 50)
    # DuckDB samples at least one 2048-row chunk; the zero-led zip comes after it.
    data = [["zip", "n"], *[[str(10000 + i), str(i)] for i in range(3000)], ["01310", "3000"]]
    asset = only(opened(write_csv(tmp_path / "late.csv", data)))
    assert types(asset) == {"zip": "string", "n": "integer"}
    assert "column zip kept as text: values have leading zeros (e.g. '01310')" in asset.notes


def test_missing_number_tokens_read_as_null(tmp_path: Path, opened: Any) -> None:
    # R writes NA for a missing number: the column is numbers, and NA is missing, file-wide.
    data = [["city", "sales", "ratio", "zip", "note"], ["Austin", "68", "1.5", "01310", "ok"],
            ["Dallas", "NA", "NA", "NA", "NA"], ["Waco", "77", "#N/A", "04195", "fine"]]  # fmt: skip
    connector = opened(write_csv(tmp_path / "txhousing.csv", data))
    asset = only(connector)
    assert types(asset) == {
        "city": "string",
        "sales": "integer",
        "ratio": "float",
        "zip": "string",
        "note": "string",
    }
    assert rows(connector, asset, "city") == [
        ("Austin", 68, 1.5, "01310", "ok"), ("Dallas", None, None, None, None), ("Waco", 77, None, "04195", "fine"),
    ]  # fmt: skip
    assert asset.read_options["missing_tokens"] == "NA,#N/A"
    assert "'NA', '#N/A' stands for a missing value" in asset.notes[0]
    assert "columns sales, ratio" in asset.notes[0]


def test_missing_tokens_in_text_alone_stay_text(tmp_path: Path, opened: Any) -> None:
    # Namibia's code is NA, and no column needs the token to be numbers: nothing changes.
    data = [["country", "n"], ["NA", "1"], ["DE", "2"], ["null", "3"]]
    connector = opened(write_csv(tmp_path / "countries.csv", data))
    asset = only(connector)
    assert types(asset) == {"country": "string", "n": "integer"}
    assert [r[0] for r in rows(connector, asset, "n")] == ["NA", "DE", "null"]
    assert "missing_tokens" not in asset.read_options


def test_a_late_bad_value_keeps_only_its_column_as_text(
    tmp_path: Path, opened: Any, monkeypatch: Any
) -> None:
    # Past the type sample one `day` is a word and one `n` is `n/a`: `day` alone becomes text,
    # `n/a` reads as missing (R's habit), and the other columns keep their types.
    monkeypatch.setattr(files, "CSV_SNIFF_ROWS", 50)
    data = [
        ["n", "day", "x"],
        *[[str(i), "2024-01-01", f"{i}.5"] for i in range(3000)],
        ["n/a", "soon", "1.5"],
    ]
    connector = opened(write_csv(tmp_path / "late_types.csv", data))
    asset = only(connector)
    assert types(asset) == {"n": "integer", "day": "string", "x": "float"}
    assert asset.read_options["all_varchar"] is False
    assert asset.read_options["missing_tokens"] == "n/a"
    assert asset.row_count == 3001
    assert rows(connector, asset, "day")[-1] == (None, "soon", 1.5)
    assert any(n.startswith("column day kept as text: line 3,002") for n in asset.notes), asset.notes
    assert any(n.startswith("'n/a' stands for a missing value") for n in asset.notes), asset.notes


def test_a_late_bad_value_in_two_columns(tmp_path: Path, opened: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(files, "CSV_SNIFF_ROWS", 50)
    data = [
        ["n", "day", "x"],
        *[[str(i), "2024-01-01", "0.5"] for i in range(3000)],
        ["7", "2024-01-02", "abc"],
    ]
    data.append(["x7", "2024-01-03", "0.5"])
    connector = opened(write_csv(tmp_path / "late_types.csv", data))
    asset = only(connector)
    assert types(asset) == {"n": "string", "day": "date", "x": "string"}
    assert "missing_tokens" not in asset.read_options
    assert asset.row_count == 3002
    kept = [n for n in asset.notes if "kept as text" in n]
    assert [n.split(":")[0] for n in kept] == ["column n kept as text", "column x kept as text"]
    assert "line 3,003" in kept[0] and "line 3,002" in kept[1]


def test_ragged_rows_are_padded(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11\n12,13,14\n")
    connector = opened(path)
    asset = only(connector)
    assert asset.row_count == 5
    assert (4, 5, None) in rows(connector, asset)
    assert any("different number of fields" in n for n in asset.notes)


def test_headerless_file(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("1,2.5,2024-01-01\n2,3.5,2024-01-02\n3,4.5,2024-01-03\n")
    asset = only(opened(path))
    assert asset.read_options["header"] is False
    assert [c.name for c in asset.columns] == ["column0", "column1", "column2"]
    assert asset.row_count == 3


def test_headerless_text_file_keeps_its_first_row(tmp_path: Path, opened: Any) -> None:
    # A place list without a header: 北京市 comes again below, so the first row is data.
    path = tmp_path / "places.csv"
    path.write_text("北京市,东城区\n北京市,西城区\n上海市,黄浦区\n", encoding="utf-8")
    connector = opened(path)
    asset = only(connector)
    assert asset.read_options["header"] is False
    assert [c.name for c in asset.columns] == ["column0", "column1"]
    assert rows(connector, asset, "column1")[0] == ("北京市", "东城区")
    assert asset.row_count == 3


def test_preamble_and_comment_lines(tmp_path: Path, opened: Any) -> None:
    (tmp_path / "report.csv").write_text("Report generated 2024-01-01\n\nid,name,qty\n1,a,3\n2,b,4\n3,c,5\n")
    (tmp_path / "commented.csv").write_text("# exported\nid,name\n1,a\n# note\n2,b\n")
    connector = opened(tmp_path)
    report, commented = sorted(connector.discover(), key=lambda a: a.name, reverse=True)
    assert ([c.name for c in report.columns], report.row_count, report.read_options["skip"]) == (
        ["id", "name", "qty"],
        3,
        2,
    )
    assert rows(connector, report, "id")[0] == (1, "a", 3)
    assert (commented.row_count, commented.read_options["comment"]) == (2, "#")
    assert any("comments" in n for n in commented.notes)


def test_decimal_comma(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "precos.csv"
    path.write_text("produto;preco\nA;1,50\nB;10,25\nC;3,5\n")
    connector = opened(path)
    asset = only(connector)
    assert types(asset)["preco"] == "float"
    assert [r[1] for r in rows(connector, asset, "produto")] == [1.5, 10.25, 3.5]


def test_gzip_csv(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "events.csv.gz"
    path.write_bytes(gzip.compress(b"user,zip\nu1,01310\nu2,20000\n"))
    connector = opened(path)
    asset = only(connector)
    assert (asset.name, asset.format, asset.read_options["compression"]) == ("events", "csv", "gzip")
    assert rows(connector, asset, "user") == [("u1", "01310"), ("u2", "20000")]


def test_gzip_gbk_csv_is_transcoded(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "cn.tsv.gz"
    text = "\n".join("\t".join(r) for r in CHINESE_ROWS * 3) + "\n"
    path.write_bytes(gzip.compress(text.encode("gbk")))
    connector = opened(path)
    asset = only(connector)
    assert asset.format == "tsv" and asset.read_options["transcoded"] is True
    assert ("1001", "张三", "北京") in [tuple(map(str, r)) for r in rows(connector, asset)]


def test_invalid_utf8_after_the_sample_is_replaced_and_said(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "mixed.csv"
    body = "".join(f"{i},row {i}\n" for i in range(40_000)).encode()  # > the 256 KiB sample
    path.write_bytes(b"id,label\n" + body + b"40000,caf\xe9\n")
    connector = opened(path)
    asset = only(connector)
    assert asset.row_count == 40_001
    assert any("replaced by U+FFFD" in n for n in asset.notes)
    assert rows(connector, asset, "id")[-1] == (40000, "caf\ufffd")


# -- Parquet, JSON, Excel ---------------------------------------------------------------------
def test_parquet_row_count_from_metadata(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "payments.parquet"
    table = pa.table(
        {"order_id": ["a", "b", "c"], "value": [1.5, 2.0, None], "day": [date(2024, 1, d) for d in (1, 2, 3)]}
    )
    pq.write_table(table, path, row_group_size=2)
    connector = opened(path)
    asset = only(connector)
    assert (asset.format, asset.row_count, asset.read_options["row_groups"]) == ("parquet", 3, 2)
    assert types(asset) == {"order_id": "string", "value": "float", "day": "date"}
    assert len(rows(connector, asset)) == 3


def test_json_array_and_jsonl(tmp_path: Path, opened: Any) -> None:
    records = [{"id": 1, "tags": ["a", "b"], "price": {"amount": 9.5}}, {"id": 2, "tags": [], "price": None}]
    (tmp_path / "items.json").write_text(json.dumps(records, indent=2))
    (tmp_path / "events.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (tmp_path / "lines.json").write_text("\n".join(json.dumps(r) for r in records))
    connector = opened(tmp_path)
    by_name = {a.name: a for a in connector.discover()}
    assert by_name["items"].read_options["json_format"] == "array"
    assert by_name["events"].read_options["json_format"] == "newline_delimited"
    assert by_name["lines"].read_options["json_format"] == "newline_delimited"
    assert (by_name["items"].format, by_name["events"].format) == ("json", "jsonl")
    for asset in by_name.values():
        assert asset.row_count == 2
        assert types(asset) == {"id": "integer", "tags": "other", "price": "other"}
    assert sorted(r[0] for r in rows(connector, by_name["events"])) == [1, 2]


def test_json_types_beyond_the_sample(tmp_path: Path, opened: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(files, "JSON_SNIFF_RECORDS", 10)
    lines = [json.dumps({"n": i}) for i in range(50)] + [json.dumps({"n": "many"})]
    (tmp_path / "n.jsonl").write_text("\n".join(lines))
    asset = only(opened(tmp_path / "n.jsonl"))
    assert asset.row_count == 51
    assert any("types inferred from every record" in n for n in asset.notes)


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, sheet_rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_two_sheets(tmp_path: Path, opened: Any) -> None:
    path = _workbook(
        tmp_path / "book.xlsx",
        {
            "Orders": [
                ["order_id", "amount", "placed"],
                ["A1", 10, datetime(2024, 1, 2)],
                ["A2", 2.5, datetime(2024, 1, 3)],
            ],
            "Stores": [
                [None, None],
                ["store", "zip"],
                [],
                ["Lyon", "01310"],
                [None, None],
                ["Nice", "06000"],
            ],
            "Empty": [],
        },
    )
    connector = opened(path)
    by_name = {a.name: a for a in connector.discover()}
    assert set(by_name) == {"book.Orders", "book.Stores"}
    orders, stores = by_name["book.Orders"], by_name["book.Stores"]
    assert (orders.format, orders.row_count, orders.read_options["sheet"]) == ("excel", 2, "Orders")
    assert types(orders) == {"order_id": "string", "amount": "float", "placed": "date"}
    assert rows(connector, orders, "order_id")[0] == ("A1", 10.0, date(2024, 1, 2))
    assert stores.read_options["header_row"] == 2
    assert rows(connector, stores, "store") == [("Lyon", "01310"), ("Nice", "06000")]
    assert "2 blank rows between data rows skipped" in stores.notes


def test_xlsx_single_sheet_blank_and_merged_headers(tmp_path: Path, opened: Any) -> None:
    path = tmp_path / "report.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["region", None, "region", "n"], ["north", "x", "y", 1], ["south", "z", 5, "two"]):
        sheet.append(row)
    sheet.merge_cells("A4:D4")
    sheet["A4"] = "total"
    workbook.save(path)
    connector = opened(path)
    asset = only(connector)
    assert asset.name == "report"
    assert [c.name for c in asset.columns] == ["region", "column_2", "region_2", "n"]
    assert asset.row_count == 3
    assert types(asset)["n"] == "string"  # 1 and "two": mixed, so text
    assert any("column_<position>" in n for n in asset.notes)
    assert any(n.startswith("column region_2 holds") for n in asset.notes)


# -- folders, globs and errors ----------------------------------------------------------------
def test_folder_with_every_format(tmp_path: Path, opened: Any) -> None:
    root = tmp_path / "estate"
    write_csv(root / "orders.csv", [["id", "zip"], ["1", "01310"]])
    write_csv(root / "events" / "2024-01.tsv", [["a", "b"], ["1", "2"]], "\t")
    pq.write_table(pa.table({"x": [1, 2]}), root / "facts.parquet")
    (root / "items.json").write_text('[{"a": 1}]')
    (root / "log.ndjson").write_text('{"a": 1}\n{"a": 2}\n')
    _workbook(root / "book.xlsx", {"S": [["k"], ["v"]]})
    (root / "notes.md").write_text("# not data")
    (root / "README.txt").write_text("Just prose, no table here.\nSecond line.\n")
    (root / ".hidden.csv").write_text("a\n1\n")
    (root / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    connector = opened(root)
    assets = connector.discover()
    assert connector.source.name == "estate"
    assert [a.name for a in assets] == ["book", "events/2024-01", "facts", "items", "log", "orders"]
    assert assets[0].id == "estate/book"
    assert len(connector.errors) == 1 and "broken.parquet" in connector.errors[0]
    assert "\n" not in connector.errors[0]
    engine = connector.engine()
    assert set(engine.relations) == {a.id for a in assets}
    for asset in assets:
        assert engine.execute(f"SELECT count(*) FROM {engine.relation(asset)}")[1] == [(asset.row_count,)]


def test_glob_and_name_collisions(tmp_path: Path, opened: Any) -> None:
    write_csv(tmp_path / "data" / "orders.csv", [["a"], ["1"]])
    pq.write_table(pa.table({"a": [1]}), tmp_path / "data" / "orders.parquet")
    write_csv(tmp_path / "data" / "sub" / "x.csv", [["a"], ["1"]])
    write_csv(tmp_path / "data" / "skip.tsv", [["a"], ["1"]])
    connector = opened(f"{tmp_path}/data/**/*.csv", name="mine")
    assert connector.source.name == "mine"
    assert [a.id for a in connector.discover()] == ["mine/orders", "mine/sub/x"]
    both = opened(tmp_path / "data")
    assert [a.name for a in both.discover()] == ["orders.csv", "orders.parquet", "skip", "sub/x"]


def test_awkward_path_names(tmp_path: Path, opened: Any) -> None:
    folder = tmp_path / "it's [a] folder ünï"
    path = write_csv(folder / "o'rders *1*.csv", [["it's", 'say "hi"'], ["1", "2"]])
    connector = opened(folder)
    asset = only(connector)
    assert asset.name == "o'rders *1*"
    assert asset.location == str(path)
    assert [c.name for c in asset.columns] == ["it's", 'say "hi"']
    assert rows(connector, asset) == [(1, 2)]


def test_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match=r"^no such file or directory: .*nope$"):
        FilesConnector(str(tmp_path / "nope"))
    with pytest.raises(SourceNotFoundError, match="no files match"):
        FilesConnector(str(tmp_path / "*.csv"))
    (tmp_path / "readme.md").write_text("x")
    with pytest.raises(SourceNotFoundError, match=r"no supported files .*\.parquet"):
        FilesConnector(str(tmp_path))


def test_unknown_format_names_supported_extensions(tmp_path: Path) -> None:
    path = tmp_path / "data.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(
        UnsupportedFormatError, match=r"unsupported file format: .*data\.xls \(supported: .*\.csv"
    ):
        FilesConnector(str(path))
    with pytest.raises(UnsupportedFormatError):
        FilesConnector(str(tmp_path / "*.xls"))


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("broken.parquet", b"not parquet"),
        ("empty.csv", b""),
        ("bad.xlsx", b"PK not a zip"),
        ("bad.json", b"[{]"),
    ],
)
def test_single_unreadable_file_raises(tmp_path: Path, filename: str, content: bytes) -> None:
    path = tmp_path / filename
    path.write_bytes(content)
    connector = FilesConnector(str(path))
    with pytest.raises(UnreadableSourceError, match=rf"^cannot read .*{filename}: ") as info:
        connector.discover()
    assert "\n" not in str(info.value)
    connector.close()


def test_permission_denied(tmp_path: Path, opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = write_csv(tmp_path / "locked.csv", [["a"], ["1"]])
    write_csv(tmp_path / "open.csv", [["a"], ["1"]])
    secret = write_csv(tmp_path / "secret" / "x.csv", [["a"], ["1"]]).parent
    locked.chmod(0)
    secret.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the refusals explicit
        real_open, real_scandir = Path.open, os.scandir

        def refusing_open(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        def refusing_scandir(path: Any = ".") -> Any:
            if Path(path) == secret:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(Path, "open", refusing_open)
        monkeypatch.setattr(os, "scandir", refusing_scandir)
    try:
        with pytest.raises(UnreadableSourceError, match=r"^permission denied: "):
            FilesConnector(str(locked))
        connector = opened(tmp_path)
        assert [a.name for a in connector.discover()] == ["open"]
        assert sorted(connector.errors) == [f"{locked}: permission denied", f"{secret}: permission denied"]
    finally:
        locked.chmod(0o644)
        secret.chmod(0o755)


def test_open_source_dispatches_and_engine_is_lazy(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", [["x"], ["1"]])
    with open_source(str(tmp_path)) as connector:
        assert isinstance(connector, FilesConnector)
        engine = connector.engine()  # discovers on first use
        assert engine.execute(f"SELECT x FROM {engine.relations[f'{tmp_path.name}/a']}")[1] == [(1,)]


# -- DuckDB type names ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("engine_type", "logical"),
    [
        ("BIGINT", "integer"), ("UTINYINT", "integer"), ("HUGEINT", "integer"), ("DOUBLE", "float"),
        ("FLOAT", "float"), ("DECIMAL(10,2)", "decimal"), ("VARCHAR", "string"), ("UUID", "string"),
        ("ENUM('a', 'b')", "string"), ("BOOLEAN", "boolean"), ("DATE", "date"), ("TIMESTAMP", "timestamp"),
        ("TIMESTAMP WITH TIME ZONE", "timestamp"), ("TIMESTAMP_NS", "timestamp"), ("TIME", "time"),
        ("TIME WITH TIME ZONE", "time"), ("BLOB", "binary"), ("VARCHAR[]", "other"), ("INTEGER[3]", "other"),
        ("STRUCT(a INTEGER)", "other"), ("MAP(VARCHAR, INTEGER)", "other"), ("INTERVAL", "other"),
        ("JSON", "other"), ('"NULL"', "other"), ("double precision", "float"), ("", "other"),
    ],
)  # fmt: skip
def test_logical_type(engine_type: str, logical: str) -> None:
    assert logical_type(engine_type) == logical


# -- property: what is written is what is read -----------------------------------------------
_VALUE = st.text(alphabet='abcxyzé汉 ,;|\t"\n', min_size=1, max_size=10).map(lambda s: "v" + s)


@given(
    st.sampled_from([",", ";", "\t", "|"]),
    st.integers(2, 4).flatmap(
        lambda w: st.lists(st.lists(_VALUE, min_size=w, max_size=w), min_size=1, max_size=6)
    ),
)
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_property_round_trip(tmp_path: Path, delimiter: str, body: list[list[str]]) -> None:
    header = [f"c{i}" for i in range(len(body[0]))]
    path = write_csv(tmp_path / "prop.csv", [header, *body], delimiter)
    with FilesConnector(str(path)) as connector:
        asset = only(connector)
        assert [c.name for c in asset.columns] == header
        assert rows(connector, asset) == [tuple(r) for r in body]


# -- the shared Olist data ---------------------------------------------------------------------
def _shared(folder: Path) -> Path:
    if not folder.is_dir():
        pytest.skip(f"../shared/data not present: {folder} is missing")
    return folder


def test_olist_sample(opened: Any) -> None:
    connector = opened(_shared(OLIST / "sample"))
    assets = {a.name.removeprefix("olist_").removesuffix("_dataset"): a for a in connector.discover()}
    expected = {
        "orders": 8135, "order_items": 8365, "order_payments": 8924, "order_reviews": 8225, "customers": 8135,
        "products": 5460, "sellers": 1610, "geolocation": 45928, "product_category_name_translation": 71,
    }  # fmt: skip
    assert {name: a.row_count for name, a in assets.items()} == expected
    assert connector.errors == []
    customers = assets["customers"]
    assert customers.column("customer_zip_code_prefix").logical_type == "string"
    engine = connector.engine()
    zero_led = f"SELECT count(*) FROM {engine.relation(customers)} WHERE customer_zip_code_prefix LIKE '0%'"
    assert engine.execute(zero_led)[1][0][0] > 0
    reviews = assets["order_reviews"]
    assert types(reviews)["review_creation_date"] == "timestamp"
    multiline = f"SELECT count(*) FROM {engine.relation(reviews)} WHERE review_comment_message LIKE '%' || chr(10) || '%'"
    assert engine.execute(multiline)[1][0][0] > 0


def test_olist_official_full(opened: Any) -> None:
    connector = opened(_shared(OLIST / "official-full"))
    assets = {a.name: a for a in connector.discover()}
    assert assets["olist_products_dataset"].row_count == 32951
    assert assets["olist_sellers_dataset"].row_count == 3095
    translation = assets["product_category_name_translation"]
    assert translation.row_count == 71
    assert translation.read_options["bom"] is True and translation.read_options["newline"] == "\r\n"
    assert [c.name for c in translation.columns] == ["product_category_name", "product_category_name_english"]
    engine = connector.engine()
    assert engine.execute(
        f"SELECT count(*) FROM {engine.relation(translation)} WHERE product_category_name_english LIKE '%' || chr(13)"
    )[1] == [(0,)]
    products = assets["olist_products_dataset"]
    assert products.column("product_id").logical_type == "string"
    assert products.column("product_weight_g").logical_type == "integer"
