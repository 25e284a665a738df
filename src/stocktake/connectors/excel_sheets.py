"""Excel workbooks as Arrow tables: one per sheet that holds any value, header from the first row."""

from __future__ import annotations

import warnings
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa

from stocktake.core.errors import UnreadableSourceError
from stocktake.core.records import Scalar


def _first_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:limit]


def read_workbook(path: Path) -> list[tuple[str, pa.Table, int, dict[str, Scalar], list[str]]]:
    """(sheet title, table, row count, read options, notes) for each sheet holding any value."""
    import openpyxl  # only Excel sources pay for importing it
    from openpyxl.utils.exceptions import InvalidFileException

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about workbook features it drops; values are intact
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (KeyError, InvalidFileException, zipfile.BadZipFile) as exc:
            raise UnreadableSourceError(f"not a readable Excel workbook ({_first_line(exc)})") from exc
        try:
            sheets = [
                (sheet.title, _read_sheet(sheet.title, sheet.iter_rows(values_only=True)))
                for sheet in workbook.worksheets
            ]
        finally:
            workbook.close()
    found = [(title, *sheet) for title, sheet in sheets if sheet is not None]
    if not found:
        raise UnreadableSourceError("no sheet holds any value")
    return found


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_sheet(title: str, rows: Any) -> tuple[pa.Table, int, dict[str, Scalar], list[str]] | None:
    """The first non-blank row is the header; blank rows are skipped, blank columns dropped."""
    header: list[Any] | None = None
    header_row = 0
    data: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    blank_rows = pending_blank = 0
    for number, row in enumerate(rows, start=1):
        if all(_is_blank(v) for v in row):
            pending_blank += header is not None
            continue
        if header is None:
            header, header_row = list(row), number
            continue
        blank_rows += pending_blank  # blank rows at the end do not count
        pending_blank = 0
        data.append(row)
        numbers.append(number)
    if header is None:
        return None
    notes: list[str] = []
    if data and _is_title(header, data[0]):
        notes.append(
            f"row {header_row} holds only a title ({_cell_text(header[0]).strip()!r}, often merged cells): "
            f"the header is row {numbers[0]}"
        )
        header, header_row, data = list(data[0]), numbers[0], data[1:]
    width = max([len(header), *(len(r) for r in data)])
    names = _column_names(header + [None] * (width - len(header)), notes)
    arrays, kept = [], []
    for index, column in enumerate(names):
        values = [row[index] if index < len(row) else None for row in data]
        if (index >= len(header) or header[index] is None) and all(_is_blank(v) for v in values):
            continue  # a column with neither header nor data: formatting residue
        arrays.append(_arrow_column(column, values, notes))
        kept.append(column)
    if blank_rows:
        notes.append(f"{blank_rows} blank rows between data rows skipped")
    options: dict[str, Scalar] = {"sheet": title, "header_row": header_row}
    table = pa.Table.from_arrays(arrays, names=kept)
    return table, table.num_rows, options, notes


def _is_title(first: list[Any], second: tuple[Any, ...]) -> bool:
    """A report-style sheet: one text cell at the top left (a title, usually merged across the
    columns) above a row of several text cells (the real header)."""
    filled = [v for v in second if not _is_blank(v)]
    return (
        not _is_blank(first[0])
        and all(_is_blank(v) for v in first[1:])
        and len(filled) >= 2
        and all(isinstance(v, str) for v in filled)
    )


def _cell_text(value: Any) -> str:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _column_names(header: list[Any], notes: list[str]) -> list[str]:
    """Header cells as unique names; blank ones (often merged cells) become column_<position>."""
    names: list[str] = []
    blank = duplicated = 0
    for position, value in enumerate(header, start=1):
        name = "" if value is None else _cell_text(value).strip()
        if not name:
            name, blank = f"column_{position}", blank + 1
        base, suffix = name, 2
        while name in names:
            name, suffix = f"{base}_{suffix}", suffix + 1
        duplicated += name != base
        names.append(name)
    if blank:
        notes.append(f"{blank} header cells are blank (or merged): named column_<position>")
    if duplicated:
        notes.append(f"{duplicated} repeated header names got a _2, _3... suffix")
    return names


def _arrow_column(name: str, values: list[Any], notes: list[str]) -> pa.Array:
    """One Arrow type per column: the cells' own type when they agree, else text (and a note)."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds or kinds == {str}:
        return pa.array(values, pa.string())
    if kinds == {bool}:
        return pa.array(values, pa.bool_())
    if kinds <= {int, float}:
        try:
            return pa.array(values, pa.int64() if kinds == {int} else pa.float64())
        except (OverflowError, pa.ArrowInvalid):
            return pa.array([None if v is None else float(v) for v in values], pa.float64())
    if kinds <= {datetime, date}:
        stamps = [v if v is None or isinstance(v, datetime) else datetime.combine(v, time()) for v in values]
        if all(v is None or v.time() == time() for v in stamps):  # Excel stores dates as midnight
            return pa.array([None if v is None else v.date() for v in stamps], pa.date32())
        return pa.array(stamps, pa.timestamp("us"))
    if kinds == {time}:
        return pa.array(values, pa.time64("us"))
    kind_names = ", ".join(sorted(k.__name__ for k in kinds))
    notes.append(f"column {name} holds {kind_names} values: read as text")
    return pa.array([None if v is None else _cell_text(v) for v in values], pa.string())
