"""Compile a check declaration into SQL that selects the rows breaking it.

The SQL is written once in DuckDB's dialect against the placeholder relation REL (and
OTHER, for the parent or child asset of references / aggregate_match); the engine
transpiles it with sqlglot and swaps the placeholders for its own relation names.

Where sqlglot cannot carry the *meaning* across (regex anchors, collations), the SQL is
still DuckDB text, but written the way the target dialect needs it: see `_Flavour`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from stocktake.core.checks import (
    AggregateMatchCheck,
    AllowedValuesCheck,
    ColumnOrderCheck,
    FreshnessCheck,
    NotFutureCheck,
    NotNullCheck,
    NullLikeCheck,
    PatternCheck,
    RangeCheck,
    ReferencesCheck,
    RowCountCheck,
    RowRuleCheck,
    UniqueCheck,
)
from stocktake.core.errors import StocktakeError
from stocktake.engines.profiling import REL, quote_duckdb, sql_literal

if TYPE_CHECKING:
    from stocktake.core.checks import BaseCheck
    from stocktake.core.records import Asset

OTHER = "__stocktake_other__"  # placeholder for the parent / child asset, replaced after transpiling


class CheckCompileError(StocktakeError, ValueError):
    """The check does not fit the asset (unknown column, unreadable expression) or the engine."""


@dataclass(frozen=True)
class CompiledCheck:
    predicate: str | None = None  # WHERE clause over REL selecting every failing row
    measure: str | None = None  # asset-level kinds: a one-row query over REL
    value_columns: tuple[str, ...] = ()  # columns whose failing values are worth listing
    mismatch_sql: str | None = None  # aggregate_match: failing keys with both sides of the comparison
    key_aliases: tuple[str, ...] = ()  # the raw key columns mismatch_sql returns first


# -- per-dialect meaning ----------------------------------------------------------------------
class _Flavour:
    """DuckDB, and the defaults: exact text comparison, and RE2's `$` ends the text."""

    def exact(self, sql: str) -> str:
        """Text compared byte for byte (case, accents and trailing spaces count)."""
        return sql

    def regex_mismatch(self, text_sql: str, regex: str) -> str:
        return f"NOT REGEXP_MATCHES({text_sql}, {sql_literal('^(?:' + regex + ')$')})"

    def exact_comparisons(self, tree: exp.Expression) -> exp.Expression:
        return tree


class _PostgresFlavour(_Flavour):
    """Deterministic collations compare exactly, and ARE's `$` ends the string (not a line)."""


class _SQLiteFlavour(_Flavour):
    # Our registered regexp() is Python's re.search, where `$` also matches before a final
    # newline ('22041\n' would pass); \Z is the end of the text.
    def regex_mismatch(self, text_sql: str, regex: str) -> str:
        pattern = "^(?:" + regex + r")\Z"
        return f"NOT REGEXP_MATCHES({text_sql}, {sql_literal(pattern)})"


class _MySQLFlavour(_Flavour):
    # MariaDB has no REGEXP_LIKE (what sqlglot writes for REGEXP_MATCHES); REGEXP_INSTR exists in
    # MariaDB and MySQL 8. Regex case follows the collation, so (?-i) turns case-insensitivity off,
    # and PCRE/ICU `$` matches before a final newline where \z does not. sqlglot doubles the
    # backslash for MySQL's string escapes.
    def regex_mismatch(self, text_sql: str, regex: str) -> str:
        pattern = "(?-i)^(?:" + regex + r")\z"
        return f"REGEXP_INSTR({text_sql}, {sql_literal(pattern)}) = 0"

    # Default collations (utf8mb4_general_ci) equate 'Delivered', 'delivered', 'délivered' and
    # 'delivered '. CAST(... AS BINARY) would be exact, but sqlglot writes VARBINARY, which MariaDB
    # rejects; HEX of the text in the connection's charset compares the same bytes.
    def exact(self, sql: str) -> str:
        return f"HEX(CAST({sql} AS VARCHAR))"

    def exact_comparisons(self, tree: exp.Expression) -> exp.Expression:
        """`status = 'canceled'` in a user's expression compares exactly, as on the other engines."""

        def wrap(node: exp.Expression) -> exp.Expression:
            return exp.func("HEX", exp.cast(node.copy(), "VARCHAR"))

        for node in list(tree.find_all(exp.EQ, exp.NEQ)):
            left, right = node.this, node.expression
            if _is_text_literal(left) != _is_text_literal(right):
                node.set("this", wrap(left))
                node.set("expression", wrap(right))
        for node in list(tree.find_all(exp.In)):
            items = node.expressions
            if items and all(_is_text_literal(i) for i in items):
                node.set("this", wrap(node.this))
                node.set("expressions", [wrap(i) for i in items])
        return tree


