"""Turn one column (its name and its profile) into a feature vector for the semantic classifier.

Three blocks, all torch-free:
- name: words split from snake_case, camelCase and CJK runs, plus hashed character n-grams,
  so `usr_id`, `userId`, `用户ID` and `yonghu_id` share features with `user_id`;
- value tokens: hashed words and CJK bigrams of the most frequent values, min and max;
- dense statistics: logical type, null and distinct shares, numeric ranges (lat/lon, epoch,
  0..5 grades), decimals, string lengths and character-class shapes of the values.
Every active feature keeps a readable label so the classifier can say why it decided.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from stocktake.semantics.gazetteer import is_country, is_region
from stocktake.semantics.pii import (
    is_bank_card,
    is_cn_resident_id,
    is_email,
    is_ip_address,
    is_phone,
    valid_in_any,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from stocktake.core.records import ColumnProfile

NAME_DIM = 2048
VALUE_DIM = 1024
LOGICAL_TYPES = (
    "integer",
    "float",
    "decimal",
    "string",
    "boolean",
    "date",
    "timestamp",
    "time",
    "binary",
    "other",
)

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_TOKEN = re.compile(f"[{_CJK}]+|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_HEADERLESS = re.compile(r"^_?(column|col|field|c|unnamed:?)_?\s*\d+$", re.IGNORECASE)
_WORD = re.compile(rf"[a-z]{{2,}}|[{_CJK}]+")  # single letters are noise (hex keys)
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# Widely used abbreviations spelled out, so the name block sees the full word too.
_EXPANSIONS = {
    "usr": "user", "cust": "customer", "prod": "product", "nm": "name", "amt": "amount", "qty": "quantity",
    "cat": "category", "cate": "category", "desc": "description", "addr": "address", "lat": "latitude",
    "lng": "longitude", "lon": "longitude", "ts": "timestamp", "dt": "date", "tel": "phone", "prc": "price",
    "sts": "status", "cnt": "count", "num": "number", "seq": "sequence", "itm": "item", "ord": "order",
    "sess": "session", "img": "image", "src": "source", "pct": "percent", "ccy": "currency",
}  # fmt: skip


def split_name(name: str) -> list[str]:
    """Words of a column name: snake_case, camelCase, digits and CJK runs, lower-cased.

    >>> split_name("customerZipCodePrefix")
    ['customer', 'zip', 'code', 'prefix']
    >>> split_name("用户ID")
    ['用户', 'id']
    """
    return [t.lower() for t in _TOKEN.findall(name)]


def is_headerless(name: str) -> bool:
    """`column3`, `col_3`, `_c3`: a name that discovery or an export invented, saying nothing."""
    return bool(_HEADERLESS.match(name.strip()))


def _hash(text: str, dim: int) -> int:
    return zlib.crc32(text.encode("utf-8")) % dim


def _cjk_grams(text: str) -> list[str]:
    """Single CJK characters and bigrams: Chinese has no spaces, so words are guessed this way."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        grams += list(run) + [run[i : i + 2] for i in range(len(run) - 1)]
    return grams


@dataclass
class ColumnFeatures:
    """Sparse hashed blocks plus a dense block; labels say what each active feature was."""

    sparse: dict[int, float] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    dense: list[float] = field(default_factory=list)
    dense_labels: list[str] = field(default_factory=list)

    def add(self, index: int, value: float, label: str) -> None:
        self.sparse[index] = self.sparse.get(index, 0.0) + value
        self.labels.setdefault(index, label)

    def vector(self) -> np.ndarray:
        out = np.zeros(NAME_DIM + VALUE_DIM + len(self.dense), dtype=np.float32)
        for index, value in self.sparse.items():
            out[index] = value
        out[NAME_DIM + VALUE_DIM :] = self.dense
        return out


def _name_block(name: str, feats: ColumnFeatures) -> None:
    if is_headerless(name):
        feats.add(_hash("headerless", NAME_DIM), 1.0, "name is headerless")
        return
    words = split_name(name)
    words += [_EXPANSIONS[w] for w in words if w in _EXPANSIONS]
    words += [g for w in words for g in _cjk_grams(w) if g != w]
    for word in words:
        feats.add(_hash("w:" + word, NAME_DIM), 1.0, f"name ≈ '{word}'")
    parts = split_name(name)
    if parts:
        # The last word is usually the head noun: customer_city is a city, not a customer.
        for last in {parts[-1], _EXPANSIONS.get(parts[-1], parts[-1])}:
            feats.add(_hash("last:" + last, NAME_DIM), 1.0, f"name ends in '{last}'")
    joined = "_" + "_".join(split_name(name)) + "_"
    for n in (3, 4):
        for i in range(len(joined) - n + 1):
            feats.add(_hash("c:" + joined[i : i + n], NAME_DIM), 0.3, f"name contains '{joined[i : i + n]}'")


