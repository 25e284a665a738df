"""Tokens, character trigrams, numbers and model-number codes of attribute values.

Shared by serialisation, blocking and pair features so they all cut text the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+(?:[.\-/][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_HAS_DIGIT = re.compile(r"\d")
_HAS_ALPHA = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-cased word tokens; ``dslr-a230``, ``4.5`` and ``mq8n2b/a`` stay whole."""
    return tuple(_TOKEN.findall(text.lower()))


def token_set(text: str) -> frozenset[str]:
    """Tokens plus the parts of hyphenated/slashed ones, so ``wi-fi`` meets ``wi fi``."""
    out = set()
    for token in tokens(text):
        out.add(token)
        if any(c in token for c in ".-/"):
            out.update(p for p in re.split(r"[.\-/]", token) if p)
    return frozenset(out)


@lru_cache(maxsize=200_000)
def trigrams(text: str) -> frozenset[str]:
    squeezed = " " + " ".join(tokens(text)) + " "
    return frozenset(squeezed[i : i + 3] for i in range(len(squeezed) - 2))


def squash(text: str) -> str:
    """Letters and digits only: ``LDS-4821 WW`` and ``lds4821ww`` compare equal."""
    return re.sub(r"[\W_]+", "", text.lower())


@lru_cache(maxsize=200_000)
def codes(text: str) -> frozenset[str]:
    """Model-number-like tokens: letters mixed with digits, or digit runs of 4+, squashed.

    Part numbers are the strongest evidence two offers are the same product (or are not)."""
    out = set()
    for token in tokens(text):
        flat = squash(token)
        if len(flat) < 3:
            continue
        if (_HAS_DIGIT.search(flat) and _HAS_ALPHA.search(flat)) or (flat.isdigit() and len(flat) >= 4):
            out.add(flat)
    return frozenset(out)


def numbers(text: str) -> list[float]:
    out = []
    for match in _NUMBER.findall(text):
        try:
            out.append(float(match.replace(",", ".")))
        except ValueError:  # pragma: no cover - the pattern only matches numbers
            continue
    return out


def first_number(text: str) -> float | None:
    found = numbers(text)
    return found[0] if found else None


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a and not b:
        return float("nan")
    return len(a & b) / len(a | b)


def containment(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Overlap over the smaller set: a short title inside a long one still scores 1."""
    if not a or not b:
        return float("nan")
    return len(a & b) / min(len(a), len(b))


__all__ = [
    "codes",
    "containment",
    "first_number",
    "jaccard",
    "numbers",
    "squash",
    "token_set",
    "tokens",
    "trigrams",
]
