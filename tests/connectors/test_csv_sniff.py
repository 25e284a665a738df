"""Encoding and dialect detection on in-memory samples (no DuckDB involved)."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocktake.connectors.csv_sniff import (
    DELIMITERS,
    Dialect,
    EncodingGuess,
    NotTextError,
    decode_sample,
    detect_encoding,
    has_header,
    leading_zero_columns,
    sniff_dialect,
    transcode_to_utf8,
)

CHINESE = (
    "订单号,客户名称,城市,备注\n1001,张三,北京,发货很快\n1002,李四,上海,质量不错\n1003,王五,广州,包装破损\n"
)


# -- encodings ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "encoding", "payload_codec"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    ],
)
def test_byte_order_mark_decides(prefix: bytes, encoding: str, payload_codec: str) -> None:
    sample = prefix + CHINESE.encode(payload_codec)
    guess = detect_encoding(sample, complete=True)
    assert guess == EncodingGuess(encoding, "byte-order mark", bom=True)
    assert decode_sample(sample, guess, complete=True) == CHINESE


def test_plain_utf8_and_ascii_are_utf8() -> None:
    assert detect_encoding(b"a,b\n1,2\n", complete=True).encoding == "utf-8"
    assert detect_encoding(CHINESE.encode(), complete=True).method == "strict UTF-8 decode"


def test_multibyte_character_cut_at_sample_end_is_not_held_against_utf8() -> None:
    data = CHINESE.encode()
    cut = data[: data.index("北".encode()) + 1]  # one byte into a three-byte character
    guess = detect_encoding(cut, complete=False)
    assert guess.encoding == "utf-8"
    assert decode_sample(cut, guess, complete=False).endswith("张三,")
    # In a complete file the same bytes end in a broken character, yet the text is still UTF-8.
    assert detect_encoding(cut, complete=True) == EncodingGuess("utf-8", "mostly valid UTF-8")


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_chinese_legacy_encodings_decode_to_the_original_text(codec: str) -> None:
    sample = (CHINESE * 5).encode(codec)
    guess = detect_encoding(sample, complete=True)
    assert guess.method == "charset-normalizer"
    assert guess.duckdb_encoding is None  # DuckDB cannot read it: the connector transcodes
    assert decode_sample(sample, guess, complete=True) == CHINESE * 5


def test_gbk_sample_cut_mid_character_still_detected() -> None:
    data = (CHINESE * 20).encode("gbk")
    cut = data[: len(data) // 2 + 1]
    guess = detect_encoding(cut, complete=False)
    assert codecs.decode(data, guess.encoding) == CHINESE * 20


def test_utf16_without_bom_from_nul_pattern() -> None:
    guess = detect_encoding("a,b\n1,2\n".encode("utf-16-le"), complete=True)
    assert (guess.encoding, guess.duckdb_encoding) == ("utf-16-le", "utf-16")
    assert detect_encoding("a,b\n1,2\n".encode("utf-16-be"), complete=True).encoding == "utf-16-be"


def test_binary_is_not_text() -> None:
    with pytest.raises(NotTextError):
        detect_encoding(bytes(range(256)) * 8 + b"\xff\xfe\x00", complete=True)


def test_transcode_streams_to_utf8_and_counts_replacements() -> None:
    source = io.BytesIO(codecs.BOM_UTF16_BE + (CHINESE * 3).encode("utf-16-be"))
    target = io.BytesIO()
    assert transcode_to_utf8(source, target, "utf-16-be", chunk_size=7) == 0  # odd chunks split characters
    assert target.getvalue().decode("utf-8") == CHINESE * 3
    broken = io.BytesIO(b"ok,\xff\xfe,ok\n")
    out = io.BytesIO()
    assert transcode_to_utf8(broken, out, "utf-8") == 2
    assert out.getvalue().decode() == "ok,\ufffd\ufffd,ok\n"


# -- dialects -----------------------------------------------------------------------------
@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_each_delimiter_is_found(delimiter: str) -> None:
    rows = [
        ["id", "name", "city"],
        ["1", "Ann, Jr.", "Lyon"],
        ["2", "Bo; Li", "Paris | FR"],
        ["3", "Cy", "Nice"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    dialect = sniff_dialect(buffer.getvalue())
    assert (dialect.delimiter, dialect.field_count, dialect.header) == (delimiter, 3, True)


def test_quoted_newlines_and_doubled_quotes() -> None:
    text = 'id,comment,score\n1,"line one\nline two, with comma",5\n2,"he said ""hi""",4\n3,plain,3\n'
    dialect = sniff_dialect(text)
    assert (dialect.delimiter, dialect.quote, dialect.escape, dialect.consistency) == (",", '"', '"', 1.0)


