"""The same key spelled two ways: 'sao paulo' / 'são paulo', ＡＢ１ / AB1, '04195' / '4195'.

Works on a column's distinct values with their counts, as any engine returns them from
`SELECT col, COUNT(*) ... GROUP BY col`, so only distinct values come into Python.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from stocktake.cleaning.normalise import (
    dominant_width,
    fold_accents,
    fold_case,
    normalise_whitespace,
    strip_leading_zeros,
    zero_pad,
)

# The ways two spellings can differ, in the order the comparison key applies them.
# "composition": a + combining ◌̃ against precomposed ã; "width": ＡＢ１ against AB1 (NFKC).
DIFFERENCES: tuple[str, ...] = ("composition", "width", "whitespace", "case", "accents", "zero padding")
_STEPS: dict[str, Callable[[str], str]] = {
    "composition": lambda text: unicodedata.normalize("NFC", text),
    "width": lambda text: unicodedata.normalize("NFKC", text),
    "whitespace": normalise_whitespace,
    "case": fold_case,
    "accents": fold_accents,
    "zero padding": strip_leading_zeros,
}


def variant_key(value: str, differences: Iterable[str] = DIFFERENCES) -> str:
    """The comparison key under the given kinds of difference (all of them by default)."""
    chosen = set(differences)
    for name in DIFFERENCES:
        if name in chosen:
            value = _STEPS[name](value)
    return value


@dataclass(frozen=True)
class VariantGroup:
    """Distinct spellings of one key. `spellings` are (spelling, count), most frequent first."""

    key: str
    canonical: str  # the most frequent spelling
    spellings: tuple[tuple[str, int], ...]
    differences: tuple[str, ...]  # how the other spellings differ from the canonical one

    @property
    def total(self) -> int:
        return sum(count for _, count in self.spellings)

    @property
    def variant_count(self) -> int:
        """Rows spelled some other way than the canonical spelling."""
        return self.total - self.spellings[0][1]


def _how_they_differ(spelling: str, canonical: str, differences: tuple[str, ...]) -> list[str]:
    """The kinds of difference without which the two would not share a key.

    When steps overlap (NFKC also composes accents), no single one is needed; then the
    first step, in order, after which the two agree names the difference.
    """
    chosen = set(differences)
    needed = [
        name
        for name in differences
        if variant_key(spelling, chosen - {name}) != variant_key(canonical, chosen - {name})
    ]
    if needed:
        return needed
    for count, name in enumerate(differences, 1):
        if variant_key(spelling, differences[:count]) == variant_key(canonical, differences[:count]):
            return [name]
    return []


def _counted(values: Mapping[object, int] | Iterable[tuple[object, int]]) -> Counter[str]:
    """Counts per spelling; None is skipped and other values are compared as text (4195 -> '4195')."""
    counts: Counter[str] = Counter()
    pairs = values.items() if isinstance(values, Mapping) else values
    for value, count in pairs:
        if value is not None:
            counts[value if isinstance(value, str) else str(value)] += int(count)
    return counts


def find_variants(
    values_with_counts: Mapping[object, int] | Iterable[tuple[object, int]],
    *,
    differences: Iterable[str] = DIFFERENCES,
) -> list[VariantGroup]:
    """Groups of two or more distinct spellings that share a comparison key.

    `differences` narrows what counts as the same key (leave out "case" when case matters,
    e.g. for SKUs). Groups come most-affected first: by rows not in the canonical spelling.
    """
    chosen = tuple(name for name in DIFFERENCES if name in set(differences))
    unknown = set(differences) - set(DIFFERENCES)
    if unknown:
        raise ValueError(f"unknown difference kinds {sorted(unknown)}; known: {', '.join(DIFFERENCES)}")
    by_key: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for spelling, count in _counted(values_with_counts).items():
        by_key[variant_key(spelling, chosen)].append((spelling, count))
    groups = []
    for key, spellings in by_key.items():
        if len(spellings) < 2:
            continue
        # Most frequent first; on a tie, the spelling that is already clean text, then by text.
        spellings.sort(key=lambda sc: (-sc[1], sc[0] != normalise_whitespace(sc[0]), sc[0]))
        canonical = spellings[0][0]
        found = {
            name for spelling, _ in spellings[1:] for name in _how_they_differ(spelling, canonical, chosen)
        }
        groups.append(VariantGroup(key, canonical, tuple(spellings), tuple(n for n in chosen if n in found)))
    groups.sort(key=lambda g: (-g.variant_count, -g.total, g.key))
    return groups


@dataclass(frozen=True)
class PaddingMismatch:
    """How values of side A line up with side B's values, exactly or only after zero-padding.

    Counts are over A's values (rows when A is given row by row). `width` is the codes'
    dominant width over both sides; `short` counts A's digit values shorter than it.
    """

    width: int | None
    total: int
    short: int
    matched_exactly: int
    matched_after_padding: int
    unmatched: int
    examples: tuple[tuple[str, str], ...]  # (A's spelling, B's spelling) that match only padded


def _as_counts(values: Mapping[object, int] | Iterable[object]) -> Counter[str]:
    if isinstance(values, Mapping):
        return _counted(values)
    return _counted((value, 1) for value in values)


def zero_padding_mismatch(
    values_a: Mapping[object, int] | Iterable[object],
    values_b: Mapping[object, int] | Iterable[object],
    *,
    max_examples: int = 5,
) -> PaddingMismatch:
    """For two sources of the same code (a zip column in two exports): which values of A
    match B only once both are zero-padded to the dominant width ('4195' vs '04195').

    Each side is a {value: count} mapping or the values themselves; integers are read as
    text, so a column that lost its zeros by being typed as a number compares too.
    """
    a, b = _as_counts(values_a), _as_counts(values_b)
    width = dominant_width(a + b)
    b_exact = set(b)
    b_padded: dict[str, str] = {}
    for spelling in b:
        b_padded.setdefault(zero_pad(spelling, width) if width else spelling, spelling)
    exact = padded = short = 0
    examples: list[tuple[str, str]] = []
    for spelling, count in sorted(a.items()):
        if width and spelling.isdigit() and len(spelling) < width:
            short += count
        if spelling in b_exact:
            exact += count
            continue
        match = b_padded.get(zero_pad(spelling, width) if width else spelling)
        if match is not None:
            padded += count
            if len(examples) < max_examples:
                examples.append((spelling, match))
    total = a.total()
    return PaddingMismatch(width, total, short, exact, padded, total - exact - padded, tuple(examples))


__all__ = [
    "DIFFERENCES",
    "PaddingMismatch",
    "VariantGroup",
    "find_variants",
    "variant_key",
    "zero_padding_mismatch",
]
