"""Orders, their lines and payments, with a consistent lifecycle: ordered -> paid -> shipped -> delivered."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stocktake.demo.behaviour import HOUR_WEIGHTS
from stocktake.demo.table import AS_OF_TS, DAY, Table

ORDER_DAYS = 60  # orders reach further back than the log, so most have been delivered by AS_OF
PAY_METHODS = ("alipay", "wechat_pay", "credit_card", "huabei", "union_pay")
PAY_METHOD_P = np.array([0.55, 0.30, 0.07, 0.06, 0.02])


@dataclass
class OrderBook:
    orders: Table
    order_items: Table
    payments: Table


def _lifecycle(ordered: int, rng: np.random.Generator) -> tuple[str, int | None, int | None, int | None]:
    """Status and timestamps an order has reached by AS_OF."""
    if rng.random() < 0.05:  # never paid
        return ("cancelled" if AS_OF_TS - ordered > DAY else "created"), None, None, None
    paid = ordered + int(rng.lognormal(np.log(120), 0.8)) + 5
    if paid > AS_OF_TS:
        return "created", None, None, None
    if rng.random() < 0.02:  # paid, then cancelled before shipping (refunded)
        return "cancelled", paid, None, None
    shipped = paid + int(rng.integers(6 * 3600, 48 * 3600))
    if shipped > AS_OF_TS:
        return "paid", paid, None, None
    delivered = shipped + int(rng.integers(DAY, 5 * DAY))
    if delivered > AS_OF_TS:
        return "shipped", paid, shipped, None
    return ("refunded" if rng.random() < 0.02 else "delivered"), paid, shipped, delivered


def make_orders(
    n: int,
    user_ids: list[int],
    user_weight: np.ndarray,
    item_ids: list[int],
    prices: list[float],
    item_weight: np.ndarray,
    rng: np.random.Generator,
) -> OrderBook:
    days = rng.integers(0, ORDER_DAYS, size=n)
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    ordered_at = np.sort(
        AS_OF_TS - ORDER_DAYS * DAY + days * DAY + hours * 3600 + rng.integers(0, 3600, size=n)
    )
    order_ids = (100_000_000 + np.cumsum(rng.integers(1, 6, size=n))).tolist()
    buyers = rng.choice(len(user_ids), size=n, p=user_weight / user_weight.sum())
    item_p = item_weight / item_weight.sum()

    o: dict[str, list] = {c: [] for c in ("order_id", "user_id", "status", "ordered_at", "paid_at", "shipped_at", "delivered_at", "total_amount")}  # fmt: skip
    li: dict[str, list] = {c: [] for c in ("order_id", "line_no", "item_id", "quantity", "unit_price")}
    pay: dict[str, list] = {c: [] for c in ("payment_id", "order_id", "method", "amount", "paid_at")}
    for k in range(n):
        order_id, ordered = order_ids[k], int(ordered_at[k])
        n_lines = int(rng.choice(4, p=[0.70, 0.20, 0.07, 0.03])) + 1
        lines = rng.choice(len(item_ids), size=n_lines, replace=False, p=item_p)
        total = 0.0
        for line_no, item in enumerate(lines.tolist(), start=1):
            quantity = int(rng.choice(3, p=[0.85, 0.10, 0.05])) + 1
            unit_price = round(prices[item] * float(rng.choice([1.0, 1.0, 1.0, 0.95, 0.9, 0.85])), 2)
            total += quantity * unit_price
            for col, value in zip(li, (order_id, line_no, item_ids[item], quantity, unit_price), strict=True):
                li[col].append(value)
        total = round(total, 2)
        status, paid, shipped, delivered = _lifecycle(ordered, rng)
        row = (order_id, user_ids[buyers[k]], status, ordered, paid, shipped, delivered, total)
        for col, value in zip(o, row, strict=True):
            o[col].append(value)
        if paid is not None:
            _add_payments(pay, order_id, total, paid, rng)

    return OrderBook(
        orders=Table(
            "orders",
            o,
            {
                "order_id": "int",
                "user_id": "int",
                "status": "str",
                "ordered_at": "ts",
                "paid_at": "ts",
                "shipped_at": "ts",
                "delivered_at": "ts",
                "total_amount": "float",
            },
            key=("order_id",),
        ),
        order_items=Table(
            "order_items",
            li,
            {"order_id": "int", "line_no": "int", "item_id": "int", "quantity": "int", "unit_price": "float"},
            key=("order_id", "line_no"),
        ),
        payments=Table(
            "payments",
            pay,
            {"payment_id": "int", "order_id": "int", "method": "str", "amount": "float", "paid_at": "ts"},
            key=("payment_id",),
        ),
    )


def _add_payments(
    pay: dict[str, list], order_id: int, total: float, paid: int, rng: np.random.Generator
) -> None:
    """One payment, or a split between a credit line (huabei) and a wallet, as shoppers do."""
    if rng.random() < 0.06 and total > 20:
        first = round(total * float(rng.uniform(0.2, 0.8)), 2)
        parts = [
            ("huabei", first, paid),
            ("alipay", round(total - first, 2), paid + int(rng.integers(1, 30))),
        ]
    else:
        method = PAY_METHODS[int(rng.choice(len(PAY_METHODS), p=PAY_METHOD_P))]
        parts = [(method, total, paid)]
    for method, amount, at in parts:
        pay["payment_id"].append(len(pay["payment_id"]) + 1)
        pay["order_id"].append(order_id)
        pay["method"].append(method)
        pay["amount"].append(amount)
        pay["paid_at"].append(at)
