"""Partial masks for personal data, per kind, and a last-line-of-defence pass over free text.

Every mask keeps just enough of a value for a person to recognise it ('138****5678',
'j***@example.com') and is idempotent: masking a masked value returns it unchanged, because
'*' counts as a masked character wherever a digit would be. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import takewhile

from stocktake.core.records import Scalar

MASK = "***"

# Kinds whose values are digit strings: an integer in such a column is masked as its decimal text.
DIGIT_KINDS: frozenset[str] = frozenset({"phone", "bank_card", "id_card"})


def mask_value(kind: str | None, value: Scalar) -> Scalar:
    """Mask one value of a column holding personal data of `kind`; None and booleans pass through."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            return mask_string(kind, repr(value))
        value = int(value)
    return mask_string(kind, str(value))


def mask_string(kind: str | None, text: str) -> str:
    """Mask a string by kind; an unknown kind (names, addresses, ...) keeps only its first character."""
    return _MASKERS.get(kind or "", mask_generic)(text)


def mask_generic(text: str) -> str:
    if not text:
        return text
    head = text[0] if text[0] != "*" else ""
    return head + MASK


def mask_email(text: str) -> str:
    if "@" not in text:
        return mask_generic(text)
    local, domain = text.rsplit("@", 1)
    head = local[0] if local and local[0] != "*" else ""
    return f"{head}{MASK}@{domain}"


def mask_phone(text: str) -> str:
    """Keep the first 3 and last 4 digits of the national number; separators and +86 stay put."""
    slots = _slot_positions(text, _is_digit_slot)
    if not slots:
        return MASK
    digits = "".join(text[i] for i in slots)
    # A leading country code 86 is not part of the number: '+86 138****5678', not '+86 1****5678'.
    has_cc = text.lstrip().startswith("+86") or (len(slots) == 13 and digits.startswith("86"))
    national = slots[2:] if has_cc else slots
    return _mask_slots(text, national, head=3, tail=4)


def mask_id_card(text: str) -> str:
    """Chinese resident ID: keep the 6-digit region code and the last 4 characters."""
    slots = _slot_positions(text, lambda ch: _is_digit_slot(ch) or ch in "Xx")
    if not slots:
        return MASK
    return _mask_slots(text, slots, head=6, tail=4)


def mask_bank_card(text: str) -> str:
    """First 4 and last 4 digits in a fixed-width shape, which hides the card's length too."""
    slots = _slot_positions(text, _is_digit_slot)
    if not slots:
        return MASK
    if len(slots) < 12:
        return _mask_slots(text, slots, head=4, tail=4)
    digits = "".join(text[i] for i in slots)
    return f"{digits[:4]} **** **** {digits[-4:]}"


# Octets as digits, or '*' once masked, so a masked address matches again and stays the same.
_IPV4_IN_VALUE = re.compile(r"(?<![\d*])(\d{1,3})\.(\d{1,3})\.[\d*]{1,3}\.[\d*]{1,3}(?![\d*])")


def mask_ip_address(text: str) -> str:
    """IPv4 keeps its first two octets ('192.168.*.*'); IPv6 its first two groups ('2001:db8:*')."""
    masked, count = _IPV4_IN_VALUE.subn(r"\1.\2.*.*", text)
    if count:
        return masked
    if ":" not in text:
        return mask_generic(text)
    kept = list(takewhile(lambda group: group != "*", text.split(":")[:2]))
    return ":".join([*kept, "*"]) if kept else ":*"


_MASKERS: dict[str, Callable[[str], str]] = {
    "email": mask_email,
    "phone": mask_phone,
    "id_card": mask_id_card,
    "bank_card": mask_bank_card,
    "ip_address": mask_ip_address,
}


