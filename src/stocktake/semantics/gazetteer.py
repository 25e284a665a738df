"""Is this value a country, or a state or province? Names from ISO 3166, in English and Chinese.

The packaged encoder reads no Chinese, and a model trained on a few dozen place names cannot
know the rest: 约旦 (Jordan) or 温州 look alike to it. ISO 3166 lists every country and every
country's first-level subdivisions; pycountry ships the list with its translations (Debian's
iso-codes), so a column of country or province names can be recognised by lookup, in either
language, without a network. Only first-level subdivisions that are states or provinces count:
municipalities, districts and parishes are, as often as not, city names.
"""

from __future__ import annotations

import gettext
import re
from functools import cache

from stocktake.cleaning.normalise import comparison_key

# Subdivision kinds that are towns or smaller, whatever level ISO gives them.
_TOWN_LIKE = re.compile(
    r"municipality|city|town|district|parish|local council|commune|borough|ward|quarter|rayon|island council",
    re.IGNORECASE,
)
# Codes written alone (`CA`, `SP`) in the data of countries whose shops export them so.
_STATE_CODES_OF = ("US", "BR", "CA", "AU", "IN", "MX")
# Chinese provincial-level names are written with or without their kind (浙江省, 浙江).
_ZH_KINDS = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|省|市)$")
_PINYIN_KINDS = re.compile(r"\s+(Sheng|Shi|Zizhiqu|Zhuangzu Zizhiqu|Huizu Zizhiqu|Uygur Zizhiqu|SAR)$")


def normalise(value: str) -> str:
    """The lookup key: NFKC, whitespace and case folded (full-width 浙江 and `  bayern ` match)."""
    return comparison_key(value, accents=False)


def _chinese(domain: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)


@cache
def country_names() -> frozenset[str]:
    """Names (short, common, official; English and Chinese) and 3-letter codes of countries.
    2-letter codes are left out: `CA`, `AL` and `IN` are US states too."""
    import pycountry

    zh = _chinese("iso3166-1")
    names: set[str] = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name:
                names |= {name, zh.gettext(name), name.split(",")[0]}
        names.add(country.alpha_3)
    return frozenset(normalise(n) for n in names)


@cache
def region_names() -> frozenset[str]:
    """First-level states and provinces (names in English and Chinese, short Chinese forms) and
    the bare codes of a few countries' states."""
    import pycountry

    zh = _chinese("iso3166-2")
    names: set[str] = set()
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or (_TOWN_LIKE.search(sub.type) and sub.country_code != "CN"):
            continue
        name = re.sub(r"\s*\[.*\]", "", sub.name)
        chinese = zh.gettext(sub.name)
        names |= {name, name.split(",")[0], _PINYIN_KINDS.sub("", name), chinese, _ZH_KINDS.sub("", chinese)}
        if sub.country_code in _STATE_CODES_OF:
            names.add(sub.code.split("-", 1)[1])
    return frozenset(normalise(n) for n in names if n)


# The longest names are about 60 characters; longer values (reviews, a 50 MB cell) are not
# normalised only to be missed.
_LONGEST = 80


def is_country(value: str) -> bool:
    return len(value) <= _LONGEST and normalise(value) in country_names()


def is_region(value: str) -> bool:
    return len(value) <= _LONGEST and normalise(value) in region_names()
