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