# -- free text ----------------------------------------------------------------------------------
# One alternation scanned left to right; earlier branches win at the same position, so an 18-digit
# ID is not read as a card and a mobile number with +86 is not read as a bare E.164 number. A
# specific branch must not stop inside a longer run of digit groups ('(?![ -]?\d)'): such a run
# falls through to `digits` and is masked whole, so no part of it is left in clear.
_END = r"(?![ -]?\d)"
# The email branch is bounded (local part <= 64, labels <= 63 characters, as in RFC 5321): unbounded,
# a long run of letters without an '@' made every start position rescan the rest, quadratic in length.
_SENSITIVE_IN_TEXT = re.compile(
    rf"""
    (?P<email>[A-Za-z0-9._%+-]{{1,64}}@(?:[A-Za-z0-9-]{{1,63}}\.)+[A-Za-z]{{2,}})
    | (?P<id_card>(?<!\d)\d{{17}}[\dXx](?![\dXx]){_END})
    | (?P<phone>(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{{4}}){{2}}{_END})
    | (?P<e164>(?<![\d+])\+\d(?:[ -]?\d){{7,14}}{_END})
    | (?P<bank_card>(?<!\d)(?:\d{{4}}(?:[ -]\d{{4}}){{2,3}}(?:[ -]\d{{1,3}})?|\d{{13,19}}){_END})
    | (?P<ip_address>(?<![\d.])(?:\d{{1,3}}\.){{3}}\d{{1,3}}(?!\d|\.\d))
    | (?P<digits>(?<![\dA-Za-z+])\+?\d{{3,}}(?:[ -]\d{{3,}})*(?!\d))
    """,
    re.VERBOSE,
)
_MAX_PASSES = 4
# The catch-all digit run does not start inside a word: 'T195512-132062' in a run id is a name.
# Fewer digits than a mobile number: a count, a year or a code, not a contact.
_MIN_DIGITS_OF_RUN = 11

_TEXT_MASKERS: dict[str, Callable[[str], str]] = {**_MASKERS, "e164": mask_phone, "digits": mask_phone}


def mask_in_text(text: str) -> str:
    """Mask emails, phone numbers, ID and card numbers and IPv4 addresses wherever they appear.

    Conservative on purpose: it runs after every other safeguard, so a long digit run that merely
    looks like a phone or card number is masked too.
    """
    # Until nothing changes: a match can swallow the start of its neighbour (two emails written
    # without a space), and the next pass masks what is left of it.
    for _ in range(_MAX_PASSES):
        masked = _SENSITIVE_IN_TEXT.sub(_mask_match, text)
        if masked == text:
            break
        text = masked
    return text


def _mask_match(match: re.Match[str]) -> str:
    kind = match.lastgroup or ""
    found = match.group()
    if kind == "ip_address" and any(int(octet) > 255 for octet in found.split(".")):
        return found  # a version number or a dotted code, not an address
    if kind == "digits" and sum(ch.isdecimal() for ch in found) < _MIN_DIGITS_OF_RUN:
        return found
    return _TEXT_MASKERS[kind](found)


# -- helpers ------------------------------------------------------------------------------------
def _is_digit_slot(ch: str) -> bool:
    return ch == "*" or ch.isdecimal()


def _slot_positions(text: str, is_slot: Callable[[str], bool]) -> list[int]:
    return [i for i, ch in enumerate(text) if is_slot(ch)]


def _mask_slots(text: str, slots: list[int], head: int, tail: int) -> str:
    """Replace every slot but the first `head` and last `tail` with '*'; other characters stay.

    Depends only on how many slots there are, so masking twice changes nothing.
    """
    if head + tail >= len(slots):
        head = tail = len(slots) // 4  # short values: reveal at most half
    hidden = set(slots[head : len(slots) - tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


__all__ = [
    "DIGIT_KINDS",
    "mask_bank_card",
    "mask_email",
    "mask_generic",
    "mask_id_card",
    "mask_in_text",
    "mask_ip_address",
    "mask_phone",
    "mask_string",
    "mask_value",
]
