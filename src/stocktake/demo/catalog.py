"""Clean shoppers and products: who buys, and what is for sale (English and Chinese titles)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from stocktake.demo.lexicon_catalog import LEAVES, Pair
from stocktake.demo.lexicon_people import CITIES, GIVEN_NAMES, MAIL_DOMAINS, MOBILE_PREFIXES, SURNAMES
from stocktake.demo.table import AS_OF_TS, DAY, LOG_DAYS, Table

ITEM_ID_LOW, ITEM_ID_HIGH = 1_000_000, 5_000_000  # catalogue item ids; orphans are planted above this


@dataclass
class Catalog:
    products: Table
    leaf_of: list[int]  # index into LEAVES per product row
    parts: list[tuple[Pair, Pair, Pair]]  # (brand, line, noun) per product row, for search queries


def make_users(n: int, rng: np.random.Generator) -> Table:
    user_ids = np.sort(rng.choice(1_000_000, size=n, replace=False) + 100_000).tolist()
    # Accounts were opened over three years; ids grow with registration time.
    first, last = AS_OF_TS - 3 * 365 * DAY, AS_OF_TS - (LOG_DAYS + 1) * DAY
    registered = np.sort(rng.integers(first, last, size=n)).tolist()
    city_weights = np.array([c[2] for c in CITIES])
    cities = rng.choice(len(CITIES), size=n, p=city_weights / city_weights.sum())
    domains = [d for d, _ in MAIL_DOMAINS]
    domain_p = np.array([w for _, w in MAIL_DOMAINS])
    domain_idx = rng.choice(len(domains), size=n, p=domain_p / domain_p.sum())
    names, emails, phones = [], [], []
    for i in range(n):
        sur_zh, sur_py = SURNAMES[int(rng.integers(len(SURNAMES)))]
        given_zh, given_py = GIVEN_NAMES[int(rng.integers(len(GIVEN_NAMES)))]
        names.append(sur_zh + given_zh)
        domain = domains[domain_idx[i]]
        if domain == "qq.com" and rng.random() < 0.6:
            local = str(int(rng.integers(10_000_000, 3_000_000_000)))  # QQ number mailbox
        elif rng.random() < 0.5:
            local = f"{sur_py}.{given_py}{int(rng.integers(1, 100))}"
        else:
            local = f"{given_py}{sur_py}{int(rng.integers(1980, 2008))}"
        emails.append(f"{local}@{domain}")
        prefix = MOBILE_PREFIXES[int(rng.integers(len(MOBILE_PREFIXES)))]
        phones.append(f"{prefix}{int(rng.integers(0, 100_000_000)):08d}")
    return Table(
        name="users",
        columns={
            "user_id": user_ids,
            "name": names,
            "email": emails,
            "phone": phones,
            "city": [CITIES[c][0] for c in cities],
            "province": [CITIES[c][1] for c in cities],
            "registered_at": registered,
        },
        kinds={
            "user_id": "int",
            "name": "str",
            "email": "str",
            "phone": "str",
            "city": "str",
            "province": "str",
            "registered_at": "ts",
        },
        key=("user_id",),
    )


def shop_price(raw: float) -> float:
    """Round the way shops do: 2999, 259, 38.9."""
    if raw >= 100:
        return float(max(99, round(raw / 10) * 10 - 1))
    return round(max(1.0, round(raw) - 0.1), 2)


def brand_code(brand: str) -> str:
    letters = re.sub(r"[^A-Za-z]", "", brand).upper()
    return (letters + "XXX")[:3]


def make_products(n: int, rng: np.random.Generator) -> Catalog:
    item_ids = (rng.choice(ITEM_ID_HIGH - ITEM_ID_LOW, size=n, replace=False) + ITEM_ID_LOW).tolist()
    weights = np.array([leaf.weight for leaf in LEAVES])
    leaf_idx = rng.choice(len(LEAVES), size=n, p=weights / weights.sum()).tolist()
    cols: dict[str, list] = {
        k: []
        for k in (
            "item_id",
            "sku",
            "title",
            "title_zh",
            "category",
            "category_path",
            "brand",
            "price",
            "currency",
            "stock",
        )
    }
    parts: list[tuple[Pair, Pair, Pair]] = []
    seen: set[str] = set()
    for i, li in enumerate(leaf_idx):
        leaf = LEAVES[li]
        for attempt in range(40):
            brand = leaf.brands[int(rng.integers(len(leaf.brands)))]
            lines = leaf.lines_for(brand[0])
            line = lines[int(rng.integers(len(lines)))]
            noun = leaf.nouns[int(rng.integers(len(leaf.nouns)))]
            attrs = [group[int(rng.integers(len(group)))] for group in leaf.attrs]
            title = " ".join([brand[0], line[0], noun[0], *(a[0] for a in attrs)])
            title_zh = " ".join([brand[1], line[1], noun[1], *(a[1] for a in attrs)])
            if attempt == 39:  # the leaf's combinations are used up: add a style code, as big shops do
                style = int(rng.integers(1000, 10_000))
                title, title_zh = f"{title} Style {style}", f"{title_zh} 款号{style}"
            if title not in seen:
                break
        seen.add(title)
        parts.append((brand, line, noun))
        cols["item_id"].append(item_ids[i])
        cols["sku"].append(f"{brand_code(brand[0])}-{item_ids[i]}")
        cols["title"].append(title)
        cols["title_zh"].append(title_zh)
        cols["category"].append(leaf.name)
        cols["category_path"].append(leaf.path)
        cols["brand"].append(brand[0])
        cols["price"].append(shop_price(float(leaf.median_price * rng.lognormal(0.0, leaf.price_sigma))))
        cols["currency"].append("CNY")
        cols["stock"].append(int(rng.gamma(2.0, 60.0)))
    kinds = {c: "str" for c in cols}
    kinds.update({"item_id": "int", "price": "float", "stock": "int"})
    table = Table(name="products", columns=cols, kinds=kinds, key=("item_id",))  # type: ignore[arg-type]
    return Catalog(products=table, leaf_of=leaf_idx, parts=parts)
