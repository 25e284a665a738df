"""Files as a source: a folder, a glob or one file of CSV/TSV, Parquet, JSON(L) or Excel.

Every file becomes a DuckDB view (an Excel sheet: a registered Arrow table) in one in-memory
connection, so profiling runs in DuckDB over the files where they lie. Read options are
detected once, written into the view explicitly and reported on the Asset: a person can see
each guess, and DuckDB does not re-sniff a file on every query.
"""

from __future__ import annotations

import glob
import gzip
import itertools
import json
import os
import shutil
import tempfile
import weakref
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from xml.etree.ElementTree import ParseError

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from stocktake.connectors import csv_sniff, newlines
from stocktake.connectors.base import Connector
from stocktake.connectors.excel_sheets import read_workbook
from stocktake.core.errors import (
    SourceNotFoundError,
    StocktakeError,
    UnreadableSourceError,
    UnsupportedFormatError,
)
from stocktake.core.records import NUMERIC_TYPES, Asset, ColumnSchema, Scalar, Source
from stocktake.engines.duckdb import DuckDBEngine
from stocktake.engines.duckdb_types import logical_type
from stocktake.engines.profiling import quote_duckdb, sql_literal

if TYPE_CHECKING:
    from typing import BinaryIO

# Longest first, so "x.csv.gz" matches before anything shorter.
FORMATS_BY_EXTENSION: dict[str, str] = {
    **dict.fromkeys((".csv.gz", ".tsv.gz", ".txt.gz", ".csv", ".tsv", ".txt"), "csv"),
    **dict.fromkeys((".parquet", ".pq"), "parquet"),
    **dict.fromkeys((".jsonl", ".ndjson"), "jsonl"),
    ".json": "json",
    **dict.fromkeys((".xlsx", ".xlsm"), "excel"),
}
SUPPORTED_EXTENSIONS = ", ".join(FORMATS_BY_EXTENSION)
CSV_SNIFF_ROWS = 100_000  # rows DuckDB samples to infer CSV column types
# Written for a missing number by R (NA), spreadsheets (#N/A), SQL exports (NULL) and pandas
# (None). A column of numbers and these reads as numbers with NULLs, as pandas would read it.
MISSING_NUMBER_TOKENS = ("NA", "N/A", "n/a", "#N/A", "NULL", "null", "None")
_MISSING_NUMBER_TOKENS_SQL = ", ".join(sql_literal(t) for t in MISSING_NUMBER_TOKENS)
JSON_SNIFF_RECORDS = 20_000
MAX_LINE_BYTES = 256 * 1024 * 1024  # the longest CSV line read (DuckDB's default is 2 MB)
_LEADING_ZERO = "'^ *[+-]?0[0-9]'"
# A file failing with one of these is skipped (and reported) rather than ending discovery.
_FILE_ERRORS = (StocktakeError, duckdb.Error, OSError, ValueError, EOFError, zipfile.BadZipFile, ParseError)


def split_extension(filename: str) -> tuple[str, str] | None:
    """('orders', '.csv.gz') for 'orders.csv.gz'; None when the format is not supported."""
    lower = filename.lower()
    for extension in FORMATS_BY_EXTENSION:
        if lower.endswith(extension) and len(filename) > len(extension):
            return filename[: -len(extension)], extension
    return None


def _sql_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_sql_value(v) for v in value) + "]"
    return sql_literal(str(value))


def table_function(function: str, path: Path, options: dict[str, object]) -> str:
    """`read_csv('/p.csv', delim=';', ...)` with every value escaped."""
    args = [sql_literal(str(path)), *(f"{key}={_sql_value(value)}" for key, value in options.items())]
    return f"{function}({', '.join(args)})"


_BOILERPLATE = ("Original Line", "*", "Possible", "LINE ", "The search space", "file =", "^")


