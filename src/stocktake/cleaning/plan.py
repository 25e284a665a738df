"""How each column of an asset is cleaned, decided from its distinct values, and the conversion.

A column holds codes (fixed-width digits: zero-padded), numbers or dates spelled as text
(parsed with the column's convention), or plain text (NFKC and whitespace). The decision
uses the whole column, so one odd value never flips it; a column that only mostly parses
stays text, with a note saying why, rather than losing values.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Context, Decimal
from typing import Any, Literal

import pyarrow as pa

from stocktake.cleaning.normalise import (
    DateOrder,
    NumberConvention,
    dominant_width,
    format_date,
    format_number,
    infer_date_order,
    infer_number_convention,
    nfkc,
    normalise_text,
    normalise_whitespace,
    parse_date,
    parse_number,
    zero_pad,
)

# Names of columns holding fixed-width codes even when a number type dropped their zeros.
_CODE_NAME = re.compile(
    r"zip|postal|postcode|(^|_)cep($|_)|(^|_)code($|_)|_prefix$|(^|_)(ean|gtin|upc)", re.I
)
_DATE_NAME = re.compile(r"date|day|time|(^|_)dt($|_)|_(at|on)$", re.I)
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_MEMO_LIMIT = 100_000
_WIDE = Context(prec=38)  # decimal128 holds 38 digits; the default context rounds at 28

ColumnKind = Literal["keep", "text", "code", "number", "date"]


@dataclass
class ColumnPlan:
    """How one column is cleaned, and what was decided from its values."""

    name: str
    kind: ColumnKind
    width: int | None = None  # codes: the dominant width they are padded to
    numbers: NumberConvention | None = None
    dates: DateOrder | None = None
    arrow_type: pa.DataType | None = None  # the output type; None keeps the source type
    notes: list[str] = field(default_factory=list)
    _memo: dict[Any, tuple[Any, str | None]] = field(default_factory=dict, repr=False)

    def convert(self, value: Any) -> tuple[Any, str | None]:
        """The cleaned value, and why it changed (None when its text is the same)."""
        if value is None or self.kind == "keep":
            return value, None
        if value not in self._memo:
            if len(self._memo) >= _MEMO_LIMIT:  # unique columns (ids, comments) gain nothing from it
                self._memo.clear()
            self._memo[value] = self._convert(value)
        return self._memo[value]

    def _convert(self, value: Any) -> tuple[Any, str | None]:
        old = as_text(value)
        spaced = normalise_whitespace(old, keep_line_breaks=True)
        text = normalise_text(old, keep_line_breaks=True)
        folded = nfkc(spaced)
        # "nfc": only combining sequences composed (a + ◌̃ -> ã); "nfkc": width or compatibility forms.
        form = "nfc" if unicodedata.normalize("NFC", spaced) == folded else "nfkc"
        reasons = [
            why for why, changed in (("whitespace", spaced != old), (form, folded != spaced)) if changed
        ]
        new: Any = text
        if self.kind == "code" and self.width:
            new = zero_pad(text, self.width)
            reasons += [f"zero-padded to {self.width} digits"] if new != text else []
        elif self.kind in ("number", "date"):
            new, reason = self._parse(text)
            reasons = [reason]
        return new, ("; ".join(reasons) if as_text(new) != old else None)

    def _parse(self, text: str) -> tuple[Decimal | float | date | None, str]:
        if not text:
            return None, "blank to null"
        if self.kind == "number":
            assert self.numbers is not None
            number = parse_number(text, self.numbers)
            if number is None:  # only values the GROUP BY merged (MySQL collations) can get here
                return None, "not a number under the column's convention: set to null"
            if isinstance(self.arrow_type, pa.Decimal128Type):  # one scale per column: 7 -> 7.00
                number = number.quantize(Decimal(1).scaleb(-self.arrow_type.scale), context=_WIDE)
            elif pa.types.is_floating(self.arrow_type):  # beyond 38 digits
                return float(number), "number (float: more than 38 digits)"
            return number, f"number (decimal {'comma' if self.numbers.decimal == ',' else 'point'})"
        day = parse_date(text, self.dates)
        if day is None:
            return None, "not a date under the column's day/month order: set to null"
        if type(day) is date and pa.types.is_timestamp(self.arrow_type):
            day = datetime.combine(day, time())
        year_last = not text[:4].isdigit()  # only '05.01.2024' needed the column's order
        order = {"DMY": " (day first)", "MDY": " (month first)"}.get(
            self.dates.order if self.dates and year_last else "", ""
        )
        return day, f"date to ISO 8601{order}"


def as_text(value: Any) -> str:
    """How a value is written in the CSV copy and the change log."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


# -- deciding each column's plan ---------------------------------------------------------


def needs_values(name: str, logical_type: str) -> bool:
    """Whether `plan_column` looks at this column's values; other columns are copied as they are."""
    return logical_type == "string" or (logical_type == "integer" and bool(_CODE_NAME.search(name)))


