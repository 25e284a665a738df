"""Files as Spark relations: Spark reads CSV, JSON and Parquet itself, with the types the
files connector found, so every engine profiles the same values.

Text formats are read as strings and cast to the discovered types (DuckDB already proved every
value converts); Parquet carries its own types. What Spark has no reader for (Excel, CSV with a
preamble or decimal commas, JSON arrays of scalars) is read by DuckDB and handed over as Arrow,
and the asset says so in a note.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from stocktake.core.records import TEMPORAL_TYPES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from stocktake.core.records import Asset
    from stocktake.engines.base import Engine
    from stocktake.engines.spark.engine import SparkEngine

# Files below this size are read whole, so quoted fields may hold newlines; bigger ones are split
# across tasks by line (Spark cannot split a file whose records may span lines).
MULTILINE_MAX_BYTES = 64 * 1024 * 1024
HANDED_OVER_NOTE = "read by DuckDB and handed to Spark as Arrow (Spark has no reader for this layout)"

_SIMPLE_TYPES = {
    "TINYINT": "TINYINT",
    "SMALLINT": "SMALLINT",
    "INTEGER": "INT",
    "BIGINT": "BIGINT",
    "HUGEINT": "DECIMAL(38,0)",
    "UTINYINT": "SMALLINT",
    "USMALLINT": "INT",
    "UINTEGER": "BIGINT",
    "UBIGINT": "DECIMAL(20,0)",
    "FLOAT": "FLOAT",
    "DOUBLE": "DOUBLE",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP_NTZ",
    "TIMESTAMP_S": "TIMESTAMP_NTZ",
    "TIMESTAMP_MS": "TIMESTAMP_NTZ",
    "TIMESTAMP_NS": "TIMESTAMP_NTZ",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
    "VARCHAR": "STRING",
    "UUID": "STRING",
    "BLOB": "BINARY",
}
# DuckDB strftime codes -> Java DateTimeFormatter letters, for pinned date/timestamp formats.
_STRFTIME = {
    "%Y": "yyyy",
    "%y": "yy",
    "%m": "MM",
    "%d": "dd",
    "%H": "HH",
    "%I": "hh",
    "%M": "mm",
    "%S": "ss",
    "%f": "SSSSSS",
    "%p": "a",
    "%b": "MMM",
    "%B": "MMMM",
    "%z": "XX",
    "%%": "%",
}


def spark_type(duckdb_type: str) -> str | None:
    """The Spark SQL type holding a DuckDB type's values, or None (kept as text)."""
    text = duckdb_type.strip().upper()
    if match := re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", text):
        return f"DECIMAL({match.group(1)},{match.group(2)})"
    return _SIMPLE_TYPES.get(text)


def java_pattern(strftime: str) -> str:
    """A DuckDB/strftime format as a Java pattern: literal text quoted, codes translated."""
    out, literal = [], []
    for token in re.findall(r"%.|[^%]", strftime):
        if token.startswith("%"):
            if literal:
                out.append("'" + "".join(literal).replace("'", "''") + "'")
                literal = []
            out.append(_STRFTIME.get(token, token))
        else:
            literal.append(token)
    if literal:
        out.append("'" + "".join(literal).replace("'", "''") + "'")
    return "".join(out)


def register_file_assets(engine: SparkEngine, assets: list[Asset], fallback: Engine) -> None:
    """A temporary view per asset; `fallback` (the files connector's DuckDB) reads the rest."""
    for asset in assets:
        times = [c.name for c in asset.columns if c.logical_type == "time"]
        if times:  # profiling it would fail on every query: say why, once, for this asset
            engine.unreadable[asset.id] = (
                f"Spark {engine.session.version} has no TIME type, so it cannot read column {times[0]!r}"
                " (profile this source with --engine duckdb)"
            )
            continue
        frame = _native_frame(engine, asset)
        if frame is None:
            frame = _through_arrow(engine, asset, fallback)
            asset.notes.append(HANDED_OVER_NOTE)
        engine.register_view(asset, frame)


