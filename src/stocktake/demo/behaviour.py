"""The Taobao-style behaviour log: pv / cart / fav / buy events over the 30 days before AS_OF.

Events are drawn vectorised with numpy: users by a log-normal activity weight, items by Zipf
popularity, days with a weekly rhythm, hours with the evening peak of a shopping app.
"""

from __future__ import annotations

import numpy as np

from stocktake.demo.table import AS_OF_TS, DAY, LOG_DAYS, Table

LOG_START_TS = AS_OF_TS - LOG_DAYS * DAY
BEHAVIOURS = np.array(["pv", "cart", "fav", "buy"])
BEHAVIOUR_P = np.array([0.895, 0.055, 0.03, 0.02])  # the funnel: views dwarf carts, favourites and buys
CHANNELS = np.array(["app_android", "app_ios", "mini_program", "h5", "pc"])
CHANNEL_P = np.array([0.45, 0.30, 0.12, 0.08, 0.05])
# Relative traffic per hour of day: quiet before dawn, peak after 20:00.
HOUR_WEIGHTS = np.array(
    [2.0, 1.2, 0.7, 0.4, 0.3, 0.3, 0.6, 1.2, 2.0, 2.8, 3.2, 3.4,
     3.6, 3.3, 3.2, 3.3, 3.5, 3.6, 3.8, 4.4, 5.2, 5.8, 5.0, 3.4]
)  # fmt: skip
LOG_COLUMNS = ("user_id", "item_id", "category_id", "behaviour_type", "event_time", "session_id", "channel")


def day_weights(skip_day: int, spike_day: int, spike_factor: float) -> np.ndarray:
    """Daily traffic: weekends a little busier; `skip_day` empty, `spike_day` multiplied."""
    weights = np.ones(LOG_DAYS)
    for d in range(LOG_DAYS):
        weekday = ((LOG_START_TS + d * DAY) // DAY + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        weights[d] = {4: 1.05, 5: 1.15, 6: 1.15}.get(int(weekday), 1.0)
    weights[skip_day] = 0.0
    weights[spike_day] *= spike_factor
    return weights / weights.sum()


def session_ids(seed: int, user_idx: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """A 16-hex-digit session id per (user, 4-hour slot), mixed like splitmix64 so it looks random."""
    with np.errstate(over="ignore"):
        x = (
            (user_idx.astype(np.uint64) << np.uint64(20))
            ^ slot.astype(np.uint64)
            ^ np.uint64(seed * 0x9E3779B9)
        )
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return np.char.mod("%016x", x)


def human_events(
    n: int,
    user_ids: np.ndarray,
    user_weight: np.ndarray,
    item_ids: np.ndarray,
    item_category: np.ndarray,
    item_weight: np.ndarray,
    days: np.ndarray,
    seed: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    users = rng.choice(len(user_ids), size=n, p=user_weight / user_weight.sum())
    items = rng.choice(len(item_ids), size=n, p=item_weight / item_weight.sum())
    day = rng.choice(LOG_DAYS, size=n, p=days)
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    second = rng.integers(0, 3600, size=n)
    event_time = LOG_START_TS + day * DAY + hour * 3600 + second
    # Most people shop from one device; a few switch.
    home_channel = rng.choice(len(CHANNELS), size=len(user_ids), p=CHANNEL_P)
    channel = np.where(
        rng.random(n) < 0.85, home_channel[users], rng.choice(len(CHANNELS), size=n, p=CHANNEL_P)
    )
    return {
        "user_id": user_ids[users],
        "item_id": item_ids[items],
        "category_id": item_category[items],
        "behaviour_type": BEHAVIOURS[rng.choice(4, size=n, p=BEHAVIOUR_P)],
        "event_time": event_time,
        "session_id": session_ids(seed, users, day * 6 + hour // 4),
        "channel": CHANNELS[channel],
    }


def crawler_events(
    user_id: int,
    interval_s: int,
    per_night: int,
    nights: list[int],
    item_ids: np.ndarray,
    item_category: np.ndarray,
    seed: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """A scraper logged in as a shopper: page views at a fixed interval, sweeping the catalogue in order."""
    order = np.argsort(item_ids)
    start_item = int(rng.integers(len(order)))
    times, slots = [], []
    for night in nights:
        start = LOG_START_TS + night * DAY + 3600 + int(rng.integers(0, 1800))  # 01:00-01:30
        times.append(start + interval_s * np.arange(per_night))
        slots.append(np.full(per_night, night))
    event_time = np.concatenate(times)
    n = len(event_time)
    picked = order[(start_item + np.arange(n)) % len(order)]
    return {
        "user_id": np.full(n, user_id),
        "item_id": item_ids[picked],
        "category_id": item_category[picked],
        "behaviour_type": np.full(n, "pv"),
        "event_time": event_time,
        "session_id": session_ids(seed + 1, np.full(n, user_id % 1_000_000), np.concatenate(slots)),
        "channel": np.full(n, "pc"),
    }


def drop_key_collisions(events: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Keep (user_id, item_id, event_time) unique, so truth keys name exactly one row."""
    key = np.stack([events["user_id"], events["item_id"], events["event_time"]], axis=1)
    _, first = np.unique(key, axis=0, return_index=True)
    keep = np.sort(first)
    return {c: v[keep] for c, v in events.items()}


def concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {c: np.concatenate([p[c] for p in parts]) for c in LOG_COLUMNS}


def to_log_table(events: dict[str, np.ndarray]) -> Table:
    """Sort like a log (by time, then user) and hand over as a Table; duplicates stay adjacent."""
    order = np.lexsort((events["item_id"], events["user_id"], events["event_time"]))
    return Table(
        name="behaviour_log",
        columns={c: events[c][order].tolist() for c in LOG_COLUMNS},
        kinds={
            "user_id": "int",
            "item_id": "int",
            "category_id": "int",
            "behaviour_type": "str",
            "event_time": "ts",
            "session_id": "str",
            "channel": "str",
        },
        key=("user_id", "item_id", "event_time"),
    )
