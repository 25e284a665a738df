"""What values rule out: PII types none of a column's shown values could be."""

from __future__ import annotations

import pytest

from stocktake.core.semantic_types import SemanticType as T
from stocktake.semantics.validated_types import could_be_identity_number, could_be_phone, ruled_out


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
    assert ruled_out(["li.na@qq.com", "10.0.0.1"]) == {T.BANK_CARD, T.PHONE, T.ID_CARD}
    assert ruled_out(["4111 1111 1111 1111"]) == {T.EMAIL, T.IP_ADDRESS, T.PHONE}  # 16 digits: no phone
    # 16 digits failing Luhn are no card; they could still be a phone or an identity number.
    assert T.BANK_CARD in ruled_out(["4111111111111112"])


def test_nothing_to_check_rules_nothing_out() -> None:
    assert ruled_out([]) == set()
    assert ruled_out(["null", "N/A", "-"]) == set()  # a mostly empty column shows only tokens
    assert ruled_out(["138****5678", "12"]) == set()  # masked values cannot be validated
    assert ruled_out(["null", "10018"]) == set(ruled_out(["10018"]))
