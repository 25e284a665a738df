"""Per-cell features computed from the dirty table alone, comparable across columns.

Families (after Raha's strategies, reduced to numbers a single classifier can share):
value, pattern and length frequency in the column; character rarity; numeric outliers;
one-substitution typo neighbours (values and tokens); and for every other column B, how
this value sits among rows sharing B's value (functional-dependency violations).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from stocktake.detection.columns import GroupStats, encode, group_stats, share_of_own_value
from stocktake.detection.patterns import coarse_pattern, fine_pattern, tokens, typo_neighbour_ratio
from stocktake.detection.table import StringTable

# A column B counts as (approximately) determining column j when, among rows whose B value
# repeats, at least this share agree with their group's majority j value.
FD_MIN_STRENGTH = 0.3
FD_MIN_COVERAGE = 0.3

BASE_FEATURES = [
    "value_frequency",
    "value_share",
    "pattern_share",
    "fine_pattern_share",
    "length_share",
    "length_deviation",
    "blank",
    "rarest_token",
    "rarest_bigram",
    "numeric_deviation",
    "non_numeric_in_numeric_column",
    "value_typo_neighbour",
    "token_typo_neighbour",
    "fd_agrees",
    "fd_support",
    "fd_group_size",
    "fd_strength",
    "fd_weighted_disagreement",
    "fd_max_disagreement",
    "fd_disagreeing_share",
    "column_distinct_share",
]


@dataclass
class Determinant:
    """The other column that best predicts column ``target`` (None when none does)."""

    target: int
    key: int | None
    strength: float = 0.0
    stats: GroupStats | None = None


@dataclass
class TableFeatures:
    table: StringTable
    values: np.ndarray  # (n_cols, n_rows) codes
    distinct: list[list[str]]  # per column, code -> string
    matrix: np.ndarray  # (n_rows, n_cols, n_features)
    names: list[str]
    determinants: list[Determinant]
    fd_keys: list[list[tuple[int, float, GroupStats]]]  # per column: candidate determinants
    typo_hint: list[dict[str, tuple[float, str]]] = field(default_factory=list)

    def add(self, name: str, values: np.ndarray) -> None:
        """Append one (n_rows, n_cols) feature."""
        self.matrix = np.concatenate([self.matrix, values[:, :, None].astype(np.float32)], axis=2)
        self.names.append(name)


def _shares(labels: list[str]) -> np.ndarray:
    codes, _ = encode(labels)
    return share_of_own_value(codes) / max(len(labels), 1)


def _numeric(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    parsed = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        try:
            parsed[i] = float(v.replace(",", ""))
        except ValueError:
            continue
    ok = np.isfinite(parsed)
    return parsed, ok


def _column_features(
    col: list[str], token_counts: Counter[str], token_typos: dict
) -> tuple[np.ndarray, dict[str, tuple[float, str]]]:
    """The value-level feature columns, and each value's typo neighbour (for explanations)."""
    n = len(col)
    codes, distinct = encode(col)
    counts = np.bincount(codes)
    own = counts[codes]
    out = np.zeros((n, 13), dtype=np.float64)
    out[:, 0] = np.log(own) / math.log(max(n, 2))
    out[:, 1] = own / n
    out[:, 2] = _shares([coarse_pattern(v) for v in col])
    out[:, 3] = _shares([fine_pattern(v) for v in col])
    lengths = np.array([len(v) for v in col], dtype=np.float64)
    out[:, 4] = _shares([str(int(x)) for x in lengths])
    median = np.median(lengths)
    mad = np.median(np.abs(lengths - median))
    out[:, 5] = np.minimum(np.abs(lengths - median) / (mad + 1.0), 20.0)
    out[:, 6] = np.array([v.strip() == "" for v in col], dtype=np.float64)
    # Rarest token across the whole table, and rarest character bigram within the column.
    total_tokens = max(sum(token_counts.values()), 2)
    bigram_counts: Counter[str] = Counter()
    for v, c in zip(distinct, counts, strict=True):
        for k in range(len(v) - 1):
            bigram_counts[v[k : k + 2]] += int(c)
    top_bigram = max(bigram_counts.values(), default=1)
    rare_tok = np.ones(len(distinct))
    rare_bi = np.ones(len(distinct))
    tok_typo = np.zeros(len(distinct))
    for d, v in enumerate(distinct):
        toks = tokens(v)
        if toks:
            rare_tok[d] = min(math.log(token_counts[t] + 1) / math.log(total_tokens + 1) for t in toks)
            tok_typo[d] = max(token_typos.get(t, (0.0, ""))[0] for t in toks)
        if len(v) > 1:
            rare_bi[d] = min(
                math.log(bigram_counts[v[k : k + 2]] + 1) / math.log(top_bigram + 1)
                for k in range(len(v) - 1)
            )
    out[:, 7] = rare_tok[codes]
    out[:, 8] = rare_bi[codes]
    parsed, ok = _numeric(col)
    if ok.mean() >= 0.5:
        centre = np.median(parsed[ok])
        spread = np.median(np.abs(parsed[ok] - centre)) + 1e-9
        out[ok, 9] = np.minimum(np.abs(parsed[ok] - centre) / spread, 50.0) / 50.0
        out[~ok, 10] = 1.0
    value_typos = typo_neighbour_ratio(Counter(dict(zip(distinct, counts.tolist(), strict=True))))
    out[:, 11] = np.array([value_typos.get(v, (0.0, ""))[0] for v in distinct])[codes]
    out[:, 12] = tok_typo[codes]
    return out, value_typos


