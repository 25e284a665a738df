from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stocktake.cleaning.normalise import (
    comparison_key,
    dominant_width,
    fold_accents,
    fold_case,
    format_date,
    format_number,
    infer_date_order,
    infer_number_convention,
    nfkc,
    normalise_text,
    normalise_whitespace,
    parse_date,
    parse_number,
    strip_leading_zeros,
    zero_pad,
)

# -- text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("ｉＰｈｏｎｅ　１５，１２８ＧＢ！", "iPhone 15,128GB!"),  # full-width punctuation and U+3000
        ("（税込）￥１，２９９", "(税込)¥1,299"),  # ideographs stay
        ("ｶﾀｶﾅ", "カタカナ"),  # half-width katakana -> full-width
        ("東京都渋谷区", "東京都渋谷区"),
        ("ﬁle", "file"),  # ligature
        ("10m² H₂O ½ kg ①", "10m² H₂O ½ kg ①"),  # meaning-bearing forms kept
        ("santa barbara d´oeste", "santa barbara d´oeste"),  # not 'd \u0301oeste'
        ("sa\u0303o paulo", "são paulo"),  # composed
    ],
)
def test_nfkc(raw: str, expected: str) -> None:
    assert nfkc(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  sao   paulo \t", "sao paulo"),
        ("sao\u00a0paulo", "sao paulo"),  # no-break space
        ("東京\u3000渋谷", "東京 渋谷"),  # ideographic space
        ("a\u200bb\ufeff", "ab"),  # zero-width space, stray BOM
        ("line one\r\nline two", "line one line two"),
    ],
)
def test_whitespace(raw: str, expected: str) -> None:
    assert normalise_whitespace(raw) == expected


def test_whitespace_keeps_line_breaks_and_paragraphs_when_asked() -> None:
    text = " first  line \r\n second\u00a0line\n\n  next paragraph \n"
    assert normalise_whitespace(text, keep_line_breaks=True) == "first line\nsecond line\n\nnext paragraph"


def test_case_and_accent_folding() -> None:
    assert fold_case("Straße SÃO") == "strasse são"
    assert fold_accents("são paulo") == "sao paulo"
    assert fold_accents("Crème Brûlée, ação") == "Creme Brulee, acao"
    assert fold_accents("がっこう") == "がっこう"  # voicing marks are not accents
    assert comparison_key("  São\u00a0PAULO ") == comparison_key("sao paulo") == "sao paulo"
    assert comparison_key("ＳÃＯ paulo", accents=False) == "são paulo"
    assert normalise_text("　ＳＫＵ－００１　") == "SKU-001"


# -- codes ---------------------------------------------------------------------------------


def test_zero_padding_to_dominant_width() -> None:
    counts = {"04195": 30, "13023": 50, "4195": 10, "1222": 5}
    assert dominant_width(counts) == 5
    assert zero_pad("4195", 5) == "04195"
    assert zero_pad("04195", 5) == "04195"
    assert zero_pad("AB12", 5) == "AB12"  # not digit-only: left alone
    assert zero_pad("１２３", 5) == "１２３"  # non-ASCII digits are normalised first, not padded
    assert dominant_width({"123": 3, "4567": 3, "12": 3}) is None  # no width holds half
    assert dominant_width({"abc": 4}) is None
    assert strip_leading_zeros("04195") == "4195" and strip_leading_zeros("000") == "0"


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "mark", "expected"),
    [
        ("1,234.50", ".", "1234.50"),
        ("1.234,50", ",", "1234.50"),
        ("¥1,299", ".", "1299"),
        ("￥１，２９９", ".", "1299"),  # full-width
        ("12.5%", ".", "0.125"),
        ("12,5 %", ",", "0.125"),
        ("R$ 12,90", ",", "12.90"),
        ("-$5.25", ".", "-5.25"),
        ("(1,234.50)", ".", "-1234.50"),  # accounting negative
        ("1 234 567,5", ",", "1234567.5"),
        ("1'234.5", ".", "1234.5"),
        ("12,34,567", ".", "1234567"),  # Indian grouping
        ("−7", ".", "-7"),  # minus sign
        ("1.5e3", ".", "1500"),
        ("EUR 10", ".", "10"),
    ],
)
def test_parse_number(raw: str, mark: str, expected: str) -> None:
    assert parse_number(raw, mark) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "mark"),
    [("1,5", "."), ("1,23,4", "."), ("1.234,50", "."), ("abc", "."), ("", "."), ("--5", "."), ("$5€", ".")],
)
def test_parse_number_rejects(raw: str, mark: str) -> None:
    assert parse_number(raw, mark) is None