def sample_values(profile: ColumnProfile) -> list[str]:
    """What the profile shows of the values: most frequent ones, then min and max."""
    values = [v.value for v in profile.top_values if v.value is not None]
    values += [v for v in (profile.min, profile.max) if v is not None and v not in values]
    return [str(v) for v in values]


def _value_block(samples: list[str], feats: ColumnFeatures) -> None:
    for text in samples[:12]:
        words = set(_WORD.findall(text.lower())[:20]) | set(_cjk_grams(text)[:20])
        for word in words:
            feats.add(NAME_DIM + _hash("v:" + word, VALUE_DIM), 0.5, f"values contain '{word}'")


def _share(samples: list[str], test: object) -> float:
    return sum(1 for s in samples if test(s)) / len(samples) if samples else 0.0  # type: ignore[operator]


def _decimals(value: str) -> int:
    return len(value.split(".", 1)[1].rstrip("0")) if "." in value and _NUMBER.match(value) else 0


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


# Where national numbers are written with a trunk 0 (07911 123456, 0612345678, 01512345678).
_TRUNK_ZERO_REGIONS = ("GB", "DE", "FR", "CN", "AU", "IN", "BR")


def is_plan_number(value: str) -> bool:
    """A bare run of 10-13 digits that a country's number plan accepts: ten North American
    digits, a country code glued on, or a national number after its trunk 0.

    `pii.is_phone` refuses bare runs (most are ids); here only the share over a column counts,
    and a random 10-digit id passes the North American plan less than half the time."""
    text = value.strip().removesuffix(".0")
    if not (text.isdigit() and 10 <= len(text) <= 13):
        return False
    if text.startswith("0"):
        return valid_in_any(text, _TRUNK_ZERO_REGIONS)
    if len(text) == 10:
        return valid_in_any("+1" + text, (None,))
    return valid_in_any("+" + text, (None,)) or (len(text) == 11 and valid_in_any("+86" + text, (None,)))


def _runs_up_from_one(profile: ColumnProfile) -> float:
    """Most frequent values 1, 2, 3, ... (or 0, 1, 2, ...) in that order, three at least, and every
    shown top value on the run: line k of a parent exists only where line k-1 does, so line
    numbers always look like this. A 0/1 flag (two values) or a count with a favourite round
    value (instalments: 1, 2, 3, 4, 5, 10) does not."""
    values = [_num(v.value) for v in profile.top_values[:6]]
    if len(values) < 3 or any(v is None for v in values):
        return 0.0
    steps = all(b == a + 1 for a, b in pairwise(values))  # type: ignore[operator]
    return float(values[0] in (0.0, 1.0) and steps)


