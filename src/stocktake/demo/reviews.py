"""Product reviews written a few days after delivery, in Chinese or English, mostly glowing."""

from __future__ import annotations

import numpy as np

from stocktake.demo.orders import OrderBook
from stocktake.demo.table import AS_OF_TS, DAY, Table

RATING_P = np.array([0.08, 0.04, 0.08, 0.20, 0.60])  # 1..5 stars: J-shaped, as on real marketplaces

SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "good": (
            "质量很好，物流也快，好评！",
            "宝贝收到了，和描述一致，很满意。",
            "第二次回购了，性价比很高。",
            "包装很严实，客服态度也好。",
            "颜色很正，尺码合适，推荐购买。",
            "用了一周，效果不错，会继续支持。",
        ),
        "mixed": (
            "东西还可以，就是物流有点慢。",
            "一般般吧，对得起这个价格。",
            "包装有点破损，商品本身没问题。",
        ),
        "bad": (
            "有点失望，做工一般。",
            "物流太慢了，等了一个星期。",
            "和图片差别很大，不推荐。",
            "用了两天就坏了，正在申请退货。",
        ),
    },
    "en": {
        "good": (
            "Great quality and fast delivery.",
            "Exactly as described, very happy with it.",
            "Second time buying, good value for money.",
            "Well packed and the seller was helpful.",
            "Fits perfectly, would recommend.",
        ),
        "mixed": (
            "It's okay for the price.",
            "Product is fine but shipping took long.",
            "Box was a bit damaged, item works.",
        ),
        "bad": (
            "Disappointed, the quality is poor.",
            "Stopped working after two days, returning it.",
            "Looks nothing like the pictures.",
        ),
    },
}


def review_text(rating: int, rng: np.random.Generator) -> str:
    lang = "zh" if rng.random() < 0.7 else "en"
    mood = "good" if rating >= 4 else "mixed" if rating == 3 else "bad"
    pool = SENTENCES[lang][mood]
    picks = rng.choice(len(pool), size=int(rng.integers(1, 3)), replace=False)
    joiner = "" if lang == "zh" else " "
    return joiner.join(pool[i] for i in picks.tolist())


def make_reviews(book: OrderBook, rng: np.random.Generator) -> Table:
    orders = book.orders.columns
    delivered = {
        orders["order_id"][i]: (orders["user_id"][i], orders["delivered_at"][i])
        for i in range(len(book.orders))
        if orders["status"][i] == "delivered"
    }
    items = book.order_items.columns
    drafts: list[tuple[int, int, int, int, int]] = []  # created_at, order_id, item_id, user_id, rating
    for i in range(len(book.order_items)):
        order_id = items["order_id"][i]
        if order_id not in delivered or rng.random() >= 0.45:
            continue
        user_id, delivered_at = delivered[order_id]
        created = delivered_at + int(rng.lognormal(np.log(2 * DAY), 0.7))
        if created >= AS_OF_TS:
            continue
        rating = int(rng.choice(5, p=RATING_P)) + 1
        drafts.append((created, order_id, items["item_id"][i], user_id, rating))
    drafts.sort()
    cols: dict[str, list] = {c: [] for c in ("review_id", "order_id", "item_id", "user_id", "rating", "review_text", "created_at")}  # fmt: skip
    for review_id, (created, order_id, item_id, user_id, rating) in enumerate(drafts, start=1):
        for col, value in zip(
            cols,
            (review_id, order_id, item_id, user_id, rating, review_text(rating, rng), created),
            strict=True,
        ):
            cols[col].append(value)
    return Table(
        "reviews",
        cols,
        {
            "review_id": "int",
            "order_id": "int",
            "item_id": "int",
            "user_id": "int",
            "rating": "int",
            "review_text": "str",
            "created_at": "ts",
        },
        key=("review_id",),
    )
