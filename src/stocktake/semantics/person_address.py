"""Recognise person names and postal addresses in single values, by patterns and name lists.

A validator cannot prove a string is a name, so these recognisers are deliberately narrow:
- Chinese names: a common surname (single or compound) and one or two given-name characters,
  with no character that usually ends a place or product word (市, 路, 店, 机, 装, ...);
- Western names: two to four capitalised words, the first (or, in "Smith, John", the one after
  the comma) a common first name, none of them a colour, product or place word;
- addresses: a house number, street words and a street-type word (St, Avenue, Rua, ...) at the
  end or before a comma; Chinese ones need an administrative level (省/市/区/县), a road
  (路/街/道/巷/弄) and a door number (…号).
Column decisions (pii_columns.py) still need a share of sampled values to pass, so a single
product called "Rose Gold" does not make its column personal data.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CN_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_CN_COMPOUND = frozenset(
    (
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "慕容",
        "令狐",
        "夏侯",
        "尉迟",
        "公孙",
        "长孙",
        "宇文",
        "司徒",
        "端木",
    )
)
# Characters that end place names, shops and product words far more often than given names.
_CN_NOT_GIVEN = frozenset("市省区县镇乡村路街道巷号店厂司馆院局行部场站楼室机装鞋衣裤包表器品金色米面酒茶")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")

_FIRST_NAMES = _words(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
    mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan
    jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander
    frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle
    walter ethan jeremy harold keith christian roger noah gerald carl terry sean austin arthur lawrence jesse
    dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene
    vincent russell elijah louis bobby philip johnny mary patricia jennifer linda elizabeth barbara susan
    jessica sarah karen nancy lisa betty margaret sandra ashley kimberly emily donna michelle dorothy carol
    amanda melissa deborah stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna
    brenda pamela nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria
    heather diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith megan
    cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice jean alice madison
    doris abigail julia judy grace denise amber marilyn beverly danielle theresa sophia marie diana brittany
    natalie isabella charlotte rose alexis kayla lucas pedro carlos luiz luis paulo marcos rafael gustavo
    felipe bruno rodrigo thiago tiago mateus leonardo eduardo fernando ricardo marcelo antonio joao jorge
    miguel diego manuel francisco sergio alejandro javier ana beatriz camila fernanda gabriela juliana
    leticia mariana patricia larissa vanessa aline bianca carla claudia luciana renata sofia lucia carmen
    elena laura isabel paula hans klaus jurgen stefan wolfgang andreas thomas michael anja sabine petra
    ursula monika pierre jean louis francois nicolas philippe claire sophie camille chloe marco giuseppe
    giovanni luca francesco alessandro giulia chiara francesca ahmed mohamed ali omar fatima aisha hiroshi
    takashi yuki haruto sakura yui kenji akira raj rahul amit priya anjali wei ming hui yan jun hao
    """
)
# Capitalised words that look like names but open or end product titles, colours and places.
_NOT_NAME_WORDS = _words(
    """
    gold silver pink red black white blue green grey gray rose cream street avenue road park hall city
    store shop inc ltd llc co corp company group hospital center centre school university bank hotel
    case cover edition pro max mini plus kit set pack apple samsung canon sony river lake beach
    """
)
_PARTICLES = frozenset(("da", "de", "do", "dos", "das", "di", "van", "von", "der", "le", "la", "del", "bin"))
_CAPITALISED = re.compile(r"(?:[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?|[A-Z]\.?|[A-Z]{2,})")


def is_chinese_name(value: str) -> bool:
    """张伟, 欧阳娜娜: a common surname, one or two given-name characters (three with a compound surname)."""
    text = value.strip()
    if not _CJK_NAME.fullmatch(text) or text[-1] in _CN_NOT_GIVEN:
        return False
    if text[:2] in _CN_COMPOUND:
        return 3 <= len(text) <= 4
    return text[0] in _CN_SURNAMES and len(text) <= 3


def is_western_name(value: str) -> bool:
    """'Maria Silva', 'John A. Smith', 'SMITH, JOHN', 'Ana dos Santos': capitalised words
    opened by a common first name."""
    text = value.strip()
    if "," in text:
        last, _, first = text.partition(",")
        text = f"{first.strip()} {last.strip()}"
    words = text.split()
    if not 2 <= len(words) <= 4 or words[0].lower() not in _FIRST_NAMES:
        return False
    for word in words:
        lower = word.lower()
        if lower in _NOT_NAME_WORDS:
            return False
        if lower not in _PARTICLES and not _CAPITALISED.fullmatch(word):
            return False
    return True


def is_person_name(value: str) -> bool:
    return is_chinese_name(value) or is_western_name(value)


_STREET_TYPES = (
    r"st|street|ave|avenue|av|rd|road|blvd|boulevard|ln|lane|dr|drive|way|ct|court|pl|place|sq|square"
    r"|ter|terrace|pkwy|parkway|hwy|highway|cir|circle|trl|trail|aly|alley"
)
# House number, one to five words, a street type ending the street part (end, comma, unit or postcode).
_WESTERN_ADDRESS = re.compile(
    rf"\d{{1,6}}[A-Za-z]?\s+(?:[A-Za-z][A-Za-z.'-]*\s+){{1,5}}(?:{_STREET_TYPES})\.?"
    r"(?=$|\s*,|\s+(?:apt|suite|ste|unit|fl|floor|#)\b|\s+\d{4,5}\b)",
    re.IGNORECASE,
)
# Portuguese/Spanish: street type first, then the name, then the number after a comma.
_LATIN_ADDRESS = re.compile(
    r"(?:rua|r\.|avenida|av\.|travessa|alameda|praça|calle|carrera|estrada|rodovia)\s+[^,\d]{2,60},?\s*(?:n[º°o.]?\s*)?\d{1,6}\b",
    re.IGNORECASE,
)
_CN_ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{1,12}(?:省|市|区|县|自治区|自治州)[\u4e00-\u9fff\d]{0,20}?"
    r"(?:路|街|道|巷|弄|胡同|大道)[\u4e00-\u9fff]{0,6}?[\d一二三四五六七八九十百零〇-]{1,6}号"
)


def is_address(value: str) -> bool:
    """A street address with a number: '1108 Ross Clark Circle', 'Rua das Flores, 123',
    '广东省深圳市南山区科技园路18号'. A city, a street without a number or a product title is not."""
    text = value.strip()
    if not 8 <= len(text) <= 200:
        return False
    if _CN_ADDRESS.search(text):
        return True
    return bool(_WESTERN_ADDRESS.match(text) or _LATIN_ADDRESS.match(text))


def mask_name(text: str) -> str:
    """张伟 -> 张*, John Smith -> J*** S***."""
    text = text.strip()
    if _CJK_NAME.fullmatch(text):
        return text[0] + "*" * (len(text) - 1)
    return " ".join(w[:1] + "***" for w in text.split())


def mask_address(text: str) -> str:
    """Keep the coarse place (province/city, or what follows the last comma), hide the street."""
    text = text.strip()
    city = re.match(r"[\u4e00-\u9fff]{1,12}?(?:省|市)", text)
    if city:
        return city.group(0) + "***"
    tail = text.rsplit(",", 1)[1].strip() if "," in text else ""
    return f"*** {tail}".strip() if tail and not tail.isdigit() else "***"


__all__ = [
    "is_address",
    "is_chinese_name",
    "is_person_name",
    "is_western_name",
    "mask_address",
    "mask_name",
]
