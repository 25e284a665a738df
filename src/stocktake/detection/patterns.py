"""Cheap string signatures: character-class patterns, tokens and one-substitution neighbours."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

_TOKEN = re.compile(r"[^\W_]+")


def char_class(ch: str) -> str:
    if ch.isdigit():
        return "9"
    if ch.isalpha():
        return "A" if ch.isupper() else "a"
    if ch.isspace():
        return " "
    return ch


def fine_pattern(value: str) -> str:
    """Every character mapped to its class: keeps lengths (``9:99 a.a.``)."""
    return "".join(char_class(ch) for ch in value)


def coarse_pattern(value: str) -> str:
    """Runs of one class collapsed (``9:9 a.a.``): the shape without the lengths."""
    out: list[str] = []
    for ch in value:
        cls = char_class(ch)
        if not out or out[-1] != cls or cls in " .,:;/-":
            out.append(cls)
    return "".join(out)


def tokens(value: str) -> list[str]:
    return _TOKEN.findall(value.lower())


def substitution_keys(word: str) -> Iterable[str]:
    """Keys shared by two strings of equal length exactly when they differ in one position."""
    for k in range(len(word)):
        yield f"{k}\x00{word[:k]}\x01{word[k + 1 :]}"


def typo_neighbour_ratio(counts: Counter[str], max_len: int = 80) -> dict[str, tuple[float, str]]:
    """For each string, log(count of its most frequent one-substitution neighbour / own count).

    Only neighbours more frequent than the string count; strings with none get 0. A rare
    value one keystroke away from a common one is the classic typo signature.
    """
    by_key: dict[str, list[str]] = {}
    for word in counts:
        if 2 < len(word) <= max_len:
            for key in substitution_keys(word):
                by_key.setdefault(key, []).append(word)
    best: dict[str, tuple[float, str]] = {}
    for group in by_key.values():
        if len(group) < 2:
            continue
        top = max(group, key=counts.__getitem__)
        for word in group:
            if counts[top] > counts[word]:
                ratio = math.log(counts[top] / counts[word])
                if ratio > best.get(word, (0.0, ""))[0]:
                    best[word] = (ratio, top)
    return best