def _is_text_literal(node: exp.Expression) -> bool:
    return isinstance(node, exp.Literal) and node.is_string


class _SparkFlavour(_Flavour):
    # Java regex: RLIKE searches, and `$` also matches before a final line terminator;
    # \z is the end of the text. Text compares byte for byte (UTF8_BINARY) by default.
    def regex_mismatch(self, text_sql: str, regex: str) -> str:
        pattern = "^(?:" + regex + r")\z"
        return f"NOT REGEXP_MATCHES({text_sql}, {sql_literal(pattern)})"


FLAVOURS: dict[str, _Flavour] = {
    "duckdb": _Flavour(),
    "spark": _SparkFlavour(),
    "postgres": _PostgresFlavour(),
    "sqlite": _SQLiteFlavour(),
    "mysql": _MySQLFlavour(),
}


# -- the compile context ----------------------------------------------------------------------
class _Context:
    def __init__(self, asset: Asset, other: Asset | None, dialect: str, as_of: datetime) -> None:
        if dialect not in FLAVOURS:
            raise CheckCompileError(f"checks are not supported by the {dialect!r} engine")
        self.asset = asset
        self.other = other
        self.flavour = FLAVOURS[dialect]
        self.as_of = naive_utc(as_of)

    def col(self, name: str, asset: Asset | None = None) -> str:
        """The quoted column, after making sure the asset has it."""
        asset = asset or self.asset
        names = [c.name for c in asset.columns]
        if names and name not in names:
            raise CheckCompileError(f"{asset.name} has no column {name!r}{_hint(name, names)}")
        return quote_duckdb(name)

    def is_text(self, name: str, asset: Asset | None = None) -> bool:
        asset = asset or self.asset
        return any(c.name == name and c.logical_type == "string" for c in asset.columns)

    def logical_type(self, name: str) -> str | None:
        return next((c.logical_type for c in self.asset.columns if c.name == name), None)

    def exact(self, name: str, asset: Asset | None = None) -> str:
        q = self.col(name, asset)
        return self.flavour.exact(q) if self.is_text(name, asset) else q

    def need_other(self, role: str) -> Asset:
        if self.other is None:
            raise CheckCompileError(f"the {role} asset is not known")
        if self.other.source != self.asset.source:
            raise CheckCompileError(
                f"{self.other.name} is in source {self.other.source!r}, {self.asset.name} in "
                f"{self.asset.source!r}: cross-source comparisons are not run by this engine"
            )
        return self.other

    def expression(self, sql: str, what: str, asset: Asset | None = None, aggregate: bool = False) -> str:
        """A user's SQL expression, checked and with its columns quoted as the asset spells them."""
        asset = asset or self.asset
        try:
            tree = sqlglot.parse_one(sql, read="duckdb")
        except sqlglot.errors.ParseError as exc:
            raise CheckCompileError(f"cannot read {what} {sql!r}: {_first_line(exc)}") from None
        if tree.find(exp.Select, exp.Subquery) is not None:
            raise CheckCompileError(f"{what} {sql!r} may not hold a subquery")
        if tree.find(exp.Window) is not None:
            raise CheckCompileError(f"{what} {sql!r} may not hold a window function")
        has_aggregate = tree.find(exp.AggFunc) is not None
        if aggregate and not has_aggregate:
            raise CheckCompileError(f"{what} {sql!r} must aggregate (SUM, COUNT, ...)")
        if not aggregate and has_aggregate:
            raise CheckCompileError(f"{what} {sql!r} works on one row and may not aggregate")
        names = [c.name for c in asset.columns]
        for column in list(tree.find_all(exp.Column)):
            if column.table:
                raise CheckCompileError(f"{what} {sql!r} may only name columns of {asset.name}")
            column.set("this", exp.to_identifier(_resolve_column(column.name, names, asset, what)))
            column.this.set("quoted", True)
        return self.flavour.exact_comparisons(tree).sql(dialect="duckdb")


