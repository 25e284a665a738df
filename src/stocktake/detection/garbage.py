"""Text garbage in free-text columns: mojibake, markup, keyboard mash, encoding debris.

Each distinct value of a text column (a bounded sample, most frequent first) is read by
character-level tests that need no vocabulary of the data:
- mojibake: the text re-encoded as cp1252/latin-1 or GBK decodes as valid multi-byte UTF-8 (text
  that was decoded with the wrong code page), U+FFFD replacement characters, and the CJK
  debris left by decoding U+FFFD's own bytes as GBK ('锟斤拷') or uninitialised memory ('烫烫');
- markup: HTML/XML tags or entities inside a column that is mostly plain text;
- keyboard mash: a long run of lower-case letters with no space that has character bigrams
  the rest of the column never uses.
A column is reported when garbage is a small minority (a column that is all HTML is HTML by design).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import TYPE_CHECKING

from stocktake.core.vocab import FindingType
from stocktake.detection.records import fetch, in_predicate, make_finding
from stocktake.engines.profiling import quote_duckdb

if TYPE_CHECKING:
    from stocktake.core.records import Finding
    from stocktake.detection.records import AssetContext

CHECK = "record_detectors:text_garbage"
TEXT_TYPES = ("review_text", "free_text", "description", "product_title", "search_query")
MIN_MEAN_LENGTH = 8.0
MAX_DISTINCT = 50_000  # distinct values read per column
MAX_GARBAGE_SHARE = 0.05  # of rows: more is the column's nature, not damage
MIN_VALUES = 200
# Debris with a known origin: U+FFFD itself; its UTF-8 bytes, twice, read as GBK; and the fill bytes
# of uninitialised memory (0xCC stack, 0xCD heap under MSVC) read as GBK, three characters in a row.
DEBRIS = (
    "\ufffd",
    ("\ufffd" * 2).encode("utf-8").decode("gbk"),
    b"\xcc\xcc".decode("gbk") * 3,
    b"\xcd\xcd".decode("gbk") * 3,
)
_TAG = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9]*(\s+[a-zA-Z-]+=(\"[^\"]*\"|'[^']*'))*\s*/?>|&(nbsp|amp|lt|gt|quot|#\d+);"
)
_MASH_RUN = re.compile(r"[a-z;,.']{12,}")
_CP1252_TAIL = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152-\u0178\u2013-\u2122]")


def garbage_findings(ctx: AssetContext) -> list[Finding]:
    out = []
    for column in ctx.columns_of(*TEXT_TYPES):
        profile = ctx.profiles.get(column)
        if (
            profile is None
            or profile.logical_type != "string"
            or (profile.length_mean or 0) < MIN_MEAN_LENGTH
        ):
            continue
        finding = _column(ctx, column)
        if finding is not None:
            out.append(finding)
    return out


def _column(ctx: AssetContext, column: str) -> Finding | None:
    q = quote_duckdb(column)
    rows = fetch(
        ctx,
        f"SELECT {q}, COUNT(*) AS n FROM {{REL}} WHERE {q} IS NOT NULL GROUP BY {q} "
        f"ORDER BY n DESC, {q} LIMIT {MAX_DISTINCT}",
    )
    counts = {str(v): int(n) for v, n in rows}
    total = sum(counts.values())
    if total < MIN_VALUES:
        return None
    bigrams = _bigram_counts(counts)
    reasons = {v: why for v in counts if (why := garbage_reason(v, bigrams))}
    bad = sum(counts[v] for v in reasons)
    if not bad or bad > MAX_GARBAGE_SHARE * total:
        return None
    kinds = Counter(reasons.values())
    values = sorted(reasons, key=lambda v: -counts[v])
    summary = ", ".join(f"{n:,} {k}" for k, n in kinds.most_common())
    reason = f"{bad:,} values of {column} are unreadable text ({summary}); e.g. {values[0][:60]!r}"
    evidence = {"by_kind": dict(kinds), "examples": values[:5], "values_read": total}
    score = 0.6 + 0.4 * min(1.0, len(kinds) / 3)
    return make_finding(
        ctx,
        FindingType.TEXT_GARBAGE,
        [column],
        CHECK,
        bad,
        reason,
        evidence,
        score,
        in_predicate(column, values),
    )


def garbage_reason(text: str, bigrams: Counter[str] | None = None) -> str | None:
    """Why `text` is garbage ('mojibake', 'markup', 'keyboard mash'), or None."""
    if any(d in text for d in DEBRIS) or _wrong_code_page(text):
        return "mojibake"
    if _TAG.search(text):
        return "markup"
    if bigrams is not None and _mash(text, bigrams):
        return "keyboard mash"
    return None


def _wrong_code_page(text: str) -> bool:
    """UTF-8 bytes that were decoded as cp1252/latin-1 or GBK decode back into real characters."""
    if text.isascii():
        return False
    if _CP1252_TAIL.search(text) and _redecodes(text, "cp1252", 0xC0):
        return True
    return _redecodes(text, "gbk", 0x3000)  # GBK debris only counts when it hides CJK text


def _redecodes(text: str, codec: str, lowest: int) -> bool:
    raw = text.encode(codec, errors="ignore")
    if raw.isascii():
        return False
    fixed = raw.decode("utf-8", errors="replace")
    wide = [ch for ch in fixed if ord(ch) > 0x7F and ch != "\ufffd"]
    good = sum(1 for ch in wide if ord(ch) >= lowest and _plausible(ord(ch)))
    # Real text in that code page seldom forms valid UTF-8, and then as odd scripts; mojibake
    # decodes back into the letters and CJK characters people write.
    lost = fixed.count("\ufffd")
    return good >= 2 and good >= 0.9 * len(wide) and lost <= good / 3 and fixed != text


def _plausible(code: int) -> bool:
    return (
        0xC0 <= code <= 0x17F  # Latin letters with accents
        or 0x370 <= code <= 0x4FF  # Greek, Cyrillic
        or 0x2010 <= code <= 0x2027  # dashes, quotes, ellipsis
        or 0x3000 <= code <= 0x30FF  # CJK punctuation, kana
        or 0x4E00 <= code <= 0x9FFF  # CJK ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def _bigram_counts(counts: dict[str, int]) -> Counter[str]:
    grams: Counter[str] = Counter()
    for value, n in counts.items():
        low = value.lower()
        for a, b in itertools.pairwise(low):
            grams[a + b] += n
    return grams


def _mash(text: str, bigrams: Counter[str]) -> bool:
    for token in text.lower().split():
        run = token.strip(";,.'\"!?()")
        if len(run) < 12 or not _MASH_RUN.fullmatch(run) or sum(ch.isalpha() for ch in run) < 10:
            continue
        pairs = [a + b for a, b in itertools.pairwise(run)]
        rare = sum(1 for p in pairs if bigrams[p] <= 2)  # seen only in this value (or one copy)
        if rare >= 0.3 * len(pairs):
            return True
    return False
