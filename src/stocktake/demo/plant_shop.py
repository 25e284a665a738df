"""Plant problems in the shop database (users, products, orders, order_items) and the supplier feed.

Each function spoils a few rows in place (or inserts a few) and returns the Problems it planted,
with every affected key read back in the form the written file will show.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from stocktake.core.vocab import FindingType as T
from stocktake.demo.catalog import ITEM_ID_HIGH, ITEM_ID_LOW, brand_code, shop_price
from stocktake.demo.lexicon_catalog import LEAVES, Leaf
from stocktake.demo.orders import OrderBook
from stocktake.demo.table import Picker, Table, planted_count
from stocktake.demo.truth import Counterpart, Problem

NULL_LIKE = (None, None, None, "N/A", "", "null", "-")


def _keys(table: Table, rows: list[int]) -> list:
    return [table.key_of(i) for i in rows]


def break_email(email: str, variant: int) -> str:
    local, _, domain = email.partition("@")
    return (
        f"{local}@@{domain}",  # doubled at sign
        f"{local}＠{domain}",  # full-width at sign from a Chinese input method
        f"{local}{domain}",  # at sign lost
        f"{local}@{domain.rsplit('.', 1)[0]}",  # no top-level domain
        f"{local[:3]} {local[3:]}@{domain}",  # space inside
    )[variant % 5]


def break_phone(phone: str, variant: int) -> str:
    return (
        phone[:-1],  # a digit short
        phone + phone[-1],  # a digit too many
        f"{phone[:3]}-{phone[3:7]}-{phone[7:10]}",  # hyphenated and truncated
        phone[:6] + "O" + phone[7:],  # letter O typed for zero
    )[variant % 4]


def plant_users(users: Table, picker: Picker) -> list[Problem]:
    rng, n, c = picker.rng, len(users), users.columns
    missing = picker.pick(users, planted_count(n, 0.03))
    for i in missing:
        c["city"][i] = NULL_LIKE[int(rng.integers(len(NULL_LIKE)))]
    emails = picker.pick(users, planted_count(n, 0.01))
    for j, i in enumerate(emails):
        c["email"][i] = break_email(c["email"][i], j)
    phones = picker.pick(users, planted_count(n, 0.01))
    for j, i in enumerate(phones):
        c["phone"][i] = break_phone(c["phone"][i], j)
    key = ["user_id"]
    return [
        Problem("users", ["city"], T.MISSING_VALUES, key, _keys(users, missing), len(missing),
                "city is NULL or a null-like token ('N/A', '', 'null', '-') for accounts migrated from an old CRM"),
        Problem("users", ["email"], T.INVALID_FORMAT, key, _keys(users, emails), len(emails),
                "malformed email: doubled or full-width '@', no '@', no top-level domain, space inside"),
        Problem("users", ["phone"], T.INVALID_FORMAT, key, _keys(users, phones), len(phones),
                "mobile number with 10 or 12 digits, hyphenated and truncated, or a letter O for a zero"),
    ]  # fmt: skip


def vary_title(title: str, title_zh: str, rng: np.random.Generator) -> tuple[str, str]:
    """A second listing of the same product: the title re-typed with small differences."""
    brand, _, rest = title.partition(" ")
    en_forms = (
        title.lower(),
        title.replace("GB", "G") if "GB" in title else f"{title} (2026 New)",
        f"{rest} - {brand}",
        f"{title} (2026 New)",
        title.replace(" ", "  ", 2),
    )
    zh_forms = (
        title_zh.replace(" ", ""),
        f"【官方正品】{title_zh}",
        f"{title_zh} 新品",
        title_zh.replace("+", "＋"),
    )
    return en_forms[int(rng.integers(len(en_forms)))], zh_forms[int(rng.integers(len(zh_forms)))]


def _misfiled_leaf(category: str, rng: np.random.Generator) -> Leaf:
    """Another department's leaf at a similar price level, so a misfiled item is not also a price outlier."""
    home = next(leaf for leaf in LEAVES if leaf.name == category)
    similar = [
        leaf
        for leaf in LEAVES
        if leaf.top != home.top and abs(math.log(leaf.median_price / home.median_price)) < math.log(2.5)
    ]
    return similar[int(rng.integers(len(similar)))]


def plant_products(products: Table, picker: Picker) -> tuple[list[Problem], set[int]]:
    """Returns the problems and every item_id they touch (kept out of the supplier feed)."""
    rng, n, c = picker.rng, len(products), products.columns
    outliers = picker.pick(products, planted_count(n, 0.004))
    for i in outliers:
        c["price"][i] = round(c["price"][i] * 1000, 2)  # entered in fen (or with three extra zeros)

    mismatched = picker.pick(products, planted_count(n, 0.008))
    for i in mismatched:
        wrong = _misfiled_leaf(c["category"][i], rng)
        c["category"][i], c["category_path"][i] = wrong.name, wrong.path

    originals = picker.pick(products, planted_count(n, 0.006))
    taken = set(c["item_id"])
    copies, pair_keys = [], []
    for i in originals:
        new_id = int(rng.integers(ITEM_ID_LOW, ITEM_ID_HIGH))
        while new_id in taken:
            new_id = int(rng.integers(ITEM_ID_LOW, ITEM_ID_HIGH))
        taken.add(new_id)
        copy = products.row(i)
        copy["item_id"], copy["sku"] = new_id, f"{brand_code(copy['brand'])}-{new_id}"
        copy["title"], copy["title_zh"] = vary_title(copy["title"], copy["title_zh"], rng)
        if rng.random() < 0.5:
            copy["price"] = shop_price(copy["price"] * 0.97)
        copy["stock"] = int(rng.gamma(2.0, 60.0))
        copies.append(copy)
        pair_keys += [c["item_id"][i], new_id]
    spoiled = {c["item_id"][i] for i in outliers + mismatched} | set(pair_keys)
    problems = [
        Problem("products", ["price"], T.OUTLIER_VALUE, ["item_id"], _keys(products, outliers), len(outliers),
                "price 1000x the category's usual level (entered in the wrong unit)"),
        Problem("products", ["category", "category_path", "title"], T.CATEGORY_MISMATCH, ["item_id"],
                _keys(products, mismatched), len(mismatched),
                "category from another department than the title says (e.g. a phone filed under Cycling), "
                "at a similar price level"),
        Problem("products", ["title", "title_zh", "brand"], T.NEAR_DUPLICATE_ENTITY, ["item_id"], pair_keys,
                len(pair_keys), "the same product listed twice under two item_ids with slightly re-typed titles; "
                "keys hold both ids of each pair"),
    ]  # fmt: skip
    products.insert(copies, rng)  # last: inserting shifts row numbers
    return problems, spoiled


