"""Value normalisers: pure functions that put one value into its canonical spelling.

Text normalisers work on one value. Numbers, dates and codes are spelled by convention
(decimal comma or point, day or month first, how many digits a code has), and one value
alone often cannot tell the convention: '1,234' and '03/04/2024' read two ways. So each of
those has an `infer_*` function that decides from the whole column's values, and a parser
that applies the decision to one value. Every normaliser is idempotent.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

# A column's values: a {value: count} mapping, (value, count) pairs, or plain values (count 1 each).
ValueCounts = Mapping[str, int] | Iterable[tuple[str, int]] | Iterable[str]

# -- text ----------------------------------------------------------------------------------

# Compatibility forms whose plain spelling changes the meaning: m² is not m2, ½ is not 1⁄2.
_MEANINGFUL_FORMS = frozenset({"<super>", "<sub>", "<fraction>", "<circle>"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))  # zero-width space, word joiner, BOM
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_COMBINING_DIACRITICS = re.compile("[\u0300-\u036f]+")


@functools.cache
def _keeps_meaning(ch: str) -> bool:
    if unicodedata.decomposition(ch).split(" ", 1)[0] in _MEANINGFUL_FORMS:
        return True
    # Spacing accents (´ ¨ ˜ ゛) become a space plus a combining mark, which then sits on the
    # space: "d´oeste" would turn into "d ́oeste". Keep them.
    folded = unicodedata.normalize("NFKC", ch)
    return len(folded) > 1 and folded[0] == " " and unicodedata.combining(folded[1]) > 0


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width ＡＢＣ１２３ and ，．％ become ABC123 and ,.%, half-width ｶﾅ becomes カナ.

    CJK ideographs are already canonical and stay. Why: the same product code typed on a
    Japanese or Chinese keyboard arrives full-width and would not match its ASCII twin.
    Superscripts, subscripts, fractions and circled characters are kept as they are,
    because folding them changes the meaning (10m², H₂O, ½ kg); so are spacing accents.
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    if not any(_keeps_meaning(ch) for ch in text):
        return unicodedata.normalize("NFKC", text)
    # Normalise the runs between kept characters, so the kept ones are left alone.
    out, run = [], []
    for ch in text:
        if _keeps_meaning(ch):
            out.append(unicodedata.normalize("NFKC", "".join(run)))
            out.append(ch)
            run = []
        else:
            run.append(ch)
    out.append(unicodedata.normalize("NFKC", "".join(run)))
    return "".join(out)


def normalise_whitespace(text: str, *, keep_line_breaks: bool = False) -> str:
    """Trim and collapse whitespace runs to one space; drop zero-width spaces and stray BOMs.

    Covers every Unicode space, including no-break (U+00A0) and ideographic (U+3000) ones,
    which look like spaces but make 'sao paulo' and 'sao\u00a0paulo' two different keys. With
    `keep_line_breaks`, line breaks survive (as '\\n') so multi-line text keeps its paragraphs;
    each line is trimmed and its inner runs collapsed.
    """
    text = text.translate(_INVISIBLE)
    if not keep_line_breaks:
        return " ".join(text.split())
    lines = _LINE_BREAKS.sub("\n", text).split("\n")
    return "\n".join(_HORIZONTAL_SPACE.sub(" ", line).strip(" ") for line in lines).strip("\n")


def normalise_text(text: str, *, keep_line_breaks: bool = False) -> str:
    """NFKC (see `nfkc`) then whitespace: what a cleaned copy stores for a text value."""
    return normalise_whitespace(nfkc(text), keep_line_breaks=keep_line_breaks)


def fold_case(text: str) -> str:
    """Unicode case folding (Straße -> strasse), for comparisons where case carries no meaning."""
    return text.casefold()


def fold_accents(text: str) -> str:
    """Drop Latin/Greek/Cyrillic diacritics: 'são paulo' -> 'sao paulo', 'Crème' -> 'Creme'.

    Only marks in the Combining Diacritical Marks block go, so Japanese voicing marks
    (が is not か) and Indic vowel signs survive. For comparison keys, not for stored values.
    """
    stripped = _COMBINING_DIACRITICS.sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", stripped)


def comparison_key(text: str, *, case: bool = True, accents: bool = True) -> str:
    """The spelling two values share when they are the same key written differently.

    Full NFKC (here ² and 2 are the same), whitespace, and optionally case and accents.
    """
    key = unicodedata.normalize("NFKC", text)
    if case:
        key = fold_case(key)
    if accents:
        key = fold_accents(key)
    return normalise_whitespace(unicodedata.normalize("NFKC", key))


# -- codes ---------------------------------------------------------------------------------


def _pairs(values: ValueCounts) -> Iterable[tuple[str, int]]:
    if isinstance(values, Mapping):
        return values.items()
    return ((item, 1) if isinstance(item, str) else item for item in values)


def dominant_width(values: ValueCounts, *, min_share: float = 0.5) -> int | None:
    """The length most digit-only codes have, if at least `min_share` of them have it.

    Why: a spreadsheet or an integer column drops leading zeros ('04195' -> '4195'); the
    column's dominant width says what the code should look like. `values` are value counts.
    """
    widths: Counter[int] = Counter()
    for value, count in _pairs(values):
        if value.isdigit() and value.isascii():
            widths[len(value)] += count
    if not widths:
        return None
    width, count = widths.most_common(1)[0]
    return width if count >= min_share * widths.total() else None


def zero_pad(value: str, width: int) -> str:
    """'4195' -> '04195' for width 5. Anything not a shorter digit-only string is returned as is."""
    if value.isdigit() and value.isascii() and len(value) < width:
        return value.zfill(width)
    return value


def strip_leading_zeros(value: str) -> str:
    """'04195' -> '4195', '000' -> '0': the key zero-padded and unpadded codes share."""
    if value.isdigit() and value.isascii():
        return value.lstrip("0") or "0"
    return value


# -- numbers -------------------------------------------------------------------------------

DecimalMark = Literal[".", ","]
_CURRENCY = r"(?:R\$|US\$|[A-Z]{3}|[$€£¥₹₩₽₺₫₱₦₴₪฿元円])"
_NUMBER_SHAPE = re.compile(
    rf"^(?P<sign1>[-+]?)(?P<cur1>{_CURRENCY}?)\s?(?P<sign2>[-+]?)(?P<body>[\d.,' ]*\d(?:[eE][-+]?\d+)?)"
    rf"\s?(?P<cur2>{_CURRENCY}?)(?P<pct>%?)$"
)


def _body_pattern(mark: str, thousands: str) -> re.Pattern[str]:
    """Plain or grouped integer part, optional fraction after `mark`, optional exponent."""
    grouped = rf"\d{{1,3}}(?P<sep>[{re.escape(thousands)}' ])\d{{3}}(?:(?P=sep)\d{{3}})*"
    indian = r"|\d{1,2}(?:,\d{2})*,\d{3}" if thousands == "," else ""  # 12,34,567
    return re.compile(
        rf"^(?P<int>\d+|{grouped}{indian})?(?:{re.escape(mark)}(?P<frac>\d+))?(?P<exp>[eE][-+]?\d+)?$"
    )


_BODY = {".": _body_pattern(".", ","), ",": _body_pattern(",", ".")}


@dataclass(frozen=True)
class NumberConvention:
    """The decimal mark a column uses, and how many values voted for each mark."""

    decimal: DecimalMark = "."
    point_votes: int = 0
    comma_votes: int = 0

    @property
    def ambiguous(self) -> bool:
        """No value told the marks apart (e.g. only '1,234' or plain integers)."""
        return self.point_votes == 0 and self.comma_votes == 0

    @property
    def conflicting(self) -> bool:
        """Some values read as decimal point and others as decimal comma."""
        return self.point_votes > 0 and self.comma_votes > 0


def _number_parts(text: str) -> tuple[re.Match[str], bool] | None:
    """The number's sign, currency, body and percent sign; and whether it is negative."""
    text = normalise_whitespace(unicodedata.normalize("NFKC", text)).replace("\u2212", "-")
    parenthesised = text.startswith("(") and text.endswith(")")  # accounting style (1,234.50)
    match = _NUMBER_SHAPE.match(text[1:-1].strip() if parenthesised else text)
    if match is None or (match["cur1"] and match["cur2"]):
        return None
    signs = match["sign1"] + match["sign2"]
    if len(signs) > 1 or (parenthesised and signs):
        return None
    return match, parenthesised or signs == "-"


