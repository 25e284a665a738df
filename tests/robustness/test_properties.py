"""Property-based tests (issue 10, part 1): CSV sniffing, line-ending repair, the YAML contract
reader and the normalisation code take any input without crashing, and keep their promises."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocktake.checks.contract_yaml import ContractError, parse_contract
from stocktake.cleaning.normalise import (
    comparison_key,
    infer_date_order,
    infer_number_convention,
    normalise_text,
    parse_date,
    parse_number,
)
from stocktake.connectors import csv_sniff, newlines

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- CSV sniffing -----------------------------------------------------------------------------------


@FAST
@given(st.text(max_size=400), st.booleans())
def test_sniffing_any_text_gives_a_dialect(text, complete):
    dialect = csv_sniff.sniff_dialect(text, complete)
    assert dialect.delimiter in csv_sniff.DELIMITERS
    assert dialect.field_count >= 1
    assert 0.0 <= dialect.consistency <= 1.0


@FAST
@given(st.binary(max_size=600), st.booleans())
def test_any_bytes_are_decoded_or_refused_as_not_text(sample, complete):
    try:
        guess = csv_sniff.detect_encoding(sample, complete)
    except csv_sniff.NotTextError:
        return
    text = csv_sniff.decode_sample(sample, guess, complete)
    assert isinstance(text, str)


_CELL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)


@FAST
@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda width: st.lists(st.lists(_CELL, min_size=width, max_size=width), min_size=3, max_size=12)
    ),
    st.sampled_from(csv_sniff.DELIMITERS),
    st.sampled_from(["\n", "\r\n"]),
)
def test_plain_tables_are_sniffed_with_their_delimiter_and_width(rows, delimiter, newline):
    text = newline.join(delimiter.join(row) for row in rows) + newline
    dialect = csv_sniff.sniff_dialect(text)
    assert dialect.delimiter == delimiter
    assert dialect.field_count == len(rows[0])


# -- line endings -----------------------------------------------------------------------------------

_LINES = st.lists(
    st.tuples(st.text(alphabet="ab,;é中 ", max_size=6), st.sampled_from(["\n", "\r\n", "\r"])), max_size=20
)


@FAST
@given(_LINES, st.integers(min_value=1, max_value=9))
def test_line_endings_become_lf_whatever_the_chunking(lines, chunk):
    text = "".join(body + end for body, end in lines)
    expected = re.sub(r"\r\n|\r", "\n", text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(newlines, "_CHUNK", chunk)  # chunk edges fall between \r and \n, and inside characters
        target = io.BytesIO()
        counts = newlines.normalise_newlines(io.BytesIO(text.encode("utf-8")), target, "utf-8")
    assert target.getvalue().decode("utf-8") == expected
    assert counts == newlines.line_endings(text)
    assert sum(counts.values()) == len(re.findall(r"\r\n|\r|\n", text))  # "\r" then "\n" is one CRLF


@FAST
@given(st.lists(st.text(alphabet="ab\r\n,", max_size=5), min_size=1, max_size=6))
def test_line_breaks_inside_quotes_are_values(fields):
    quoted = ",".join('"' + f + '"' for f in fields)
    text = quoted + "\r\n" + quoted + "\n"
    target = io.BytesIO()
    counts = newlines.normalise_newlines(io.BytesIO(text.encode()), target, "utf-8")
    assert target.getvalue().decode() == quoted + "\n" + quoted + "\n"
    assert counts == {"crlf": 1, "cr": 0, "lf": 1}


# -- YAML contracts ---------------------------------------------------------------------------------


def _refused_in_one_line(text: str) -> None:
    try:
        parse_contract(text, "c.yml")
    except ContractError as exc:
        message = str(exc)
        assert message.startswith("c.yml") and "\n" not in message


@FAST
@given(st.text(max_size=300))
def test_any_text_is_a_contract_or_one_line_error(text):
    _refused_in_one_line(text)


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
_KEYS = st.sampled_from(["datasets", "expected_assets", "as_of", "orders", "checks", "not_null", "columns"])


@FAST
@given(st.dictionaries(_KEYS, _TREES, max_size=3), _KEYS, st.dictionaries(_KEYS, _TREES, max_size=3))
def test_contract_shaped_documents_are_validated_not_crashed_on(top, key, dataset):
    document = {**top, "datasets": {key: dataset}} if top.get("datasets") is None else top
    _refused_in_one_line(yaml.safe_dump(document, allow_unicode=True))


# -- normalisation ----------------------------------------------------------------------------------


@FAST
@given(st.text(max_size=200))
def test_normalisers_take_any_text(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    key = comparison_key(text)
    assert comparison_key(key) == key
    parse_number(text)
    parse_date(text)


@FAST
@given(st.lists(st.text(alphabet="0123456789.,-/ 年月日$€", max_size=14), max_size=30))
def test_conventions_are_inferred_from_any_values(values):
    convention = infer_number_convention(values)
    order = infer_date_order(values)
    for value in values:
        parse_number(value, convention)
        parse_date(value, order)