def plant_orders(book: OrderBook, picker: Picker) -> list[Problem]:
    rng, orders, c = picker.rng, book.orders, book.orders.columns
    n = len(orders)
    paid_early = picker.pick(orders, planted_count(n, 0.005), lambda i: c["paid_at"][i] is not None)
    for i in paid_early:
        c["paid_at"][i] = c["ordered_at"][i] - int(rng.integers(60, 6 * 3600))
    delivered_early = picker.pick(orders, planted_count(n, 0.005), lambda i: c["delivered_at"][i] is not None)
    for i in delivered_early:
        room = min(20 * 3600, c["shipped_at"][i] - c["paid_at"][i] - 600)
        c["delivered_at"][i] = c["shipped_at"][i] - int(rng.integers(3600, room))
    repeated = picker.pick(orders, planted_count(n, 0.004), lambda i: c["status"][i] == "delivered")
    stale = []
    for i in repeated:  # an older snapshot of the same order, re-sent by the order service
        copy = orders.row(i)
        copy["delivered_at"], copy["status"] = None, "shipped"
        if rng.random() < 0.5:
            copy["shipped_at"], copy["status"] = None, "paid"
        stale.append(copy)
    problems = [
        Problem("orders", ["paid_at", "ordered_at"], T.TEMPORAL_ORDER, ["order_id"], _keys(orders, paid_early),
                len(paid_early), "paid before ordered"),
        Problem("orders", ["delivered_at", "shipped_at"], T.TEMPORAL_ORDER, ["order_id"],
                _keys(orders, delivered_early), len(delivered_early), "delivered before shipped"),
        Problem("orders", ["order_id"], T.DUPLICATE_KEY, ["order_id"], _keys(orders, repeated), len(repeated),
                "order_id repeated: a stale snapshot (status paid/shipped) next to the delivered order; "
                "count is the surplus rows"),
    ]  # fmt: skip
    orders.insert(stale, rng)
    return problems


def plant_order_items(items: Table, picker: Picker) -> list[Problem]:
    rng, n, c = picker.rng, len(items), items.columns
    orphans = picker.pick(items, planted_count(n, 0.008))
    ghost_ids = rng.choice(1_000_000, size=len(orphans), replace=False) + ITEM_ID_HIGH
    for i, ghost in zip(orphans, ghost_ids.tolist(), strict=True):
        c["item_id"][i] = ghost  # items deleted from the catalogue after the sale
    negative = picker.pick(items, planted_count(n, 0.004))
    for i in negative:
        c["quantity"][i] = int(rng.choice([-1, -1, -2, -3]))
    key = ["order_id", "line_no"]
    return [
        Problem("order_items", ["item_id"], T.ORPHAN_REFERENCE, key, _keys(items, orphans), len(orphans),
                "item_id not found in products.item_id", counterpart=Counterpart("products", ("item_id",))),
        Problem("order_items", ["quantity"], T.OUT_OF_RANGE, key, _keys(items, negative), len(negative),
                "negative quantity (returns booked as order lines)"),
    ]  # fmt: skip


def plant_supplier_feed(feed: Table, picker: Picker) -> list[Problem]:
    rng, n, c = picker.rng, len(feed), feed.columns
    brands_by_category: dict[str, set[str]] = defaultdict(set)
    for leaf in LEAVES:
        brands_by_category[leaf.name].update(b[0] for b in leaf.brands)
    conflicts = picker.pick(feed, planted_count(n, 0.02))
    for j, i in enumerate(conflicts):
        if j % 2 == 0:
            factor = float(rng.choice([0.3, 0.4, 2.5, 3.0]))
            c["list_price"][i] = shop_price(c["list_price"][i] * factor)
        else:
            others = sorted(brands_by_category[c["category"][i]] - {c["brand"][i]})
            c["brand"][i] = others[int(rng.integers(len(others)))]
    return [
        Problem("supplier_feed", ["brand", "list_price"], T.CROSS_SOURCE_CONFLICT, ["item_id"],
                _keys(feed, conflicts), len(conflicts),
                "supplier feed disagrees with products for the same item_id: list_price 0.3-3x the shop price "
                "(even picks) or another brand (odd picks)",
                counterpart=Counterpart("products", ("brand", "price"))),
    ]  # fmt: skip
