"""Findings about how a file was written, not only what its values say (issue 10's bad inputs).

The files connector reads a damaged file as far as it can and records what it had to work
around (rows with the wrong number of fields, a quote never closed, mixed line endings); each
becomes a finding here, so a problem that was survived is still reported. Two value checks run
where DuckDB holds the data: control characters (NUL bytes and the like) inside text, and text
columns of files whose values are mostly numbers or dates with some words among them. Text
values over a million characters are reported on every engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stocktake.checks.asset_findings import AssetFindings
from stocktake.core.records import Finding
from stocktake.core.vocab import NULL_LIKE_TOKENS, FindingType
from stocktake.engines.profiling import REL, quote_duckdb, sql_literal

if TYPE_CHECKING:
    from stocktake.core.records import Asset, ColumnProfile
    from stocktake.engines.base import Engine

CHECK = "read_problems"
FILE_FORMATS = frozenset({"csv", "tsv", "json", "jsonl", "excel"})
# C0 control characters other than tab, line feed and carriage return.
_CONTROL = "regexp_matches({c}, '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]')"
HUGE_VALUE_CHARS = 1_000_000  # a text value this long is a pasted document or blob, not a field
_MIXED_MIN_SHARE = 0.5  # numbers (or dates) must be at least this share of the values that are not NULL-like


def read_problem_findings(engine: Engine, asset: Asset, profiles: list[ColumnProfile]) -> list[Finding]:
    by_column = {p.column: p for p in profiles}
    build = _Builder(engine, asset, by_column)
    out = list(_file_shape(build, asset))
    out += _oversized_values(build, asset, by_column)
    if engine.dialect == "duckdb":
        text = [c.name for c in asset.columns if c.logical_type == "string" and by_column.get(c.name)]
        text = [c for c in text if by_column[c].non_null_count]
        if text:
            out += _control_characters(build, text)
            if asset.format in FILE_FORMATS:
                out += _mixed_types(build, text)
    return out


class _Builder:
    """The read-problem rules' view of AssetFindings: a rule name instead of a check id."""

    def __init__(self, engine: Engine, asset: Asset, profiles: dict[str, ColumnProfile]) -> None:
        self.build = AssetFindings(engine, asset, profiles)
        self.drill = self.build.drill
        self.rows = self.build.rows

    def finding(
        self,
        type_: FindingType,
        columns: list[str],
        what: str,
        count: int,
        reason: str,
        evidence: dict[str, object],
        predicate: str | None = None,
    ) -> Finding:
        return self.build.finding(
            type_,
            columns,
            f"{CHECK}:{what}",
            reason,
            count,
            {"rule": what.replace("_", " "), **evidence},
            predicate,
        )


def _file_shape(build: _Builder, asset: Asset) -> list[Finding]:
    """What the connector recorded while reading the file."""
    options, out = asset.read_options, []
    ragged = int(options.get("ragged_rows") or 0)
    if ragged:
        out.append(
            build.finding(
                FindingType.INVALID_FORMAT,
                [],
                "ragged_rows",
                ragged,
                f"{ragged:,} rows of {asset.name} have a different number of fields than the header",
                {"ragged_rows": ragged},
            )
        )
    if options.get("unclosed_quote"):
        quote = str(options["unclosed_quote"])
        out.append(
            build.finding(
                FindingType.INVALID_FORMAT,
                [],
                "unclosed_quote",
                1,
                f"a {quote} quote in {asset.name} is never closed, so the file was read without quoting",
                {"quote": quote},
            )
        )
    endings = {
        k.removeprefix("line_endings_"): int(v or 0)
        for k, v in options.items()
        if k.startswith("line_endings_")
    }
    if sum(1 for n in endings.values() if n) > 1:
        minority = sum(endings.values()) - max(endings.values())
        kinds = ", ".join(f"{n:,} {k.upper()}" for k, n in endings.items() if n)
        out.append(
            build.finding(
                FindingType.INVALID_FORMAT,
                [],
                "mixed_line_endings",
                minority,
                f"lines of {asset.name} end in mixed ways ({kinds})",
                dict(endings),
            )
        )
    return out


