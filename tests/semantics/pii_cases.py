"""A labelled, deterministic test set for the PII recognisers.

Positives are built from the real rules (number plans, MOD 11-2 and Luhn check digits
computed here), negatives are the look-alikes that must never be flagged: short codes,
18-digit order ids that fail the checksum, prices, timestamps, zip codes and 11-digit
numbers outside the mobile plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

CN_MOBILE_PREFIXES = ("130", "135", "138", "139", "150", "158", "166", "177", "186", "189", "199")
US_AREAS = ("212", "415", "646", "312", "617", "213", "305", "206")
ID_REGIONS = ("110101", "310104", "440305", "330106", "510107", "420102")
CARD_PREFIXES = ("4", "51", "53", "55", "2221", "2500", "62", "6011", "65")
MAIL_DOMAINS = ("qq.com", "163.com", "gmail.com", "outlook.com", "example.cn", "shop.co.uk")
NAMES = ("li", "wang", "zhang", "liu", "chen", "john", "mary", "anna", "wei", "fang")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def id_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


# -- positives -----------------------------------------------------------------------------
def cn_mobile(rng: random.Random, styled: bool = True) -> str:
    d = rng.choice(CN_MOBILE_PREFIXES) + _digits(rng, 8)
    if not styled:
        return d
    return rng.choice(
        (d, d, f"+86 {d}", f"0086{d}", f"{d[:3]} {d[3:7]} {d[7:]}", f"{d[:3]}-{d[3:7]}-{d[7:]}")
    )


def intl_phone(rng: random.Random) -> str:
    area, exch = rng.choice(US_AREAS), str(rng.randint(2, 9)) + _digits(rng, 2)
    return rng.choice(
        (
            f"+1 {area} {exch} {_digits(rng, 4)}",
            f"({area}) {exch}-{_digits(rng, 4)}",
            f"+44 7{rng.randint(700, 999)} {_digits(rng, 6)}",
            f"+49 151 {_digits(rng, 8)}",
            f"+81 90 {rng.randint(1000, 9999)} {_digits(rng, 4)}",
            f"+44 20 7{_digits(rng, 3)} {_digits(rng, 4)}",
        )
    )


def cn_id(rng: random.Random) -> str:
    born = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = rng.choice(ID_REGIONS) + born + _digits(rng, 3)
    return first17 + id_check(first17)


def bank_card(rng: random.Random, spaced: bool = False) -> str:
    prefix = rng.choice(CARD_PREFIXES)
    length = 19 if prefix == "62" and rng.random() < 0.3 else 16
    body = prefix + _digits(rng, length - 1 - len(prefix))
    card = body + luhn_digit(body)
    return " ".join(card[i : i + 4] for i in range(0, len(card), 4)) if spaced else card


def email(rng: random.Random) -> str:
    local = rng.choice((f"{rng.choice(NAMES)}.{rng.choice(NAMES)}{rng.randint(1, 99)}", _digits(rng, 9)))
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def cn_id_15(rng: random.Random) -> str:
    """First-generation card: region, YYMMDD of 19YY, 3-digit sequence, no check digit."""
    return f"{rng.choice(ID_REGIONS)}{rng.randint(30, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{_digits(rng, 3)}"


CN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CN_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
WESTERN_FIRST = ("John", "Mary", "Maria", "James", "Ana", "Carlos", "Linda", "Pedro", "Sarah", "David")
WESTERN_LAST = ("Smith", "Silva", "Santos", "Johnson", "Garcia", "Brown", "Oliveira", "Miller", "Lee")
STREETS = ("Oak", "Maple", "Ross Clark", "Main", "Lake View", "Washington", "Elm")
STREET_TYPES = ("St", "Street", "Ave", "Road", "Blvd", "Circle", "Drive", "Lane")
CN_PLACES = (
    "广东省深圳市南山区",
    "北京市朝阳区",
    "浙江省杭州市西湖区",
    "上海市浦东新区",
    "四川省成都市武侯区",
)
CN_ROADS = ("科技园路", "建国路", "文三路", "世纪大道", "人民南路", "解放街")


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        given = "".join(rng.choice(CN_GIVEN) for _ in range(rng.randint(1, 2)))
        return rng.choice(CN_SURNAMES) + given
    first, last = rng.choice(WESTERN_FIRST), rng.choice(WESTERN_LAST)
    return rng.choice(
        (f"{first} {last}", f"{first} {rng.choice('ABCDEJ')}. {last}", f"{last.upper()}, {first.upper()}")
    )


def address(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(CN_PLACES)}{rng.choice(CN_ROADS)}{rng.randint(1, 999)}号"
    street = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    return rng.choice(
        (street, street.lower(), f"{street}, Springfield", f"{street} Apt {rng.randint(1, 40)}")
    )


def ip_address(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return ".".join(str(rng.randint(1, 254)) for _ in range(4))
    return "2001:db8:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(6))


# -- negatives -----------------------------------------------------------------------------
def short_code(rng: random.Random) -> str:
    return rng.choice(
        (f"A{rng.randint(1, 99)}", f"SKU-{rng.randint(1, 9999):04d}", f"X{rng.randint(1, 9)}", "ZH")
    )


def order_id(rng: random.Random) -> str:
    """18 digits shaped like an ID (region + date) but with a wrong check character."""
    first17 = (
        rng.choice(ID_REGIONS) + f"2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + _digits(rng, 3)
    )
    wrong = [c for c in "0123456789" if c != id_check(first17)]
    return first17 + rng.choice(wrong)


def date_order_id(rng: random.Random) -> str:
    return f"2024{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + _digits(rng, 10)


def price(rng: random.Random) -> str:
    return f"{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}"


def timestamp(rng: random.Random) -> str:
    return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"


def zip_code(rng: random.Random) -> str:
    return rng.choice(
        (
            f"{rng.randint(100000, 850000)}",
            f"{rng.randint(10000, 99999)}",
            f"94{_digits(rng, 3)}-{_digits(rng, 4)}",
        )
    )


PRODUCT_TITLES = (
    "Apple iPhone 8 Plus 64GB", "Canon PowerShot SX730 HS", "Rose Gold Phone Case", "2 Pack Drive Belt",
    "Samsung UE49NU7100", "小米手机 红米Note", "黄金项链", "女装连衣裙", "Wall Art", "Accent Chairs",
)  # fmt: skip
PLACES = ("Sao Paulo", "New York", "Springfield", "北京市", "深圳市南山区", "Main Street", "Rio de Janeiro")
CATEGORY_WORDS = ("手机", "女装", "家电", "黄金", "鞋靴", "Electronics", "Home & Garden", "Toys")


def product_title(rng: random.Random) -> str:
    return rng.choice(PRODUCT_TITLES) + rng.choice(("", "", " Black", f" {rng.randint(2, 9)}件"))


def non_mobile_11(rng: random.Random) -> str:
    """11 digits whose first three are outside the mainland mobile plan."""
    return rng.choice(("100", "110", "120", "121", "141", "154", "194")) + _digits(rng, 8)


# -- column set ----------------------------------------------------------------------------
@dataclass
class ColumnCase:
    name: str
    values: list[object]
    kind: str | None  # the expected pii_kind


def column_cases(seed: int = 5, rows: int = 200) -> list[ColumnCase]:
    rng = random.Random(seed)

    def col(name: str, kind: str | None, make, noise: float = 0.0) -> ColumnCase:
        values: list[object] = []
        for _ in range(rows):
            if rng.random() < noise:
                values.append(rng.choice((None, "", "n/a", "unknown", "13800")))
            else:
                values.append(make(rng))
        return ColumnCase(name, values, kind)

    cases = [
        col("phone", "phone", cn_mobile),
        col("mobile", "phone", cn_mobile, noise=0.3),
        col("contact", "phone", lambda r: cn_mobile(r, styled=False)),
        col("tel", "phone", intl_phone, noise=0.1),
        col("customer_phone", "phone", lambda r: int(cn_mobile(r, styled=False))),
        col("手机号", "phone", cn_mobile, noise=0.35),
        col("intl_contact", "phone", intl_phone),
        col("email", "email", email),
        col("mail", "email", email, noise=0.35),
        col("buyer", "email", email, noise=0.2),
        col("邮箱", "email", email),
        col("id_card", "cn_resident_id", cn_id),
        col("身份证号", "cn_resident_id", cn_id, noise=0.3),
        col("holder", "cn_resident_id", cn_id, noise=0.1),
        col("card_no", "bank_card", bank_card),
        col("pan", "bank_card", lambda r: bank_card(r, spaced=True)),
        col("payment_ref", "bank_card", bank_card, noise=0.2),
        col("old_id", "cn_resident_id", cn_id_15),
        col("证件号码", "cn_resident_id", cn_id_15, noise=0.2),
        col("customer_name", "person_name", person_name),
        col("收货人", "person_name", person_name, noise=0.2),
        col("contact", "person_name", person_name, noise=0.1),
        col("shipping_address", "address", address),
        col("地址", "address", address, noise=0.2),
        col("line1", "address", address),
        col("ip", "ip_address", ip_address),
        col("client_ip", "ip_address", ip_address, noise=0.3),
        col("remote", "ip_address", ip_address),
        # negatives
        col("code", None, short_code),
        col("order_id", None, order_id),
        col("order_no", None, date_order_id),
        col("price", None, price),
        col("amount", None, lambda r: r.randint(1, 99999) / 100),
        col("created_at", None, timestamp),
        col("event_time", None, lambda r: r.randint(1_600_000_000, 1_800_000_000)),
        col("event_ms", None, lambda r: r.randint(1_600_000_000_000, 1_800_000_000_000)),
        col("zip", None, zip_code),
        col("postcode", None, zip_code),
        col("account_number", None, non_mobile_11),
        col("phone_ext", None, non_mobile_11),  # a phone-ish name never decides alone
        col("tracking_no", None, lambda r: "4" + _digits(r, 15)),
        col("card_type", None, lambda r: r.choice(("visa", "master", "unionpay"))),
        col("product_name", None, product_title),
        col("city", None, lambda r: r.choice(PLACES)),
        col("category", None, lambda r: r.choice(CATEGORY_WORDS)),
        col("name", None, product_title),  # a name-ish column name never decides alone
        col("tracking_15", None, lambda r: "9" + _digits(r, 14)),
    ]
    start = 13_800_000_000
    cases.append(
        ColumnCase("user_id", list(range(start, start + rows)), None)
    )  # sequential ids in the mobile plan
    return cases


# -- free text -----------------------------------------------------------------------------
_ZH = (
    "质量很好，物流也快",
    "包装破损了，客服态度不错",
    "和描述一致，好评",
    "用了一周再来评价",
    "颜色有点色差",
)
_EN = (
    "Great quality, fast delivery.",
    "Box was damaged but support helped.",
    "As described.",
    "Would buy again!",
)


def _distractor(rng: random.Random) -> str:
    return rng.choice(
        (
            f"订单号{date_order_id(rng)}",
            f"order {order_id(rng)} arrived",
            f"价格{price(rng)}元",
            f"{timestamp(rng)} 收到",
            f"邮编{zip_code(rng)}",
            f"编号{non_mobile_11(rng)}",
            f"买了{rng.randint(2, 9)}件",
            "iPhone 15 Pro 256GB",
            f"tracking 4{_digits(rng, 15)[:10]}",
            f"model {short_code(rng)}",
            f"固件 v{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 30)} 更新后好用",
            f"section 1.{rng.randint(1, 9)}.{rng.randint(1, 9)}.{rng.randint(1, 9)}.{rng.randint(1, 9)}",
            f"delivered at {rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}",
        )
    )


@dataclass
class TextCase:
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)


def text_cases(seed: int = 11, n: int = 1500) -> list[TextCase]:
    rng = random.Random(seed)
    makers = (
        ("phone", cn_mobile),
        ("phone", intl_phone),
        ("email", email),
        ("cn_resident_id", cn_id),
        ("bank_card", bank_card),
        ("bank_card", lambda r: bank_card(r, spaced=True)),
        ("cn_resident_id", cn_id_15),
        ("ip_address", ip_address),
    )
    cases = []
    for _ in range(n):
        base = rng.choice(_ZH + _EN)
        if rng.random() < 0.5:
            base = f"{base} {_distractor(rng)}"
        if rng.random() >= 0.35:
            cases.append(TextCase(base))
            continue
        kind, make = rng.choice(makers)
        value = make(rng)
        before, after = rng.choice(
            (
                (f"{base}有问题可以直接打我电话", ""),
                (f"{base}，联系方式：", "。"),
                (f"{base} Contact me at ", " please."),
                ("请发到", f"，谢谢。{base}"),
                (f"{base} (", ")"),
            )
        )
        cases.append(TextCase(before + value + after, [(kind, len(before), len(before) + len(value))]))
    return cases
