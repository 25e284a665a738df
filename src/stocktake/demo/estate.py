"""generate_estate: build the clean tables, plant every kind of problem, write files and truth.json."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stocktake.demo.catalog import make_products, make_users
from stocktake.demo.layout import (
    FEEDS_DIR,
    LAKE_DIR,
    SHOP_FILE,
    EstateLayout,
    write_csv,
    write_parquet,
    write_sqlite,
)
from stocktake.demo.lexicon_catalog import LEAVES
from stocktake.demo.orders import make_orders
from stocktake.demo.plant_events import LogInputs, build_behaviour_log, plant_reviews, plant_search_queries
from stocktake.demo.plant_shop import (
    plant_order_items,
    plant_orders,
    plant_products,
    plant_supplier_feed,
    plant_users,
)
from stocktake.demo.reviews import make_reviews
from stocktake.demo.search import make_search_queries
from stocktake.demo.supplier import make_supplier_feed
from stocktake.demo.table import AS_OF, Picker, stream
from stocktake.demo.truth import Truth

MIN_ROWS = 5_000  # below this the planted problems would be a handful of rows or none


def _popularity(n: int, rng: np.random.Generator) -> np.ndarray:
    """Zipf-Mandelbrot item popularity over a random ranking: a few hits, a long tail, no monopoly."""
    ranks = rng.permutation(n) + 1
    return 1.0 / (ranks.astype(float) + 10.0) ** 1.05


def _activity(n: int, rng: np.random.Generator) -> np.ndarray:
    """Log-normal shopper activity, capped so no human outdoes a crawler."""
    weight = rng.lognormal(0.0, 1.0, size=n)
    return np.minimum(weight, 5 * weight.mean())


def generate_estate(out_dir: Path, rows: int = 100_000, seed: int = 7) -> EstateLayout:
    """Write a synthetic e-commerce estate under `out_dir`; `rows` sizes the behaviour log.

    The same (rows, seed) gives byte-identical data files and truth.json.
    """
    if rows < MIN_ROWS:
        raise ValueError(f"rows must be at least {MIN_ROWS}, got {rows}")
    out_dir = Path(out_dir)
    layout = EstateLayout.under(out_dir)

    users = make_users(max(100, rows // 50), stream(seed, "users"))
    catalog = make_products(max(120, rows // 40), stream(seed, "products"))
    products = catalog.products
    # Shared by the log, orders and search, so the same items are hot everywhere.
    item_ids = np.array(products.columns["item_id"])
    item_weight = _popularity(len(products), stream(seed, "popularity"))
    user_ids = np.array(users.columns["user_id"])
    user_weight = _activity(len(users), stream(seed, "activity"))
    item_category = np.array([LEAVES[leaf].category_id for leaf in catalog.leaf_of])

    log, log_problems = build_behaviour_log(
        rows,
        LogInputs(user_ids, user_weight, item_ids, item_category, item_weight),
        seed,
        stream(seed, "log"),
    )
    book = make_orders(
        rows // 20, users.columns["user_id"], user_weight, products.columns["item_id"],
        products.columns["price"], item_weight, stream(seed, "orders"),
    )  # fmt: skip
    queries = make_search_queries(
        rows // 5, user_ids, user_weight, catalog, item_weight, stream(seed, "search")
    )
    reviews = make_reviews(book, stream(seed, "reviews"))

    picker = Picker(stream(seed, "plant"))
    problems = list(log_problems)
    problems += plant_users(users, picker)
    product_problems, spoiled_items = plant_products(products, picker)
    problems += product_problems
    feed = make_supplier_feed(products, spoiled_items, stream(seed, "supplier"))
    problems += plant_supplier_feed(feed, picker)
    problems += plant_orders(book, picker)
    problems += plant_order_items(book.order_items, picker)
    problems += plant_search_queries(queries, picker)
    problems += plant_reviews(reviews, picker)

    for table in (log, queries, reviews):
        write_parquet(table, layout.lake / f"{table.name}.parquet")
    write_sqlite([users, products, book.orders, book.order_items, book.payments], layout.shop)
    write_csv(feed, layout.feeds / f"{feed.name}.csv")
    truth = Truth(
        as_of=AS_OF.strftime("%Y-%m-%d"),
        seed=seed,
        rows=rows,
        sources=[LAKE_DIR, SHOP_FILE, FEEDS_DIR],
        problems=problems,
    )
    truth.save(layout.truth_path)
    return layout
