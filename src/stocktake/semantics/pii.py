"""Recognise personal data in single values: validate, don't just pattern-match.

Each recogniser takes one value and returns its PII kind or None. A value only counts
when it passes the format's own validation (checksums, number plans, real dates), so
order ids, prices, timestamps and zip codes that merely look similar are not flagged.

Kinds: email, phone (Chinese mobiles and international numbers), cn_resident_id (18-digit
cards and the old 15-digit ones), bank_card, ip_address, and the pattern-and-list kinds
person_name and address (semantics/person_address.py), which are narrower by design.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import PhoneMetadata

from stocktake.semantics.person_address import is_address, is_person_name, mask_address, mask_name

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

EMAIL = "email"
PHONE = "phone"
CN_RESIDENT_ID = "cn_resident_id"
BANK_CARD = "bank_card"
IP_ADDRESS = "ip_address"
PERSON_NAME = "person_name"
ADDRESS = "address"
PII_KINDS: tuple[str, ...] = (EMAIL, PHONE, CN_RESIDENT_ID, BANK_CARD, IP_ADDRESS, PERSON_NAME, ADDRESS)

# Regions whose national formats ("(212) 555-0123", "020 7946 0958", "010-12345678") are
# tried for numbers written without a country code; E.164 numbers need no hint.
DEFAULT_PHONE_REGIONS: tuple[str, ...] = ("CN", "US", "GB")

# -- email ---------------------------------------------------------------------------------
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)


def is_email(value: str) -> bool:
    """RFC 5322 dot-atom local part, hostname labels, and a top-level domain of letters."""
    return len(value) <= 254 and _EMAIL.fullmatch(value) is not None and len(value.split("@")[0]) <= 64


# -- phones --------------------------------------------------------------------------------
# Chinese mobile number plan: 13x, 145-149, 15x (not 154), 162/165-167, 170-178, 18x, 19x (not 194).
_CN_MOBILE = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")
_CN_PREFIX = re.compile(r"^(?:\+86|0086|86(?=1\d{10}$))[ -]?")
_CN_GROUPED = re.compile(r"\d{3}[ -]?\d{4}[ -]?\d{4}")
_PHONE_CHARS = re.compile(r"\+?\(?\d[\d ().-]{5,20}\d")
_DATE_SHAPE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}")


def is_cn_mobile(value: str) -> bool:
    """11-digit mainland mobile, optionally with +86 / 0086 and 3-4-4 spaces or hyphens."""
    rest = _CN_PREFIX.sub("", value.strip(), count=1)
    if not _CN_GROUPED.fullmatch(rest):
        return False
    return _CN_MOBILE.fullmatch(re.sub(r"[ -]", "", rest)) is not None


def is_intl_phone(value: str, regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> bool:
    """A valid number by `phonenumbers`: E.164 (+ or 00 and a country code) always; national
    formats only with separators (bare digit runs are ids far more often than phones)."""
    text = value.strip()
    if not _PHONE_CHARS.fullmatch(text) or _DATE_SHAPE.search(text):
        return False
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        candidates: Sequence[str | None] = (None,)
    elif re.search(r"[ ().-]", text) and len(re.sub(r"\D", "", text)) >= 10:
        candidates = [r for r in regions if _trunk_ok(text, r)]
    else:
        return False
    return valid_in_any(text, candidates)


def valid_in_any(text: str, regions: Iterable[str | None]) -> bool:
    """Whether `phonenumbers` reads `text` as a valid number in one of `regions` (None: the
    text carries its own +country code)."""
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def _trunk_ok(text: str, region: str) -> bool:
    """Where national numbers are dialled with a trunk 0 (CN, GB, ...), a number written
    without it is more likely something else ('123-456-7890' is not a London number)."""
    meta = PhoneMetadata.metadata_for_region(region)
    trunk = meta.national_prefix if meta else None
    return trunk != "0" or text.lstrip("(").startswith("0")


def is_phone(value: str, regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> bool:
    return is_cn_mobile(value) or is_intl_phone(value, regions)


# -- Chinese resident identity card ---------------------------------------------------------
_ID_SHAPE = re.compile(r"[1-8]\d{16}[\dXx]")
# First two digits: provinces and municipalities (GB/T 2260), plus 71/81/82/83 (Taiwan, HK, Macau).
_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42"}
    | {
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    }
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


_OLD_ID_SHAPE = re.compile(r"[1-8]\d{14}")


def is_cn_resident_id(value: str, today: date | None = None) -> bool:
    """18 characters: region, birth date YYYYMMDD (1900..today), sequence, MOD 11-2 check;
    or a first-generation card (issued until 2004): 15 digits, region, YYMMDD of 19YY, sequence."""
    text = value.strip()
    if _OLD_ID_SHAPE.fullmatch(text):
        return _is_old_cn_resident_id(text)
    if not _ID_SHAPE.fullmatch(text) or text[:2] not in _PROVINCES:
        return False
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > (today or date.today()):
        return False
    return id_check_char(text[:17]) == text[17].upper()


def _is_old_cn_resident_id(text: str) -> bool:
    """No check digit, so region and a real birth date (1900..1999) are all there is to validate."""
    if text[:2] not in _PROVINCES or text[2:6] == "0000":
        return False
    try:
        date(1900 + int(text[6:8]), int(text[8:10]), int(text[10:12]))
    except ValueError:
        return False
    return True


# -- bank cards ----------------------------------------------------------------------------
_CARD_SHAPE = re.compile(r"\d{4}(?:[ -]?\d{1,4}){2,4}")
# Issuer prefixes and the lengths each issues: Visa, Mastercard (51-55, 2221-2720), Amex,
# UnionPay, Discover, JCB, Diners. A Luhn-valid number of the wrong length is not a card.
_IIN_LENGTHS: tuple[tuple[re.Pattern[str], range | tuple[int, ...]], ...] = (
    (re.compile(r"4"), (13, 16, 19)),
    (re.compile(r"5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)"), (16,)),
    (re.compile(r"3[47]"), (15,)),
    (re.compile(r"62|6011|64[4-9]|65|35(?:2[89]|[3-8]\d)"), range(16, 20)),
    (re.compile(r"3[68]"), range(14, 20)),
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_bank_card(value: str) -> bool:
    """13-19 digits (spaces or hyphens allowed), a known issuer prefix and length, a valid Luhn digit."""
    text = value.strip()
    if not _CARD_SHAPE.fullmatch(text):
        return False
    digits = re.sub(r"[ -]", "", text)
    lengths = next((ok for iin, ok in _IIN_LENGTHS if iin.match(digits)), ())
    return len(digits) in lengths and luhn_ok(digits)


# -- IP addresses --------------------------------------------------------------------------
def is_ip_address(value: str) -> bool:
    """IPv4 in dotted quad or IPv6 (at least two colons), by the standard library."""
    text = value.strip()
    if text.count(".") != 3 and text.count(":") < 2:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# -- one entry point -----------------------------------------------------------------------
def recognise(value: object, regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> str | None:
    """The PII kind of one whole value, or None. Ints count as their digits; other types never."""
    text = _as_text(value)
    if text is None:
        return None
    if not 5 <= len(text) <= 254:
        return PERSON_NAME if 2 <= len(text) < 5 and is_person_name(text) else None
    if "@" in text:
        return EMAIL if is_email(text) else None
    if len(text) == 15 and is_bank_card(text):
        return BANK_CARD  # Amex numbers (34/37...) can also pass the old ID's weaker rules
    if is_cn_resident_id(text):
        return CN_RESIDENT_ID
    if is_phone(text, regions):
        return PHONE
    if is_bank_card(text):
        return BANK_CARD
    if is_ip_address(text):
        return IP_ADDRESS
    if is_address(text):
        return ADDRESS
    if is_person_name(text):
        return PERSON_NAME
    return None


def _as_text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None


# -- masking -------------------------------------------------------------------------------
def mask_value(kind: str | None, value: object) -> str:
    """A value safe to show in a report: enough to recognise the shape, not the person."""
    text = str(value).strip()
    if kind == EMAIL and "@" in text:
        local, _, domain = text.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if kind == PERSON_NAME:
        return mask_name(text)
    if kind == ADDRESS:
        return mask_address(text)
    if kind == IP_ADDRESS:
        if ":" in text:
            return ":".join(text.split(":")[:2]) + ":*:*"
        return ".".join(text.split(".")[:2]) + ".*.*"
    digits = re.sub(r"[^\dXx]", "", text)
    if kind == BANK_CARD and len(digits) >= 8:
        return f"{digits[:4]} **** **** {digits[-4:]}"
    if kind == CN_RESIDENT_ID and len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if kind == PHONE and len(digits) >= 8:
        sign = "+" if text.startswith("+") else ""
        return sign + digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return text[:1] + "***" if text else ""


def mask_text(text: str, spans: Sequence[tuple[str, int, int]], width: int = 24) -> str:
    """An excerpt around the first span, with every span in the text masked."""
    if not spans:
        return text[: 2 * width]
    out, pos, first = [], 0, None
    for kind, start, end in sorted(spans, key=lambda sp: sp[1]):
        if start < pos:
            continue
        out.append(text[pos:start])
        masked = mask_value(kind, text[start:end])
        if first is None:
            first = (sum(map(len, out)), sum(map(len, out)) + len(masked))
        out.append(masked)
        pos = end
    out.append(text[pos:])
    masked_text = "".join(out)
    lo, hi = first or (0, 0)
    lo, hi = max(0, lo - width), min(len(masked_text), hi + width)
    return ("..." if lo > 0 else "") + masked_text[lo:hi] + ("..." if hi < len(masked_text) else "")


__all__ = [
    "ADDRESS",
    "BANK_CARD",
    "CN_RESIDENT_ID",
    "DEFAULT_PHONE_REGIONS",
    "EMAIL",
    "IP_ADDRESS",
    "PERSON_NAME",
    "PHONE",
    "PII_KINDS",
    "id_check_char",
    "is_bank_card",
    "is_cn_mobile",
    "is_cn_resident_id",
    "is_email",
    "is_intl_phone",
    "is_ip_address",
    "is_phone",
    "luhn_ok",
    "mask_text",
    "mask_value",
    "recognise",
]
