"""Similarity features of a record pair, per attribute and across the whole record.

Per attribute: emptiness, exact agreement, token / trigram / IDF-weighted overlap, model-number
codes, first-number relative difference, length ratio and encoder cosine. Whole record: the same
on all values joined, the rarest unshared token on each side (one mismatched rare word such as a
capacity or colour often decides a pair), codes of one side found inside the other side's text,
and each attribute's tokens found anywhere in the other record (values that sit in the wrong
field). Attribute names come from the data; nothing here knows any dataset.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from stocktake.matching.embedding import CachedEmbedder, row_cosine
from stocktake.matching.realign import Realigner
from stocktake.matching.serialise import IdfTable, serialise, values_text
from stocktake.matching.text import (
    codes,
    containment,
    first_number,
    jaccard,
    numbers,
    squash,
    token_set,
    trigrams,
)

Record = Mapping[str, str]
Pair = tuple[Record, Record]

_NAN = float("nan")
MAX_ATTRIBUTES = 12  # a wide table would swamp the model; later columns count in the whole record only

_PER_ATTRIBUTE = (
    "missing", "equal", "token_jaccard", "token_containment", "trigram_jaccard", "idf_jaccard",
    "idf_only_left", "idf_only_right", "codes_shared", "codes_jaccard", "codes_conflict",
    "number_reldiff", "length_ratio", "in_other_record_lr", "in_other_record_rl",
    "codes_in_other_record_lr", "codes_in_other_record_rl",
)  # fmt: skip
_WHOLE = (
    "token_jaccard", "token_containment", "trigram_jaccard", "idf_jaccard", "idf_only_left",
    "idf_only_right", "codes_shared", "codes_jaccard", "codes_conflict", "codes_inside_lr",
    "codes_inside_rl", "numbers_jaccard", "length_ratio",
)  # fmt: skip


def _idf_overlap(a: frozenset[str], b: frozenset[str], idf: IdfTable) -> tuple[float, float, float]:
    """IDF-weighted Jaccard, and the highest IDF among tokens only the left / right side has."""
    if not a or not b:
        return _NAN, _NAN, _NAN
    shared = sum(idf.idf(t) for t in a & b)
    union = sum(idf.idf(t) for t in a | b)
    only_a = max((idf.idf(t) for t in a - b), default=0.0)
    only_b = max((idf.idf(t) for t in b - a), default=0.0)
    return shared / union if union else _NAN, only_a, only_b


def _relative_difference(a: str, b: str) -> float:
    x, y = first_number(a), first_number(b)
    if x is None or y is None:
        return _NAN
    scale = max(abs(x), abs(y))
    return 0.0 if scale == 0 else abs(x - y) / scale


def _code_features(a: str, b: str) -> tuple[float, float, float]:
    """Shared codes, code Jaccard and 'both have codes, none shared' (a strong non-match sign)."""
    ca, cb = codes(a), codes(b)
    if not ca or not cb:
        return _NAN, _NAN, _NAN
    shared = len(ca & cb)
    return float(shared), jaccard(ca, cb), float(shared == 0)


def _codes_inside(a: str, b: str) -> float:
    """Share of `a`'s codes found inside `b` with spaces and dashes removed (``lds 4821`` ~ ``lds4821``)."""
    ca = codes(a)
    if not ca:
        return _NAN
    flat = squash(b)
    return sum(code in flat for code in ca) / len(ca)