def test_backslash_escape_and_single_quotes() -> None:
    assert sniff_dialect('a,b\n1,"say \\"x\\" now"\n2,"y"\n').escape == "\\"
    single = "a;b\n'x;y';1\n'z';2\n'w';3\n"
    assert (sniff_dialect(single).quote, sniff_dialect(single).delimiter) == ("'", ";")


def test_decimal_comma_beats_comma_as_delimiter() -> None:
    dialect = sniff_dialect("produto;preco;peso\nA;1,50;0,2\nB;10,00;1,25\nC;3,5;2,0\n")
    assert (dialect.delimiter, dialect.decimal_comma) == (";", True)


def test_newline_is_the_first_lines_ending() -> None:
    assert sniff_dialect("a,b\r\n1,2\r\n").newline == "\r\n"
    assert sniff_dialect('a,b\n1,"x\r\ny"\n').newline == "\n"


def test_preferred_delimiter_breaks_ties_and_single_column() -> None:
    assert sniff_dialect("a\tb,c\n1\t2,3\n", preferred="\t").delimiter == "\t"
    one = sniff_dialect("sku\nA1\nB2\n")
    assert (one.field_count, one.delimiter) == (1, ",")


def test_truncated_sample_drops_its_last_record() -> None:
    text = "a,b,c\n1,2,3\n4,5,6\n7,8"  # the sample ends inside a record
    assert sniff_dialect(text, complete=False).consistency == 1.0


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["id", "price"], ["1", "2.5"], ["2", "3"]], True),
        ([["1", "2.5"], ["2", "3"], ["3", "4"]], False),
        ([["name", "city"], ["ann", "lyon"], ["bo", "nice"]], True),  # all text: assume a header
        ([["order_id"], ["e481f51c"], ["53cdb2fc"]], True),  # fixed-width ids under a longer name
        ([["2024-01-01", "x"], ["2024-01-02", "y"]], False),
        ([["only", "row"]], True),
        # All text, no header: a first value met again below, or repeated within the row.
        ([["北京市", "东城区"], ["北京市", "西城区"], ["上海市", "黄浦区"]], False),
        ([["天津", "天津"], ["河北", "石家庄"], ["山西", "太原"]], False),
        ([["province", "city"], ["北京市", "东城区"], ["北京市", "西城区"]], True),
    ],
)
def test_has_header(rows: list[list[str]], expected: bool) -> None:
    assert has_header(rows) is expected


def test_leading_zero_columns_from_the_sample() -> None:
    text = "zip,qty,code\n01310,5,A1\n20000,007,B2\n"
    dialect = sniff_dialect(text)
    assert leading_zero_columns(text, dialect) == {0: "01310", 1: "007"}


# -- properties ---------------------------------------------------------------------------
_FIELD = st.text(alphabet='abcxyzÄé汉字 0123456789"\n', min_size=0, max_size=12)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[str, list[list[str]]]:
    delimiter = draw(st.sampled_from(DELIMITERS))
    width = draw(st.integers(2, 6))
    height = draw(st.integers(2, 12))
    fields = st.one_of(_FIELD, _FIELD.map(lambda s: s + delimiter))
    header = [f"col{i}" for i in range(width)]
    body = draw(st.lists(st.lists(fields, min_size=width, max_size=width), min_size=height, max_size=height))
    return delimiter, [header, *body]


@given(_tables(), st.sampled_from(["\n", "\r\n"]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_written_tables_are_sniffed_back(table: tuple[str, list[list[str]]], newline: str) -> None:
    delimiter, rows = table
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    dialect: Dialect = sniff_dialect(buffer.getvalue())
    assert (dialect.delimiter, dialect.field_count, dialect.consistency) == (delimiter, len(rows[0]), 1.0)
    assert dialect.header is True
    assert dialect.newline == newline


@given(st.text(alphabet="ab,é汉😀\n", max_size=200), st.integers(0, 800))
@settings(max_examples=150, deadline=None)
def test_property_utf8_survives_any_cut(text: str, cut: int) -> None:
    data = text.encode()[:cut]
    guess = detect_encoding(data, complete=False)
    assert guess.encoding == "utf-8"
    assert text.startswith(decode_sample(data, guess, complete=False))
