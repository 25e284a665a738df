"""Which types a column's values rule out, whatever its name says.

The issue's rule for PII columns (semantics/pii_columns.py) holds for semantic types too: the
values decide, the name only breaks ties. A column none of whose shown values could be an
e-mail address is not `email`; a hospital's 5-digit `provider_number` is no ID card. Each check
is as wide as the type: e-mail, IP and bank card have one syntax worldwide, so their
validators decide; phone numbers and identity documents differ by country, so only a value no
country could use (too few digits, an 18-digit number failing the resident-id checksum) counts
against them. Numbers are written with digits: a column of `yes`/`no` or of animal names is
no measure, price or zip code, whatever it is called (`premium`). And a date kept as whole
numbers keeps one of its parts (a day, a month, a year) or all of them (20240105): whole
numbers spanning 1 to 56 are counts of years (`yrs.since.phd`), not dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from stocktake.core.semantic_types import SemanticType
from stocktake.core.vocab import NULL_LIKE_TOKENS
from stocktake.semantics.pii import is_bank_card, is_cn_resident_id, is_email, is_ip_address

# E.164 allows at most 15 digits; no country's subscriber numbers are shorter than 7
# (country code and area code included, as a column of phone numbers holds them).
_PHONE_TEXT = re.compile(r"\+?[\d ()./-]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?", re.IGNORECASE)
# 15 or 18 digits (the last may be X) is the shape of a Chinese resident id, which has a check.
_CN_ID_SHAPE = re.compile(r"\d{15}|\d{17}[\dXx]")
_DOCUMENT_TEXT = re.compile(r"(?=.*\d)[A-Za-z\d]+(?:[ -][A-Za-z\d]+)*")


def could_be_phone(value: str) -> bool:
    """7-15 digits written with the separators phone numbers use (spaces, dots, dashes,
    brackets, a leading +, an extension)."""
    text = value.strip().removesuffix(".0")
    main = re.split(r"(?i)\s*(?:x|ext\.?)\s*\d", text)[0]
    return bool(_PHONE_TEXT.fullmatch(text)) and 7 <= sum(c.isdigit() for c in main) <= 15


def could_be_identity_number(value: str) -> bool:
    """A valid Chinese resident id, or 7-20 letters and digits (some digits, maybe grouped by
    spaces or dashes) not shaped like one: passports, other countries' numbers. An 18-digit
    number failing the checksum is an order number."""
    text = value.strip().removesuffix(".0")
    if _CN_ID_SHAPE.fullmatch(text):
        return is_cn_resident_id(text)
    return bool(_DOCUMENT_TEXT.fullmatch(text)) and 7 <= sum(c.isalnum() for c in text) <= 20


def has_digit(value: str) -> bool:
    return any(c.isdigit() for c in value)


_WHOLE = re.compile(r"-?\d+")
# One part of a date, or all of them run together: days and months, years, yyyymmdd.
_DATE_PART_RANGES = ((1, 31), (1000, 2100))


def _is_yyyymmdd(number: int) -> bool:
    month, day = number // 100 % 100, number % 100
    return 19000101 <= number <= 21001231 and 1 <= month <= 12 and 1 <= day <= 31


def could_be_dates(values: Sequence[str]) -> bool:
    """False only for whole numbers that no single date part holds: all of them days or
    months (1-31), all years (1000-2100) or all yyyymmdd, else they are not dates. Text,
    decimals and mixed columns are left to the model."""
    texts = [v.strip().removesuffix(".0") for v in values]
    if not texts or not all(_WHOLE.fullmatch(t) for t in texts):
        return True
    numbers = [int(t) for t in texts]
    return any(all(lo <= n <= hi for n in numbers) for lo, hi in _DATE_PART_RANGES) or all(
        _is_yyyymmdd(n) for n in numbers
    )


PII_CHECKS = {
    SemanticType.EMAIL: is_email,
    SemanticType.IP_ADDRESS: is_ip_address,
    SemanticType.BANK_CARD: is_bank_card,
    SemanticType.PHONE: could_be_phone,
    SemanticType.ID_CARD: could_be_identity_number,
}
# Ratings are left out: stars and words (`good`, `★★★★`) rate too.
NUMBERS = (
    SemanticType.PRICE, SemanticType.QUANTITY, SemanticType.DISCOUNT, SemanticType.NUMERIC_MEASURE,
    SemanticType.LATITUDE, SemanticType.LONGITUDE, SemanticType.ZIP_CODE,
)  # fmt: skip
# A type is ruled out when none of the shown values passes its check.
CHECKS = PII_CHECKS | dict.fromkeys(NUMBERS, has_digit)
# A type is ruled out when the shown values, all together, fail its check.
COLUMN_CHECKS = {SemanticType.DATE: could_be_dates}


def ruled_out(samples: Sequence[str], logical_type: str | None = None) -> set[SemanticType]:
    """Types of CHECKS that none of the shown values passes, and of COLUMN_CHECKS that they fail.
    A column the source typed boolean (true/false, yes/no) holds no numbers, whatever its values
    are shown as (1/0).

    Missing-value tokens are not values; masked values (`138****5678`) cannot be checked; and a
    column that shows nothing else gives nothing to check: then nothing is ruled out."""
    values = [s for s in samples if s.strip().lower() not in NULL_LIKE_TOKENS]
    flags = set(NUMBERS) | {SemanticType.DATE} if logical_type == "boolean" else set()
    if not values or any("**" in s for s in values):
        return flags
    out = flags | {kind for kind, check in CHECKS.items() if not any(check(v) for v in values)}
    return out | {kind for kind, check in COLUMN_CHECKS.items() if not check(values)}
