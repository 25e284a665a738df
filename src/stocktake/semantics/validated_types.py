"""Which PII types a column's values rule out, whatever its name says.

The issue's rule for PII columns (semantics/pii_columns.py) holds for semantic types too: the
values decide, the name only breaks ties. A column none of whose shown values could be an
e-mail address is not `email`; a hospital's 5-digit `provider_number` is no ID card. Each check
is as wide as the type: e-mail, IP and bank card have one syntax worldwide, so their
validators decide; phone numbers and identity documents differ by country, so only a value no
country could use (too few digits, an 18-digit number failing the resident-id checksum) counts
against them.
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


CHECKS = {
    SemanticType.EMAIL: is_email,
    SemanticType.IP_ADDRESS: is_ip_address,
    SemanticType.BANK_CARD: is_bank_card,
    SemanticType.PHONE: could_be_phone,
    SemanticType.ID_CARD: could_be_identity_number,
}


def ruled_out(samples: Sequence[str]) -> set[SemanticType]:
    """Types of CHECKS that none of the shown values passes.

    Missing-value tokens are not values; masked values (`138****5678`) cannot be checked; and a
    column that shows nothing else gives nothing to check: then nothing is ruled out."""
    values = [s for s in samples if s.strip().lower() not in NULL_LIKE_TOKENS]
    if not values or any("**" in s for s in values):
        return set()
    return {kind for kind, check in CHECKS.items() if not any(check(v) for v in values)}
