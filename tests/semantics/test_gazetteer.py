"""Country and province lookups (ISO 3166 via pycountry), in English and Chinese."""

from __future__ import annotations

import pytest

from stocktake.semantics.gazetteer import is_country, is_region


@pytest.mark.parametrize(
    ("value", "country", "region"),
    [
        ("约旦", True, False), ("韩国", True, False), ("Brazil", True, False), (" brazil ", True, False),
        ("BRA", True, False), ("浙江", False, True), ("浙江省", False, True), ("广西壮族自治区", False, True),
        ("北京", False, True), ("Bayern", False, True), ("California", False, True), ("SP", False, True),
        ("Guangdong", False, True), ("new  york", False, True), ("Ｂａｙｅｒｎ", False, True),
        # Cities, continents, carriers and grading labs are neither.
        ("温州", False, False), ("Paris", False, False), ("亚洲", False, False), ("中国联通", False, False),
        ("GIA", False, False), ("f", False, False), ("", False, False),
    ],
)  # fmt: skip
def test_lookups(value: str, country: bool, region: bool) -> None:
    assert is_country(value) is country
    assert is_region(value) is region


def test_two_letter_codes_are_not_taken_for_countries() -> None:
    # `CA` is Canada and California, `IN` India and Indiana: alone, a code says state more often.
    assert not is_country("CA") and is_region("CA")
