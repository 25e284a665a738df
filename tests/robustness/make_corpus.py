"""The bad-input corpus (issue 10): small hand-made files live in tests/data/bad/, big ones are
generated at test time so the repository stays small.

`python tests/robustness/make_corpus.py` rewrites tests/data/bad/ from this file; the files are
committed so a reader can open them, and this script says exactly how each was made.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

BAD_DIR = Path(__file__).resolve().parents[1] / "data" / "bad"

ORDERS_HEADER = "order_id,city,amount\n"
ORDERS_ROWS = [f"{i},{city},{10 + i}.50\n" for i, city in enumerate(["Berlin", "Lyon", "Porto", "Oslo"] * 5)]
CHINESE_ROWS = "商品编号,名称,价格\n1001,苹果手机,5999\n1002,华为平板,3299\n1003,小米手环,199\n"


def _text_files() -> dict[str, bytes]:
    body = "".join(ORDERS_ROWS)
    return {
        # Rows with too few and too many fields among good ones.
        "ragged_rows.csv": (ORDERS_HEADER + body + "99,Rome\n100,Nice,1.0,extra,fields\n" + body).encode(),
        # A quote opened in the middle of the file and never closed.
        "unclosed_quote.csv": (ORDERS_HEADER + body + '77,"Madrid,3.00\n' + body).encode(),
        # NUL bytes inside values (what a truncated C string or a binary paste leaves behind).
        "nul_bytes.csv": (ORDERS_HEADER + "1,Ber\x00lin,1.50\n2,\x00\x00,2.50\n" + body).encode(),
        # \n, \r\n and bare \r line endings in one file.
        "mixed_line_endings.csv": (
            "order_id,city,amount\r\n1,Berlin,1.50\n2,Lyon,2.50\r\n3,Porto,3.50\r4,Oslo,4.50\n" + body
        ).encode(),
        "gbk.csv": CHINESE_ROWS.encode("gbk"),
        # 𠀀 and 𡃁 exist in GB18030 only (four-byte sequences), not in GBK.
        "gb18030.csv": (CHINESE_ROWS + "1004,\U00020000\U000210c1手机壳,29\n").encode("gb18030"),
        "utf16_bom.csv": CHINESE_ROWS.encode("utf-16"),  # with its byte-order mark
        "utf8_bom.csv": b"\xef\xbb\xbf" + (ORDERS_HEADER + body).encode(),
        "empty.csv": b"",
        "header_only.csv": ORDERS_HEADER.encode(),
        # One column holding integers, decimals, dates and words.
        "mixed_types.csv": (
            "id,value\n" + "".join(f"{i},{v}\n" for i, v in enumerate(["1", "2.5", "2024-01-03", "abc"] * 30))
        ).encode(),
        # YAML contracts: tabs and bad indentation, unknown keys, values of the wrong type.
        "contract_bad_indent.yml": b"datasets:\n  orders:\n    owner: sales\n   checks:\n  - not_null: x\n",
        "contract_unknown_keys.yml": b"datasets:\n  orders:\n    owner: sales\n    colour: blue\n",
        "contract_wrong_types.yml": b"datasets:\n  orders:\n    required_columns: 42\n    checks: yes\n",
    }


def _deep_json(depth: int = 400) -> bytes:
    """One record whose `payload` is nested `depth` objects deep."""
    inner: object = {"leaf": 1}
    for level in range(depth):
        inner = {f"l{level}": inner}
    return (json.dumps({"id": 1, "payload": inner}) + "\n").encode()


def _corrupt_parquet() -> bytes:
    """A real Parquet file with its middle overwritten: the footer says PAR1, the pages are garbage."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": list(range(2000)), "name": [f"n{i}" for i in range(2000)]}), buffer)
    data = bytearray(buffer.getvalue())
    middle = len(data) // 2
    data[middle - 200 : middle + 200] = b"\xde\xad\xbe\xef" * 100
    return bytes(data)


def _truncated_parquet() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": list(range(100))}), buffer)
    return buffer.getvalue()[:-40]  # the footer is cut off


def _empty_parquet() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": pa.array([], pa.int64()), "name": pa.array([], pa.string())}), buffer)
    return buffer.getvalue()


def _merged_cells_xlsx() -> bytes:
    """A report-style sheet: a merged title row over the header, and merged region cells."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "sales"
    sheet.append(["Quarterly sales", None, None])
    sheet.merge_cells("A1:C1")
    sheet.append(["region", "city", "revenue"])
    rows = [("North", "Oslo", 120), (None, "Bergen", 80), ("South", "Porto", 95), (None, "Lisbon", 130)]
    for row in rows:
        sheet.append(list(row))
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("A5:A6")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def small_corpus() -> dict[str, bytes]:
    """Every committed corpus file: name -> bytes."""
    return {
        **_text_files(),
        "deep_nesting.json": _deep_json(),
        "corrupt.parquet": _corrupt_parquet(),
        "truncated.parquet": _truncated_parquet(),
        "empty_table.parquet": _empty_parquet(),
        "merged_cells.xlsx": _merged_cells_xlsx(),
    }


def write_huge_cell(path: Path, megabytes: int = 50) -> Path:
    """A two-row CSV whose second row holds one cell of `megabytes` MB (written in chunks)."""
    chunk = "abcdefghij" * 10_000  # 100 kB
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,note,amount\n1,short,1.5\n2,")
        for _ in range(megabytes * 10):
            fh.write(chunk)
        fh.write(",2.5\n3,short,3.5\n")
    return path


def main() -> None:
    BAD_DIR.mkdir(parents=True, exist_ok=True)
    for name, data in small_corpus().items():
        if name.endswith(".xlsx") and (BAD_DIR / name).exists():
            continue  # xlsx zips carry timestamps: keep the committed file stable
        (BAD_DIR / name).write_bytes(data)
    print(f"wrote {len(small_corpus())} files to {BAD_DIR}", file=sys.stderr)


if __name__ == "__main__":
    main()
