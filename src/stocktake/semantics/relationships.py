"""Relationship discovery: which columns reference which keys, across every asset and source.

An inclusion dependency `a.x ⊆ b.y` is proposed from profiles (cheap) and then verified by
counting in the engines (see federation.py). Candidates are kept few on purpose:

* the parent b.y must be a key: unique, or nearly (planted or real duplicates happen), and
  of a key-like type (integer, decimal or short text; an integer key stored as digits in
  text is compared as text);
* a child column pairs with such a parent when their names agree (exactly, or after
  stripping the table's own prefix: `customer_zip_code_prefix` ~ `geolocation_zip_code_prefix`,
  `products.id` ~ `product_id`, `clicked_item_id` ~ `item_id`) or their semantic types agree;
* a key-like name that no table holds uniquely (a zip prefix) points at the column with the
  widest domain, the reference table;
* only a key-like child with no name match at all is paired by its values: ranges, lengths
  and character classes taken from the profiles, at most three parents.

A verified pair is kept when its coverage reaches `min_coverage`, so real foreign keys with a
few orphans survive and coincidental overlaps do not; each child column keeps one parent.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stocktake.core.records import NUMERIC_TYPES, Relationship
from stocktake.semantics.federation import (
    DEFAULT_MAX_STAGED_KEYS,
    Coverage,
    KeyColumn,
    KeyVerifier,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from stocktake.core.records import Asset, ColumnProfile
    from stocktake.engines.base import Engine

NEAR_UNIQUE_EXACT = 0.99  # distinct / non-null for a parent key with a few duplicate rows
NEAR_UNIQUE_APPROX = 0.97  # the same where the distinct count is an estimate
MAX_KEY_LENGTH = 100  # longer text is prose, not a key
MAX_VALUE_CANDIDATES = 3  # parents tried per child column matched only by its values
MIN_VALUE_DISTINCT = 10  # fewer distinct values overlap any id range by chance (line numbers)
# Names that say nothing about what they identify; they only count once qualified by their table.
GENERIC = frozenset(
    {"id", "key", "code", "uuid", "guid", "pk", "name", "type", "status", "value", "no", "num"}
)
_KEY_TOKENS = frozenset({"id", "key", "code", "zip", "sku", "uuid", "guid", "ean", "upc", "isbn", "postcode"})
_NOISE_TOKENS = frozenset(
    {"dataset", "data", "table", "tbl", "dim", "fact", "stg", "raw", "src", "view", "vw"}
)
_REASONS = ("name", "domain", "semantic", "values")  # preference order when one child has several

# Semantic types that name one entity's key: two columns of the same such type may reference each
# other. Generic identifiers (1, 2, 3 in every table) and text types (two title columns) may not.
ENTITY_KEY_TYPES: frozenset[str] = frozenset({"user_id", "item_id", "sku", "order_id", "session_id"})


def _snake(name: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _table_tokens(asset: Asset) -> list[str]:
    tokens = _snake(asset.name.rsplit("/", 1)[-1]).split("_")
    return [_singular(t) for t in tokens if t and t not in _NOISE_TOKENS]


@dataclass(frozen=True)
class _Column:
    asset: Asset
    profile: ColumnProfile
    family: str  # "number" or "text"
    digits: bool  # text holding only digits: may meet an integer key
    names: frozenset[str]  # names it may be matched by
    owned: bool  # the table's own identifier (customers.customer_id, products.id)
    keyish: bool
    unique: bool

    @property
    def column(self) -> str:
        return self.profile.column

    @property
    def distinct(self) -> int:
        return self.profile.distinct_count or 0


def _describe(asset: Asset, profile: ColumnProfile) -> _Column | None:
    lt = profile.logical_type
    if lt in NUMERIC_TYPES and lt != "float":
        family = "number"
    elif lt == "string" and profile.length_max is not None and profile.length_max <= MAX_KEY_LENGTH:
        family = "text"
    else:
        return None  # floats, times, booleans, prose: never keys
    if profile.non_null_count == 0 or profile.distinct_count is None:
        return None
    name = _snake(profile.column)
    tokens = name.split("_")
    names, owned = _names(name, _table_tokens(asset))
    ratio = NEAR_UNIQUE_EXACT if profile.distinct_exact else NEAR_UNIQUE_APPROX
    return _Column(
        asset=asset,
        profile=profile,
        family=family,
        digits=family == "text" and _only_digits(profile),
        names=names,
        owned=owned,
        keyish=bool(_KEY_TOKENS & set(tokens)) or tokens[-1] == "no",
        unique=profile.distinct_count >= 2 and profile.distinct_count >= ratio * profile.non_null_count,
    )


def _names(name: str, table: list[str]) -> tuple[frozenset[str], bool]:
    """Names a column may be matched by, and whether it is its table's own identifier."""
    entities = {table[-1], "_".join(table)} if table else set()
    if name in GENERIC:  # products.id ~ product_id
        return frozenset(f"{entity}_{name}" for entity in entities), bool(entities)
    names, owned = {name}, False
    for entity in entities:
        if name.startswith(entity + "_"):
            rest = name[len(entity) + 1 :]
            if rest in GENERIC:
                owned = True  # customers.customer_id, order_items.order_item_id
            else:
                names.add(rest)  # customer_zip_code_prefix in customers ~ zip_code_prefix
    return frozenset(names), owned