def test_number_convention_comes_from_the_column() -> None:
    # '1,234' alone reads either way; the column's '12,50' decides it is a decimal comma.
    column = {"1,234": 5, "12,50": 2, "1.000.000": 1}
    convention = infer_number_convention(column)
    assert convention.decimal == "," and not convention.ambiguous and not convention.conflicting
    assert parse_number("1,234", convention) == Decimal("1.234")
    point = infer_number_convention(["1,234", "1,234,567", "0.5"])
    assert point.decimal == "." and parse_number("1,234", point) == Decimal(1234)
    unknown = infer_number_convention(["1,234", "¥2,500"])
    assert unknown.ambiguous and unknown.decimal == "."
    mixed = infer_number_convention({"1.234,50": 3, "1,234.50": 1})
    assert mixed.conflicting and mixed.decimal == ","
    assert format_number(Decimal("1E+3")) == "1000"


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["2024/01/05", "2024-1-5", "2024.01.05", "05.01.2024", "20240105", "2024年1月5日", "２０２４年１月５日"],
)
def test_parse_date_forms(raw: str) -> None:
    assert parse_date(raw, "DMY") == date(2024, 1, 5)


def test_parse_date_with_time_and_invalid_dates() -> None:
    assert parse_date("2024-01-05T10:15") == datetime(2024, 1, 5, 10, 15)
    assert parse_date("05/01/2024 10:15:30.5", "DMY") == datetime(2024, 1, 5, 10, 15, 30, 500000)
    assert format_date(datetime(2024, 1, 5, 10, 15)) == "2024-01-05 10:15:00"
    for bad in ("2024-02-30", "20241301", "13/13/2024", "5/1/24", "yesterday"):
        assert parse_date(bad, "DMY") is None


def test_day_month_order_is_inferred_from_the_column_and_ambiguity_reported() -> None:
    order = infer_date_order({"05.01.2024": 4, "13.01.2024": 1, "2024-01-05": 9})
    assert order.order == "DMY" and order.day_first_votes == 1 and order.year_last_values == 5
    assert parse_date("05.01.2024", order) == date(2024, 1, 5)
    us = infer_date_order(["01/13/2024", "02/03/2024"])
    assert us.order == "MDY" and parse_date("02/03/2024", us) == date(2024, 2, 3)
    undecided = infer_date_order(["03/04/2024", "01/02/2024"])
    assert undecided.ambiguous and undecided.order is None
    assert parse_date("03/04/2024", undecided) is None  # no guess
    assert parse_date("04/04/2024", undecided) == date(2024, 4, 4)  # both readings agree
    assert parse_date("13/04/2024", undecided) == date(2024, 4, 13)  # the value decides itself
    conflict = infer_date_order(["13/01/2024", "14/01/2024", "01/13/2024"])
    assert conflict.conflicting and conflict.order == "DMY"
    assert not infer_date_order(["2024-01-05"]).ambiguous  # no year-last values: nothing to decide


# -- properties ----------------------------------------------------------------------------

_TEXT = st.text(max_size=40)


@given(_TEXT)
def test_text_normalisers_are_idempotent(text: str) -> None:
    for normalise in (nfkc, normalise_whitespace, normalise_text, fold_accents, comparison_key):
        once = normalise(text)
        assert normalise(once) == once, normalise.__name__
    once = normalise_whitespace(text, keep_line_breaks=True)
    assert normalise_whitespace(once, keep_line_breaks=True) == once


def _full_width(text: str) -> str:
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) for ch in text)


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40))
def test_full_width_ascii_round_trips_through_nfkc(text: str) -> None:
    assert nfkc(_full_width(text)) == text
    assert nfkc(text) == text


@given(_TEXT)
def test_comparison_key_ignores_width_case_and_spacing(text: str) -> None:
    assert comparison_key(nfkc(text)) == comparison_key(text)
    assert comparison_key(" " + text.upper() + "\u00a0") == comparison_key(text.upper())


_AMOUNTS = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@given(_AMOUNTS, st.sampled_from(["", "$", "¥", "R$ ", "€"]))
def test_formatted_numbers_parse_back(amount: Decimal, currency: str) -> None:
    point = f"{amount:,.2f}"  # 1,234,567.89
    comma = point.replace(",", "_").replace(".", ",").replace("_", ".")  # 1.234.567,89
    for text, mark in ((point, "."), (comma, ",")):
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        assert parse_number(f"{sign}{currency}{digits}", mark) == amount
        assert parse_number(f"{text}%", mark) == amount / 100
        assert parse_number(_full_width(text), mark) == amount


@given(st.dates(min_value=date(1000, 1, 1)))
def test_dates_parse_back_from_common_spellings(day: date) -> None:
    y, m, d = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
    for text, order in (
        (f"{y}/{m}/{d}", None),
        (f"{d}.{m}.{y}", "DMY"),
        (f"{m}/{d}/{y}", "MDY"),
        (f"{y}{m}{d}", None),
        (f"{day.year}年{day.month}月{day.day}日", None),
    ):
        parsed = parse_date(text, order)
        assert parsed == day
        assert parsed is not None and format_date(parsed) == day.isoformat()