def plan_column(name: str, logical_type: str, value_counts: list[tuple[Any, int]]) -> ColumnPlan:
    """Decide from a column's distinct values whether it holds codes, numbers, dates or text."""
    if logical_type == "integer" and _CODE_NAME.search(name):
        texts = {str(v): c for v, c in value_counts if v is not None}
        width = dominant_width(texts)
        short = sum(c for v, c in texts.items() if width and len(v.lstrip("-")) < width)
        if width and short:
            note = f"{short} values lost leading zeros (stored as numbers): padded to {width} digits, as text"
            return ColumnPlan(name, "code", width=width, arrow_type=pa.string(), notes=[note])
        return ColumnPlan(name, "keep")
    if logical_type != "string":
        return ColumnPlan(name, "keep")
    counts: Counter[str] = Counter()
    for value, count in value_counts:
        if value is not None:
            counts[normalise_text(as_text(value), keep_line_breaks=True)] += count
    filled = {v: c for v, c in counts.items() if v}
    if not filled:
        return ColumnPlan(name, "text", arrow_type=pa.string())
    return (
        _code_plan(name, filled)
        or _date_plan(name, filled)
        or _number_plan(name, filled)
        or ColumnPlan(name, "text", arrow_type=pa.string())
    )


def _code_plan(name: str, values: dict[str, int]) -> ColumnPlan | None:
    width = dominant_width(values)
    digits = sum(c for v, c in values.items() if v.isdigit() and v.isascii())
    if not width or digits < 0.9 * sum(values.values()):
        return None
    # Evidence that zeros belong: the name says code, or codes of the dominant width start with 0.
    padded_already = any(len(v) == width and v.startswith("0") for v in values)
    short = sum(c for v, c in values.items() if v.isdigit() and v.isascii() and len(v) < width)
    if not short or not (padded_already or _CODE_NAME.search(name)):
        return None
    note = f"{short} codes shorter than the dominant {width} digits: zero-padded"
    return ColumnPlan(name, "code", width=width, arrow_type=pa.string(), notes=[note])


def _date_plan(name: str, values: dict[str, int]) -> ColumnPlan | None:
    if all(v.isdigit() for v in values) and not _DATE_NAME.search(name):
        return None  # eight-digit numbers are dates only where the name says so
    order = infer_date_order(values)
    parsed = {v: parse_date(v, order) for v in values}
    bad = [v for v, d in parsed.items() if d is None]
    notes = []
    if order.conflicting:
        notes.append(
            f"dates disagree on order: {order.day_first_votes} day-first, {order.month_first_votes} month-first"
        )
    if bad:
        if len(bad) * 2 <= len(values):  # mostly dates: say why the column stays text
            why = "day/month order undecidable (no part above 12)" if order.ambiguous else "unparsed"
            notes.append(f"looks like dates but {len(bad)} values stay text, {why}: e.g. {bad[0]!r}")
            return ColumnPlan(name, "text", dates=order, arrow_type=pa.string(), notes=notes)
        return None
    timed = any(isinstance(d, datetime) for d in parsed.values())
    kind = pa.timestamp("us") if timed else pa.date32()
    return ColumnPlan(name, "date", dates=order, arrow_type=kind, notes=[*notes, "dates written as ISO 8601"])


def _number_plan(name: str, values: dict[str, int]) -> ColumnPlan | None:
    if all(_PLAIN_NUMBER.fullmatch(v) for v in values):
        return None  # nothing to reformat; digit strings are often identifiers
    convention = infer_number_convention(values)
    parsed = {v: parse_number(v, convention) for v in values}
    bad = [v for v, n in parsed.items() if n is None]
    if bad:
        if len(bad) * 2 <= len(values):
            note = f"looks like numbers but {len(bad)} values do not parse: e.g. {bad[0]!r}; kept as text"
            return ColumnPlan(name, "text", numbers=convention, arrow_type=pa.string(), notes=[note])
        return None
    mark = "comma" if convention.decimal == "," else "point"
    note = f"numbers read with a decimal {mark}"
    if convention.ambiguous:
        note += " (assumed: no value tells the marks apart)"
    elif convention.conflicting:
        note += f" ({convention.point_votes} values say point, {convention.comma_votes} comma)"
    numbers = [n for n in parsed.values() if n is not None]
    return ColumnPlan(name, "number", numbers=convention, arrow_type=_decimal_type(numbers), notes=[note])


def _decimal_type(numbers: list[Decimal]) -> pa.DataType:
    """The narrowest decimal type holding every value exactly; float64 beyond 38 digits."""
    scale = max((max(0, -int(n.as_tuple().exponent)) for n in numbers), default=0)
    whole = max((len(str(abs(int(n)))) for n in numbers), default=1)
    return pa.decimal128(whole + scale, scale) if whole + scale <= 38 else pa.float64()


__all__ = ["ColumnKind", "ColumnPlan", "as_text", "needs_values", "plan_column"]