def _native_frame(engine: SparkEngine, asset: Asset) -> DataFrame | None:
    options = asset.read_options
    path = asset.location
    reader = engine.session.read
    if asset.format == "parquet":
        return reader.parquet(path)
    if asset.format in {"csv", "tsv"}:
        if options.get("transcoded") or options.get("skip") or options.get("decimal_separator") == ",":
            return None
        # An unclosed quote made DuckDB read without quoting (quote ""): Spark's empty quote
        # turns quoting off the same way, where its default would swallow the rest of the file.
        quote = '"' if options.get("quote") is None else str(options["quote"])
        escape = options.get("escape") or quote or "\\"
        reader = reader.options(
            sep=options.get("delimiter") or ",",
            quote=quote,
            escape=escape,
            header=bool(options.get("header")),
            encoding=_java_charset(str(options.get("encoding") or "utf-8"), bool(options.get("bom"))),
            multiLine=(asset.byte_size or 0) <= MULTILINE_MAX_BYTES,
            mode="PERMISSIVE",
            ignoreLeadingWhiteSpace=False,
            ignoreTrailingWhiteSpace=False,
        )
        if options.get("comment"):
            reader = reader.option("comment", str(options["comment"]))
        raw = reader.csv(path, schema=_all_strings(asset))
        return _typed(raw, asset, parse_formats=not options.get("all_varchar"))
    if asset.format in {"json", "jsonl"}:
        if not options.get("records"):
            return None
        multi = options.get("json_format") != "newline_delimited"
        raw = reader.options(multiLine=multi, mode="PERMISSIVE").json(path, schema=_all_strings(asset))
        return _typed(raw, asset, parse_formats=True)
    return None


def _all_strings(asset: Asset) -> str:
    return ", ".join(f"`{c.name.replace('`', '``')}` STRING" for c in asset.columns)


def _typed(raw: DataFrame, asset: Asset, parse_formats: bool) -> DataFrame:
    """Cast each text column to its discovered type, with the pinned date formats."""
    from pyspark.sql import functions as F

    options = asset.read_options
    # Missing-value tokens (`NA`) DuckDB read as NULL file-wide (connectors/files.py): NULL
    # here too, before any cast, which Spark's ANSI mode would fail on them.
    tokens = [t for t in str(options.get("missing_tokens") or "").split(",") if t]
    columns = []
    for col in asset.columns:
        value = F.col("`" + col.name.replace("`", "``") + "`")
        if tokens:
            value = F.when(value.isin(tokens), F.lit(None)).otherwise(value)
        target = spark_type(col.engine_type) if parse_formats else None
        fmt = options.get("dateformat" if col.logical_type == "date" else "timestampformat")
        if target is None or target in {"STRING", "BINARY"}:
            columns.append(value.alias(col.name))
        elif fmt and col.logical_type in TEMPORAL_TYPES and target == "DATE":
            columns.append(F.to_date(value, java_pattern(str(fmt))).alias(col.name))
        elif fmt and col.logical_type in TEMPORAL_TYPES and target == "TIMESTAMP_NTZ":
            columns.append(F.to_timestamp_ntz(value, F.lit(java_pattern(str(fmt)))).alias(col.name))
        else:
            columns.append(value.cast(target).alias(col.name))
    return raw.select(*columns)


def _java_charset(encoding: str, bom: bool = False) -> str:
    """Java's name for a Python codec name (`utf-16-le` is `UTF-16LE`). With a byte-order mark,
    plain UTF-16/32 lets Java read the mark and skip it, as Python's decoder does."""
    name = encoding.lower().replace("_", "-")
    if name.startswith(("utf-16", "utf-32")):
        width = name[:6]
        return width.upper() if bom else width.upper() + name[6:].replace("-", "").upper()
    return {"utf-8-sig": "UTF-8", "gbk": "GBK", "gb18030": "GB18030"}.get(name, encoding)


def _through_arrow(engine: SparkEngine, asset: Asset, fallback: Engine) -> DataFrame:
    import duckdb

    from stocktake.engines.duckdb import DuckDBEngine

    assert isinstance(fallback, DuckDBEngine)
    conn: duckdb.DuckDBPyConnection = fallback.conn
    table = conn.sql(f"SELECT * FROM {fallback.relation(asset)}").to_arrow_table()
    return engine.session.createDataFrame(table)