def _dense_block(profile: ColumnProfile, samples: list[str], feats: ColumnFeatures) -> None:
    rows = max(profile.row_count, 1)
    non_null = max(profile.non_null_count, 1)
    distinct = profile.distinct_count or 0
    lo, hi, mean = _num(profile.min), _num(profile.max), profile.mean
    numeric = lo is not None and hi is not None
    lo, hi = lo or 0.0, hi or 0.0
    integral = numeric and all(
        float(v).is_integer() for v in [lo, hi, *[_num(q) or 0.0 for q in profile.quantiles.values()]]
    )
    top_share = sum(v.count for v in profile.top_values) / non_null
    pattern_texts = [str(p.value) for p in profile.patterns]
    midnight = _share(samples, lambda s: s.endswith(("00:00:00", "T00:00:00", "00:00:00Z")))
    headerless = is_headerless(profile.column)
    # Integer keys: an auto-increment id fills its range (distinct ≈ max - min + 1); a phone
    # number or a hashed key does not. Rows per distinct value separate entity keys (few
    # repeats) from the keys of the things events are about (users: hundreds of events each).
    span = hi - lo + 1 if integral else 0.0
    # Two values (a 0/1 flag) fill their range trivially: that says nothing of keys.
    fills_range = float(integral and distinct > 2 and distinct / max(span, 1.0) > 0.5)
    repeats = non_null / max(distinct, 1)
    null_like = sum(profile.null_like.values()) / non_null
    stats: dict[str, float] = {f"type {t}": float(profile.logical_type == t) for t in LOGICAL_TYPES}
    stats |= {
        "null share": profile.null_count / rows,
        "distinct share": min(distinct / non_null, 1.0),
        "log distinct": math.log10(distinct + 1) / 6,
        "single value": float(distinct <= 1),
        "two values": float(distinct == 2),
        "few values (<= 12)": float(2 < distinct <= 12),
        "top values cover": min(top_share, 1.0),
        "numeric": float(numeric),
        "whole numbers": float(integral),
        "negatives": float(numeric and lo < 0),
        "log max": math.log10(abs(hi) + 1) / 10 if numeric else 0.0,
        "log min": math.log10(abs(lo) + 1) / 10 if numeric else 0.0,
        "log mean": math.log10(abs(mean) + 1) / 10 if mean is not None else 0.0,
        "spread (std/mean)": min((profile.std or 0.0) / (abs(mean) + 1e-9), 5.0) / 5 if mean else 0.0,
        "within ±90": float(numeric and lo >= -90 and hi <= 90 and not integral),
        "within ±180": float(numeric and lo >= -180 and hi <= 180 and not integral),
        "within 0..1": float(numeric and lo >= 0 and hi <= 1),
        "within 0..5": float(numeric and lo >= 0 and hi <= 5),
        "within 0..10": float(numeric and lo >= 0 and hi <= 10),
        "within 0..100": float(numeric and lo >= 0 and hi <= 100),
        "epoch seconds": float(numeric and lo >= 9e8 and hi <= 2.2e9),
        "epoch milliseconds": float(numeric and lo >= 9e11 and hi <= 2.2e12),
        "2 decimals": _share(samples, lambda s: _decimals(s) == 2),
        "1 decimal": _share(samples, lambda s: _decimals(s) == 1),
        "many decimals": _share(samples, lambda s: _decimals(s) >= 4),
        "ends in .9": _share(samples, lambda s: s.endswith((".9", ".99", ".90"))),
        "midnight timestamps": midnight,
        "log mean length": math.log10((profile.length_mean or 0) + 1) / 3,
        "log max length": math.log10((profile.length_max or 0) + 1) / 3,
        "fixed length": float(profile.length_max is not None and profile.length_max == profile.length_min),
        "headerless whole numbers": float(headerless and integral),
        "headerless text": float(headerless and not numeric),
        "fills its integer range": fills_range,
        "log rows per value": math.log10(repeats) / 4,
        "one row": float(profile.row_count <= 1),
        "null-like tokens": min(null_like, 1.0),
        "no values shown": float(not samples),
        "counts fall 1, 2, 3, ...": _runs_up_from_one(profile),
    }
    shapes = samples + pattern_texts
    stats |= {
        "shape: digits only": _share(shapes, lambda s: s.isdigit()),
        "shape: letters only": _share(shapes, lambda s: s.replace(" ", "").isalpha()),
        "shape: CJK": _share(shapes, lambda s: bool(_CJK_RUN.search(s))),
        "shape: spaces": _share(shapes, lambda s: " " in s.strip()),
        "shape: many words": _share(samples, lambda s: len(s.split()) >= 5),
        "shape: '@'": _share(shapes, lambda s: "@" in s),
        "shape: '://'": _share(samples, lambda s: "://" in s or s.startswith("www.")),
        "shape: '-'": _share(shapes, lambda s: "-" in s),
        "shape: ':'": _share(shapes, lambda s: ":" in s),
        "shape: '/'": _share(shapes, lambda s: "/" in s),
        "shape: '>'": _share(shapes, lambda s: ">" in s),
        "shape: '.' inside": _share(shapes, lambda s: "." in s.strip(".") and not _NUMBER.match(s)),
        "shape: '_'": _share(shapes, lambda s: "_" in s),
        "shape: '%'": _share(shapes, lambda s: "%" in s),
        "shape: '{' or '['": _share(samples, lambda s: s.lstrip()[:1] in "{["),
        "shape: 32 hex": _share(samples, lambda s: bool(_HEX32.match(s))),
        "shape: upper case": _share(samples, lambda s: s.isupper()),
        "shape: lower case": _share(samples, lambda s: s.islower()),
        "shape: letters and digits": _share(shapes, lambda s: any(c.isalpha() for c in s) and any(c.isdigit() for c in s)),
        "shape: dotted quad": _share(samples, lambda s: s.count(".") == 3 and s.replace(".", "").isdigit()),
        "shape: am/pm": _share(samples, lambda s: s.lower().endswith(("am", "pm", "a.m.", "p.m."))),
        # Validators, not shapes: a bare digit run is a phone only if a number plan accepts it.
        "valid phone": _share(samples, is_phone),
        "valid CN resident id": _share(samples, is_cn_resident_id),
        "valid bank card": _share(samples, is_bank_card),
        "bare digits a number plan accepts": _share(samples, is_plan_number),
        "valid email": _share(samples, is_email),
        "valid IP address": _share(samples, is_ip_address),
        # Lookups in ISO 3166 (semantics/gazetteer.py): 约旦 is a country, 浙江 a province.
        "values: country names": _share(samples, is_country),
        "values: state or province names": _share(samples, is_region),
    }  # fmt: skip
    feats.dense = list(stats.values())
    feats.dense_labels = list(stats.keys())


