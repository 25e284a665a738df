"""Write the estate to disk: Parquet in lake/, SQLite in shop.sqlite, CSV in feeds/.

Every file is written to a temporary name and renamed, and nothing time-dependent goes in,
so the same tables give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from stocktake.atomic import write_text_atomic
from stocktake.demo.table import Table, fmt_ts

LAKE_DIR, SHOP_FILE, FEEDS_DIR, TRUTH_FILE = "lake", "shop.sqlite", "feeds", "truth.json"
# Primary keys the shop database declares; orders has none (it is a replica that accepts re-sent rows).
SQLITE_PRIMARY_KEYS = {
    "users": ("user_id",),
    "products": ("item_id",),
    "order_items": ("order_id", "line_no"),
    "payments": ("payment_id",),
}
_SQL_TYPES = {"int": "INTEGER", "float": "REAL", "str": "TEXT", "ts": "TIMESTAMP"}
_ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}


@dataclass(frozen=True)
class EstateLayout:
    root: Path
    lake: Path
    shop: Path
    feeds: Path
    truth_path: Path

    @property
    def sources(self) -> list[str]:
        """The three source specs to scan, as path strings."""
        return [str(self.lake), str(self.shop), str(self.feeds)]

    @classmethod
    def under(cls, root: Path) -> EstateLayout:
        return cls(root, root / LAKE_DIR, root / SHOP_FILE, root / FEEDS_DIR, root / TRUTH_FILE)


FILE_MODE = 0o644  # mkstemp makes files private; estate files are meant to be shared and scanned


def _temp_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, FILE_MODE)
    return Path(tmp)


def write_parquet(table: Table, path: Path) -> None:
    arrays, fields = [], []
    for name, values in table.columns.items():
        kind = table.kinds[name]
        if kind == "ts":
            millis = [None if v is None else v * 1000 for v in values]
            array = pa.array(millis, type=pa.int64()).cast(pa.timestamp("ms"))
        else:
            array = pa.array(values, type=_ARROW_TYPES[kind])
        arrays.append(array)
        fields.append(pa.field(name, array.type))
    tmp = _temp_beside(path)
    try:
        pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _out(table: Table, name: str, values: list) -> list:
    if table.kinds[name] == "ts":
        return [None if v is None else fmt_ts(v) for v in values]
    return values


def write_sqlite(tables: list[Table], path: Path) -> None:
    tmp = _temp_beside(path)
    try:
        con = sqlite3.connect(tmp)
        try:
            with con:
                for table in tables:
                    cols = ", ".join(f'"{c}" {_SQL_TYPES[table.kinds[c]]}' for c in table.columns)
                    pk = SQLITE_PRIMARY_KEYS.get(table.name)
                    if pk:
                        cols += ", PRIMARY KEY (" + ", ".join(f'"{c}"' for c in pk) + ")"
                    con.execute(f'CREATE TABLE "{table.name}" ({cols})')
                    marks = ", ".join("?" for _ in table.columns)
                    columns = [_out(table, c, v) for c, v in table.columns.items()]
                    con.executemany(
                        f'INSERT INTO "{table.name}" VALUES ({marks})', zip(*columns, strict=True)
                    )
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_csv(table: Table, path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(table.columns))
    columns = []
    for name, values in table.columns.items():
        if table.kinds[name] == "float":
            columns.append(["" if v is None else f"{v:.2f}" for v in values])
        else:
            columns.append(["" if v is None else v for v in _out(table, name, values)])
    writer.writerows(zip(*columns, strict=True))
    write_text_atomic(path, buffer.getvalue())
    os.chmod(path, FILE_MODE)