def _only_digits(profile: ColumnProfile) -> bool:
    if profile.patterns:
        return all(re.fullmatch(r"9+", str(p.value)) for p in profile.patterns)
    return str(profile.min).isdigit() and str(profile.max).isdigit()


# -- candidates -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    child: _Column
    parent: _Column
    reason: str  # one of _REASONS
    as_text: bool

    def sides(self) -> tuple[KeyColumn, KeyColumn]:
        return (
            KeyColumn(self.child.asset, self.child.column, self.as_text),
            KeyColumn(self.parent.asset, self.parent.column, self.as_text),
        )


def _compatible(child: _Column, parent: _Column) -> bool | None:
    """None when the types cannot hold the same keys; else whether to compare as text."""
    if child.family == parent.family:
        return False
    if child.digits or parent.digits:  # an integer key drifted into a text column
        return True
    return None


def _names_match(child: _Column, parent: _Column) -> bool:
    if child.names & parent.names:
        return True
    # A role prefix on the child: clicked_item_id, parent_category_id.
    return any(c.endswith("_" + p) for p in parent.names if "_" in p for c in child.names)


def _values_plausible(child: _Column, parent: _Column) -> bool:
    c, p = child.profile, parent.profile
    if child.distinct < MIN_VALUE_DISTINCT or child.distinct > 1.1 * parent.distinct:
        return False
    if child.family == "number" and parent.family == "number":
        lo, hi = p.min, p.max
        if not isinstance(lo, int | float) or not isinstance(hi, int | float):
            return False
        points = [v.value for v in c.top_values] + list(c.quantiles.values()) + [c.min, c.max]
        numbers = [v for v in points if isinstance(v, int | float)]
        inside = sum(lo <= v <= hi for v in numbers)
        return bool(numbers) and inside >= 0.9 * len(numbers)
    if child.family == "text" and parent.family == "text":
        c_lo, c_hi, p_lo, p_hi = c.length_min, c.length_max, p.length_min, p.length_max
        if c_lo is None or c_hi is None or p_lo is None or p_hi is None or c_lo < p_lo or c_hi > p_hi:
            return False
        return _char_classes(c) <= _char_classes(p) and str(c.min) <= str(p.max) and str(c.max) >= str(p.min)
    return False


def _char_classes(profile: ColumnProfile) -> set[str]:
    return {ch for pattern in profile.patterns for ch in str(pattern.value)}


def propose_candidates(columns: Sequence[_Column]) -> list[Candidate]:
    """Pairs worth a query: name and semantic matches, domain references, then value overlaps."""
    parents = [p for p in columns if p.unique]
    out: list[Candidate] = []
    matched: set[tuple[str, str]] = set()

    def add(child: _Column, parent: _Column, reason: str) -> None:
        if child is parent or (child.asset.id, child.column, parent.asset.id, parent.column) in seen:
            return
        as_text = _compatible(child, parent)
        if as_text is None:
            return
        seen.add((child.asset.id, child.column, parent.asset.id, parent.column))
        matched.add((child.asset.id, child.column))
        out.append(Candidate(child, parent, reason, as_text))

    seen: set[tuple[str, str, str, str]] = set()
    for child in columns:
        for parent in parents:
            if _names_match(child, parent):
                add(child, parent, "name")
            elif (
                child.profile.semantic_type in ENTITY_KEY_TYPES
                and child.profile.semantic_type == parent.profile.semantic_type
            ):
                add(child, parent, "semantic")
    for child, parent in _domain_pairs(columns):
        add(child, parent, "domain")
    for child in columns:
        if (child.asset.id, child.column) in matched or not child.keyish or (child.owned and child.unique):
            continue
        plausible = [p for p in parents if p is not child and _values_plausible(child, p)]
        plausible.sort(key=lambda p: (p.distinct, p.asset.id, p.column))  # tightest superset first
        for parent in plausible[:MAX_VALUE_CANDIDATES]:
            add(child, parent, "values")
    return out