def _decimal_vote(body: str) -> DecimalMark | None:
    """Which mark this number's body shows as decimal, or None when it cannot tell."""
    body = re.split("[eE]", body)[0]
    if "." in body and "," in body:
        return "." if body.rfind(".") > body.rfind(",") else ","
    for mark in (".", ","):
        if mark in body:
            if body.count(mark) > 1:  # '1.234.567': a repeated mark groups thousands
                return "," if mark == "." else "."
            head, tail = body.split(mark)
            if len(tail) != 3 or head.strip(" '") in {"", "0"}:  # '1,5', '0,125', ',125'
                return mark
    return None  # no mark, or '1,234', which reads either way


def infer_number_convention(values: ValueCounts) -> NumberConvention:
    """Decide the column's decimal mark from all its values (weighted by count), not per value.

    Why: '1,234' alone is 1234 or 1.234; the column's '12,50' settles it. A tie or no
    evidence keeps the decimal point, and the convention says it was ambiguous.
    """
    votes: Counter[str] = Counter()
    for value, count in _pairs(values):
        parts = _number_parts(value)
        vote = _decimal_vote(parts[0]["body"]) if parts else None
        if vote:
            votes[vote] += count
    decimal: DecimalMark = "," if votes[","] > votes["."] else "."
    return NumberConvention(decimal, votes["."], votes[","])