def shown_values(profile: ColumnProfile, samples: list[str] | None = None) -> list[str]:
    """What the profile shows of the values, then the non-empty `samples` sampled beyond it."""
    return sample_values(profile) + [s for s in samples or [] if s]


def column_features(name: str, profile: ColumnProfile, samples: list[str] | None = None) -> ColumnFeatures:
    """All features of one column; `samples` adds sampled values to those the profile shows."""
    shown = shown_values(profile, samples)
    feats = ColumnFeatures()
    _name_block(name, feats)
    _value_block(shown, feats)
    _dense_block(profile, shown, feats)
    return feats


def feature_count() -> int:
    """Width of `ColumnFeatures.vector()` (the dense block is the same for every column)."""
    from stocktake.core.records import ColumnProfile

    probe = ColumnProfile(
        asset="a", column="c", logical_type="string", engine_type="", row_count=0, null_count=0
    )
    return len(column_features("c", probe).vector())


# --- Encoder block (optional): texts for the packaged sentence encoder --------------------------

ENCODER_VALUES = 5  # top values embedded per column; more adds time, not accuracy
_ENCODER_VALUE_CHARS = 200  # long free text says what it is within its first sentence


def name_text(name: str) -> str:
    """The column name as words the encoder can read: `orderPurchaseTimestamp` -> `order purchase
    timestamp`, `usr_amt` -> `user amount`. Headerless names give "" (embedded as zeros)."""
    if is_headerless(name):
        return ""
    return " ".join(_EXPANSIONS.get(w, w) for w in split_name(name))


_HEX_KEY = re.compile(r"^[0-9a-fA-F-]{8,}$")


def is_readable(value: str) -> bool:
    """A value with letters to read: not a number, date, phone or hex/UUID key.

    A sentence encoder has no meaning for digit strings (`1`, `2017-10-02`, a hash), yet their
    embeddings pull hard; the statistics and shapes already describe such values."""
    if not any(c.isalpha() for c in value):
        return False
    return not (_HEX_KEY.match(value) and any(c.isdigit() for c in value))


def value_texts(
    profile: ColumnProfile, samples: list[str] | None = None, *, readable_only: bool = True
) -> list[str]:
    """Up to ENCODER_VALUES shown values, trimmed, for a mean value embedding.

    `readable_only` (the third-round encoder model) skips values without letters to read."""
    shown = sample_values(profile) + [s for s in samples or [] if s]
    texts = [s.strip()[:_ENCODER_VALUE_CHARS] for s in shown]
    return [t for t in texts if t and (is_readable(t) or not readable_only)][:ENCODER_VALUES]


def encoder_features(
    names: list[str], values: list[list[str]], encode: Callable[[list[str]], np.ndarray], dim: int
) -> np.ndarray:
    """(columns, 2 * dim): name embedding, then mean embedding of the values; zeros where empty.

    All texts go to `encode` in one call, so repeated names and values are encoded once."""
    texts = [n for n in names if n] + [v for vs in values for v in vs]
    vectors = encode(texts) if texts else np.zeros((0, dim), dtype=np.float32)
    out = np.zeros((len(names), 2 * dim), dtype=np.float32)
    row = 0
    for i, name in enumerate(names):
        if name:
            out[i, :dim] = vectors[row]
            row += 1
    for i, vs in enumerate(values):
        if vs:
            out[i, dim:] = vectors[row : row + len(vs)].mean(axis=0)
            row += len(vs)
    return out