def _domain_pairs(columns: Sequence[_Column]) -> Iterable[tuple[_Column, _Column]]:
    """Key-like names no table holds uniquely: each column points at the widest domain."""
    groups: dict[str, list[_Column]] = defaultdict(list)
    for col in columns:
        for name in col.names:
            groups[name].append(col)
    for members in groups.values():
        if len(members) < 2 or any(m.unique for m in members) or not all(m.keyish for m in members):
            continue
        widest = max(members, key=lambda m: (m.distinct, m.asset.id))
        for member in members:
            if member is not widest:
                yield member, widest


# -- discovery ---------------------------------------------------------------------------------
def describe_columns(assets: Sequence[Asset], profiles: Sequence[ColumnProfile]) -> list[_Column]:
    by_id = {a.id: a for a in assets}
    described = (_describe(by_id[p.asset], p) for p in profiles if p.asset in by_id)
    return [c for c in described if c is not None]


def discover_relationships(
    assets: Sequence[Asset],
    profiles: Sequence[ColumnProfile],
    engines_by_source: Mapping[str, Engine],
    *,
    min_coverage: float = 0.9,
    max_staged_keys: int = DEFAULT_MAX_STAGED_KEYS,
    notes: list[str] | None = None,
) -> list[Relationship]:
    """Inclusion dependencies across all assets and sources, verified by counting in the engines.

    `engines_by_source` maps Source.name to an open engine; every asset's source must be there.
    Lines about pairs that could not be verified are appended to `notes`.
    """
    candidates = propose_candidates(describe_columns(assets, profiles))
    verified: list[tuple[Candidate, Coverage]] = []
    with KeyVerifier(engines_by_source, max_staged_keys) as verifier:
        for cand in candidates:
            child, parent = cand.sides()
            try:
                cov = verifier.coverage(child, parent)
            except Exception as exc:  # one failing pair must not lose the others
                verifier.notes.append(f"{child.label} -> {parent.label}: {type(exc).__name__}: {exc}"[:300])
                continue
            if cov is not None and cov.total and cov.coverage >= min_coverage:
                verified.append((cand, cov))
        if notes is not None:
            notes.extend(verifier.notes)
    return [
        Relationship(
            from_asset=cand.child.asset.id,
            from_columns=[cand.child.column],
            to_asset=cand.parent.asset.id,
            to_columns=[cand.parent.column],
            coverage=round(cov.coverage, 6),
            orphan_count=cov.orphans,
        )
        for cand, cov in _choose(verified)
    ]


def _choose(verified: list[tuple[Candidate, Coverage]]) -> list[tuple[Candidate, Coverage]]:
    """One parent per child column, and one direction per pair of mutually covering keys."""

    def rank(item: tuple[Candidate, Coverage]) -> tuple[object, ...]:
        cand, cov = item
        p = cand.parent
        return (_REASONS.index(cand.reason), not p.owned, -cov.coverage, p.distinct, p.asset.id, p.column)

    best: dict[tuple[str, str], tuple[Candidate, Coverage]] = {}
    for item in sorted(verified, key=rank):
        best.setdefault((item[0].child.asset.id, item[0].child.column), item)
    kept = []
    for cand, cov in best.values():
        back = best.get((cand.parent.asset.id, cand.parent.column))
        if back and back[0].parent is cand.child and not _keeps_direction(cand, back[0]):
            continue
        kept.append((cand, cov))
    return sorted(kept, key=lambda item: (item[0].child.asset.id, item[0].child.column))


def _keeps_direction(cand: Candidate, reverse: Candidate) -> bool:
    """Of a.x ⊆ b.y and b.y ⊆ a.x keep the one whose parent owns the key, else the larger parent."""

    def weight(c: Candidate) -> tuple[object, ...]:
        return (
            c.parent.owned,
            c.parent.distinct,
            c.parent.profile.row_count,
            c.child.asset.id,
            c.child.column,
        )

    return weight(cand) > weight(reverse)


__all__ = ["Candidate", "describe_columns", "discover_relationships", "propose_candidates"]