def parse_number(text: str, convention: NumberConvention | DecimalMark = ".") -> Decimal | None:
    """'1,234.50', '1.234,50' (decimal comma), '¥1,299', 'R$ 12,90', '(5)' and '12.5%' -> Decimal.

    Thousands separators must group by three (or the Indian 2-2-3), so '1,5' under the
    point convention is rejected rather than read as 15. A percentage is returned as a
    fraction: '12.5%' -> Decimal('0.125'). Currency symbols and codes are dropped. None
    when the text is not a number under the convention.
    """
    mark = convention.decimal if isinstance(convention, NumberConvention) else convention
    parts = _number_parts(text)
    if parts is None:
        return None
    shape, negative = parts
    body = _BODY[mark].match(shape["body"])
    if body is None or not (body["int"] or body["frac"]):
        return None
    digits = re.sub(r"\D", "", body["int"] or "0")
    fraction = f".{body['frac']}" if body["frac"] else ""
    try:
        number = Decimal(f"{'-' if negative else ''}{digits}{fraction}{body['exp'] or ''}")
    except InvalidOperation:
        return None
    return number.scaleb(-2) if shape["pct"] else number


def format_number(number: Decimal) -> str:
    """Plain positional notation, never an exponent: Decimal('1E+3') -> '1000'."""
    return f"{number:f}"


# -- dates ---------------------------------------------------------------------------------

DayMonthOrder = Literal["DMY", "MDY"]
_TIME = r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?)?$"
_YEAR_FIRST = re.compile(r"^(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _TIME)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_CJK = re.compile(r"^(?P<y>\d{4})\s?年\s?(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?日$")
_YEAR_LAST = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})" + _TIME)


@dataclass(frozen=True)
class DateOrder:
    """Day or month first for year-last dates ('05.01.2024'), decided from the whole column.

    `order` is None when no value has a part above 12, so nothing decides: such dates are
    ambiguous and `parse_date` leaves them unparsed unless both parts are equal.
    """

    order: DayMonthOrder | None
    day_first_votes: int = 0
    month_first_votes: int = 0
    year_last_values: int = 0

    @property
    def ambiguous(self) -> bool:
        return self.order is None and self.year_last_values > 0

    @property
    def conflicting(self) -> bool:
        return self.day_first_votes > 0 and self.month_first_votes > 0


def infer_date_order(values: ValueCounts) -> DateOrder:
    """Vote day-first vs month-first over year-last dates: a first part > 12 is a day."""
    day_first = month_first = year_last = 0
    for value, count in _pairs(values):
        match = _YEAR_LAST.match(normalise_whitespace(unicodedata.normalize("NFKC", value)))
        if match is None:
            continue
        year_last += count
        a, b = int(match["a"]), int(match["b"])
        if a > 12 >= b:
            day_first += count
        elif b > 12 >= a:
            month_first += count
    order: DayMonthOrder | None = None
    if day_first or month_first:
        order = "DMY" if day_first >= month_first else "MDY"
    return DateOrder(order, day_first, month_first, year_last)


def parse_date(text: str, order: DateOrder | DayMonthOrder | None = None) -> date | datetime | None:
    """'2024/01/05', '05.01.2024', '20240105', '2024年1月5日' -> date(2024, 1, 5); with a time -> datetime.

    Year-first forms are always year-month-day. Year-last forms need the column's `order`;
    without one they parse only when day and month agree (or one part is above 12).
    Four-digit years only: two-digit years add a century guess we do not want to make.
    """
    text = normalise_whitespace(unicodedata.normalize("NFKC", text))
    chosen = order.order if isinstance(order, DateOrder) else order
    match = _YEAR_FIRST.match(text) or _COMPACT.match(text) or _CJK.match(text)
    if match is not None:
        y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
    elif (match := _YEAR_LAST.match(text)) is not None:
        a, b, y = int(match["a"]), int(match["b"]), int(match["y"])
        if chosen is None:
            if a != b and a <= 12 and b <= 12:
                return None
            chosen = "DMY" if a > 12 else "MDY"
        d, m = (a, b) if chosen == "DMY" else (b, a)
    else:
        return None
    groups = match.groupdict()
    try:
        day = date(y, m, d)
        if groups.get("H") is None:
            return day
        micro = int((groups["f"] or "0").ljust(6, "0"))
        return datetime(y, m, d, int(groups["H"]), int(groups["M"]), int(groups["S"] or 0), micro)
    except ValueError:
        return None


def format_date(value: date | datetime) -> str:
    """ISO 8601: '2024-01-05', or '2024-01-05 10:15:00' with a time (space, as SQL prints it)."""
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()


__all__ = [
    "DateOrder",
    "DayMonthOrder",
    "DecimalMark",
    "NumberConvention",
    "ValueCounts",
    "comparison_key",
    "dominant_width",
    "fold_accents",
    "fold_case",
    "format_date",
    "format_number",
    "infer_date_order",
    "infer_number_convention",
    "nfkc",
    "normalise_text",
    "normalise_whitespace",
    "parse_date",
    "parse_number",
    "strip_leading_zeros",
    "zero_pad",
]
