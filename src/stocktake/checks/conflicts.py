"""Two descriptions of the same entity that disagree: a supplier feed's list_price against the
catalog's price for the same item_id, or another brand.

Compared along discovered relationships that cross sources, or that join two assets describing
the same entity (a child key unique in the child too: a 1:1 mirror). Attributes are paired by
name (exactly, or through a few synonyms) and compared for matched keys in DuckDB: numbers
beyond a relative tolerance, text after normalisation (NFKC, case, accents, whitespace). The
columns needed from one side are staged with the federation's bounded staging (RowStager
below extends KeyVerifier from keys to key + attribute rows); whole tables never come into Python.
"""

from __future__ import annotations

import contextlib
import math
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import duckdb
import pyarrow as pa
from duckdb.sqltypes import VARCHAR

from stocktake.checks.keys import looks_like_identifier
from stocktake.cleaning.normalise import comparison_key
from stocktake.core.records import NUMERIC_TYPES, Finding, RowSet
from stocktake.core.vocab import FindingType, Severity
from stocktake.engines.duckdb import DuckDBEngine
from stocktake.engines.profiling import quote_duckdb, sql_literal, to_scalar
from stocktake.semantics.federation import (
    CHILD,
    DEFAULT_MAX_STAGED_KEYS,
    KeyVerifier,
    StagingRefused,
    _arrow_values,
    _Staged,
    compile_sql,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from stocktake.core.records import Asset, ColumnProfile, Relationship, Scalar
    from stocktake.engines.base import Engine

CONFLICT_CHECK = "consistency.cross_source_conflict"
# Names two assets give the same attribute; exact names always pair.
SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"price", "list_price", "unit_price"}),
    frozenset({"brand", "brand_name"}),
    frozenset({"category", "category_name"}),
    frozenset({"title", "name", "product_name"}),
    frozenset({"model", "model_no"}),
)
NEAR_UNIQUE = 0.99  # distinct / non-null for a child key to count as one row per entity
MAX_LISTED_KEYS = 1000  # conflicting keys spelled out in the predicate
MIN_RATIO_SAMPLE = 20  # matched pairs needed before a usual markup is learned
MAX_RATIO_SPREAD = 1.5  # a q10..q90 ratio band wider than this is no "usual markup"

Kind = Literal["number", "text", "identifier"]


@dataclass(frozen=True)
class AttributePair:
    child: str
    parent: str
    kind: Kind

    @property
    def same_name(self) -> bool:
        return _snake(self.child) == _snake(self.parent)


