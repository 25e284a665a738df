"""Numbers, sizes, shares, times and data values formatted for people.

1,234,567 rows; 12.3 MB (SI units, so the label means what it says); 4.9%;
NULL for a missing value and quoted text for a blank one.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from typing import Any


def fmt_int(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def fmt_bytes(n: int | None) -> str:
    if n is None:
        return "—"
    if n < 1000:
        return f"{n} B"
    value = float(n)
    for unit in ("kB", "MB", "GB", "TB", "PB"):
        value /= 1000
        if value < 999.95 or unit == "PB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def fmt_pct(share: float | None) -> str:
    if share is None:
        return "—"
    if share in (0, 1):
        return f"{share:.0%}"
    if share < 0.001:
        return "<0.1%"
    if 0.999 < share < 1:
        return ">99.9%"
    return f"{share * 100:.1f}%"


def fmt_num(x: float | None) -> str:
    if x is None:
        return "—"
    if x != x or x in (float("inf"), float("-inf")):  # NaN / infinities, as the engine gave them
        return str(x)
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1000:
        return f"{x:,.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def fmt_datetime(value: datetime | None, seconds: bool = False) -> str:
    if value is None:
        return "—"
    text = value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    offset = value.utcoffset()
    if offset is None:
        return text
    return f"{text} UTC" if not offset else f"{text} {value.strftime('%z')}"


def fmt_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, sec = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {sec} s"
    return f"{minutes // 60} h {minutes % 60} min"


def fmt_value(value: Any, limit: int = 60) -> str:
    """A data value as a person should see it: NULL, quoted blanks, shortened long text.

    Integers keep their digits as stored (no separators): they are often ids or years.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return shorten("(" + ", ".join(fmt_value(v, limit) for v in value) + ")", limit)
    text = str(value)
    if not text.strip() or text != text.strip():  # make blanks and padding visible
        text = json.dumps(text, ensure_ascii=False)
    return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(text: str, cells: int) -> str:
    """Shorten to a width in character cells, wide (CJK) characters taking two: chart labels."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > cells:
            return text[: max(i - 1, 0)] + "…"
    return text


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def type_label(finding_type: str) -> str:
    """'pii_exposure' -> 'PII exposure'."""
    words = str(finding_type).split("_")
    words = ["PII" if w == "pii" else w for w in words]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]
