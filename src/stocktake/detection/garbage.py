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

Scores per value (row_scores.py): 1 for mojibake and markup, else the share of never-seen bigrams
in its most mash-like run; the threshold is MASH_SHARE unless reviews tuned it.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from stocktake.checks.keys import key_columns
from stocktake.core.vocab import FindingType
from stocktake.detection.records import fetch, in_predicate, make_finding
from stocktake.detection.row_scores import MAX_ROWS, ROW_SCORES_KEY, Tuning, row_scores_evidence
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
MASH_SHARE = 0.3  # of a run's bigrams seen nowhere else in the column
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


def garbage_findings(ctx: AssetContext, tuning: Tuning | None = None) -> list[Finding]:
    out = []
    for column in ctx.columns_of(*TEXT_TYPES):
        profile = ctx.profiles.get(column)
        if (
            profile is None
            or profile.logical_type != "string"
            or (profile.length_mean or 0) < MIN_MEAN_LENGTH
        ):
            continue
        finding = _column(ctx, column, (tuning or Tuning()).threshold(CHECK, MASH_SHARE))
        if finding is not None:
            out.append(finding)
    return out


def _column(ctx: AssetContext, column: str, threshold: float = MASH_SHARE) -> Finding | None:
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
    scored = {v: garbage_score(v, bigrams) for v in counts}
    reasons = {v: why for v, (score, why) in scored.items() if why and score >= threshold}
    bad = sum(counts[v] for v in reasons)
    if not bad or bad > MAX_GARBAGE_SHARE * total:
        return None
    kinds = Counter(reasons.values())
    values = sorted(reasons, key=lambda v: -counts[v])
    summary = ", ".join(f"{n:,} {k}" for k, n in kinds.most_common())
    reason = f"{bad:,} values of {column} are unreadable text ({summary}); e.g. {values[0][:60]!r}"
    if threshold != MASH_SHARE:
        reason += f" (keyboard-mash threshold {threshold:.3g}, learned from reviews)"
    evidence = {"by_kind": dict(kinds), "examples": values[:5], "values_read": total}
    scores = _row_scores(ctx, column, {v: sc for v, (sc, _) in scored.items() if sc > 0}, threshold)
    if scores is not None:
        evidence[ROW_SCORES_KEY] = scores
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


def _row_scores(
    ctx: AssetContext, column: str, scores: dict[str, float], threshold: float
) -> dict[str, Any] | None:
    """Row keys for the values that scored at all (nearest the threshold first), with their scores."""
    keys = key_columns(ctx.asset, ctx.profiles)
    if not keys or not scores:
        return None
    values = sorted(scores, key=lambda v: (scores[v] < threshold, abs(scores[v] - threshold)))[:MAX_ROWS]
    where = in_predicate(column, values)
    if where is None:
        return None
    cols = ", ".join(quote_duckdb(k) for k in keys)
    found = fetch(
        ctx, f"SELECT {cols}, {quote_duckdb(column)} FROM {{REL}} WHERE {where} LIMIT {4 * MAX_ROWS}"
    )
    row_keys = [list(r[: len(keys)]) if len(keys) > 1 else r[0] for r in found]
    return row_scores_evidence(
        row_keys, [scores[str(r[-1])] for r in found], threshold, MASH_SHARE,
        "1 for mojibake or markup, else the share of unseen bigrams in a mash-like run", keys,
    )  # fmt: skip


def garbage_score(text: str, bigrams: Counter[str] | None = None) -> tuple[float, str | None]:
    """(score, kind): 1.0 and the kind for mojibake or markup; for keyboard mash the share of bigrams
    the column never uses elsewhere, with its kind when that share reaches MASH_SHARE."""
    if any(d in text for d in DEBRIS) or _wrong_code_page(text):
        return 1.0, "mojibake"
    if _TAG.search(text):
        return 1.0, "markup"
    if bigrams is None:
        return 0.0, None
    share = _mash_share(text, bigrams)
    return share, "keyboard mash" if share > 0 else None


def garbage_reason(text: str, bigrams: Counter[str] | None = None) -> str | None:
    """Why `text` is garbage ('mojibake', 'markup', 'keyboard mash'), or None."""
    score, kind = garbage_score(text, bigrams)
    return kind if score >= MASH_SHARE else None


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


def _mash_share(text: str, bigrams: Counter[str]) -> float:
    """The largest share of rare bigrams over the value's long lower-case runs (0 when none)."""
    best = 0.0
    for token in text.lower().split():
        run = token.strip(";,.'\"!?()")
        if len(run) < 12 or not _MASH_RUN.fullmatch(run) or sum(ch.isalpha() for ch in run) < 10:
            continue
        pairs = [a + b for a, b in itertools.pairwise(run)]
        rare = sum(1 for p in pairs if bigrams[p] <= 2)  # seen only in this value (or one copy)
        best = max(best, rare / len(pairs))
    return best
