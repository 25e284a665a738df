"""Search queries as a shopper types them (mostly Chinese, some English), with the clicked result."""

from __future__ import annotations

import numpy as np

from stocktake.demo.behaviour import HOUR_WEIGHTS, LOG_START_TS
from stocktake.demo.catalog import Catalog
from stocktake.demo.lexicon_catalog import QUERY_MODIFIERS
from stocktake.demo.table import DAY, LOG_DAYS, Table


def _query_text(
    brand: tuple[str, str], line: tuple[str, str], noun: tuple[str, str], rng: np.random.Generator
) -> str:
    modifier = QUERY_MODIFIERS[int(rng.integers(len(QUERY_MODIFIERS)))]
    if rng.random() < 0.65:  # Chinese: words run together, as typed on a phone
        forms = (
            f"{brand[1]}{noun[1]}",
            f"{brand[1]} {line[1]}",
            noun[1],
            f"{line[1]}",
            f"{noun[1]} {modifier[1]}",
            f"{brand[1]}{line[1]}{noun[1]}",
        )
    else:
        forms = (
            f"{brand[0]} {line[0]}".lower(),
            f"{brand[0]} {noun[0]}".lower(),
            f"{noun[0]} {modifier[0]}".lower(),
            line[0].lower(),
            f"{brand[0]} {line[0]} {noun[0]}",
        )
    return forms[int(rng.integers(len(forms)))]


def make_search_queries(
    n: int,
    user_ids: np.ndarray,
    user_weight: np.ndarray,
    catalog: Catalog,
    item_weight: np.ndarray,
    rng: np.random.Generator,
) -> Table:
    item_ids = catalog.products.columns["item_id"]
    by_leaf: dict[int, list[int]] = {}
    for row, leaf in enumerate(catalog.leaf_of):
        by_leaf.setdefault(leaf, []).append(row)
    users = rng.choice(len(user_ids), size=n, p=user_weight / user_weight.sum())
    targets = rng.choice(len(item_ids), size=n, p=item_weight / item_weight.sum())
    day = rng.integers(0, LOG_DAYS, size=n)
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    event_time = LOG_START_TS + day * DAY + hour * 3600 + rng.integers(0, 3600, size=n)
    order = np.argsort(event_time, kind="stable")

    cols: dict[str, list] = {c: [] for c in ("query_id", "user_id", "query_text", "event_time", "clicked_item_id", "position")}  # fmt: skip
    for query_id, k in enumerate(order.tolist(), start=1):
        target = int(targets[k])
        leaf = catalog.leaf_of[target]
        brand, line, noun = catalog.parts[target]
        cols["query_id"].append(query_id)
        cols["user_id"].append(int(user_ids[users[k]]))
        cols["query_text"].append(_query_text(brand, line, noun, rng))
        cols["event_time"].append(int(event_time[k]))
        if rng.random() < 0.62:  # the shopper clicked something, usually near the top
            siblings = by_leaf[leaf]
            clicked = target if rng.random() < 0.5 else siblings[int(rng.integers(len(siblings)))]
            cols["clicked_item_id"].append(item_ids[clicked])
            cols["position"].append(min(48, int(rng.geometric(0.25))))
        else:
            cols["clicked_item_id"].append(None)
            cols["position"].append(None)
    return Table(
        "search_queries",
        cols,
        {
            "query_id": "int",
            "user_id": "int",
            "query_text": "str",
            "event_time": "ts",
            "clicked_item_id": "int",
            "position": "int",
        },
        key=("query_id",),
    )
