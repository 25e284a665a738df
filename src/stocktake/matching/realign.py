"""Put values that sit in the wrong field back where they belong, before two records are compared.

Sources drift: one shop writes the brand, the model number and the price into the title and
leaves those fields empty, another fills them. Per-attribute features then compare a value with
nothing. Each attribute's kind is learned from the corpus — a number, a code (one model-number
token), a small vocabulary (brands, categories) or free text — and an empty number, code or
vocabulary attribute is filled from one unambiguous piece of the record's free-text attributes
(a number is also cut out of that text: brands and codes belong in titles too, prices do not). Nothing here knows any dataset; attributes keep their names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median

from stocktake.matching.text import codes, squash, tokens

Record = Mapping[str, str]

_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d{1,2}(?![\w.])")
MIN_VALUES = 20  # an attribute with fewer filled values keeps its kind unknown (left alone)
MAX_VOCABULARY_TOKENS = 4
_ORDER = ("number", "code", "vocabulary", "text")


@dataclass
class AttributeKind:
    kind: str  # "number", "code", "vocabulary" or "text"
    vocabulary: dict[tuple[str, ...], str] = field(default_factory=dict)  # token tuple -> value
    min_length: int = 0  # codes: shorter tokens (``4gb``) are sizes, not model numbers


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", "").lstrip("$€£¥"))
    except ValueError:
        return False
    return True


def _kind_of(values: Sequence[str]) -> AttributeKind:
    if len(values) < MIN_VALUES:
        return AttributeKind("text")
    if sum(map(_is_number, values)) >= 0.9 * len(values):
        return AttributeKind("number")
    single_codes = sum(len(tokens(v)) == 1 and bool(codes(v)) for v in values)
    if single_codes >= 0.6 * len(values):
        lengths = sorted(len(squash(v)) for v in values)
        return AttributeKind("code", min_length=max(4, lengths[len(lengths) // 10]))
    counts = Counter(v.strip().lower() for v in values)
    if len(counts) <= 0.5 * len(values) and median(len(tokens(v)) for v in values) <= MAX_VOCABULARY_TOKENS:
        vocabulary = {
            tokens(v): v
            for v, n in counts.items()
            if n >= 2 and 0 < len(tokens(v)) <= MAX_VOCABULARY_TOKENS and not _is_number(v)
        }
        return AttributeKind("vocabulary", vocabulary)
    return AttributeKind("text")


class Realigner:
    """Learns attribute kinds from records, then moves misplaced values back (`__call__`)."""

    def __init__(self) -> None:
        self.kinds: dict[str, AttributeKind] = {}

    def fit(self, records: Iterable[Record], attributes: Sequence[str]) -> Realigner:
        records = list(records)
        for name in attributes:
            values = [str(r.get(name) or "").strip() for r in records]
            self.kinds[name] = _kind_of([v for v in values if v])
        return self

    @property
    def sources(self) -> list[str]:
        return [name for name, k in self.kinds.items() if k.kind == "text"]

    def __call__(self, record: Record) -> dict[str, str]:
        out = {k: str(v or "") for k, v in record.items()}
        sources = [s for s in self.sources if out.get(s)]
        if not sources:
            return out
        # numbers first: a price cut out of the text cannot then pass for a model number
        order = sorted(self.kinds.items(), key=lambda item: _ORDER.index(item[1].kind))
        for name, kind in order:
            if kind.kind == "text" or out.get(name):
                continue
            for source in sources:
                found = self._find(kind, out[source])
                if found is not None:
                    value, span = found
                    out[name] = value
                    if kind.kind == "number":  # a price never belongs in a title; brands and codes do
                        text = out[source]
                        out[source] = " ".join((text[: span[0]] + " " + text[span[1] :]).split())
                    break
        return out

    @staticmethod
    def _find(kind: AttributeKind, text: str) -> tuple[str, tuple[int, int]] | None:
        """One unambiguous value of this kind in `text` and where it sits; None when zero or several."""
        if kind.kind == "number":
            hits = list(_DECIMAL.finditer(text))
            # a decimal at the very end is the usual spill (a price appended to a title)
            if hits and hits[-1].end() == len(text.rstrip()):
                return hits[-1].group(), hits[-1].span()
            return None
        if kind.kind == "code":
            found = {}
            for m in re.finditer(r"\S+", text):
                word = m.group()
                one_code = len(tokens(word)) == 1 and bool(codes(word)) and not _DECIMAL.fullmatch(word)
                if one_code and len(squash(word)) >= kind.min_length:
                    found.setdefault(squash(word), m)
            if len(found) != 1:  # none, or several different codes: ambiguous
                return None
            (m,) = found.values()
            return m.group(), m.span()
        words = list(re.finditer(r"\S+", text))
        lowered = [tokens(m.group()) for m in words]
        best: tuple[int, int, tuple[str, ...]] | None = None  # (words, first word, its tokens)
        for start in range(len(words)):
            for length in range(min(MAX_VOCABULARY_TOKENS, len(words) - start), 0, -1):
                piece = tuple(t for part in lowered[start : start + length] for t in part)
                if piece in kind.vocabulary:
                    if best is None or length > best[0]:
                        best = (length, start, piece)
                    break
        if best is None:
            return None
        length, first, piece = best
        return kind.vocabulary[piece], (words[first].start(), words[first + length - 1].end())


__all__ = ["AttributeKind", "Realigner"]
