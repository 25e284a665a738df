"""Records -> text for the encoder and the cross-encoder: ``COL name VAL value ...``.

Attribute names stay in the text so a model can tell a brand from a model number. Long values
(descriptions) are summarised by keeping their highest-IDF tokens in their original order, as
Ditto does: a 200-word description would otherwise crowd the title out of a 128-token window.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

from stocktake.matching.text import tokens

DEFAULT_MAX_VALUE_TOKENS = 32


class IdfTable:
    """Inverse document frequency of tokens over a corpus of texts (smoothed, >= 1)."""

    def __init__(self, texts: Iterable[str]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            n += 1
            df.update(set(tokens(text)))
        self.n_docs = n
        self._df = df
        self._unseen = math.log((n + 1) / 1) + 1.0

    def idf(self, token: str) -> float:
        df = self._df.get(token)
        return self._unseen if df is None else math.log((self.n_docs + 1) / (df + 1)) + 1.0

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, str]]) -> IdfTable:
        return cls(" ".join(v for v in r.values() if v) for r in records)


def summarise(value: str, idf: IdfTable | None, max_tokens: int = DEFAULT_MAX_VALUE_TOKENS) -> str:
    """`value` cut to `max_tokens` tokens: the rarest ones (by IDF), kept in text order."""
    words = tokens(value)
    if len(words) <= max_tokens:
        return " ".join(words) if words else value.strip()
    if idf is None:
        return " ".join(words[:max_tokens])
    seen: set[str] = set()
    ranked = []
    for position, word in enumerate(words):
        if word not in seen:  # a repeated word is spent once
            seen.add(word)
            ranked.append((-idf.idf(word), position, word))
    keep = sorted(sorted(ranked)[:max_tokens], key=lambda item: item[1])
    return " ".join(word for _, _, word in keep)


def serialise(
    record: Mapping[str, str],
    idf: IdfTable | None = None,
    max_value_tokens: int = DEFAULT_MAX_VALUE_TOKENS,
    attributes: Iterable[str] | None = None,
) -> str:
    """``COL a VAL x COL b VAL y``; empty values keep their ``COL a VAL`` marker."""
    names = list(attributes) if attributes is not None else list(record)
    parts = []
    for name in names:
        value = summarise(str(record.get(name) or ""), idf, max_value_tokens)
        parts.append(f"COL {name} VAL {value}".rstrip())
    return " ".join(parts)


def values_text(record: Mapping[str, str]) -> str:
    """All non-empty values joined: the whole record as one string, without markers."""
    return " ".join(str(v) for v in record.values() if v)


__all__ = ["DEFAULT_MAX_VALUE_TOKENS", "IdfTable", "serialise", "summarise", "values_text"]
