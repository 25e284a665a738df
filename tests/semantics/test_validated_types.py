"""What values rule out: PII types none of a column's shown values could be, numbers without
digits, dates no date part holds."""

from __future__ import annotations

import pytest

from stocktake.core.semantic_types import SemanticType as T
from stocktake.semantics.validated_types import (
    NUMBERS,
    PII_CHECKS,
    could_be_dates,
    could_be_identity_number,
    could_be_phone,
    ruled_out,
)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("13812345678", True), ("+86 138 1234 5678", True), ("(212) 555-0123", True), ("600-658-704", True),
        ("3100248840", True), ("07911 123456", True), ("212-555-0123 ext. 12", True), ("3100248840.0", True),
        ("10018", False), ("2024-01-05", True), ("12345678901234567", False), ("abc-1234567", False), ("", False),
    ],
)  # fmt: skip
def test_could_be_phone(value: str, ok: bool) -> None:
    assert could_be_phone(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("11010519491231002X", True), ("110105491231002", True), ("E12345678", True), ("123-45-6789", True),
        ("110105194912310021", False), ("202311051234567890", False), ("10018", False), ("AB12", False),
    ],
)  # fmt: skip
def test_could_be_identity_number(value: str, ok: bool) -> None:
    assert could_be_identity_number(value) is ok


def test_strict_validators_for_worldwide_syntaxes() -> None:
    assert ruled_out(["li.na@qq.com", "10.0.0.1"]) & set(PII_CHECKS) == {T.BANK_CARD, T.PHONE, T.ID_CARD}
    assert ruled_out(["4111 1111 1111 1111"]) & set(PII_CHECKS) == {
        T.EMAIL,
        T.IP_ADDRESS,
        T.PHONE,
    }  # no phone
    # 16 digits failing Luhn are no card; they could still be a phone or an identity number.
    assert T.BANK_CARD in ruled_out(["4111111111111112"])


def test_numbers_need_a_digit() -> None:
    assert set(NUMBERS) <= ruled_out(["carni", "herbi", "omni"])
    assert not set(NUMBERS) & ruled_out(["yes", "no", "12.5 kg"]), "one value with a digit keeps them"
    assert T.RATING not in ruled_out(["good", "bad"]), "words rate too"
    # A column the source typed boolean holds flags, whatever its values are shown as.
    assert set(NUMBERS) | {T.DATE} <= ruled_out(["1", "0"], "boolean")
    assert not set(NUMBERS) & ruled_out(["1", "0"], "integer")


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        (["1", "12", "31"], True), (["1950", "2030"], True), (["20240105", "19991231"], True),
        (["2024-01-05"], True), (["3.5", "12"], True), (["Jan", "Feb"], True),
        (["1", "56", "23"], False), (["0", "1"], False), (["20241305"], False), (["12", "2024"], False),
    ],
)  # fmt: skip
def test_whole_numbers_are_dates_only_when_one_date_part_holds_them(values: list[str], ok: bool) -> None:
    assert could_be_dates(values) is ok
    assert (T.DATE in ruled_out(values)) is not ok


def test_nothing_to_check_rules_nothing_out() -> None:
    assert ruled_out([]) == set()
    assert ruled_out(["null", "N/A", "-"]) == set()  # a mostly empty column shows only tokens
    assert ruled_out(["138****5678", "12"]) == set()  # masked values cannot be validated
    assert ruled_out(["null", "10018"]) == set(ruled_out(["10018"]))
