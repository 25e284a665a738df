"""Write a cleaned copy of one asset beside a change log that says what changed and why.

Conventions (decimal mark, day/month order, code width) are decided per column from its
distinct values, fetched with one GROUP BY through the asset's engine; then the rows stream
through once. The source is only read. The copy (CSV or Parquet, by suffix) and the log
`<out>.changes.csv` each appear whole or not at all.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from stocktake.checks.keys import key_columns, looks_like_identifier
from stocktake.cleaning.plan import ColumnPlan, as_text, needs_values, plan_column
from stocktake.connectors import open_source
from stocktake.connectors.base import Connector
from stocktake.core.errors import SourceNotFoundError, StocktakeError, UnsupportedFormatError
from stocktake.core.records import ColumnProfile
from stocktake.engines.duckdb import DuckDBEngine

if TYPE_CHECKING:
    from stocktake.core.records import Asset
    from stocktake.engines.base import Engine

OUTPUT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
CHANGE_LOG_COLUMNS = ("row_key", "column", "old_value", "new_value", "reason")
BATCH_ROWS = 50_000


@dataclass
class CleanReport:
    asset: str
    out_path: Path
    changes_path: Path
    key_column: str | None  # the change log's row_key column; None: row numbers from 1
    rows_read: int
    rows_written: int
    duplicates_removed: int
    changed_cells: dict[str, int]
    columns: list[ColumnPlan]
    notes: list[str]


def _read_notes(asset: Asset) -> list[str]:
    """Columns the connector already typed from non-ISO text: the copy writes them as ISO, unlogged."""
    notes, options = [], asset.read_options
    for option, kind in (("dateformat", "date"), ("timestampformat", "timestamp")):
        fmt = options.get(option)
        names = [c.name for c in asset.columns if c.logical_type == kind]
        if isinstance(fmt, str) and names and not fmt.startswith("%Y-%m-%d"):
            notes.append(f"{', '.join(names)}: read by the connector as {kind}s ({fmt}); written as ISO 8601")
    if options.get("decimal_separator") == ",":
        notes.append("numbers read by the connector with a decimal comma; written with a decimal point")
    return notes


# -- reading ---------------------------------------------------------------------------------


def _find_asset(connector: Connector, ref: str, spec: str) -> Asset:
    assets = connector.discover()
    for asset in assets:
        if ref in (asset.id, asset.name):
            return asset
    names = ", ".join(a.name for a in assets[:10]) + (", ..." if len(assets) > 10 else "")
    raise SourceNotFoundError(f"no asset {ref!r} in {spec} (assets: {names or 'none'})")


def _key_column(engine: Engine, relation: str, asset: Asset) -> str | None:
    """A column identifying each row for the change log, if one is unique; else None (row numbers)."""
    candidates = [c for c in asset.columns if looks_like_identifier(c.name)]
    if not candidates:
        return None
    parts = [f"COUNT({engine.quote(c.name)}), COUNT(DISTINCT {engine.quote(c.name)})" for c in candidates]
    _, rows = engine.execute(f"SELECT COUNT(*), {', '.join(parts)} FROM {relation}")
    total, *counts = rows[0]
    profiles = {
        c.name: ColumnProfile(
            asset=asset.id,
            column=c.name,
            logical_type=c.logical_type,
            engine_type=c.engine_type,
            row_count=int(total),
            null_count=int(total) - int(counts[2 * i]),
            distinct_count=int(counts[2 * i + 1]),
        )
        for i, c in enumerate(candidates)
    }
    chosen = key_columns(asset, profiles)
    unique = len(chosen) == 1 and chosen[0] in profiles
    return chosen[0] if unique and profiles[chosen[0]].distinct_count == total else None


def _batches(engine: Engine, relation: str) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    sql = f"SELECT * FROM {relation}"
    if isinstance(engine, DuckDBEngine):  # stream out of DuckDB in Arrow batches
        reader = engine.conn.sql(sql).to_arrow_reader(BATCH_ROWS)
        return reader.schema, iter(reader)
    names, rows = engine.execute(sql)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    arrays = []
    for values in columns:
        try:
            arrays.append(pa.array(list(values)))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):  # mixed types (SQLite): as text
            arrays.append(pa.array([None if v is None else as_text(v) for v in values], pa.string()))
    table = pa.Table.from_arrays(arrays, names=names)
    return table.schema, iter(table.to_batches(BATCH_ROWS))


# -- writing ---------------------------------------------------------------------------------


class _AtomicOutputs:
    """Temporary files beside the targets, renamed over them only when everything is written."""

    def __init__(self, *targets: Path) -> None:
        self.targets = targets
        self.temps: list[Path] = []
        for target in targets:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            self.temps.append(Path(tmp))

    def commit(self) -> None:
        for tmp, target in zip(self.temps, self.targets, strict=True):
            os.replace(tmp, target)

    def discard(self) -> None:
        for tmp in self.temps:
            tmp.unlink(missing_ok=True)


def _check_out_path(out_path: str | os.PathLike[str], asset: Asset | None = None) -> tuple[Path, str]:
    out = Path(out_path)
    fmt = OUTPUT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UnsupportedFormatError(
            f"cannot write {out}: unsupported suffix {out.suffix or '(none)'!r} (use .csv or .parquet)"
        )
    if asset is not None and Path(asset.location).resolve() == out.resolve():
        raise StocktakeError(f"cannot write {out}: it is the source itself, which is never modified")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StocktakeError(f"cannot write {out}: {exc.strerror or exc}") from exc
    if out.is_dir():
        raise StocktakeError(f"cannot write {out}: it is a directory")
    return out, fmt


def clean_asset(
    source: str | os.PathLike[str] | Connector,
    asset_ref: str,
    out_path: str | os.PathLike[str],
    *,
    dedupe: bool = True,
) -> CleanReport:
    """Write a cleaned copy of `asset_ref` (an asset id or name in `source`) to `out_path`.

    Text gets NFKC and whitespace normalisation; fixed-width codes are zero-padded; numbers
    and dates stored as text are parsed with the column's convention; exact duplicate rows
    (after normalisation) are dropped when `dedupe`. Every change goes to `<out>.changes.csv`.
    """
    _check_out_path(out_path)  # fail on a bad suffix before opening anything
    spec = source.source.uri if isinstance(source, Connector) else os.fspath(source)
    connector = source if isinstance(source, Connector) else open_source(spec)
    try:
        asset = _find_asset(connector, asset_ref, spec)
        out, fmt = _check_out_path(out_path, asset)
        return _clean(connector.engine(), asset, out, fmt, dedupe)
    finally:
        if connector is not source:
            connector.close()


def _clean(engine: Engine, asset: Asset, out: Path, fmt: str, dedupe: bool) -> CleanReport:
    relation = engine.relation(asset)
    plans = []
    for column in asset.columns:
        if needs_values(column.name, column.logical_type):
            col = engine.quote(column.name)
            _, counts = engine.execute(f"SELECT {col}, COUNT(*) FROM {relation} GROUP BY {col}")
            plans.append(plan_column(column.name, column.logical_type, counts))
        else:
            plans.append(ColumnPlan(column.name, "keep"))
    key = _key_column(engine, relation, asset)
    changes_path = out.with_name(out.name + ".changes.csv")
    report = CleanReport(asset.id, out, changes_path, key, 0, 0, 0, Counter(), plans, [])
    report.notes.extend(_read_notes(asset))
    for plan in plans:
        report.notes.extend(f"{plan.name}: {note}" for note in plan.notes)
    schema, batches = _batches(engine, relation)
    out_schema = pa.schema(
        [pa.field(f.name, plan.arrow_type or f.type) for f, plan in zip(schema, plans, strict=True)]
    )
    outputs = _AtomicOutputs(out, changes_path)
    try:
        with outputs.temps[1].open("w", encoding="utf-8", newline="") as log_file:
            log = csv.writer(log_file, lineterminator="\n")
            log.writerow(CHANGE_LOG_COLUMNS)
            if fmt == "csv":
                with outputs.temps[0].open("w", encoding="utf-8", newline="") as data_file:
                    data = csv.writer(data_file, lineterminator="\n")
                    data.writerow(out_schema.names)
                    for batch in _cleaned(batches, plans, out_schema, key, dedupe, log, report):
                        data.writerows(
                            zip(*(map(as_text, c.to_pylist()) for c in batch.columns), strict=True)
                        )
            else:
                with pq.ParquetWriter(outputs.temps[0], out_schema) as writer:
                    for batch in _cleaned(batches, plans, out_schema, key, dedupe, log, report):
                        writer.write_batch(batch)
        outputs.commit()
    except BaseException:
        outputs.discard()
        raise
    report.changed_cells = dict(report.changed_cells)
    return report


def _cleaned(
    batches: Iterator[pa.RecordBatch],
    plans: list[ColumnPlan],
    schema: pa.Schema,
    key: str | None,
    dedupe: bool,
    log: Any,
    report: CleanReport,
) -> Iterator[pa.RecordBatch]:
    """Convert each batch, log every change in row order, and drop duplicate rows."""
    seen: dict[bytes, str] = {}
    key_index = schema.names.index(key) if key else None
    for batch in batches:
        old_columns = [column.to_pylist() for column in batch.columns]
        first_row = report.rows_read + 1
        report.rows_read += batch.num_rows
        keys = (
            [as_text(v) for v in old_columns[key_index]]
            if key_index is not None
            else [str(first_row + i) for i in range(batch.num_rows)]
        )
        new_columns, changes = [], []
        for index, (plan, old) in enumerate(zip(plans, old_columns, strict=True)):
            if plan.kind == "keep":
                new_columns.append(old)
                continue
            converted = [plan.convert(value) for value in old]
            new_columns.append([new for new, _ in converted])
            changes.extend(
                (row, index, reason) for row, (_, reason) in enumerate(converted) if reason is not None
            )
        keep = [True] * batch.num_rows
        removed: dict[int, str] = {}
        if dedupe:
            for row, values in enumerate(zip(*new_columns, strict=True)):
                digest = hashlib.blake2b(repr(values).encode(), digest_size=16).digest()
                if digest in seen:
                    keep[row], removed[row] = False, seen[digest]
                else:
                    seen[digest] = keys[row]
        # One log in row order: cell changes, and a row's removal (index len(plans)) after them.
        entries = [(row, index, why) for row, index, why in changes if row not in removed]
        entries += [
            (row, len(plans), f"same as row_key {first} after normalisation")
            for row, first in removed.items()
        ]
        for row, index, why in sorted(entries):
            if index == len(plans):
                log.writerow((keys[row], "*", "", "", f"duplicate row removed: {why}"))
                continue
            old, new = old_columns[index][row], new_columns[index][row]
            log.writerow((keys[row], plans[index].name, as_text(old), as_text(new), why))
            report.changed_cells[plans[index].name] += 1
        report.duplicates_removed += len(removed)
        report.rows_written += sum(keep)
        mask = pa.array(keep)
        arrays = [
            batch.column(i).filter(mask) if plan.kind == "keep" else pa.array(new, field.type).filter(mask)
            for i, (plan, new, field) in enumerate(zip(plans, new_columns, schema, strict=True))
        ]
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


__all__ = ["CHANGE_LOG_COLUMNS", "CleanReport", "clean_asset"]