def _snake(name: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


# Codes compared exactly as text even when one source stores them as numbers: a zip code that lost
# its leading zeros ('4195' vs '04195') is a real disagreement, not a rounding difference.
_CODE_NAME = re.compile(r"(zip|postal|postcode|cep|_code|code_|prefix)", re.IGNORECASE)


def _kind(logical_type: str, name: str = "") -> Kind | None:
    """How two values of a column are compared: identifiers exactly (as text), numbers with a
    tolerance, other text after normalisation; times and booleans are not compared."""
    if (looks_like_identifier(name) or _CODE_NAME.search(name)) and (
        logical_type in NUMERIC_TYPES or logical_type == "string"
    ):
        return "identifier"
    if logical_type in NUMERIC_TYPES:
        return "number"
    return "text" if logical_type == "string" else None


def _names_agree(a: str, b: str) -> bool:
    a, b = _snake(a), _snake(b)
    return a == b or any(a in group and b in group for group in SYNONYMS)


def pair_attributes(child: Asset, parent: Asset, child_key: str, parent_key: str) -> list[AttributePair]:
    """Attributes of the two assets that name the same thing and have comparable types.

    Each child column pairs once: an exact name beats a synonym (price ~ price before
    list_price ~ price).
    """
    pairs = []
    for c in child.columns:
        if c.name == child_key or (c_kind := _kind(c.logical_type, c.name)) is None:
            continue
        options = [
            p
            for p in parent.columns
            if p.name != parent_key
            and _kind(p.logical_type, p.name) == c_kind
            and _names_agree(c.name, p.name)
        ]
        options.sort(key=lambda p: (_snake(p.name) != _snake(c.name), p.name))
        if options:
            pairs.append(AttributePair(c.name, options[0].name, c_kind))
    return pairs


def _describes_same_entity(
    rel: Relationship, child: Asset, profiles: Mapping[tuple[str, str], ColumnProfile]
) -> bool:
    if child.source != rel.to_asset.split("/", 1)[0] and rel.from_asset != rel.to_asset:
        return True  # different sources: two descriptions whatever the cardinality
    prof = profiles.get((child.id, rel.from_columns[0]))
    if prof is None or not prof.distinct_count or rel.from_asset == rel.to_asset:
        return False
    return prof.distinct_count >= NEAR_UNIQUE * prof.non_null_count


def cross_source_conflicts(
    relationships: Iterable[Relationship],
    assets: Sequence[Asset],
    profiles: Sequence[ColumnProfile],
    engines_by_source: Mapping[str, Engine],
    *,
    price_tolerance: float = 0.05,
    max_staged_keys: int = DEFAULT_MAX_STAGED_KEYS,
    notes: list[str] | None = None,
) -> list[Finding]:
    """One cross_source_conflict finding per (asset pair, attribute) whose matched keys disagree.

    The parent of the relationship is taken as the catalog of record: the correction proposed
    is its value. Pairs that could not be staged (too many keys) are left out, with a line in
    `notes`.
    """
    by_id = {a.id: a for a in assets}
    by_column = {(p.asset, p.column): p for p in profiles}
    out: list[Finding] = []
    with RowStager(engines_by_source, max_staged_keys) as stager:
        for rel in relationships:
            child, parent = by_id.get(rel.from_asset), by_id.get(rel.to_asset)
            if child is None or parent is None or len(rel.from_columns) != 1:
                continue
            if child.source == parent.source and not _describes_same_entity(rel, child, by_column):
                continue
            x, y = rel.from_columns[0], rel.to_columns[0]
            pairs = pair_attributes(child, parent, x, y)
            if not pairs:
                continue
            as_text = _kind(child.column(x).logical_type) != _kind(parent.column(y).logical_type)
            try:
                out.extend(_compare(stager, child, parent, x, y, as_text, pairs, price_tolerance))
            except StagingRefused as exc:
                stager.notes.append(str(exc))
            except Exception as exc:  # one failing pair must not lose the others
                stager.notes.append(
                    f"{child.name}.{x} -> {parent.name}.{y}: {type(exc).__name__}: {exc}"[:300]
                )
        if notes is not None:
            notes.extend(stager.notes)
    return out


# -- staging: key + attribute rows, through the federation's verifier ----------------------------
@dataclass
class RowStager(KeyVerifier):
    """KeyVerifier's bounded staging, for rows of (key, attributes) rather than keys alone.

    Staged tables and the text-normalising function are registered in the DuckDB connection
    where the comparison runs, and removed again on exit.
    """

    _functions: dict[int, tuple[duckdb.DuckDBPyConnection, str]] = field(default_factory=dict)

    def join(
        self, child: Asset, child_sql: str, parent: Asset, parent_sql: str, pairs: Sequence[AttributePair]
    ) -> tuple[duckdb.DuckDBPyConnection, str, str]:
        """(connection, SQL of the matched rows `k, c0, p0, c1, p1, ...`, text-key function)."""
        child_engine, parent_engine = self.engine_of(child), self.engine_of(parent)
        if child_engine is parent_engine and isinstance(child_engine, DuckDBEngine):
            conn = child_engine.conn
            c_side = "(" + child_sql.format(rel=child_engine.relation(child)) + ")"
            p_side = "(" + parent_sql.format(rel=parent_engine.relation(parent)) + ")"
        elif isinstance(child_engine, DuckDBEngine):
            conn = child_engine.conn
            c_side = "(" + child_sql.format(rel=child_engine.relation(child)) + ")"
            p_side = self.stage_rows(parent, parent_sql, len(pairs), conn)
        elif isinstance(parent_engine, DuckDBEngine):
            conn = parent_engine.conn
            c_side = self.stage_rows(child, child_sql, len(pairs), conn)
            p_side = "(" + parent_sql.format(rel=parent_engine.relation(parent)) + ")"
        else:  # no DuckDB on either side (or both in one SQL database): compare in a scratch DuckDB
            conn = self._scratch_connection()
            c_side = self.stage_rows(child, child_sql, len(pairs), conn)
            p_side = self.stage_rows(parent, parent_sql, len(pairs), conn)
        values = ", ".join(f"c.a{i} AS c{i}, p.a{i} AS p{i}" for i in range(len(pairs)))
        joined = f"(SELECT c.k AS k, {values} FROM {c_side} AS c JOIN {p_side} AS p ON c.k = p.k) AS j"
        return conn, joined, self._text_key_function(conn)

    def stage_rows(self, asset: Asset, sql: str, attributes: int, conn: duckdb.DuckDBPyConnection) -> str:
        """Fetch `sql` (DuckDB dialect, `{rel}` for the asset) with one bounded SELECT; register it."""
        slot = (id(conn), asset.id, sql, "rows", False)
        if slot in self._registered:
            return self._registered[slot].name
        engine = self.engine_of(asset)
        bounded = sql.format(rel=CHILD) + f" LIMIT {self.max_staged_keys + 1}"
        rows = engine.execute(compile_sql(engine, bounded, {CHILD: engine.relation(asset)}))[1]
        if len(rows) > self.max_staged_keys:
            raise StagingRefused(
                f"{asset.name}: more than {self.max_staged_keys:,} rows to compare; "
                "not staged across sources, so its attributes are left uncompared"
            )
        names = ["k", *(f"a{i}" for i in range(attributes))]
        table = pa.table({name: _arrow_values([row[j] for row in rows]) for j, name in enumerate(names)})
        name = f"__stocktake_rows_{secrets.token_hex(6)}"
        conn.register(name, table)
        self._connections[id(conn)] = conn
        self._registered[slot] = _Staged(name, pa.types.is_string(table.schema.field(0).type))
        return name

    def _text_key_function(self, conn: duckdb.DuckDBPyConnection) -> str:
        if id(conn) not in self._functions:
            name = f"__stocktake_text_key_{secrets.token_hex(6)}"
            conn.create_function(name, _text_key, [VARCHAR], VARCHAR)
            self._functions[id(conn)] = (conn, name)
        return self._functions[id(conn)][1]

    def close(self) -> None:
        for conn, name in self._functions.values():
            with contextlib.suppress(duckdb.Error):
                conn.remove_function(name)
        self._functions.clear()
        super().close()


def _text_key(text: str) -> str:
    return comparison_key(text)


# -- the comparison, in DuckDB ------------------------------------------------------------------
def _side_columns(key: str, pairs: Sequence[AttributePair], parent: bool, as_text: bool) -> str:
    """`k, a0, a1, ...` of one side: numbers as DOUBLE, text as VARCHAR; the parent one row per key."""
    k = quote_duckdb(key)
    parts = [f"CAST({k} AS VARCHAR) AS k" if as_text else f"{k} AS k"]
    for i, pair in enumerate(pairs):
        col = quote_duckdb(pair.parent if parent else pair.child)
        value = f"TRY_CAST({col} AS DOUBLE)" if pair.kind == "number" else f"CAST({col} AS VARCHAR)"
        parts.append(f"MIN({value}) AS a{i}" if parent else f"{value} AS a{i}")
    return ", ".join(parts)


def _disagrees(
    i: int, pair: AttributePair, band: tuple[float, float], tolerance: float, text_key: str
) -> str:
    c, p = f"c{i}", f"p{i}"
    both = f"{c} IS NOT NULL AND {p} IS NOT NULL"
    if pair.kind == "identifier":
        return f"{both} AND {c} <> {p}"
    if pair.kind == "text":
        return f"{both} AND {c} <> {p} AND {text_key}({c}) <> {text_key}({p})"
    lo, hi = band
    low, high = f"LEAST({p} * {lo!r}, {p} * {hi!r})", f"GREATEST({p} * {lo!r}, {p} * {hi!r})"
    return (
        f"{both} AND ({c} < {low} - {tolerance!r} * ABS({low}) OR {c} > {high} + {tolerance!r} * ABS({high}))"
    )


def _compare(
    stager: RowStager,
    child: Asset,
    parent: Asset,
    x: str,
    y: str,
    as_text: bool,
    pairs: list[AttributePair],
    tolerance: float,
) -> list[Finding]:
    child_sql = (
        f"SELECT {_side_columns(x, pairs, False, as_text)} FROM {{rel}} WHERE {quote_duckdb(x)} IS NOT NULL"
    )
    parent_sql = (
        f"SELECT {_side_columns(y, pairs, True, as_text)} FROM {{rel}} "
        f"WHERE {quote_duckdb(y)} IS NOT NULL GROUP BY {quote_duckdb(y)}"
    )
    conn, joined, text_key = stager.join(child, child_sql, parent, parent_sql, pairs)
    bands = [_usual_ratio(conn, joined, i, pair) for i, pair in enumerate(pairs)]
    conditions = [_disagrees(i, pair, bands[i], tolerance, text_key) for i, pair in enumerate(pairs)]
    counts_sql = ", ".join(
        f"COUNT(*) FILTER (WHERE c{i} IS NOT NULL AND p{i} IS NOT NULL), COUNT(*) FILTER (WHERE {cond})"
        for i, cond in enumerate(conditions)
    )
    # fetchall, not fetchone: DuckDB refuses new work on a connection with an unfinished result.
    counts = next(iter(conn.execute(f"SELECT {counts_sql} FROM {joined}").fetchall()), ())
    out = []
    for i, pair in enumerate(pairs):
        compared, conflicting = int(counts[2 * i] or 0), int(counts[2 * i + 1] or 0)
        if not conflicting:
            continue
        rows = conn.execute(
            f"SELECT k, c{i}, p{i} FROM {joined} WHERE {conditions[i]} ORDER BY k LIMIT {MAX_LISTED_KEYS + 1}"
        ).fetchall()
        examples = [(to_scalar(k), to_scalar(c), to_scalar(p)) for k, c, p in rows]
        out.append(
            _finding(stager, child, parent, x, y, pair, compared, conflicting, examples, bands[i], tolerance)
        )
    return out


def _usual_ratio(
    conn: duckdb.DuckDBPyConnection, joined: str, i: int, pair: AttributePair
) -> tuple[float, float]:
    """The ratio child/parent two differently named numbers usually keep (a list price's markup).

    Same-named numbers should be equal: (1, 1). A list price sits a little above the selling
    price by design, so its usual band (10th to 90th percentile) is learned from the pairs;
    a band wider than MAX_RATIO_SPREAD is no markup, and equality is expected again.
    """
    if pair.kind != "number" or pair.same_name:
        return (1.0, 1.0)
    row = conn.execute(
        f"SELECT COUNT(*), quantile_cont(c{i} / p{i}, 0.1), quantile_cont(c{i} / p{i}, 0.9) "
        f"FROM {joined} WHERE c{i} > 0 AND p{i} > 0"
    ).fetchall()[0]
    n, lo, hi = row if row else (0, None, None)
    if n < MIN_RATIO_SAMPLE or lo is None or hi is None or hi / lo > MAX_RATIO_SPREAD:
        return (1.0, 1.0)
    return (min(1.0, round(lo, 4)), max(1.0, round(hi, 4)))


# -- the finding --------------------------------------------------------------------------------
def _entities(key: str) -> str:
    """'item_id' -> 'items': what a key counts, for the reason."""
    stem = re.sub(r"(_id|_key|_code|_no|id)$", "", _snake(key)).strip("_")
    return f"{stem}s" if stem else "rows"


def _show(value: Scalar) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return repr(value)


def _literal(value: Scalar) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return sql_literal(str(value))


def _finding(
    stager: RowStager,
    child: Asset,
    parent: Asset,
    x: str,
    y: str,
    pair: AttributePair,
    compared: int,
    conflicting: int,
    examples: list[tuple[Scalar, Scalar, Scalar]],
    band: tuple[float, float],
    tolerance: float,
) -> Finding:
    engine = stager.engine_of(child)
    key, value, other = examples[0]
    share_compared = conflicting / compared if compared else 0.0
    rows = child.row_count or compared
    share = conflicting / rows if rows else 0.0
    on = pair.child if pair.same_name else f"{pair.child} ({parent.name}.{pair.parent})"
    if pair.kind == "number":
        how = f"beyond {tolerance:.0%}"
        if band != (1.0, 1.0):
            how += f" of the usual ratio {band[0]:.2f}-{band[1]:.2f}x"
    elif pair.kind == "text":
        how = "after ignoring case, accents, width and spacing"
    else:
        how = "exactly"
    entity = _entities(x)
    reason = (
        f"{conflicting:,} of {compared:,} {child.name} {entity} ({share_compared:.1%}) disagree with "
        f"{parent.name} on {on} {how} (e.g. {entity.removesuffix('s') or 'row'} {key}: "
        f"{_show(value)} vs {_show(other)})."
    )
    keys = [k for k, _, _ in examples]
    value_sql = f"CAST({quote_duckdb(x)} AS VARCHAR)" if isinstance(keys[0], str) else quote_duckdb(x)
    listed = len(keys) <= MAX_LISTED_KEYS and conflicting == len(keys)
    predicate = (
        engine.transpile(f"{value_sql} IN ({', '.join(_literal(k) for k in keys)})") if listed else None
    )
    return Finding.raised(
        id_columns=[pair.child, f"{parent.id}.{pair.parent}"],  # one finding per counterpart column
        asset=child.id,
        columns=[pair.child],
        type=FindingType.CROSS_SOURCE_CONFLICT,
        severity=Severity.ERROR if share_compared >= 0.05 else Severity.WARNING,
        reason=reason,
        rows=RowSet(count=conflicting, share=share, key_columns=[x], keys=keys[:20], predicate=predicate),
        evidence={
            "relationship": f"{child.name}.{x} -> {parent.name}.{y}",
            "counterpart": f"{parent.id}.{pair.parent}",
            "compared_as": pair.kind,
            "compared": compared,
            "tolerance": tolerance if pair.kind == "number" else None,
            "usual_ratio": list(band) if pair.kind == "number" else None,
            "examples": [{"key": k, "value": v, "counterpart_value": o} for k, v, o in examples[:10]],
            "cross_source": child.source != parent.source,
            "correction": f"value from {parent.name}",
            "corrections": {str(k): o for k, _, o in examples[:MAX_LISTED_KEYS]} if listed else None,
        },
        score=round(min(1.0, 0.5 + 0.5 * math.sqrt(min(share_compared, 1.0))), 4),
        check=CONFLICT_CHECK,
    )


__all__ = ["CONFLICT_CHECK", "SYNONYMS", "AttributePair", "cross_source_conflicts", "pair_attributes"]