def one_line(exc: BaseException, limit: int = 300) -> str:
    """The error's first line, plus the line that explains it when DuckDB puts that second."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    detail = next((line for line in lines[1:] if not line.startswith(_BOILERPLATE)), None)
    text = f"{lines[0]} {detail}" if detail and isinstance(exc, duckdb.Error) else lines[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Resolved(NamedTuple):
    files: list[tuple[Path, str]]  # (file, asset name)
    default_name: str
    single: bool  # spec names one file: its failure is the source's failure
    errors: list[str]  # folders the walk could not enter


def _resolve(spec: str) -> _Resolved:
    path = Path(os.path.abspath(os.path.expanduser(spec)))  # absolute, '..' folded, links kept
    try:
        is_dir, is_file = path.is_dir(), path.is_file()
        if is_dir:
            os.listdir(path)  # fail now rather than halfway through a walk
        elif is_file:
            path.open("rb").close()
    except PermissionError as exc:
        raise UnreadableSourceError(f"permission denied: {spec}") from exc
    if is_file:
        parts = split_extension(path.name)
        if parts is None:
            raise UnsupportedFormatError(
                f"unsupported file format: {spec} (supported: {SUPPORTED_EXTENSIONS})"
            )
        return _Resolved([(path, parts[0])], parts[0], True, [])
    errors: list[str] = []
    if is_dir:
        root, found = path, []
        for folder, subfolders, filenames in os.walk(path, onerror=lambda e: errors.append(_walk_error(e))):
            subfolders[:] = [d for d in subfolders if not d.startswith(".")]
            found.extend(Path(folder) / f for f in filenames)
    elif glob.has_magic(spec):
        found = [p for p in map(Path, glob.glob(str(path), recursive=True)) if p.is_file()]
        if not found:
            raise SourceNotFoundError(f"no files match {spec}")
        # Names are relative to the folders before the first wildcard.
        root = Path(*itertools.takewhile(lambda part: not glob.has_magic(part), path.parts[:-1]))
    else:
        raise SourceNotFoundError(f"no such file or directory: {spec}")
    files = _named(root, sorted(found))
    if not files:
        error = SourceNotFoundError if is_dir else UnsupportedFormatError
        raise error(f"no supported files in {spec} (supported: {SUPPORTED_EXTENSIONS})")
    return _Resolved(files, root.resolve().name or "files", False, errors)


def _walk_error(exc: OSError) -> str:
    return f"{exc.filename}: {'permission denied' if isinstance(exc, PermissionError) else exc.strerror}"


def _named(root: Path, paths: list[Path]) -> list[tuple[Path, str]]:
    """Asset names: the path under root without extension; with it where two files collide."""
    kept = []
    for path in paths:
        relative = path.relative_to(root)
        parts = split_extension(path.name)
        if parts is None or any(p.startswith((".", "~$")) for p in relative.parts):
            continue  # unsupported, hidden, or an Office lock file
        kept.append((path, (relative.parent / parts[0]).as_posix(), relative.as_posix()))
    stems = [stem for _, stem, _ in kept]
    return [(path, stem if stems.count(stem) == 1 else full) for path, stem, full in kept]


def _open(path: Path, compressed: bool) -> BinaryIO:
    return gzip.open(path, "rb") if compressed else path.open("rb")  # type: ignore[return-value]


def _first_line_is_json(path: Path) -> bool:
    """A '.json' file whose first line is a whole JSON value is newline-delimited."""
    with path.open("rb") as fh:
        line = fh.readline(1 << 20)
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


class FilesConnector(Connector):
    """A folder (walked recursively), a glob pattern or a single file."""

    def __init__(self, spec: str, name: str | None = None) -> None:
        self.spec = spec
        resolved = _resolve(spec)
        self._files, self._single = resolved.files, resolved.single
        self.source = Source(name=name or resolved.default_name, kind="files", uri=spec)
        self.errors: list[str] = resolved.errors  # one line per file or folder that could not be read
        self._conn = duckdb.connect(":memory:")
        self._conn.execute("SET enable_progress_bar = false")  # the CLI draws its own progress
        self._engine = DuckDBEngine(self._conn)
        self._assets: list[Asset] | None = None
        self._counter = 0
        self._tempdir: Path | None = None
        self._remove_tempdir: weakref.finalize[..., None] | None = None
        self._closed = False

    def discover(self) -> list[Asset]:
        if self._assets is None:
            assets: list[Asset] = []
            for path, name in self._files:
                try:
                    assets.extend(self._read_file(path, name))
                except _FILE_ERRORS as exc:
                    reason = "permission denied" if isinstance(exc, PermissionError) else one_line(exc)
                    if self._single:
                        raise UnreadableSourceError(f"cannot read {self.spec}: {reason}") from exc
                    self.errors.append(f"{path}: {reason}")
            self._assets = assets
        return list(self._assets)

    def engine(self) -> DuckDBEngine:
        self.discover()
        return self._engine

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._engine.close()
            if self._remove_tempdir is not None:
                self._remove_tempdir()

    # -- shared plumbing ------------------------------------------------------------------
    def _next_name(self) -> str:
        self._counter += 1
        return f"a_{self._counter:04d}"

    def _scratch(self, suffix: str) -> Path:
        """A path in a temporary folder this connector deletes on close (or when collected)."""
        if self._tempdir is None:
            self._tempdir = Path(tempfile.mkdtemp(prefix="stocktake-files-"))
            self._remove_tempdir = weakref.finalize(self, shutil.rmtree, self._tempdir, True)
        return self._tempdir / f"{self._next_name()}{suffix}"

    def _count(self, source: str, columns: list[str]) -> int:
        """Row count; counting each column too makes DuckDB convert (so validate) every value."""
        counts = ", ".join(["count(*)", *(f"count({quote_duckdb(c)})" for c in columns)])
        row = next(iter(self._conn.execute(f"SELECT {counts} FROM {source}").fetchall()), None)
        assert row is not None
        return int(row[0])

    def _describe(self, source: str) -> dict[str, str]:
        rows = self._conn.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {source})")
        return dict(rows.fetchall())

    def _asset(
        self,
        name: str,
        fmt: str,
        path: Path,
        source: str | pa.Table,
        row_count: int,
        read_options: dict[str, Scalar],
        notes: list[str],
    ) -> Asset:
        view = self._next_name()
        if isinstance(source, pa.Table):
            self._conn.register(view, source)
        else:
            self._conn.execute(f"CREATE VIEW {quote_duckdb(view)} AS SELECT * FROM {source}")
        relation = quote_duckdb(view)
        columns = [
            ColumnSchema(name=column, engine_type=type_, logical_type=logical_type(type_))
            for column, type_ in self._describe(relation).items()
        ]
        stat = path.stat()
        asset = Asset(
            id=f"{self.source.name}/{name}",
            name=name,
            source=self.source.name,
            format=fmt,
            location=str(path),
            columns=columns,
            row_count=row_count,
            byte_size=stat.st_size,
            last_modified=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
            read_options=read_options,
            notes=notes,
        )
        self._engine.relations[asset.id] = relation
        return asset

    def _read_file(self, path: Path, name: str) -> list[Asset]:
        parts = split_extension(path.name)
        assert parts is not None  # _resolve kept only supported files
        fmt = FORMATS_BY_EXTENSION[parts[1]]
        if fmt == "parquet":
            return [self._read_parquet(path, name)]
        if fmt in {"json", "jsonl"}:
            return [self._read_json(path, name, fmt)]
        if fmt == "excel":
            sheets = read_workbook(path)
            return [
                self._asset(name if len(sheets) == 1 else f"{name}.{title}", "excel", path, table, *rest)
                for title, table, *rest in sheets
            ]
        asset = self._read_delimited(path, name, parts[1])
        return [asset] if asset else []

    # -- Parquet and JSON ---------------------------------------------------------------
    def _read_parquet(self, path: Path, name: str) -> Asset:
        metadata = pq.read_metadata(path)  # the row count for free; a corrupt file fails here
        options: dict[str, Scalar] = {
            "row_groups": metadata.num_row_groups,
            "created_by": metadata.created_by,
        }
        source = table_function("read_parquet", path, {})
        return self._asset(name, "parquet", path, source, metadata.num_rows, options, [])

    def _read_json(self, path: Path, name: str, fmt: str) -> Asset:
        with path.open("rb") as fh:
            head = fh.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
        if not head:
            raise UnreadableSourceError("file is empty")
        if fmt == "jsonl":
            json_format, first = "newline_delimited", head[:1]
        elif head.startswith(b"["):
            json_format, first = "array", head[1:].lstrip()[:1]
        else:
            json_format = "newline_delimited" if _first_line_is_json(path) else "unstructured"
            first = head[:1]
        records = first == b"{"
        options: dict[str, object] = {"format": json_format, "records": "true" if records else "false"}
        notes: list[str] = []
        source = table_function("read_json", path, {**options, "sample_size": JSON_SNIFF_RECORDS})
        if not records:  # an array of scalars: one column, no schema to pin
            row_count = self._count(source, [])
        else:
            # Pin the sampled schema so DuckDB does not re-sample on every query.
            for sample_size in (JSON_SNIFF_RECORDS, -1):
                sampled = table_function("read_json", path, {**options, "sample_size": sample_size})
                columns = self._describe(sampled)
                source = table_function("read_json", path, {**options, "columns": columns})
                try:
                    row_count = self._count(source, list(columns))
                    break
                except duckdb.Error:
                    if sample_size == -1:
                        raise
                    notes.append(
                        f"types inferred from every record: later records disagreed with the first {JSON_SNIFF_RECORDS}"
                    )
        read_options: dict[str, Scalar] = {"json_format": json_format, "records": records}
        return self._asset(name, fmt, path, source, row_count, read_options, notes)

    # -- delimited text -----------------------------------------------------------------
    def _read_delimited(self, path: Path, name: str, extension: str) -> Asset | None:
        compressed = extension.endswith(".gz")
        with _open(path, compressed) as fh:
            sample = fh.read(csv_sniff.SAMPLE_BYTES + 1)
        complete = len(sample) <= csv_sniff.SAMPLE_BYTES
        sample = sample[: csv_sniff.SAMPLE_BYTES]
        guess = csv_sniff.detect_encoding(sample, complete)
        text = csv_sniff.decode_sample(sample, guess, complete)
        if not text.strip():
            raise UnreadableSourceError("file is empty")
        dialect = csv_sniff.sniff_dialect(
            text, complete, preferred="\t" if extension.startswith(".tsv") else None
        )
        if dialect.field_count == 1 and extension.startswith(".txt") and not self._single:
            return None  # prose (a README), not a table
        notes: list[str] = []
        read_path, encoding = path, guess.duckdb_encoding
        if encoding is None:
            read_path = self._transcode(path, compressed, guess.encoding, notes)
            notes.insert(0, f"decoded from {guess.label} ({guess.method}); read from a temporary UTF-8 copy")
        elif guess.encoding != "utf-8":
            notes.append(f"decoded from {guess.label} ({guess.method})")
        elif guess.bom:
            notes.append("UTF-8 byte-order mark skipped")
        endings = newlines.line_endings(text, dialect.quote, dialect.escape)
        if newlines.is_mixed(endings):  # a reader honours one line ending: copy with all of them as \n
            read_path, endings = self._normalise_newlines(
                read_path,
                compressed and read_path == path,
                "utf-8" if read_path != path else guess.encoding,
                dialect,
            )
            encoding = "utf-8"
            mixed = ", ".join(f"{n:,} {kind.upper()}" for kind, n in endings.items() if n)
            notes.append(f"lines end in mixed ways ({mixed}): read from a copy with every line ending as LF")
        options = {
            "delim": dialect.delimiter,
            "quote": dialect.quote,
            "escape": dialect.escape,
            "header": dialect.header,
        }
        options["encoding"] = encoding or "utf-8"
        if compressed and read_path == path:
            options["compression"] = "gzip"
        if dialect.decimal_comma:
            options["decimal_separator"] = ","
            notes.append("numbers use a decimal comma")
        try:
            source, row_count, extra = self._plan_csv(read_path, options, notes)
        except duckdb.InvalidInputException as exc:
            if read_path != path or "unicode" not in str(exc).lower():
                raise
            # Valid UTF-8 in the sample but not beyond it: decode what we can, and say so.
            read_path = self._transcode(path, compressed, "utf-8", notes)
            options.pop("compression", None)
            source, row_count, extra = self._plan_csv(read_path, options, notes)
        read_options: dict[str, Scalar] = {
            "encoding": guess.encoding,
            "bom": guess.bom,
            "transcoded": read_path != path,
            "delimiter": dialect.delimiter,
            "quote": dialect.quote,
            "escape": dialect.escape,
            "header": dialect.header,
            "newline": dialect.newline,
            "compression": "gzip" if compressed else None,
            "decimal_separator": "," if dialect.decimal_comma else ".",
            **extra,
        }
        if newlines.is_mixed(endings):
            read_options.update({f"line_endings_{kind}": n for kind, n in endings.items()})
        if not dialect.header:
            notes.append("no header row detected: columns are named column0, column1, ...")
        self._note_text_digits(text, dialect, complete, source, notes)
        fmt = "tsv" if dialect.delimiter == "\t" else "csv"
        return self._asset(name, fmt, path, source, row_count, read_options, notes)

    def _transcode(self, path: Path, compressed: bool, encoding: str, notes: list[str]) -> Path:
        target = self._scratch(".csv")
        with _open(path, compressed) as source, target.open("wb") as copy:
            replaced = csv_sniff.transcode_to_utf8(source, copy, encoding)
        if replaced:
            notes.append(
                f"{replaced} byte sequences are not valid {encoding.upper()} and were replaced by U+FFFD"
            )
        return target

    def _normalise_newlines(
        self, path: Path, compressed: bool, encoding: str, dialect: csv_sniff.Dialect
    ) -> tuple[Path, dict[str, int]]:
        target = self._scratch(".csv")
        with _open(path, compressed) as source, target.open("wb") as copy:
            counts = newlines.normalise_newlines(source, copy, encoding, dialect.quote, dialect.escape)
        return target, counts

    def _plan_csv(
        self, path: Path, options: dict[str, object], notes: list[str]
    ) -> tuple[str, int, dict[str, Scalar]]:
        """The pinned read_csv call, its row count, and the options DuckDB added."""
        try:
            return self._typed_csv(path, options, notes)
        except duckdb.InvalidInputException as exc:
            if "unicode" in str(exc).lower():
                raise
            if "maximum line size" in str(exc).lower() and "max_line_size" not in options:
                # One huge value (a pasted document, a base64 blob): allow lines up to the file's size.
                size = min(path.stat().st_size + 1, MAX_LINE_BYTES)
                notes.append(
                    f"some lines are longer than DuckDB's default limit: read with lines up to {size:,} bytes"
                )
                longer = {**options, "max_line_size": size, "buffer_size": max(size, 1 << 25)}
                planned = self._plan_csv(path, longer, notes)
                return planned[0], planned[1], {**planned[2], "max_line_size": size}
        # Rows with too few or too many fields: keep the file, padding or truncating them.
        ragged = {**options, "null_padding": True, "strict_mode": False}
        extra: dict[str, Scalar] = {"null_padding": True, "strict_mode": False}
        try:
            planned = self._typed_csv(path, ragged, notes)
        except duckdb.InvalidInputException:
            if not options.get("quote"):
                raise
            # A quote opened and never closed swallows the rest of the file: read without quoting.
            ragged.update(quote="", escape="")
            planned = self._typed_csv(path, ragged, notes)
            extra.update(quote="", escape="", unclosed_quote=str(options["quote"]))
            notes.append(
                f"a {options['quote']} quote is opened and never closed: the file is read without "
                "quoting, so quoted fields keep their quotes"
            )
        # Exact count of the rows that did not fit: a strict read skips them.
        strict = {**ragged, "null_padding": False, "strict_mode": True, "ignore_errors": True}
        fitting = self._count(table_function("read_csv", path, {**strict, "all_varchar": True}), [])
        extra["ragged_rows"] = max(planned[1] - fitting, 0)
        if extra["ragged_rows"]:
            notes.append(
                f"{extra['ragged_rows']:,} rows have a different number of fields: missing ones read "
                "as NULL, extras dropped"
            )
        return planned[0], planned[1], {**planned[2], **extra}

    def _typed_csv(
        self, path: Path, options: dict[str, object], notes: list[str]
    ) -> tuple[str, int, dict[str, Scalar]]:
        sniff = table_function("sniff_csv", path, {**options, "sample_size": CSV_SNIFF_ROWS})
        query = f"SELECT Columns, DateFormat, TimestampFormat, SkipRows, Comment FROM {sniff}"
        row = next(iter(self._conn.execute(query).fetchall()), None)
        assert row is not None
        columns: dict[str, str] = {c["name"]: c["type"] for c in row[0]}
        formats = {k: v for k, v in (("dateformat", row[1]), ("timestampformat", row[2])) if v}
        found: list[str] = []
        # A preamble before the header, or comment lines: DuckDB finds them, we pin them.
        if row[3]:
            formats["skip"] = row[3]
            found.append(f"the first {row[3]} lines come before the header and are skipped")
        if row[4] and row[4] != "(empty)":
            formats["comment"] = row[4]
            found.append(f"lines starting with {row[4]!r} are comments and are skipped")
        pinned = {
            **options,
            "auto_detect": False,
            **{k: v for k, v in formats.items() if k in ("skip", "comment")},
        }
        as_text = table_function("read_csv", path, {**pinned, "columns": dict.fromkeys(columns, "VARCHAR")})
        if "nullstr" not in options:
            tokens, numbers = self._missing_number_tokens(
                as_text, [c for c, t in columns.items() if t == "VARCHAR"]
            )
            if tokens:
                return self._tokens_as_missing(
                    path, options, notes, tokens, numbers, "otherwise only numbers"
                )
        numeric = [c for c, t in columns.items() if logical_type(t) in NUMERIC_TYPES]
        if numeric:  # the sample may have missed them: look at every row
            checks = ", ".join(
                f"min({quote_duckdb(c)}) FILTER (WHERE regexp_matches({quote_duckdb(c)}, {_LEADING_ZERO}))"
                for c in numeric
            )
            examples = next(iter(self._conn.execute(f"SELECT {checks} FROM {as_text}").fetchall()), ())
            for column, example in zip(numeric, examples, strict=True):
                if example is not None:
                    columns[column] = "VARCHAR"
                    found.append(
                        f"column {column} kept as text: values have leading zeros (e.g. {example!r})"
                    )
        source = table_function("read_csv", path, {**pinned, **formats, "columns": columns})
        extra: dict[str, Scalar] = {**formats, "all_varchar": False}
        typed = [c for c, t in columns.items() if t != "VARCHAR"]
        try:
            row_count = self._count(source, typed)
        except duckdb.ConversionException as exc:
            # A value beyond the type sample does not fit its column's type: find which columns,
            # and keep only those as text (or read a late `NA` as missing), not the whole file.
            typed_read = {**pinned, **formats, "columns": columns}
            failing = self._failing_columns(path, typed_read, typed)
            if failing and "nullstr" not in options:
                tokens, numbers = self._numbers_but_tokens(as_text, list(failing))
                if tokens:
                    after = f"after the first {CSV_SNIFF_ROWS:,} rows it is the only text"
                    return self._tokens_as_missing(path, options, notes, tokens, numbers, after)
            reason: duckdb.ConversionException | None = exc
            if failing:
                kept = {c: "VARCHAR" if c in failing else t for c, t in columns.items()}
                retry = table_function("read_csv", path, {**typed_read, "columns": kept})
                try:
                    row_count = self._count(retry, [c for c, t in kept.items() if t != "VARCHAR"])
                except duckdb.ConversionException as still:
                    reason = still
                else:
                    source, reason = retry, None
                    found += [
                        f"column {c} kept as text: line {line:,} does not read as {columns[c]}, the type "
                        f"its first {CSV_SNIFF_ROWS:,} rows showed"
                        for c, line in failing.items()
                    ]
            if reason is not None:
                found.append(f"typed reading failed, so every column is read as text ({one_line(reason)})")
                source = as_text
                extra = {k: v for k, v in formats.items() if k in ("skip", "comment")} | {"all_varchar": True}
                row_count = self._count(source, [])
        notes.extend(found)
        return source, row_count, extra

    def _tokens_as_missing(
        self,
        path: Path,
        options: dict[str, object],
        notes: list[str],
        tokens: list[str],
        numbers: list[str],
        where: str,
    ) -> tuple[str, int, dict[str, Scalar]]:
        """Plan the file again with `tokens` read as NULL (file-wide: DuckDB's nullstr), and say so."""
        spelled = ", ".join(repr(t) for t in tokens)
        notes.append(
            f"{spelled} stands for a missing value and is read as NULL: {where} "
            f"in column{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}"
        )
        planned = self._typed_csv(path, {**options, "nullstr": ["", *tokens]}, notes)
        return planned[0], planned[1], {**planned[2], "missing_tokens": ",".join(tokens)}

    def _failing_columns(self, path: Path, options: dict[str, object], typed: list[str]) -> dict[str, int]:
        """Columns of `typed` with a value that does not convert, each with the first line where
        one does not: DuckDB's rejects table, filled by one pass that skips (only counts) bad rows."""
        tables = {"rejects_table": "stocktake_rejects", "rejects_scan": "stocktake_reject_scans"}
        drop = "DROP TABLE IF EXISTS stocktake_rejects; DROP TABLE IF EXISTS stocktake_reject_scans"
        try:
            self._conn.execute(drop)
            self._count(table_function("read_csv", path, {**options, "store_rejects": True, **tables}), typed)
            rows = self._conn.execute(
                "SELECT column_name, min(line) FROM stocktake_rejects WHERE error_type = 'CAST' "
                "GROUP BY column_name"
            ).fetchall()
        except duckdb.Error:
            return {}  # the caller then reads every column as text, as before
        finally:
            self._conn.execute(drop)
        order = {c: i for i, c in enumerate(typed)}
        return {str(c): int(line) for c, line in sorted(rows, key=lambda r: order.get(r[0], len(order)))}

    def _missing_number_tokens(self, as_text: str, text_columns: list[str]) -> tuple[list[str], list[str]]:
        """Missing-value tokens that alone keep text columns from being numbers, and those columns.

        A column qualifies when every value is a number or one of MISSING_NUMBER_TOKENS, with at
        least one of each; codes with leading zeros (zip codes) are no numbers here either. A
        cheap look at the type sample finds the columns holding a token at all (most files have
        none, and pay no casting pass); every row then confirms them."""
        if not text_columns:
            return [], []
        tokens = _MISSING_NUMBER_TOKENS_SQL
        seen = ", ".join(f"bool_or({quote_duckdb(c)} IN ({tokens}))" for c in text_columns)
        sample = f"(SELECT * FROM {as_text} LIMIT {CSV_SNIFF_ROWS})"
        row = next(iter(self._conn.execute(f"SELECT {seen} FROM {sample}").fetchall()), ())
        candidates = [c for c, has in zip(text_columns, row, strict=True) if has]
        return self._numbers_but_tokens(as_text, candidates)

    def _numbers_but_tokens(self, source: str, text_columns: list[str]) -> tuple[list[str], list[str]]:
        if not text_columns:
            return [], []
        tokens = _MISSING_NUMBER_TOKENS_SQL
        parts = []
        for column in text_columns:
            c = quote_duckdb(column)
            parts.append(
                f"bool_and({c} IS NULL OR {c} IN ({tokens}) OR (TRY_CAST({c} AS DOUBLE) IS NOT NULL "
                f"AND NOT regexp_matches({c}, {_LEADING_ZERO}))) "
                f"AND count(TRY_CAST({c} AS DOUBLE)) > 0, list(DISTINCT {c}) FILTER (WHERE {c} IN ({tokens}))"
            )
        row = next(iter(self._conn.execute(f"SELECT {', '.join(parts)} FROM {source}").fetchall()), ())
        found: set[str] = set()
        numbers: list[str] = []
        for index, column in enumerate(text_columns):
            qualifies, seen = row[2 * index], row[2 * index + 1]
            if qualifies and seen:
                numbers.append(column)
                found.update(seen)
        return [t for t in MISSING_NUMBER_TOKENS if t in found], numbers

    def _note_text_digits(
        self, text: str, dialect: csv_sniff.Dialect, complete: bool, source: str, notes: list[str]
    ) -> None:
        """Say why digit columns that DuckDB itself kept as VARCHAR are text: leading zeros."""
        columns = self._describe(source)
        names = list(columns)
        for index, example in csv_sniff.leading_zero_columns(text, dialect, complete).items():
            if index < len(names) and columns[names[index]] == "VARCHAR":
                said = f"column {names[index]} kept as text"
                if not any(n.startswith(said) for n in notes):
                    notes.append(f"{said}: values have leading zeros (e.g. {example!r})")
