"""A supplier's product feed: a second description of ~60% of the catalogue, with list prices."""

from __future__ import annotations

import numpy as np

from stocktake.demo.catalog import shop_price
from stocktake.demo.table import AS_OF_TS, DAY, Table

FEED_SHARE = 0.6


def make_supplier_feed(products: Table, exclude: set[int], rng: np.random.Generator) -> Table:
    """Rows for a random 60% of products whose item_id is not in `exclude` (rows spoiled elsewhere)."""
    p = products.columns
    eligible = [i for i in range(len(products)) if p["item_id"][i] not in exclude]
    k = min(len(eligible), round(FEED_SHARE * len(products)))
    chosen = rng.choice(len(eligible), size=k, replace=False).tolist()  # feed order is the supplier's own
    skus = rng.choice(9_000_000, size=k, replace=False) + 1_000_000
    cols: dict[str, list] = {c: [] for c in ("supplier_sku", "item_id", "product_name", "brand", "category", "list_price", "updated_at")}  # fmt: skip
    for j, c in enumerate(chosen):
        i = eligible[c]
        price = p["price"][i]
        # A list price sits at or a little above the shop's selling price.
        list_price = max(price, shop_price(price * float(rng.uniform(1.0, 1.12))))
        cols["supplier_sku"].append(f"SUP{int(skus[j]):07d}")
        cols["item_id"].append(p["item_id"][i])
        cols["product_name"].append(p["title"][i])
        cols["brand"].append(p["brand"][i])
        cols["category"].append(p["category"][i])
        cols["list_price"].append(list_price)
        cols["updated_at"].append(AS_OF_TS - int(rng.integers(DAY, 14 * DAY)))
    return Table(
        "supplier_feed",
        cols,
        {
            "supplier_sku": "str",
            "item_id": "int",
            "product_name": "str",
            "brand": "str",
            "category": "str",
            "list_price": "float",
            "updated_at": "ts",
        },
        key=("item_id",),
    )