def _resolve_column(name: str, names: list[str], asset: Asset, what: str) -> str:
    """Exact name, else a unique case-insensitive match (PostgreSQL folds unquoted names)."""
    if not names or name in names:
        return name
    folded = [n for n in names if n.lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    hint = " (text values take single quotes)" if not folded else ""
    raise CheckCompileError(f"{what} names {name!r}, which {asset.name} has no column of{hint}")


def naive_utc(moment: datetime) -> datetime:
    """Data timestamps carry no zone; an aware as-of time is compared in UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def literal(value: Any, logical_type: str | None = None) -> str:
    """A Python value as a DuckDB-dialect SQL literal fit to compare with a column of that type."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        value = naive_utc(value)
        if logical_type == "date":
            return f"CAST({sql_literal(value.date().isoformat())} AS DATE)"
        return f"CAST({sql_literal(value.isoformat(sep=' '))} AS TIMESTAMP)"
    if isinstance(value, date):
        if logical_type == "timestamp":
            return f"CAST({sql_literal(value.isoformat() + ' 00:00:00')} AS TIMESTAMP)"
        return f"CAST({sql_literal(value.isoformat())} AS DATE)"
    return sql_literal(str(value))


# -- one compiler per kind --------------------------------------------------------------------
def _not_null(check: NotNullCheck, ctx: _Context) -> CompiledCheck:
    return CompiledCheck(predicate=_any(f"{ctx.col(c)} IS NULL" for c in check.columns))


def _null_like(check: NullLikeCheck, ctx: _Context) -> CompiledCheck:
    tokens = ", ".join(ctx.flavour.exact(sql_literal(t)) for t in check.tokens)
    parts = [
        f"{ctx.flavour.exact(f'LOWER(TRIM(CAST({ctx.col(c)} AS VARCHAR)))')} IN ({tokens})"
        for c in check.columns
    ]
    return CompiledCheck(predicate=_any(parts), value_columns=check.columns)


def _unique(check: UniqueCheck, ctx: _Context) -> CompiledCheck:
    keys = _tuple(ctx.exact(c) for c in check.columns)
    present = " AND ".join(f"{ctx.col(c)} IS NOT NULL" for c in check.columns)
    groups = ", ".join(ctx.exact(c) for c in check.columns)
    return CompiledCheck(
        predicate=f"{keys} IN (SELECT {groups} FROM {REL} WHERE {present} GROUP BY {groups} HAVING COUNT(*) > 1)",
        value_columns=check.columns,
    )


def _allowed_values(check: AllowedValuesCheck, ctx: _Context) -> CompiledCheck:
    q = ctx.col(check.column)
    if ctx.is_text(check.column):
        values = ", ".join(ctx.flavour.exact(sql_literal(_text(v))) for v in check.values)
        return CompiledCheck(
            predicate=f"{q} IS NOT NULL AND {ctx.flavour.exact(q)} NOT IN ({values})",
            value_columns=(check.column,),
        )
    values = ", ".join(literal(v) for v in check.values)
    return CompiledCheck(
        predicate=f"{q} IS NOT NULL AND {q} NOT IN ({values})", value_columns=(check.column,)
    )


def _pattern(check: PatternCheck, ctx: _Context) -> CompiledCheck:
    q = ctx.col(check.column)
    mismatch = ctx.flavour.regex_mismatch(f"CAST({q} AS VARCHAR)", check.full_regex)
    return CompiledCheck(predicate=f"{q} IS NOT NULL AND {mismatch}", value_columns=(check.column,))


def _range(check: RangeCheck, ctx: _Context) -> CompiledCheck:
    q = ctx.col(check.column)
    lt = ctx.logical_type(check.column)
    outside = []
    if check.min is not None:
        outside.append(f"{q} {'<' if check.min_inclusive else '<='} {literal(check.min, lt)}")
    if check.max is not None:
        outside.append(f"{q} {'>' if check.max_inclusive else '>='} {literal(check.max, lt)}")
    return CompiledCheck(predicate=f"{q} IS NOT NULL AND {_any(outside)}", value_columns=(check.column,))


def _row_rule(check: RowRuleCheck, ctx: _Context) -> CompiledCheck:
    # NOT (NULL) is NULL: rows where the rule cannot be judged pass, as in a SQL CHECK constraint.
    predicate = f"NOT ({ctx.expression(check.rule, 'rule')})"
    if check.unless:
        predicate += f" AND NOT COALESCE(({ctx.expression(check.unless, 'unless')}), FALSE)"
    return CompiledCheck(predicate=predicate)


def _column_order(check: ColumnOrderCheck, ctx: _Context) -> CompiledCheck:
    op = ">=" if check.strict else ">"
    return CompiledCheck(predicate=f"{ctx.col(check.left)} {op} {ctx.col(check.right)}")


def _not_future(check: NotFutureCheck, ctx: _Context) -> CompiledCheck:
    q = ctx.col(check.column)
    limit = literal(ctx.as_of + check.grace, ctx.logical_type(check.column))
    return CompiledCheck(predicate=f"{q} > {limit}")


def _freshness(check: FreshnessCheck, ctx: _Context) -> CompiledCheck:
    return CompiledCheck(measure=f"SELECT MAX({ctx.col(check.column)}), COUNT(*) FROM {REL}")


def _row_count(check: RowCountCheck, ctx: _Context) -> CompiledCheck:
    return CompiledCheck(measure=f"SELECT COUNT(*), COUNT(*) FROM {REL}")


def _references(check: ReferencesCheck, ctx: _Context) -> CompiledCheck:
    parent = ctx.need_other("parent")
    pairs = list(zip(check.columns, check.parent_key, strict=True))
    both_text = [ctx.is_text(c) and ctx.is_text(p, parent) for c, p in pairs]
    child = _tuple(ctx.exact(c) if t else ctx.col(c) for (c, _), t in zip(pairs, both_text, strict=True))
    keys = ", ".join(
        ctx.exact(p, parent) if t else ctx.col(p, parent) for (_, p), t in zip(pairs, both_text, strict=True)
    )
    child_set = " AND ".join(f"{ctx.col(c)} IS NOT NULL" for c in check.columns)
    parent_set = " AND ".join(f"{ctx.col(p, parent)} IS NOT NULL" for p in check.parent_key)
    return CompiledCheck(
        predicate=f"{child_set} AND {child} NOT IN (SELECT {keys} FROM {OTHER} WHERE {parent_set})",
        value_columns=check.columns,
    )


def _aggregate_match(check: AggregateMatchCheck, ctx: _Context) -> CompiledCheck:
    child = ctx.need_other("child")
    pairs = list(zip(check.key, check.child_key_columns, strict=True))
    both_text = [ctx.is_text(k) and ctx.is_text(ck, child) for k, ck in pairs]
    ours = [ctx.exact(k) if t else ctx.col(k) for (k, _), t in zip(pairs, both_text, strict=True)]
    theirs = [
        ctx.exact(ck, child) if t else ctx.col(ck, child) for (_, ck), t in zip(pairs, both_text, strict=True)
    ]
    this = ctx.expression(check.expr, "expr")
    that = ctx.expression(check.child_expr, "child_expr", asset=child, aggregate=True)
    aliases = [f"__k{i}" for i in range(len(pairs))]
    raw = [f"__r{i}" for i in range(len(pairs))]
    this_side = ", ".join(
        [f"{ctx.col(k)} AS {r}" for (k, _), r in zip(pairs, raw, strict=True)]
        + [f"{o} AS {a}" for o, a in zip(ours, aliases, strict=True)]
    )
    child_side = ", ".join(f"{t} AS {a}" for t, a in zip(theirs, aliases, strict=True))
    on = " AND ".join(f"t.{a} = c.{a}" for a in aliases)
    joined = (
        f"FROM (SELECT {this_side}, ({this}) AS __this FROM {REL}) AS t "
        f"LEFT JOIN (SELECT {child_side}, ({that}) AS __that FROM {OTHER} GROUP BY {', '.join(theirs)}) AS c "
        f"ON {on} WHERE ABS(t.__this - COALESCE(c.__that, 0)) > {check.tolerance!r}"
    )
    key_list = ", ".join(f"t.{a}" for a in aliases)
    raw_list = ", ".join(f"t.{r}" for r in raw)
    return CompiledCheck(
        predicate=f"{_tuple(ours)} IN (SELECT {key_list} {joined})",
        mismatch_sql=f"SELECT {raw_list}, t.__this, COALESCE(c.__that, 0) {joined} ORDER BY {raw_list} LIMIT 5",
        key_aliases=tuple(k for k, _ in pairs),
    )


# Declared once in core, implemented here per kind; a kind without an entry is not supported.
COMPILERS: dict[str, Callable[[Any, _Context], CompiledCheck]] = {
    "not_null": _not_null,
    "null_like": _null_like,
    "unique": _unique,
    "allowed_values": _allowed_values,
    "pattern": _pattern,
    "range": _range,
    "row_rule": _row_rule,
    "column_order": _column_order,
    "not_future": _not_future,
    "freshness": _freshness,
    "row_count": _row_count,
    "references": _references,
    "aggregate_match": _aggregate_match,
}


def compile_check(
    check: BaseCheck, asset: Asset, *, dialect: str, as_of: datetime, other: Asset | None = None
) -> CompiledCheck:
    """SQL for `check` over `asset` (DuckDB dialect, written for the target `dialect`'s semantics).

    `other` is the parent (references) or child (aggregate_match) asset.
    """
    compiler = COMPILERS.get(check.kind)
    if compiler is None:
        raise CheckCompileError(f"check kind {check.kind!r} is not supported by the {dialect!r} engine")
    return compiler(check, _Context(asset, other, dialect, as_of))


# -- small helpers ----------------------------------------------------------------------------
def _any(parts: Any) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else "(" + " OR ".join(items) + ")"


def _tuple(parts: Any) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _hint(name: str, names: list[str]) -> str:
    folded = [n for n in names if n.lower() == name.lower()]
    close = folded or difflib.get_close_matches(name, names, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f"; it has {', '.join(names[:20])}"


def _first_line(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text.replace("\x1b[4m", "").replace("\x1b[0m", "")


__all__ = [
    "COMPILERS",
    "OTHER",
    "CheckCompileError",
    "CompiledCheck",
    "compile_check",
    "literal",
    "naive_utc",
]