class PairFeaturizer:
    """Turns record pairs into a float32 matrix (NaN = not applicable); fitted on a corpus."""

    def __init__(
        self,
        embedder: CachedEmbedder | None = None,
        record_embedder: CachedEmbedder | None = None,
        realign: bool = True,
    ) -> None:
        self.embedder = embedder
        self.record_embedder = record_embedder or embedder
        self.realign = realign
        self._realigner: Realigner | None = None
        self._realigned: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
        self.attributes: list[str] = []
        self._idf: dict[str, IdfTable] = {}
        self._whole_idf: IdfTable | None = None

    def fit(self, records: Iterable[Record], attributes: Sequence[str] | None = None) -> PairFeaturizer:
        records = list(records)
        if attributes is None:
            seen: dict[str, int] = {}
            for record in records:
                for name, value in record.items():
                    seen[name] = seen.get(name, 0) + bool(value)
            attributes = [name for name, filled in seen.items() if filled][:MAX_ATTRIBUTES]
        self.attributes = list(attributes)
        self._realigned = {}
        self._realigner = Realigner().fit(records, self.attributes) if self.realign else None
        records = [self._fixed(r) for r in records]
        self._idf = {a: IdfTable(str(r.get(a) or "") for r in records) for a in self.attributes}
        self._whole_idf = IdfTable(values_text(r) for r in records)
        return self

    @property
    def names(self) -> list[str]:
        """Column names in `transform`'s order: text features, then the encoder cosines."""
        out = [f"{a}:{f}" for a in self.attributes for f in _PER_ATTRIBUTE]
        out += [f"record:{f}" for f in _WHOLE]
        if self.embedder is not None:
            out += [f"{a}:cosine" for a in self.attributes]
        return out + (["record:cosine"] if self.record_embedder is not None else [])

    def transform(self, pairs: Sequence[Pair]) -> np.ndarray:
        if self._whole_idf is None:
            raise RuntimeError("PairFeaturizer.fit must run before transform")
        pairs = [(self._fixed(left), self._fixed(right)) for left, right in pairs]
        rows = [self._pair_row(left, right) for left, right in pairs]
        x = np.array(rows, dtype=np.float32).reshape(len(pairs), -1)
        return np.hstack([x, self._cosines(pairs)])

    def _fixed(self, record: Record) -> Record:
        """The record with misplaced values moved back (realign.py), computed once per record."""
        if self._realigner is None:
            return record
        key = tuple(sorted((k, str(v or "")) for k, v in record.items()))
        fixed = self._realigned.get(key)
        if fixed is None:
            fixed = self._realigned[key] = self._realigner(record)
        return fixed

    def _pair_row(self, left: Record, right: Record) -> list[float]:
        assert self._whole_idf is not None
        lt, rt = values_text(left), values_text(right)
        ltok, rtok = token_set(lt), token_set(rt)
        row: list[float] = []
        for name in self.attributes:
            a, b = str(left.get(name) or ""), str(right.get(name) or "")
            missing = float((not a) + (not b))
            # Whether this attribute's value sits anywhere in the other record: still telling when
            # the other side left the attribute empty and put the value in another field.
            elsewhere = [
                len(token_set(a) & rtok) / len(token_set(a)) if token_set(a) else _NAN,
                len(token_set(b) & ltok) / len(token_set(b)) if token_set(b) else _NAN,
                _codes_inside(a, rt) if a else _NAN,
                _codes_inside(b, lt) if b else _NAN,
            ]
            if not a or not b:
                row += [missing] + [_NAN] * 12 + elsewhere
                continue
            ta, tb = token_set(a), token_set(b)
            idf_j, only_a, only_b = _idf_overlap(ta, tb, self._idf[name])
            row += [
                missing,
                float(squash(a) == squash(b)),
                jaccard(ta, tb),
                containment(ta, tb),
                jaccard(trigrams(a), trigrams(b)),
                idf_j,
                only_a,
                only_b,
                *_code_features(a, b),
                _relative_difference(a, b),
                min(len(ta), len(tb)) / max(len(ta), len(tb), 1),
                *elsewhere,
            ]
        idf_j, only_a, only_b = _idf_overlap(ltok, rtok, self._whole_idf)
        na, nb = set(numbers(lt)), set(numbers(rt))
        row += [
            jaccard(ltok, rtok),
            containment(ltok, rtok),
            jaccard(trigrams(lt), trigrams(rt)),
            idf_j,
            only_a,
            only_b,
            *_code_features(lt, rt),
            _codes_inside(lt, rt),
            _codes_inside(rt, lt),
            len(na & nb) / len(na | nb) if na and nb else _NAN,
            min(len(ltok), len(rtok)) / max(len(ltok), len(rtok), 1),
        ]
        return row

    def _cosines(self, pairs: Sequence[Pair]) -> np.ndarray:
        """Encoder cosine per attribute (attribute values) and of the serialised records."""
        out = np.full((len(pairs), len(self.attributes) + 1), _NAN, dtype=np.float32)
        if self.embedder is not None and pairs:
            for i, name in enumerate(self.attributes):
                lv = [str(left.get(name) or "") for left, _ in pairs]
                rv = [str(right.get(name) or "") for _, right in pairs]
                cos = row_cosine(self.embedder(lv), self.embedder(rv))
                empty = np.array([not a or not b for a, b in zip(lv, rv, strict=True)])
                out[:, i] = np.where(empty, np.nan, cos)
        if self.record_embedder is not None and pairs:
            ls = [serialise(left, self._whole_idf) for left, _ in pairs]
            rs = [serialise(right, self._whole_idf) for _, right in pairs]
            out[:, -1] = row_cosine(self.record_embedder(ls), self.record_embedder(rs))
        keep = [self.embedder is not None] * len(self.attributes) + [self.record_embedder is not None]
        return out[:, np.array(keep, dtype=bool)]


def explain(left: Record, right: Record, attributes: Sequence[str] | None = None, top: int = 3) -> str:
    """A short human reason: shared or conflicting codes, then the most similar attributes."""
    parts = []
    lt, rt = values_text(left), values_text(right)
    ca, cb = codes(lt), codes(rt)
    if ca & cb:
        parts.append("same code " + ", ".join(sorted(ca & cb)[:2]))
    elif ca and cb:
        parts.append(f"codes differ ({sorted(ca)[0]} vs {sorted(cb)[0]})")
    scored = []
    for name in attributes or [a for a in left if a in right]:
        a, b = str(left.get(name) or ""), str(right.get(name) or "")
        if a and b:
            sim = jaccard(token_set(a), token_set(b))
            if not math.isnan(sim):
                scored.append((sim, name))
    for sim, name in sorted(scored, reverse=True)[:top]:
        parts.append(f"{name} {sim:.2f}")
    return "; ".join(parts) if parts else "no shared attribute values"


__all__ = ["PairFeaturizer", "explain"]