def _oversized_values(build: _Builder, asset: Asset, profiles: dict[str, ColumnProfile]) -> list[Finding]:
    out = []
    for column in asset.columns:
        profile = profiles.get(column.name)
        if profile is None or (profile.length_max or 0) <= HUGE_VALUE_CHARS:
            continue
        predicate = f"LENGTH(CAST({quote_duckdb(column.name)} AS VARCHAR)) > {HUGE_VALUE_CHARS}"
        count = build.drill.count_where(predicate)
        out.append(
            build.finding(
                FindingType.INVALID_FORMAT,
                [column.name],
                "huge_values",
                count,
                f"{count:,} values of {column.name} are longer than {HUGE_VALUE_CHARS:,} characters "
                f"(longest: {profile.length_max:,})",
                {"length_max": profile.length_max, "limit": HUGE_VALUE_CHARS},
                predicate,
            )
        )
    return out


def _control_characters(build: _Builder, columns: list[str]) -> list[Finding]:
    counts = build.drill.run(
        "SELECT "
        + ", ".join(f"COUNT(*) FILTER (WHERE {_CONTROL.format(c=quote_duckdb(c))})" for c in columns)
        + f" FROM {REL}"
    )[0]
    out = []
    for column, count in zip(columns, counts, strict=True):
        if count:
            out.append(
                build.finding(
                    FindingType.TEXT_GARBAGE,
                    [column],
                    "control_characters",
                    int(count),
                    f"{int(count):,} values of {column} hold control characters such as NUL bytes",
                    {"characters": "U+0000-U+001F except tab, LF and CR"},
                    _CONTROL.format(c=quote_duckdb(column)),
                )
            )
    return out


def _mixed_types(build: _Builder, columns: list[str]) -> list[Finding]:
    """Text columns whose values are mostly numbers or dates, with words among them."""
    tokens = ", ".join(sql_literal(t) for t in NULL_LIKE_TOKENS)
    exprs = []
    for column in columns:
        q = quote_duckdb(column)
        number = f"TRY_CAST({q} AS DOUBLE) IS NOT NULL AND NOT isnan(TRY_CAST({q} AS DOUBLE))"
        date = f"TRY_CAST({q} AS DOUBLE) IS NULL AND TRY_CAST({q} AS DATE) IS NOT NULL"
        exprs += [
            f"COUNT(*) FILTER (WHERE {number})",
            f"COUNT(*) FILTER (WHERE {date})",
            f"COUNT(*) FILTER (WHERE {q} IS NOT NULL AND LOWER(TRIM({q})) NOT IN ({tokens}))",
        ]
    row = build.drill.run(f"SELECT {', '.join(exprs)} FROM {REL}")[0]
    out = []
    for i, column in enumerate(columns):
        numbers, dates, valued = (int(v or 0) for v in row[3 * i : 3 * i + 3])
        words = valued - numbers - dates
        kind, main = ("numbers", numbers) if numbers >= dates else ("dates", dates)
        if not valued or main < _MIXED_MIN_SHARE * valued or main == valued:
            continue
        q = quote_duckdb(column)
        if kind == "numbers":
            predicate = (
                f"{q} IS NOT NULL AND TRY_CAST({q} AS DOUBLE) IS NULL AND LOWER(TRIM({q})) NOT IN ({tokens})"
            )
        else:
            predicate = (
                f"{q} IS NOT NULL AND TRY_CAST({q} AS DATE) IS NULL AND LOWER(TRIM({q})) NOT IN ({tokens})"
            )
        odd = valued - main
        out.append(
            build.finding(
                FindingType.INVALID_FORMAT,
                [column],
                "mixed_types",
                odd,
                f"{column} mixes types ({numbers:,} numbers, {dates:,} dates, {words:,} other values), "
                "so it is read as text",
                {"numbers": numbers, "dates": dates, "other": words},
                predicate,
            )
        )
    return out
