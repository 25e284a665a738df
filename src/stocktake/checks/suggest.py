"""Propose checks from profiles and relationships, each with a one-line rationale.

A suggestion states what the data already does almost everywhere (no NULLs, unique ids, a
handful of statuses, e-mail shapes, ordered timestamps), so running it flags the rows that
break the habit. Some habits cannot be read off a profile (how often two timestamps are in
order, how many values really match a format): those are proposed as candidates and kept only
if a run shows they hold (`keep_confirmed`).
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections import defaultdict
from typing import TYPE_CHECKING

from stocktake.core.checks import (
    PATTERN_FORMATS,
    AllowedValuesCheck,
    BaseCheck,
    ColumnOrderCheck,
    NotFutureCheck,
    NotNullCheck,
    PatternCheck,
    RangeCheck,
    ReferencesCheck,
    UniqueCheck,
)
from stocktake.core.records import NUMERIC_TYPES, TEMPORAL_TYPES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stocktake.checks.run import CheckResult
    from stocktake.core.records import Asset, ColumnProfile, Relationship

Suggestion = tuple[BaseCheck, str]  # (check, rationale)

NEARLY_UNIQUE = 0.99  # distinct / non-NULL values for an id-like column
ALLOWED_MAX_DISTINCT = 20
ALLOWED_COVERAGE = 0.995  # share of rows the listed values must cover
RARE_SHARE = 0.005  # a value rarer than this that re-spells a common one is left out
NEGATIVE_TOLERANCE = 0.005  # share of negatives still read as "should be >= 0"
RATING_COVERAGE = 0.98
PATTERN_SHAPE_SHARE = 0.95  # of the profiled shapes' rows, the share that must fit the format
MIN_ROWS = 20  # too few rows to read a habit from

# How much of the data a candidate may break and still be a rule (larger: not a rule, dropped).
CONFIRM_TOLERANCE: dict[str, float] = {
    "pattern": 0.05,
    "column_order": 0.01,
    "not_future": 0.05,
    "unique": 0.02,
    "allowed_values": 0.02,
    "range": 0.02,
}

# Shape regexes: a value's profile shape (A-Z -> A, a-z -> a, 0-9 -> 9) fits these when the value
# could fit the named format. Digit-only formats also need a name hint, or every code would match.
_SHAPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": (PATTERN_FORMATS["email"][0], ()),
    "uuid": ("[9aA]{8}-[9aA]{4}-[9aA]{4}-[9aA]{4}-[9aA]{12}", ()),
    "iso_timestamp": ("9{4}-99-99[A ]99:99(:99)?", ()),
    "iso_date": ("9{4}-99-99", ()),
    "phone_e164": ("[+]9{7,15}", ("phone", "mobile", "tel")),
    "phone_cn": ("9{11}", ("phone", "mobile", "tel")),
    "cep_br": ("9{5}-?9{3}", ("cep", "zip", "postal", "postcode")),
    "zip_br": ("9{5}", ("cep", "zip", "postal", "postcode")),
}

# Lifecycle stages: a column named for an earlier stage should not be later than a later one.
_STAGES: dict[str, int] = {
    "created": 0, "registered": 0, "ordered": 0, "placed": 0, "started": 0, "start": 0,
    "paid": 1, "approved": 1,
    "shipped": 2, "dispatched": 2,
    "delivered": 3, "received": 3,
    "completed": 4, "ended": 4, "end": 4, "finished": 4, "closed": 4,
}  # fmt: skip
_EVENT_SUFFIXES = ("_at", "_time", "_ts", "_date", "time", "timestamp")
_NOT_EVENTS = ("expire", "expiry", "due", "until", "scheduled", "planned", "estimated", "deadline", "valid")
_RATING_WORDS = ("rating", "stars", "score")


def suggest_checks(
    assets: Sequence[Asset],
    profiles: Sequence[ColumnProfile],
    relationships: Sequence[Relationship] = (),
) -> list[Suggestion]:
    """Checks the data already (almost) keeps, with why; origin "suggested", severity warn."""
    by_asset: dict[str, list[ColumnProfile]] = defaultdict(list)
    for p in profiles:
        by_asset[p.asset].append(p)
    keys = dataset_keys(assets)
    out: list[Suggestion] = []
    for asset in assets:
        key = keys[asset.id]
        columns = by_asset.get(asset.id, [])
        for p in columns:
            if p.row_count < MIN_ROWS:
                continue
            out.extend(_column_suggestions(key, p))
        out.extend(_order_suggestions(key, columns))
    out.extend(_reference_suggestions(assets, keys, relationships))
    return out


def dataset_keys(assets: Sequence[Asset]) -> dict[str, str]:
    """asset id -> the key a contract names it by: its name where unique, else its id."""
    names = defaultdict(int)
    for a in assets:
        names[a.name] += 1
    return {a.id: a.name if names[a.name] == 1 else a.id for a in assets}


def keep_confirmed(suggestions: Sequence[Suggestion], results: Sequence[CheckResult]) -> list[Suggestion]:
    """Drop candidates the data breaks too often to call a rule; say how well the rest hold."""
    by_name = {r.check.name: r for r in results}
    kept = []
    for check, why in suggestions:
        result = by_name.get(check.name)
        if result is None or result.error:
            continue
        share = result.failing / result.total if result.total else 0.0
        if share > CONFIRM_TOLERANCE.get(check.kind, 0.0) and check.kind in CONFIRM_TOLERANCE:
            continue
        if isinstance(check, PatternCheck | ColumnOrderCheck) and result.total:
            why = f"{why}; holds in {1 - share:.1%} of {result.total:,} rows"
        kept.append((check, why))
    return kept


# -- one column -----------------------------------------------------------------------------------
def _column_suggestions(key: str, p: ColumnProfile) -> list[Suggestion]:
    out: list[Suggestion] = []
    rows = p.row_count
    if p.null_count == 0:
        out.append(
            (NotNullCheck(asset=key, columns=(p.column,), origin="suggested"), f"no NULLs in {rows:,} rows")
        )
    non_null = p.non_null_count
    if non_null < MIN_ROWS:
        return out
    if (
        _id_like(p.column)
        and p.distinct_count
        and p.distinct_exact
        and p.logical_type in {"integer", "string"}
    ):
        ratio = p.distinct_count / non_null
        if ratio >= NEARLY_UNIQUE:
            why = (
                f"all {non_null:,} values are distinct"
                if ratio == 1
                else f"an id with {p.distinct_count:,} distinct values in {non_null:,} rows"
            )
            out.append((UniqueCheck(asset=key, columns=(p.column,), origin="suggested"), why))
    if p.logical_type == "string":
        out.extend(_allowed_values(key, p))
        out.extend(_pattern(key, p))
    if p.logical_type in NUMERIC_TYPES and not _id_like(p.column):
        out.extend(_range(key, p))
    if p.logical_type in TEMPORAL_TYPES and _event_time(p.column):
        check = NotFutureCheck(asset=key, column=p.column, origin="suggested")
        out.append((check, f"{p.column} records when something happened, so it cannot lie ahead"))
    return out


def _allowed_values(key: str, p: ColumnProfile) -> list[Suggestion]:
    if not p.distinct_count or p.distinct_count > ALLOWED_MAX_DISTINCT or not p.top_values:
        return []
    non_null = p.non_null_count
    covered = sum(v.count for v in p.top_values)
    if covered / non_null < ALLOWED_COVERAGE or _id_like(p.column):
        return []
    common = [v for v in p.top_values if v.count / non_null >= RARE_SHARE]
    values = [
        v.value
        for v in p.top_values
        if v.count / non_null >= RARE_SHARE or not _respells(str(v.value), [str(c.value) for c in common])
    ]
    if not values:
        return []
    left_out = p.distinct_count - len(values)
    share = sum(v.count for v in p.top_values if v.value in values) / non_null
    why = f"{len(values)} value{'s' if len(values) != 1 else ''} cover {share:.1%} of rows"
    if left_out:
        why += f"; {left_out} rare {'spelling' if left_out == 1 else 'spellings'} left out"
    check = AllowedValuesCheck(asset=key, column=p.column, values=tuple(values), origin="suggested")
    return [(check, why)]


def _pattern(key: str, p: ColumnProfile) -> list[Suggestion]:
    shapes = p.patterns
    seen = sum(v.count for v in shapes)
    if not seen:
        return []
    name = p.column.lower()
    for fmt, (shape_regex, hints) in _SHAPES.items():
        if hints and not any(h in name for h in hints):
            continue
        fits = sum(v.count for v in shapes if re.fullmatch(shape_regex, str(v.value)))
        if fits / seen >= PATTERN_SHAPE_SHARE:
            check = PatternCheck(asset=key, column=p.column, format=fmt, origin="suggested")
            return [(check, f"values look like {PATTERN_FORMATS[fmt][1]}")]
    return []


def _range(key: str, p: ColumnProfile) -> list[Suggestion]:
    non_null = p.non_null_count
    name = p.column.lower()
    if p.logical_type == "integer" and any(w in name for w in _RATING_WORDS) and p.top_values:
        in_scale = sum(v.count for v in p.top_values if isinstance(v.value, int) and 1 <= v.value <= 5)
        if in_scale / non_null >= RATING_COVERAGE:
            check = RangeCheck(asset=key, column=p.column, min=1, max=5, origin="suggested")
            return [(check, f"a 1-5 rating: {in_scale / non_null:.1%} of values lie in 1..5")]
    negatives = p.negative_count or 0
    if p.min is None or negatives / non_null > NEGATIVE_TOLERANCE:
        return []
    why = (
        f"no negative values in {non_null:,} rows"
        if not negatives
        else f"only {negatives:,} of {non_null:,} values ({negatives / non_null:.1%}) are negative"
    )
    return [(RangeCheck(asset=key, column=p.column, min=0, origin="suggested"), why)]


# -- several columns ------------------------------------------------------------------------------
def _order_suggestions(key: str, profiles: Sequence[ColumnProfile]) -> list[Suggestion]:
    """Consecutive lifecycle stages (ordered_at <= paid_at <= shipped_at ...), as candidates."""
    staged = sorted(
        (stage, p.column)
        for p in profiles
        if p.logical_type in TEMPORAL_TYPES and (stage := _stage(p.column)) is not None
    )
    out: list[Suggestion] = []
    for (stage, left), (next_stage, right) in itertools.pairwise(staged):
        if next_stage > stage:
            check = ColumnOrderCheck(asset=key, left=left, right=right, origin="suggested")
            out.append((check, f"the names say {left} comes before {right}"))
    return out


def _reference_suggestions(
    assets: Sequence[Asset], keys: dict[str, str], relationships: Sequence[Relationship]
) -> list[Suggestion]:
    source_of = {a.id: a.source for a in assets}
    by_id = {a.id: a for a in assets}
    out: list[Suggestion] = []
    for rel in relationships:
        if rel.from_asset not in by_id or source_of.get(rel.from_asset) != source_of.get(rel.to_asset):
            continue  # references run inside one source
        parent = by_id[rel.to_asset].name  # resolved among the source's own assets
        check = ReferencesCheck(
            asset=keys[rel.from_asset],
            columns=tuple(rel.from_columns),
            parent=parent,
            parent_columns=None if rel.to_columns == rel.from_columns else tuple(rel.to_columns),
            origin="suggested",
        )
        out.append(
            (check, f"discovered: {rel.coverage:.1%} of {_join(rel.from_columns)} values exist in {parent}")
        )
    return out


# -- words ----------------------------------------------------------------------------------------
def _tokens(column: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", column.lower()) if t]


def _id_like(column: str) -> bool:
    name = column.lower()
    tokens = _tokens(column)
    return bool(tokens) and (
        tokens[-1] in {"id", "uuid", "sku", "key"} or (name.endswith("id") and name != "paid")
    )


def _stage(column: str) -> int | None:
    stages = [_STAGES[t] for t in _tokens(column) if t in _STAGES]
    return stages[0] if stages else None


def _event_time(column: str) -> bool:
    name = column.lower()
    if any(word in name for word in _NOT_EVENTS):
        return False
    return (
        name.endswith(_EVENT_SUFFIXES) or _stage(column) is not None or name in {"ts", "created", "updated"}
    )


def _fold(text: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s_-]+", " ", stripped).strip().casefold()


def _respells(value: str, common: list[str]) -> bool:
    """'Delivered ' next to 'delivered': a variant of a common value, not a value of its own."""
    folded = _fold(value)
    others = [_fold(c) for c in common if c != value]
    return folded in others or bool(difflib.get_close_matches(folded, others, n=1, cutoff=0.8))


def _join(columns: Sequence[str]) -> str:
    return ", ".join(columns)


__all__ = ["CONFIRM_TOLERANCE", "Suggestion", "dataset_keys", "keep_confirmed", "suggest_checks"]
