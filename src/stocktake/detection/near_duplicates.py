"""Near-duplicate entities: one product listed twice under two keys, with the text re-typed.

Finds, by semantic type, the asset's title-like text columns, its labels (brand, category) and
its price, reads a bounded sample, trains the self-supervised matcher on the asset itself
(stocktake.matching.self_supervised: synthetic re-typed copies against each record's nearest
other records, no labels needed), blocks with character trigrams and keeps the pairs the matcher
scores above its threshold. Each pair in the evidence says what differs between the two rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stocktake.checks.keys import key_columns
from stocktake.core.vocab import FindingType
from stocktake.detection.records import fetch, in_predicate, make_finding
from stocktake.engines.profiling import quote_duckdb

if TYPE_CHECKING:
    from stocktake.core.records import Finding
    from stocktake.detection.records import AssetContext
    from stocktake.matching.api import ScoredPair
    from stocktake.matching.self_supervised import Columns

CHECK = "record_detectors:near_duplicate_entity"
TEXT_TYPES = ("product_title", "description")
LABEL_TYPES = ("brand", "category")
NUMBER_TYPES = ("price",)
MIN_ROWS = 50
MAX_ROWS = 20_000  # records read: the matcher's features are pure Python, ~1 ms a pair
MAX_LABEL_DISTINCT = 5_000
EXAMPLES = 50  # pairs spelled out in the evidence


def _roles(ctx: AssetContext) -> Columns | None:
    from stocktake.matching.self_supervised import Columns

    text = ctx.string_columns_of(*TEXT_TYPES)
    if not text:
        return None
    labels = [
        c
        for c in ctx.string_columns_of(*LABEL_TYPES)
        if (ctx.profiles[c].distinct_count or 0) <= MAX_LABEL_DISTINCT
    ]
    numbers = [
        c
        for c in ctx.columns_of(*NUMBER_TYPES)
        if ctx.profiles[c].logical_type in ("integer", "float", "decimal")
    ]
    return Columns(tuple(text), tuple(numbers), tuple(labels))


def _spell(words: list[str], most: int = 8) -> str:
    """Pieces as one readable run: CJK characters side by side, other pieces spaced."""
    out = ""
    for piece in words[:most]:
        cjk = len(piece) == 1 and piece > "\u3000"
        out += piece if cjk or not out else " " + piece
    return out


def what_differs(a: dict[str, str], b: dict[str, str], columns: Columns) -> str:
    """'title: +(2026 new); price 209 vs 199' — the words each side has alone, per column."""
    from stocktake.matching.self_supervised import pieces

    parts = []
    for column in columns.text:
        pa, pb = pieces(a.get(column) or ""), pieces(b.get(column) or "")
        only_a, only_b = list((pa - pb).elements()), list((pb - pa).elements())
        if not only_a and not only_b:
            parts.append(f"{column}: same words")
            continue
        sides = []
        if only_a:
            sides.append("-" + _spell(only_a))
        if only_b:
            sides.append("+" + _spell(only_b))
        parts.append(f"{column}: {' '.join(sides)}")
    for column in (*columns.labels, *columns.numeric):
        if (a.get(column) or "") != (b.get(column) or ""):
            parts.append(f"{column} {a.get(column)!r} vs {b.get(column)!r}")
    return "; ".join(parts)


@dataclass
class DuplicatePairs:
    """Every pair the matcher kept over the rows read, best first, keyed by the asset's key."""

    key: str
    columns: Columns
    keys: list[Any]  # the key of each row read
    records: list[dict[str, str]]
    pairs: list[ScoredPair]
    candidates: int
    threshold: float
    matcher: str

    def key_pairs(self) -> list[tuple[Any, Any]]:
        return [(self.keys[p.left], self.keys[p.right]) for p in self.pairs]


def find_near_duplicates(ctx: AssetContext) -> DuplicatePairs | None:
    """None when the asset has no title-like column, no single key or too few rows."""
    from stocktake.matching.api import find_duplicates
    from stocktake.matching.self_supervised import self_trained_matcher

    columns = _roles(ctx)
    keys = key_columns(ctx.asset, ctx.profiles)
    if columns is None or len(keys) != 1 or ctx.rows < MIN_ROWS:
        return None
    key = keys[0]
    read = [key, *columns.text, *columns.labels, *columns.numeric]
    select = ", ".join(
        f"CAST({quote_duckdb(c)} AS VARCHAR)" if i else quote_duckdb(c) for i, c in enumerate(read)
    )
    rows = fetch(
        ctx,
        f"SELECT {select} FROM {{REL}} WHERE {quote_duckdb(columns.text[0])} IS NOT NULL "
        f"ORDER BY {quote_duckdb(key)} LIMIT {MAX_ROWS}",
    )
    if len(rows) < MIN_ROWS:
        return None
    records = [
        {c: ("" if v is None else str(v)) for c, v in zip(read[1:], row[1:], strict=True)} for row in rows
    ]
    matcher = self_trained_matcher(records, columns)
    result = find_duplicates(records, matcher=matcher, encoder="off")
    return DuplicatePairs(
        key,
        columns,
        [r[0] for r in rows],
        records,
        result.pairs,
        result.candidates,
        matcher.threshold,
        matcher.kind,
    )


def near_duplicate_findings(ctx: AssetContext) -> list[Finding]:
    found = find_near_duplicates(ctx)
    if found is None or not found.pairs:
        return []
    pairs, records, columns, key = found.pairs, found.records, found.columns, found.key
    flagged: list[Any] = []
    for a, b in found.key_pairs():
        for k in (a, b):
            if k not in flagged:
                flagged.append(k)
    first = pairs[0]
    title = columns.text[0]
    reason = (
        f"{len(pairs):,} pairs of rows ({len(flagged):,} rows) look like one product listed under two "
        f"{key}s: the texts differ only by added, dropped or re-typed words (self-trained matcher over "
        f"{len(records):,} rows, score ≥ {found.threshold:.2f}); e.g. {records[first.left][title]!r} "
        f"and {records[first.right][title]!r}"
    )
    examples = [
        {
            "keys": [found.keys[p.left], found.keys[p.right]],
            "score": round(p.score, 4),
            "left": {c: records[p.left][c][:120] for c in columns.text},
            "right": {c: records[p.right][c][:120] for c in columns.text},
            "differs": what_differs(records[p.left], records[p.right], columns),
        }
        for p in pairs[:EXAMPLES]
    ]
    evidence = {
        "rows_read": len(records),
        "candidate_pairs": found.candidates,
        "threshold": round(found.threshold, 4),
        "matcher": found.matcher,
        "pairs": examples,
    }
    score = 0.5 + 0.5 * sum(p.score for p in pairs) / len(pairs)
    return [
        make_finding(
            ctx, FindingType.NEAR_DUPLICATE_ENTITY, [*columns.text, *columns.labels], CHECK, len(flagged), reason,
            evidence, min(score, 1.0), in_predicate(key, flagged), keys=flagged, key_cols=[key],
        )
    ]  # fmt: skip