def _fd_features(
    values: np.ndarray, j: int, n_distinct: list[int]
) -> tuple[np.ndarray, Determinant, list[tuple[int, float, GroupStats]]]:
    n_cols, n = values.shape
    candidates: list[tuple[int, float, GroupStats]] = []
    for b in range(n_cols):
        if b == j or n_distinct[b] < 2 or n_distinct[b] >= n:
            continue
        stats = group_stats(values[b], values[j])
        strength, coverage = stats.strength()
        if coverage >= FD_MIN_COVERAGE and strength >= FD_MIN_STRENGTH:
            candidates.append((b, strength * coverage, stats))
    out = np.zeros((n, 7))
    out[:, 0] = 1.0
    out[:, 1] = 1.0
    if not candidates:
        return out, Determinant(j, None), candidates
    key, score, best = max(candidates, key=lambda c: c[1])
    out[:, 0] = best.agrees
    out[:, 1] = best.support
    out[:, 2] = np.log(best.group_size) / math.log(max(n, 2))
    out[:, 3] = score
    weights = np.array([c[1] for c in candidates])
    disagreement = np.stack([1.0 - c[2].support for c in candidates])  # (k, n)
    out[:, 4] = (weights[:, None] * disagreement).sum(axis=0) / weights.sum()
    out[:, 5] = (weights[:, None] * disagreement).max(axis=0)
    out[:, 6] = np.stack([~c[2].agrees for c in candidates]).mean(axis=0)
    return out, Determinant(j, key, score, best), candidates


def table_features(table: StringTable) -> TableFeatures:
    n, n_cols = table.n_rows, table.n_cols
    columns = [table.column(j) for j in range(n_cols)]
    encoded = [encode(col) for col in columns]
    values = np.stack([codes for codes, _ in encoded]) if n_cols else np.zeros((0, n), dtype=np.int64)
    distinct = [d for _, d in encoded]
    token_counts: Counter[str] = Counter(t for col in columns for v in col for t in tokens(v))
    token_typos = typo_neighbour_ratio(token_counts, max_len=40)
    n_distinct = [len(d) for d in distinct]
    per_column = []
    determinants = []
    fd_keys = []
    typo_hint = []
    for j in range(n_cols):
        base, value_typos = _column_features(columns[j], token_counts, token_typos)
        typo_hint.append(value_typos)
        fd, det, cands = _fd_features(values, j, n_distinct)
        distinct_share = np.full((n, 1), n_distinct[j] / max(n, 1))
        per_column.append(np.concatenate([base, fd, distinct_share], axis=1))
        determinants.append(det)
        fd_keys.append(cands)
    matrix = np.stack(per_column, axis=1).astype(np.float32)
    return TableFeatures(
        table=table,
        values=values,
        distinct=distinct,
        matrix=matrix,
        names=list(BASE_FEATURES),
        determinants=determinants,
        fd_keys=fd_keys,
        typo_hint=typo_hint,
    )
